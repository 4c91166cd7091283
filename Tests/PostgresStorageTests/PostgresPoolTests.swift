import Foundation
import PostgresStorage
import Testing

@Suite(.enabled(if: TestPostgres.isEnabled, "set SE_POSTGRES_URL (scripts/postgres.sh starts a cluster and prints it)"))
struct PostgresPoolTests {
    @Test func lendsConnectionsAndKeepsThem() throws {
        try TestPostgres.withSchema("pool") { configuration in
            let pool = PostgresPool(configuration: configuration, size: 2)
            let first = try pool.withConnection { $0.backendPID }
            let second = try pool.withConnection { $0.backendPID }
            #expect(first == second)  // the idle connection was lent again
            #expect(pool.openConnections == 1)
            let value = try pool.transaction { connection in try connection.query("SELECT 5")[0].decode(Int.self, at: 0) }
            #expect(value == 5)
        }
    }

    @Test func givesUpWithAClearErrorWhenEveryConnectionStaysBusy() throws {
        try TestPostgres.withSchema("exhausted") { configuration in
            let pool = PostgresPool(configuration: configuration, size: 1, waitTimeout: 0.3)
            let holding = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            let done = DispatchGroup()
            done.enter()
            Thread.detachNewThread {
                _ = try? pool.withConnection { _ in
                    holding.signal()
                    release.wait()
                }
                done.leave()
            }
            holding.wait()
            let started = Date()
            #expect(throws: PostgresError.poolExhausted(size: 1, waitedSeconds: 0.3)) {
                try pool.withConnection { _ in }
            }
            let waited = Date().timeIntervalSince(started)
            #expect(waited >= 0.29 && waited < 5)
            #expect(PostgresError.poolExhausted(size: 1, waitedSeconds: 0.3).description.contains("pool size"))
            release.signal()
            done.wait()
            // Once the connection is back, the next caller gets it.
            let answer = try pool.withConnection { try $0.query("SELECT 1")[0].decode(Int.self, at: 0) }
            #expect(answer == 1)
        }
    }

    @Test func manyThreadsShareTheBoundedPool() throws {
        try TestPostgres.withSchema("threads") { configuration in
            let pool = PostgresPool(configuration: configuration, size: 4, waitTimeout: 30)
            try pool.withConnection { try $0.executeScript("CREATE TABLE hits (thread int, n int)") }
            let failures = LockedBox<[String]>([])
            let inFlight = LockedBox((now: 0, most: 0))
            let threads = 16, rounds = 40
            runThreads(threads) { thread in
                for round in 0..<rounds {
                    do {
                        try pool.transaction { connection in
                            inFlight.update { $0.now += 1; $0.most = max($0.most, $0.now) }
                            defer { inFlight.update { $0.now -= 1 } }
                            try connection.execute("INSERT INTO hits VALUES ($1, $2)", thread, round)
                            let mine: Int = try connection.query("SELECT count(*) FROM hits WHERE thread = $1", thread)[0].decode(at: 0)
                            if mine != round + 1 { failures.update { $0.append("thread \(thread) saw \(mine) rows in round \(round)") } }
                        }
                    } catch {
                        failures.update { $0.append("\(error)") }
                    }
                }
            }
            #expect(failures.current.isEmpty, "\(failures.current.prefix(3))")
            #expect(inFlight.current.most <= 4)
            #expect(inFlight.current.most >= 2)  // the pool did lend several connections at once
            #expect(pool.openConnections <= 4)
            let rows = try pool.withConnection { try $0.query("SELECT count(*) FROM hits")[0].decode(Int.self, at: 0) }
            #expect(rows == threads * rounds)
        }
    }

    @Test func rollsBackWhatABorrowerLeftOpenAndReplacesALostConnection() throws {
        try TestPostgres.withSchema("poolrepair") { configuration in
            let pool = PostgresPool(configuration: configuration, size: 1)
            try pool.withConnection { try $0.executeScript("CREATE TABLE t (v int)") }
            // A borrower that began a transaction by hand and returned without ending it.
            try pool.withConnection { connection in
                try connection.executeScript("BEGIN; INSERT INTO t VALUES (1)")
            }
            #expect(try pool.withConnection { try $0.query("SELECT count(*) FROM t")[0].decode(Int.self, at: 0) } == 0)

            // The server ends the pooled connection while it is idle: the next borrower still gets a working one.
            let pid = try pool.withConnection { $0.backendPID }
            let admin = try PostgresConnection(configuration: configuration)
            try admin.query("SELECT pg_terminate_backend($1)", pid)
            try waitUntilGone(pid, admin: admin)
            let (answer, newPID) = try pool.withConnection { connection in
                (try connection.query("SELECT 3")[0].decode(Int.self, at: 0), connection.backendPID)
            }
            #expect(answer == 3)
            #expect(newPID != pid)

            // A borrower whose connection broke mid-statement: the pool drops it and opens another.
            #expect(throws: PostgresError.self) {
                try pool.withConnection { try $0.query("SELECT pg_terminate_backend(pg_backend_pid())") }
            }
            #expect(try pool.withConnection { try $0.query("SELECT 4")[0].decode(Int.self, at: 0) } == 4)
            #expect(pool.openConnections == 1)
        }
    }

    @Test func aClosedPoolRefusesLoans() throws {
        try TestPostgres.withSchema("closed") { configuration in
            let pool = PostgresPool(configuration: configuration, size: 2)
            _ = try pool.withConnection { $0.backendPID }
            pool.close()
            #expect(pool.openConnections == 0)
            #expect(throws: PostgresError.poolClosed) { try pool.withConnection { _ in } }
        }
    }
}
