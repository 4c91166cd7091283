import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Synchronization
import Testing
@testable import TrainingServer

@Suite struct StoreTests {
    @Test func foreignKeysAreEnforced() throws {
        let temporary = try TemporaryStore()
        #expect(throws: DatabaseError.self) {
            try temporary.store.write { db in
                try db.execute(sql: """
                    INSERT INTO users (login, display_name, department_id, password_hash, created_at, updated_at)
                    VALUES ('ghost', 'Ghost', 999, 'x', 0, 0)
                    """)
            }
        }
        let users = SQLiteUserRepository(store: temporary.store, clock: { 0 })
        #expect(throws: DatabaseError.self) {
            try users.create(NewUser(login: "ghost", displayName: "Ghost", departmentID: DepartmentID(rawValue: 999),
                                     passwordHash: "x", roles: []), by: .system)
        }
        #expect(try users.all().isEmpty)
    }

    @Test func aFailedWriteCommitsNothing() throws {
        let temporary = try TemporaryStore()
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try temporary.store.write { db in
                try db.execute(sql: "INSERT INTO settings (key, value) VALUES ('a', '1')")
                throw Abort()
            }
        }
        #expect(try temporary.store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM settings WHERE key = 'a'") } == 0)
    }

    @Test func writesReturnTheirResultAndAreVisibleToReaders() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.store.write { db in
            try db.execute(sql: "INSERT INTO settings (key, value) VALUES ('k', 'v')")
            return 7
        }
        #expect(id == 7)
        #expect(try temporary.store.read { db in try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'k'") } == "v")
        #expect(temporary.store.isHealthy())
        #expect(temporary.store.totalWaitSeconds >= 0)
    }

    @Test func concurrentWritesCommitTogetherAndAFailingOneChangesOnlyItself() throws {
        let temporary = try TemporaryStore()
        let store = temporary.store
        struct Abort: Error, Equatable { let index: Int }
        let writers = 12, writes = 40
        let outcomes = Mutex<[Int: Result<Int, any Error>]>([:])
        DispatchQueue.concurrentPerform(iterations: writers) { writer in
            for write in 0..<writes {
                let index = writer * writes + write
                let outcome = Result<Int, any Error> {
                    try store.write { db in
                        try db.execute(sql: "INSERT INTO settings (key, value) VALUES (?, ?)",
                                       arguments: ["k\(index)", String(index)])
                        switch index % 9 {
                        case 4: throw Abort(index: index)
                        // A constraint failure inside the batch: the key exists already.
                        case 7: try db.execute(sql: "INSERT INTO settings (key, value) VALUES (?, 'again')",
                                               arguments: ["k\(index)"])
                        default: break
                        }
                        return index * 2
                    }
                }
                outcomes.withLock { $0[index] = outcome }
            }
        }
        let stored = try store.read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT key, value FROM settings WHERE key LIKE 'k%'")
                .map { ($0[0] as String, $0[1] as String) })
        }
        let all = outcomes.withLock { $0 }
        #expect(all.count == writers * writes)
        for (index, outcome) in all {
            switch index % 9 {
            case 4:
                #expect(throws: Abort(index: index)) { try outcome.get() }
                #expect(stored["k\(index)"] == nil)
            case 7:
                #expect(throws: DatabaseError.self) { try outcome.get() }
                #expect(stored["k\(index)"] == nil)
            default:
                #expect(try outcome.get() == index * 2)
                #expect(stored["k\(index)"] == String(index))
            }
        }
        #expect(stored.count == all.keys.filter { $0 % 9 != 4 && $0 % 9 != 7 }.count)
    }

    @Test func writesThatWaitWhileAnotherCommitsAreCommittedTogether() throws {
        let temporary = try TemporaryStore()
        let store = temporary.store
        let before = store.group.transactions.load(ordering: .relaxed)
        // A thread per write (a dispatch pool would run only as many at once as there are cores).
        let values = Mutex<[Int: Int]>([:])
        let done = DispatchGroup()
        for index in 0..<11 {
            done.enter()
            Thread {
                if index > 0 { Thread.sleep(forTimeInterval: 0.1) }
                let value = try? store.write { db in
                    try db.execute(sql: "INSERT INTO settings (key, value) VALUES (?, 'v')", arguments: ["w\(index)"])
                    // The first write holds its transaction while the others queue behind it.
                    if index == 0 { Thread.sleep(forTimeInterval: 0.5) }
                    return index
                }
                values.withLock { $0[index] = value }
                done.leave()
            }.start()
        }
        done.wait()
        #expect(values.withLock { $0 } == Dictionary(uniqueKeysWithValues: (0..<11).map { ($0, $0) }))
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM settings WHERE key LIKE 'w%'") } == 11)
        #expect(store.group.transactions.load(ordering: .relaxed) - before < 11)
    }

    /// GRDB's pool sets `synchronous = NORMAL` when it turns WAL on (a commit synced only at the next checkpoint);
    /// the store's writer runs with FULL, so a write that returned is on disk.
    @Test func commitsAreSyncedToDisk() throws {
        let temporary = try TemporaryStore()
        #expect(try temporary.store.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 2)
        #expect(try temporary.store.pool.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA synchronous")
        } == 2)
    }

    /// A write alone in its batch runs in the transaction itself, without a savepoint; if it fails, nothing of it
    /// is committed and the next write commits.
    @Test func aLoneWriteRunsWithoutASavepoint() throws {
        let temporary = try TemporaryStore()
        let store = temporary.store
        final class Statements: Sendable { let list = Mutex<[String]>([]) }
        let statements = Statements()
        try store.write { db in db.trace { event in statements.list.withLock { $0.append("\(event)") } } }
        try store.write { db in try db.execute(sql: "INSERT INTO settings (key, value) VALUES ('alone', '1')") }
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try store.write { db in
                try db.execute(sql: "INSERT INTO settings (key, value) VALUES ('failed', '1')")
                throw Abort()
            }
        }
        try store.write { db in db.trace(options: [], nil) }
        let traced = statements.list.withLock { $0 }
        #expect(traced.contains("INSERT INTO settings (key, value) VALUES ('alone', '1')"))
        #expect(traced.contains("ROLLBACK TRANSACTION"))
        #expect(!traced.contains { $0.uppercased().contains("SAVEPOINT") })
        #expect(try store.read { db in try String.fetchAll(db, sql: "SELECT key FROM settings WHERE key IN ('alone', 'failed')") }
                == ["alone"])
        try store.write { db in try db.execute(sql: "INSERT INTO settings (key, value) VALUES ('after', '1')") }
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM settings WHERE key = 'after'") } == 1)
    }

    /// Every statement of one read sees the snapshot the read began with, even when a write commits in between;
    /// the next read sees the write.
    @Test func aReadIsOneSnapshotWhileAWriteCommits() throws {
        let temporary = try TemporaryStore()
        let store = temporary.store
        try store.write { db in try db.execute(sql: "INSERT INTO settings (key, value) VALUES ('n', '1')") }
        let (before, after) = try store.read { db -> (String?, String?) in
            let before = try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'n'")
            // Another thread writes and commits while this read is open; the writer does not wait for it.
            let committed = DispatchSemaphore(value: 0)
            Thread {
                try? store.write { db in try db.execute(sql: "UPDATE settings SET value = '2' WHERE key = 'n'") }
                committed.signal()
            }.start()
            #expect(committed.wait(timeout: .now() + 10) == .success, "the write commits while the read is open")
            let after = try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'n'")
            return (before, after)
        }
        #expect(before == "1")
        #expect(after == "1", "the second statement of the read sees the same snapshot")
        #expect(try store.read { db in try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'n'") } == "2")
    }

    /// A read on a connection that read before sees a write committed just before it, at once, every time.
    @Test func aReaderSeesCommittedWritesAtOnce() throws {
        let temporary = try TemporaryStore()
        let store = temporary.store
        let statement = "SELECT value FROM settings WHERE key = 'c'"
        for value in 0..<50 {
            try store.write { db in
                try db.execute(sql: "INSERT INTO settings (key, value) VALUES ('c', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                               arguments: [String(value)])
            }
            #expect(try store.read { db in try String.fetchOne(db.cachedStatement(sql: statement)) } == String(value))
            // And on another thread (another connection, or the same one from another thread).
            let seen = Mutex<String?>(nil)
            let thread = DispatchSemaphore(value: 0)
            Thread {
                seen.withLock { $0 = try? store.read { db in try String.fetchOne(db.cachedStatement(sql: statement)) } }
                thread.signal()
            }.start()
            thread.wait()
            #expect(seen.withLock { $0 } == String(value))
        }
    }

    /// Many threads (more than the store has read connections) read while writes commit: no read fails, and every
    /// read sees the two values one transaction writes as a pair, never one without the other.
    @Test func manyThreadsReadWhileWritesCommit() throws {
        let directory = try TemporaryStore().directory
        let store = try Store(path: directory.appendingPathComponent("reads.sqlite").path, readers: 3)
        try store.write { db in try db.execute(sql: "INSERT INTO settings (key, value) VALUES ('a', '0'), ('b', '0')") }
        let writes = 200
        let writer = DispatchSemaphore(value: 0)
        Thread {
            for value in 1...writes {
                try? store.write { db in
                    try db.execute(sql: "UPDATE settings SET value = ? WHERE key = 'a'", arguments: [String(value)])
                    try db.execute(sql: "UPDATE settings SET value = ? WHERE key = 'b'", arguments: [String(value)])
                }
            }
            writer.signal()
        }.start()
        let failures = Mutex<[String]>([])
        let seen = Mutex<Set<Int>>([])
        DispatchQueue.concurrentPerform(iterations: 12) { _ in
            for _ in 0..<150 {
                do {
                    let (a, b) = try store.read { db -> (Int, Int) in
                        (Int(try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'a'") ?? "") ?? -1,
                         Int(try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'b'") ?? "") ?? -1)
                    }
                    if a != b { failures.withLock { $0.append("a = \(a), b = \(b)") } }
                    _ = seen.withLock { $0.insert(a) }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        writer.wait()
        #expect(failures.withLock { $0 }.isEmpty)
        #expect(try store.read { db in try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'b'") } == String(writes))
        #expect(seen.withLock { $0 }.allSatisfy { (0...writes).contains($0) })
        try store.close()
    }

    /// A read that fails ends its transaction: the connection serves the next read, which sees new writes.
    @Test func aFailedReadLeavesItsConnectionUsable() throws {
        let directory = try TemporaryStore().directory
        let store = try Store(path: directory.appendingPathComponent("one.sqlite").path, readers: 1)
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try store.read { db in
                _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM settings")
                throw Stop()
            }
        }
        #expect(throws: DatabaseError.self) { try store.read { db in try Int.fetchOne(db, sql: "SELECT nothing FROM nowhere") } }
        try store.write { db in try db.execute(sql: "INSERT INTO settings (key, value) VALUES ('after', 'x')") }
        #expect(try store.read { db in try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'after'") } == "x")
        try store.close()
    }

    /// A table created after a connection read is known to the next read on it (GRDB's schema cache is dropped).
    @Test func aReadSeesSchemaChanges() throws {
        let directory = try TemporaryStore().directory
        let store = try Store(path: directory.appendingPathComponent("schema.sqlite").path, readers: 1)
        #expect(try store.read { db in try db.tableExists("later") } == false)
        try store.write { db in try db.execute(sql: "CREATE TABLE later (id INTEGER PRIMARY KEY, name TEXT)") }
        #expect(try store.read { db in try db.tableExists("later") })
        #expect(try store.read { db in try db.columns(in: "later").map(\.name) } == ["id", "name"])
        try store.close()
    }

    /// Closing the store closes the read connections it opened: every later read fails, on every thread.
    @Test func readsAfterCloseFail() throws {
        let directory = try TemporaryStore().directory
        let store = try Store(path: directory.appendingPathComponent("closed.sqlite").path, readers: 3)
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            for _ in 0..<20 { _ = try? store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM settings") } }
        }
        try store.close()
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            do {
                _ = try store.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
            } catch is DatabaseError {
                failures.add(1, ordering: .relaxed)
            } catch {}
        }
        #expect(failures.load(ordering: .relaxed) == 6)
        #expect(throws: DatabaseError.self) { try store.write { db in try db.execute(sql: "DELETE FROM settings") } }
    }

    @Test func aClosedStoreIsUnhealthy() throws {
        let temporary = try TemporaryStore()
        #expect(temporary.store.isHealthy())
        try temporary.store.close()
        #expect(!temporary.store.isHealthy())
        #expect(throws: DatabaseError.self) { try temporary.store.read { db in try Int.fetchOne(db, sql: "SELECT 1") } }
    }

    @Test func backupProducesASoundCopyWithTheData() throws {
        let temporary = try TemporaryStore()
        let departments = SQLiteDepartmentRepository(store: temporary.store, clock: { 1 })
        _ = try departments.ensure(path: ["省政府", "省数据局"], by: .system)
        let destination = temporary.path("backup.sqlite")
        #expect(try temporary.store.backup(to: destination) == "ok")

        let copy = try DatabaseQueue(path: destination)
        let names = try copy.read { db in try String.fetchAll(db, sql: "SELECT name FROM departments ORDER BY id") }
        #expect(names == ["省政府", "省数据局"])
        let auditRows = try copy.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_log") }
        #expect(auditRows == 2)
        try copy.close()

        // The copy opens as a store of its own, with an intact chain.
        let restored = try Store(path: destination)
        #expect(try SQLiteAuditLog(store: restored, clock: { 2 }).verify() == .intact(rows: 2))
    }

    @Test func backupRefusesToOverwrite() throws {
        let temporary = try TemporaryStore()
        let destination = temporary.path("exists.sqlite")
        #expect(FileManager.default.createFile(atPath: destination, contents: Data("keep me".utf8)))
        #expect(throws: StoreError.self) { try temporary.store.backup(to: destination) }
        #expect(try String(contentsOfFile: destination, encoding: .utf8) == "keep me")
    }

    /// Permission bits of `path`.
    private func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? NSNumber).intValue & 0o7777
    }

    @Test func aNewStoreIsReadableByItsOwnerOnly() throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("store-modes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: parent) }
        let path = parent.appendingPathComponent("data/training.sqlite").path
        let store = try Store(path: path, readers: 2)
        _ = try SQLiteDepartmentRepository(store: store, clock: { 1 }).ensure(path: ["省政府"], by: .system)
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(FileManager.default.fileExists(atPath: path + "-shm"))
        #expect(try mode(path) == 0o600)
        #expect(try mode(path + "-wal") == 0o600)
        #expect(try mode(path + "-shm") == 0o600)
        #expect(try mode(parent.appendingPathComponent("data").path) == 0o700)
        #expect(Store.filesReadableByOthers(databasePath: path).isEmpty)
        try store.close()
    }

    @Test func aBackupIsReadableByItsOwnerOnly() throws {
        let temporary = try TemporaryStore()
        let destination = temporary.path("private-backup.sqlite")
        #expect(try temporary.store.backup(to: destination) == "ok")
        #expect(try mode(destination) == 0o600)
    }

    @Test func filesOthersCanReadAreReported() throws {
        let temporary = try TemporaryStore()
        let path = temporary.path("training.sqlite")
        _ = try SQLiteDepartmentRepository(store: temporary.store, clock: { 1 }).ensure(path: ["省政府"], by: .system)
        #expect(chmod(path, 0o644) == 0)
        #expect(chmod(path + "-wal", 0o640) == 0)
        let reported = Store.filesReadableByOthers(databasePath: path)
        #expect(reported.map(\.path) == [path, path + "-wal"])
        #expect(reported.map(\.mode) == [0o644, 0o640])
    }
}
