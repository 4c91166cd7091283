import Foundation
import Logging
import PostgresStorage
import Testing

@Suite(.enabled(if: TestPostgres.isEnabled, "set SE_POSTGRES_URL (scripts/postgres.sh starts a cluster and prints it)"))
struct PostgresConnectionTests {
    // MARK: Parameters and rows

    @Test func everyParameterTypeRoundTrips() throws {
        try TestPostgres.withSchema("params") { configuration in
            let connection = try PostgresConnection(configuration: configuration)
            try connection.executeScript("""
                CREATE TABLE samples (id serial PRIMARY KEY, t text, i bigint, i64 bigint, d float8, b boolean, bin bytea)
                """)
            let bigText = String(repeating: "长文本 long text ✓ ", count: 60_000)  // ~1.3 MB of UTF-8
            var allBytes = Data((0...255).map { UInt8($0) })
            allBytes.append(Data(repeating: 0, count: 1000))
            let bigBytes = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
            let texts = ["it's \"quoted\"", "'; DROP TABLE samples; --", "中文 ✓ 🎓 ñ é", "", "\\x41 back\\slash", "$1",
                         "line\nbreak\ttab", bigText]
            let ints = [0, 1, -1, Int.max, Int.min]
            let doubles: [Double] = [0, 0.1, -1e-300, 1.7976931348623157e308, .pi, .infinity, -.infinity]
            let blobs = [Data(), allBytes, bigBytes]

            for text in texts {
                let id: Int = try connection.query("INSERT INTO samples (t) VALUES ($1) RETURNING id", text)[0].decode(at: 0)
                #expect(try connection.query("SELECT t FROM samples WHERE id = $1", id)[0].decode(String.self, at: 0) == text)
            }
            for value in ints {
                let id: Int = try connection.query("INSERT INTO samples (i, i64) VALUES ($1, $2) RETURNING id",
                                                   value, Int64(value))[0].decode(at: 0)
                let row = try connection.query("SELECT i, i64 FROM samples WHERE id = $1", id)[0]
                #expect(try row.decode(Int.self, named: "i") == value)
                #expect(try row.decode(Int64.self, named: "i64") == Int64(value))
            }
            for value in doubles {
                let id: Int = try connection.query("INSERT INTO samples (d) VALUES ($1) RETURNING id", value)[0].decode(at: 0)
                #expect(try connection.query("SELECT d FROM samples WHERE id = $1", id)[0].decode(Double.self, at: 0) == value)
            }
            let nan: Double = try connection.query("SELECT $1::float8", Double.nan)[0].decode(at: 0)
            #expect(nan.isNaN)
            for value in [true, false] {
                let id: Int = try connection.query("INSERT INTO samples (b) VALUES ($1) RETURNING id", value)[0].decode(at: 0)
                #expect(try connection.query("SELECT b FROM samples WHERE id = $1", id)[0].decode(Bool.self, at: 0) == value)
            }
            for value in blobs {
                let id: Int = try connection.query("INSERT INTO samples (bin) VALUES ($1) RETURNING id", value)[0].decode(at: 0)
                let row = try connection.query("SELECT bin, length(bin) FROM samples WHERE id = $1", id)[0]
                #expect(try row.decode(Data.self, at: 0) == value)
                #expect(try row.decode(Int.self, at: 1) == value.count)  // the server stored bytes, not their text
            }
            // The injection attempt was stored as data: the table is still there with every row.
            let count: Int = try connection.query("SELECT count(*) FROM samples")[0].decode(at: 0)
            #expect(count == texts.count + ints.count + doubles.count + 2 + blobs.count)
        }
    }

    @Test func nullsBindAndReadBack() throws {
        try TestPostgres.withSchema("nulls") { configuration in
            let connection = try PostgresConnection(configuration: configuration)
            try connection.executeScript("CREATE TABLE n (t text, i bigint, b boolean, bin bytea)")
            let noText: String? = nil
            try connection.execute("INSERT INTO n VALUES ($1, $2, $3, $4)", noText, nil, PostgresNull(), Data?.none)
            let row = try connection.query("SELECT t, i, b, bin FROM n")[0]
            #expect(try row.decodeIfPresent(String.self, at: 0) == nil)
            #expect(try row.decodeIfPresent(Int.self, named: "i") == nil)
            #expect(try row.decodeIfPresent(Bool.self, named: "b") == nil)
            #expect(try row.decodeIfPresent(Data.self, named: "bin") == nil)
            #expect(try row.isNull(at: 0) && row.isNull(named: "bin"))
            #expect(throws: PostgresError.unexpectedNull(column: "t")) { try row.decode(String.self, at: 0) }
            // A NULL parameter compares as NULL, not as the text "NULL" or "".
            #expect(try connection.query("SELECT count(*) FROM n WHERE t IS NOT DISTINCT FROM $1", noText)[0].decode(Int.self, at: 0) == 1)
            #expect(try connection.query("SELECT $1::text IS NULL", "")[0].decode(Bool.self, at: 0) == false)
        }
    }

    @Test func rowAccessorsSayWhatIsWrong() throws {
        try TestPostgres.withSchema("accessors") { configuration in
            let connection = try PostgresConnection(configuration: configuration)
            let rows = try connection.query("SELECT 'abc'::text AS word, 42 AS number, '\\x00ff'::bytea AS blob")
            #expect(rows.count == 1)
            #expect(rows.columns.map(\.name) == ["word", "number", "blob"])
            #expect(try rows[0].decode(Int.self, named: "number") == 42)
            #expect(try rows[0].decode(Data.self, named: "blob") == Data([0, 255]))
            #expect(throws: PostgresError.noSuchColumn("missing")) { try rows[0].decode(String.self, named: "missing") }
            #expect(throws: PostgresError.columnOutOfRange(3, count: 3)) { try rows[0].decode(String.self, at: 3) }
            #expect(throws: PostgresError.typeMismatch(column: "word", expected: "Int", text: "abc")) {
                try rows[0].decode(Int.self, named: "word")
            }
            #expect(throws: PostgresError.typeMismatch(column: "word", expected: "Data", text: "abc")) {
                try rows[0].decode(Data.self, named: "word")  // only a bytea column reads as Data
            }
            #expect(try connection.query("SELECT 1 WHERE false").isEmpty)
        }
    }

    @Test func refusesNulInTextAndAWrongParameterCount() throws {
        try TestPostgres.withSchema("refusals") { configuration in
            let connection = try PostgresConnection(configuration: configuration)
            #expect(throws: PostgresError.nulInText(parameter: 2)) { try connection.query("SELECT $1::text, $2::text", "ok", "a\u{0}b") }
            #expect(throws: PostgresError.parameterCount(expected: 2, given: 1, sql: "SELECT $1::int + $2::int")) {
                try connection.query("SELECT $1::int + $2::int", 1)
            }
            // The connection is still fine afterwards.
            #expect(try connection.query("SELECT $1::int + $2::int", 1, 2)[0].decode(Int.self, at: 0) == 3)
        }
    }

    @Test func preparesEachStatementOncePerConnection() throws {
        try TestPostgres.withSchema("prepared") { configuration in
            let connection = try PostgresConnection(configuration: configuration)
            let sql = "SELECT $1::int * 2"
            let before = connection.preparedStatementCount
            for value in 1...5 { #expect(try connection.query(sql, value)[0].decode(Int.self, at: 0) == value * 2) }
            #expect(connection.preparedStatementCount == before + 1)
            // The server agrees: one prepared statement with this text on this session.
            let onServer: Int = try connection.query("SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", sql)[0].decode(at: 0)
            #expect(onServer == 1)
            let total: Int = try connection.query("SELECT count(*) FROM pg_prepared_statements")[0].decode(at: 0)
            #expect(total == connection.preparedStatementCount)
        }
    }

    @Test func queriesPlannedEachRunBindTheirValuesAndPrepareNothing() throws {
        try TestPostgres.withSchema("unprepared") { configuration in
            let connection = try PostgresConnection(configuration: configuration)
            let sql = "SELECT $1::int * 2, $2::text"
            for value in 1...7 {
                let row = try connection.queryPlannedEachRun(sql, [value, nil])[0]
                #expect(try row.decode(Int.self, at: 0) == value * 2)
                #expect(try row.decodeIfPresent(String.self, at: 1) == nil)
            }
            let onServer: Int = try connection.query("SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", sql)[0].decode(at: 0)
            #expect(onServer == 0)
            #expect(throws: PostgresError.nulInText(parameter: 1)) { try connection.queryPlannedEachRun("SELECT $1::text", ["a\u{0}b"]) }
            #expect(throws: PostgresError.self) { try connection.queryPlannedEachRun("SELECT $1::int + $2::int", [1]) }
            // The connection is still fine afterwards.
            #expect(try connection.queryPlannedEachRun("SELECT $1::int + $2::int", [1, 2])[0].decode(Int.self, at: 0) == 3)
        }
    }

    @Test func preparesAgainWhenTheSessionForgotItsStatements() throws {
        try TestPostgres.withSchema("deallocated") { configuration in
            let connection = try PostgresConnection(configuration: configuration)
            try connection.executeScript("CREATE TABLE t (v int)")
            let insert = "INSERT INTO t VALUES ($1)"
            try connection.execute(insert, 1)
            try connection.executeScript("DEALLOCATE ALL")
            try connection.execute(insert, 2)  // ran exactly once more, not twice
            #expect(try connection.query("SELECT array_agg(v ORDER BY v)::text FROM t")[0].decode(String.self, at: 0) == "{1,2}")
            // Inside a transaction the failed statement has aborted it: the error is reported, nothing is run again.
            try connection.executeScript("DEALLOCATE ALL")
            #expect(throws: PostgresError.self) { try connection.transaction { try $0.execute(insert, 3) } }
            #expect(try connection.query("SELECT count(*) FROM t")[0].decode(Int.self, at: 0) == 2)
            try connection.execute(insert, 4)
            #expect(try connection.query("SELECT count(*) FROM t")[0].decode(Int.self, at: 0) == 3)
        }
    }

    @Test func noticesGoToTheLogger() throws {
        try TestPostgres.withSchema("notices") { configuration in
            let messages = LockedBox<[String]>([])
            var logger = Logger(label: "test") { _ in CapturingLogHandler(messages: messages) }
            logger.logLevel = .debug
            let connection = try PostgresConnection(configuration: configuration, logger: logger)
            try connection.executeScript("DROP TABLE IF EXISTS not_there")
            #expect(messages.current.contains { $0.contains("NOTICE") && $0.contains("not_there") })
        }
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["PGPASSFILE"] != nil, "needs PGPASSFILE (scripts/postgres.sh writes one)"))
    func leavesThePasswordToLibpqsPassfile() throws {
        var configuration = try TestPostgres.baseConfiguration()
        configuration.password = nil
        let connection = try PostgresConnection(configuration: configuration)
        #expect(try connection.query("SELECT current_user")[0].decode(String.self, at: 0) == configuration.user)
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["SE_POSTGRES_CA_FILE"] != nil,
                   "needs SE_POSTGRES_CA_FILE (scripts/postgres.sh gives the cluster a TLS certificate)"))
    func usesTLSAsTheURLsSSLModeSays() throws {
        let base = try TestPostgres.baseConfiguration()
        let certificate = ProcessInfo.processInfo.environment["SE_POSTGRES_CA_FILE"] ?? ""
        func connect(_ query: String, host: String = "127.0.0.1") throws -> PostgresConnection {
            var configuration = try PostgresConfiguration.parse("postgres://\(base.user)@\(host):\(base.port)/\(base.database)?\(query)")
            configuration.password = base.password
            return try PostgresConnection(configuration: configuration)
        }
        let sslInUse = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
        let verified = try connect("sslmode=verify-full&sslrootcert=\(certificate)")
        #expect(try verified.query(sslInUse)[0].decode(Bool.self, at: 0))
        let plain = try connect("sslmode=disable")
        #expect(try plain.query(sslInUse)[0].decode(Bool.self, at: 0) == false)
        // verify-full checks the name: the certificate is for 127.0.0.1, not for localhost.
        #expect { try connect("sslmode=verify-full&sslrootcert=\(certificate)", host: "localhost") } throws: { error in
            guard case .connectionFailed(let message) = error as? PostgresError else { return false }
            return message.contains("does not match host name")
        }
    }

    // MARK: Errors, provoked for real

    @Test func mapsConstraintViolations() throws {
        try TestPostgres.withSchema("constraints") { configuration in
            let connection = try PostgresConnection(configuration: configuration)
            try connection.executeScript("""
                CREATE TABLE parent (id int PRIMARY KEY, code text CONSTRAINT parent_code_key UNIQUE);
                CREATE TABLE child (id int PRIMARY KEY, parent_id int CONSTRAINT child_parent_fk REFERENCES parent (id),
                                    hours int CONSTRAINT child_hours_positive CHECK (hours > 0));
                INSERT INTO parent VALUES (1, 'a');
                """)
            #expect { try connection.execute("INSERT INTO parent VALUES ($1, $2)", 2, "a") } throws: { error in
                guard case .uniqueViolation(let constraint, let message) = error as? PostgresError else { return false }
                return constraint == "parent_code_key" && message.contains("duplicate key")
            }
            #expect { try connection.execute("INSERT INTO child VALUES ($1, $2, $3)", 1, 99, 1) } throws: { error in
                guard case .foreignKeyViolation(let constraint, _) = error as? PostgresError else { return false }
                return constraint == "child_parent_fk"
            }
            #expect { try connection.execute("INSERT INTO child VALUES ($1, $2, $3)", 1, 1, -5) } throws: { error in
                guard case .checkViolation(let constraint, _) = error as? PostgresError else { return false }
                return constraint == "child_hours_positive"
            }
            #expect { try connection.executeScript("SELEC 1") } throws: { error in
                guard case .server(let state, let message) = error as? PostgresError else { return false }
                return state == "42601" && message.contains("syntax error")
            }
            #expect { try connection.query("SELECT * FROM no_such_table") } throws: { error in
                (error as? PostgresError)?.sqlState == "42P01"
            }
            // None of these broke the connection.
            #expect(connection.reconnectCount == 0)
            #expect(try connection.query("SELECT count(*) FROM child")[0].decode(Int.self, at: 0) == 0)
        }
    }

    @Test func refusesToConnectWithAClearReason() throws {
        var wrongPassword = try TestPostgres.baseConfiguration()
        wrongPassword.password = "not-the-password"
        #expect { try PostgresConnection(configuration: wrongPassword) } throws: { error in
            guard case .connectionFailed(let message) = error as? PostgresError else { return false }
            return message.contains("password authentication failed") && !message.contains("not-the-password")
        }
        var closedPort = try TestPostgres.baseConfiguration()
        closedPort.port = 1
        #expect { try PostgresConnection(configuration: closedPort) } throws: { error in
            guard case .connectionFailed(let message) = error as? PostgresError else { return false }
            return message.contains("127.0.0.1") || message.contains("connection")
        }
        var badSchema = try TestPostgres.baseConfiguration()
        badSchema.schema = "x; DROP"
        #expect { try PostgresConnection(configuration: badSchema) } throws: { error in
            if case .invalidConfiguration = error as? PostgresError { return true }
            return false
        }
    }

    @Test func detectsADeadlock() throws {
        try TestPostgres.withSchema("deadlock") { configuration in
            let setup = try PostgresConnection(configuration: configuration)
            try setup.executeScript("CREATE TABLE accounts (id int PRIMARY KEY, balance int); INSERT INTO accounts VALUES (1, 0), (2, 0)")
            let errors = LockedBox<[PostgresError]>([])
            let bothLocked = DispatchGroup()
            bothLocked.enter(); bothLocked.enter()
            runThreads(2) { index in
                do {
                    let connection = try PostgresConnection(configuration: configuration)
                    let first = index == 0 ? 1 : 2, second = index == 0 ? 2 : 1
                    try connection.transaction { connection in
                        try connection.execute("UPDATE accounts SET balance = balance + 1 WHERE id = $1", first)
                        bothLocked.leave()
                        bothLocked.wait()
                        try connection.execute("UPDATE accounts SET balance = balance + 1 WHERE id = $1", second)
                    }
                } catch let error as PostgresError {
                    errors.update { $0.append(error) }
                } catch {
                    Issue.record(error)
                }
            }
            // The server broke the cycle by failing exactly one of the two; the other committed.
            #expect(errors.current.count == 1)
            #expect { if let error = errors.current.first { throw error } } throws: { error in
                guard case .deadlock(let message) = error as? PostgresError else { return false }
                return message.contains("deadlock") && (error as? PostgresError)?.isRetryable == true
            }
            #expect(try setup.query("SELECT sum(balance) FROM accounts")[0].decode(Int.self, at: 0) == 2)
        }
    }

    // MARK: Transactions

    @Test func commitsAndRollsBack() throws {
        try TestPostgres.withSchema("transactions") { configuration in
            let connection = try PostgresConnection(configuration: configuration)
            let other = try PostgresConnection(configuration: configuration)
            try connection.executeScript("CREATE TABLE t (v int)")
            let returned = try connection.transaction { connection in
                try connection.execute("INSERT INTO t VALUES ($1)", 1)
                // Not visible to another session before COMMIT.
                #expect(try other.query("SELECT count(*) FROM t")[0].decode(Int.self, at: 0) == 0)
                return "done"
            }
            #expect(returned == "done")
            #expect(try other.query("SELECT count(*) FROM t")[0].decode(Int.self, at: 0) == 1)

            struct Refused: Error {}
            #expect(throws: Refused.self) {
                try connection.transaction { connection in
                    try connection.execute("INSERT INTO t VALUES ($1)", 2)
                    throw Refused()
                }
            }
            #expect(try other.query("SELECT array_agg(v)::text FROM t")[0].decode(String.self, at: 0) == "{1}")

            // A nested transaction is a savepoint: its failure undoes only its own work.
            try connection.transaction { connection in
                try connection.execute("INSERT INTO t VALUES ($1)", 3)
                _ = try? connection.transaction { connection in
                    try connection.execute("INSERT INTO t VALUES ($1)", 4)
                    try connection.execute("INSERT INTO t VALUES ($1)", "not a number")
                }
                try connection.transaction { connection in try connection.execute("INSERT INTO t VALUES ($1)", 5) }
            }
            #expect(try other.query("SELECT array_agg(v ORDER BY v)::text FROM t")[0].decode(String.self, at: 0) == "{1,3,5}")

            // A statement that failed inside the transaction, its error caught: COMMIT cannot keep anything.
            #expect { try connection.transaction { connection in
                try connection.execute("INSERT INTO t VALUES ($1)", 6)
                _ = try? connection.execute("INSERT INTO t VALUES ($1)", "x")
            } } throws: { error in (error as? PostgresError)?.sqlState == "25P02" }
            #expect(try other.query("SELECT count(*) FROM t WHERE v = 6")[0].decode(Int.self, at: 0) == 0)
            // The connection is usable afterwards.
            #expect(try connection.query("SELECT count(*) FROM t")[0].decode(Int.self, at: 0) == 3)
        }
    }

    /// Two SERIALIZABLE transactions that each read what the other writes (write skew): the second to finish fails
    /// with 40001. With retries it runs again and succeeds.
    @Test(arguments: [0, 2])
    func serializationFailuresAreReportedAndRetried(retries: Int) throws {
        try TestPostgres.withSchema("serializable") { configuration in
            let connection = try PostgresConnection(configuration: configuration)
            let other = try PostgresConnection(configuration: configuration)
            try connection.executeScript("CREATE TABLE duty (kind int, hours int); INSERT INTO duty VALUES (1, 1), (2, 1)")
            var attempts = 0
            let outcome = Result { () throws -> Void in
                try connection.transaction(.serializable, retries: retries) { connection in
                    attempts += 1
                    _ = try connection.query("SELECT sum(hours) FROM duty WHERE kind = 1")
                    if attempts == 1 {
                        // Meanwhile, another session reads kind 2, writes kind 1 and commits first.
                        try other.transaction(.serializable) { other in
                            _ = try other.query("SELECT sum(hours) FROM duty WHERE kind = 2")
                            try other.execute("INSERT INTO duty VALUES (1, 5)")
                        }
                    }
                    try connection.execute("INSERT INTO duty VALUES (2, 5)")
                }
            }
            if retries == 0 {
                #expect(throws: PostgresError.self) { try outcome.get() }
                if case .failure(let error) = outcome {
                    guard case .serializationFailure = error as? PostgresError else {
                        Issue.record("expected a serialization failure, got \(error)")
                        return
                    }
                }
                #expect(attempts == 1)
                #expect(try other.query("SELECT count(*) FROM duty")[0].decode(Int.self, at: 0) == 3)
            } else {
                try outcome.get()
                #expect(attempts == 2)
                #expect(try other.query("SELECT count(*) FROM duty")[0].decode(Int.self, at: 0) == 4)
            }
        }
    }

    // MARK: Lost connections

    @Test func reconnectsAfterTheServerEndedAnIdleConnection() throws {
        try TestPostgres.withSchema("terminated") { configuration in
            let connection = try PostgresConnection(configuration: configuration)
            let admin = try PostgresConnection(configuration: configuration)
            let sql = "SELECT $1::int + 1"
            #expect(try connection.query(sql, 1)[0].decode(Int.self, at: 0) == 2)
            let pid = connection.backendPID
            #expect(try admin.query("SELECT pg_terminate_backend($1)", pid)[0].decode(Bool.self, at: 0))
            try waitUntilGone(pid, admin: admin)

            // The next statement notices, reconnects, prepares its statement anew and runs.
            #expect(try connection.query(sql, 41)[0].decode(Int.self, at: 0) == 42)
            #expect(connection.reconnectCount == 1)
            #expect(connection.backendPID != pid)
            #expect(connection.preparedStatementCount == 1)
            #expect(try connection.query("SELECT current_schema()")[0].decode(String.self, at: 0) == configuration.schema)
        }
    }

    @Test func aConnectionLostDuringAStatementThrowsThenReconnects() throws {
        try TestPostgres.withSchema("lost") { configuration in
            let connection = try PostgresConnection(configuration: configuration)
            #expect { try connection.query("SELECT pg_terminate_backend(pg_backend_pid())") } throws: { error in
                if case .connectionLost = error as? PostgresError { return true }
                return false
            }
            #expect(!connection.isConnected)
            #expect(try connection.query("SELECT 7")[0].decode(Int.self, at: 0) == 7)
            #expect(connection.reconnectCount == 1)
        }
    }

    @Test func aConnectionLostInsideATransactionIsNotSilentlyResumed() throws {
        try TestPostgres.withSchema("losttx") { configuration in
            let connection = try PostgresConnection(configuration: configuration)
            let admin = try PostgresConnection(configuration: configuration)
            try connection.executeScript("CREATE TABLE t (v int)")
            #expect { try connection.transaction { connection in
                try connection.execute("INSERT INTO t VALUES (1)")
                try admin.query("SELECT pg_terminate_backend($1)", connection.backendPID)
                try connection.execute("INSERT INTO t VALUES (2)")
            } } throws: { error in
                if case .connectionLost = error as? PostgresError { return true }
                return false
            }
            #expect(try admin.query("SELECT count(*) FROM t")[0].decode(Int.self, at: 0) == 0)
            #expect(try connection.query("SELECT count(*) FROM t")[0].decode(Int.self, at: 0) == 0)
        }
    }
}

/// Waits until the server process `pid` has gone (pg_terminate_backend only asks it to end).
func waitUntilGone(_ pid: Int, admin: PostgresConnection) throws {
    for _ in 0..<200 {
        let alive: Int = try admin.query("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid)[0].decode(at: 0)
        if alive == 0 { return }
        Thread.sleep(forTimeInterval: 0.01)
    }
    Issue.record("server process \(pid) still there")
}

/// A log handler that keeps the messages.
struct CapturingLogHandler: LogHandler {
    let messages: LockedBox<[String]>
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        messages.update { $0.append("\(event.message)") }
    }
}
