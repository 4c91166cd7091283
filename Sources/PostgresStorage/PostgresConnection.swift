import CLibPQ
import Foundation
import Logging

/// One connection to PostgreSQL through libpq, used synchronously on the caller's thread: every call blocks that
/// thread until the server answers (the server's handler threads are plain threads, so nothing waits on Swift's
/// cooperative pool).
///
/// **Confinement.** Not `Sendable`: a connection is used by one thread at a time. libpq is thread-safe
/// (`PQisthreadsafe()` is 1) only in that different connections may be used on different threads at once; one
/// `PGconn` used from two threads at once corrupts its protocol state. Hand connections between threads only through
/// `PostgresPool.withConnection`, which gives each to one caller at a time.
///
/// **Unsafe parts.** The `PGconn` pointer is owned by this object and freed in `deinit` (`PQfinish`). Results are
/// wrapped in `PostgresRows`, which frees them. The notice processor gets an unretained pointer to `notices`, which
/// lives as long as this object and so as long as the `PGconn`. Parameter strings are copied into C memory for the
/// call and freed after it.
///
/// **Statements.** `query` and `execute` prepare each distinct SQL text once per connection (`PQprepare`, names
/// `s1`, `s2`, …) and run it with `PQexecPrepared`, parameters as text. The cache is keyed by the SQL text, so SQL
/// must be fixed text with `$n` placeholders (never values spliced in), which also bounds the cache by the program's
/// statements. A statement the session no longer knows (SQLSTATE 26000, after `DEALLOCATE ALL` or behind a pooler)
/// is prepared again and run once more, outside transactions. `executeScript` runs several statements without
/// parameters (migrations, DDL) through the simple protocol and prepares nothing; `queryPlannedEachRun` runs one
/// statement unprepared, planned for its values each time.
///
/// **Lost connections.** Before a statement outside a transaction, the connection reads what the server may have
/// sent while it was idle (without blocking); a connection the server closed (`pg_terminate_backend`, a restart, an
/// idle timeout) is then reconnected with `PQreset` and the statement cache cleared (the new session has no prepared
/// statements). A connection lost during a statement or inside a transaction throws `PostgresError.connectionLost`,
/// because whether the work happened is unknown; the next use reconnects.
public final class PostgresConnection {
    public enum IsolationLevel: String, Sendable {
        case readCommitted = "READ COMMITTED"
        case repeatableRead = "REPEATABLE READ"
        case serializable = "SERIALIZABLE"
    }

    public let configuration: PostgresConfiguration
    let logger: Logger
    private let connection: OpaquePointer
    private let notices: NoticeSink
    private var statements: [String: PreparedStatement] = [:]
    private var statementNumber = 0
    /// 0 outside `transaction`, 1 inside it, more inside nested (savepoint) transactions.
    private var transactionDepth = 0
    /// How many times this connection was re-established after being lost.
    public private(set) var reconnectCount = 0

    struct PreparedStatement {
        let name: String
        let parameterCount: Int
    }

    /// Connects now; throws `.connectionFailed` with libpq's reason (server down, authentication, TLS, no database).
    public init(configuration: PostgresConfiguration, logger: Logger = Logger(label: "postgres")) throws(PostgresError) {
        if let schema = configuration.schema, !PostgresConfiguration.isPlainIdentifier(schema) {
            throw .invalidConfiguration("the schema name '\(schema)' must be lower-case letters, digits and underscores")
        }
        self.configuration = configuration
        self.logger = logger
        self.notices = NoticeSink(logger: logger)
        let parameters = configuration.connectionParameters
        let handle = Self.withCStrings(parameters.map(\.keyword) + [nil]) { keywords in
            Self.withCStrings(parameters.map(\.value) + [nil]) { values in
                PQconnectdbParams(keywords, values, 0)
            }
        }
        guard let handle else { throw .connectionFailed(message: "libpq could not allocate a connection") }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = Self.errorMessage(of: handle)
            PQfinish(handle)
            throw .connectionFailed(message: "\(configuration): \(message)")
        }
        self.connection = handle
        // Notices (NOTICE, WARNING, and a FATAL sent to an idle connection) go to the logger instead of stderr.
        PQsetNoticeProcessor(handle, { context, message in
            guard let context, let message else { return }
            let sink = Unmanaged<NoticeSink>.fromOpaque(context).takeUnretainedValue()
            sink.log(String(cString: message))
        }, Unmanaged.passUnretained(notices).toOpaque())
    }

    deinit { PQfinish(connection) }

    /// The server process serving this connection (`pg_backend_pid()`), 0 when disconnected.
    public var backendPID: Int { Int(PQbackendPID(connection)) }

    /// How many statements this connection has prepared (and keeps) on the server.
    public var preparedStatementCount: Int { statements.count }

    /// Whether libpq considers the connection usable (it may still turn out closed at the next read).
    public var isConnected: Bool { PQstatus(connection) == CONNECTION_OK }

    /// Connected, outside any transaction: fit to be handed to the next user of a pool.
    var isIdle: Bool {
        transactionDepth == 0 && PQstatus(connection) == CONNECTION_OK && PQtransactionStatus(connection) == PQTRANS_IDLE
    }

    // MARK: - Statements

    /// Runs a statement with `$1…` parameters and returns its rows (none for commands).
    @discardableResult
    public func query(_ sql: String, _ parameters: (any PostgresBindable)?...) throws(PostgresError) -> PostgresRows {
        try query(sql, parameters)
    }

    @discardableResult
    public func query(_ sql: String, _ parameters: [(any PostgresBindable)?]) throws(PostgresError) -> PostgresRows {
        try reconnectIfLost()
        let statement = try prepared(sql)
        guard statement.parameterCount == parameters.count else {
            throw .parameterCount(expected: statement.parameterCount, given: parameters.count, sql: sql)
        }
        var texts: [String?] = []
        texts.reserveCapacity(parameters.count)
        for (index, parameter) in parameters.enumerated() {
            let text = parameter?.postgresText
            if let text, text.utf8.contains(0) { throw .nulInText(parameter: index + 1) }
            texts.append(text)
        }
        do {
            return try check(Self.withCStrings(texts) { values in
                PQexecPrepared(connection, statement.name, Int32(values.count), values, nil, nil, 0)
            })
        } catch .server(sqlState: "26000", let message) {
            // The session lost its prepared statements (DEALLOCATE ALL or DISCARD ALL, or a pooler such as
            // PgBouncer that moved the connection to another server session): forget them all. The statement did
            // not run; outside a transaction it is prepared again and run once more, inside one the error aborted
            // the transaction and is reported.
            statements.removeAll()
            guard transactionDepth == 0 && PQtransactionStatus(connection) == PQTRANS_IDLE else {
                throw .server(sqlState: "26000", message: message)
            }
            let again = try prepared(sql)
            return try check(Self.withCStrings(texts) { values in
                PQexecPrepared(connection, again.name, Int32(values.count), values, nil, nil, 0)
            })
        }
    }

    /// Runs a statement with `$1…` parameters without preparing it (libpq's unnamed statement, `PQexecParams`), so
    /// the server plans it for these very values each time. For statements whose best plan depends on the values
    /// (a LIMIT and OFFSET, a range that covers one department or everyone): a prepared statement's plan may turn
    /// generic after five runs and then ignore them. Costs a parse and a plan per run.
    @discardableResult
    public func queryPlannedEachRun(_ sql: String, _ parameters: [(any PostgresBindable)?]) throws(PostgresError) -> PostgresRows {
        try reconnectIfLost()
        var texts: [String?] = []
        texts.reserveCapacity(parameters.count)
        for (index, parameter) in parameters.enumerated() {
            let text = parameter?.postgresText
            if let text, text.utf8.contains(0) { throw .nulInText(parameter: index + 1) }
            texts.append(text)
        }
        return try check(Self.withCStrings(texts) { values in
            PQexecParams(connection, sql, Int32(values.count), nil, values, nil, nil, 0)
        })
    }

    /// Runs a command with `$1…` parameters and returns how many rows it changed.
    @discardableResult
    public func execute(_ sql: String, _ parameters: (any PostgresBindable)?...) throws(PostgresError) -> Int {
        try query(sql, parameters).affectedRows
    }

    @discardableResult
    public func execute(_ sql: String, _ parameters: [(any PostgresBindable)?]) throws(PostgresError) -> Int {
        try query(sql, parameters).affectedRows
    }

    /// Runs SQL that may hold several statements separated by semicolons, without parameters and without preparing
    /// it (libpq's simple protocol): schema migrations and other fixed DDL. Outside a transaction the statements
    /// run as one implicit transaction.
    public func executeScript(_ sql: String) throws(PostgresError) {
        try reconnectIfLost()
        _ = try check(PQexec(connection, sql))
    }

    // MARK: - Transactions

    /// Runs `body` between BEGIN and COMMIT; a thrown error rolls back and is rethrown. With `retries` > 0 a
    /// serialization failure (40001) or deadlock (40P01) runs the whole transaction again (body included, so it
    /// must do nothing outside the database that cannot be repeated), up to `retries` more times, after a short
    /// random pause. Called inside a transaction, it runs `body` in a savepoint instead (rolled back alone on an
    /// error; no retries there: the outer transaction is what can be repeated).
    @discardableResult
    public func transaction<T>(_ isolation: IsolationLevel = .readCommitted, retries: Int = 0,
                               _ body: (PostgresConnection) throws -> T) throws -> T {
        if transactionDepth > 0 { return try savepoint(body) }
        var attempt = 0
        while true {
            do {
                return try runTransaction(isolation, body)
            } catch let error as PostgresError where error.isRetryable && attempt < retries {
                attempt += 1
                logger.debug("retrying a transaction", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
                Thread.sleep(forTimeInterval: Double.random(in: 0.001...0.005) * Double(attempt))
            }
        }
    }

    private func runTransaction<T>(_ isolation: IsolationLevel, _ body: (PostgresConnection) throws -> T) throws -> T {
        try executeScript(isolation == .readCommitted ? "BEGIN" : "BEGIN ISOLATION LEVEL \(isolation.rawValue)")
        transactionDepth = 1
        defer { transactionDepth = 0 }
        let value: T
        do {
            value = try body(self)
        } catch {
            rollbackQuietly()
            throw error
        }
        let commit = try check(PQexec(connection, "COMMIT"))
        // COMMIT of a transaction in which a statement failed (and the error was caught) answers ROLLBACK.
        if let tag = PQcmdStatus(commit.result), String(cString: tag) == "ROLLBACK" {
            throw PostgresError.server(sqlState: "25P02",
                                       message: "the transaction was rolled back because a statement in it failed")
        }
        return value
    }

    private func savepoint<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let name = "sp\(transactionDepth)"
        _ = try check(PQexec(connection, "SAVEPOINT \(name)"))
        transactionDepth += 1
        defer { transactionDepth -= 1 }
        do {
            let value = try body(self)
            _ = try check(PQexec(connection, "RELEASE SAVEPOINT \(name)"))
            return value
        } catch {
            if PQtransactionStatus(connection) == PQTRANS_INERROR || PQtransactionStatus(connection) == PQTRANS_INTRANS {
                PQclear(PQexec(connection, "ROLLBACK TO SAVEPOINT \(name)"))
            }
            throw error
        }
    }

    private func rollbackQuietly() {
        let status = PQtransactionStatus(connection)
        guard status == PQTRANS_INTRANS || status == PQTRANS_INERROR else { return }
        if let result = PQexec(connection, "ROLLBACK") {
            if PQresultStatus(result) != PGRES_COMMAND_OK {
                logger.warning("ROLLBACK failed", metadata: ["error": "\(Self.errorMessage(of: connection))"])
            }
            PQclear(result)
        }
    }

    // MARK: - Reconnecting

    /// Connects again (`PQreset`) with the same settings; the statement cache starts empty.
    public func reconnect() throws(PostgresError) {
        statements.removeAll()
        notices.sessionEnded = false
        PQreset(connection)
        guard PQstatus(connection) == CONNECTION_OK else {
            throw .connectionFailed(message: "\(configuration): \(Self.errorMessage(of: connection))")
        }
        reconnectCount += 1
        logger.notice("reconnected to PostgreSQL", metadata: ["database": "\(configuration)"])
    }

    private func reconnectIfLost() throws(PostgresError) {
        if transactionDepth == 0, PQstatus(connection) == CONNECTION_OK, PQtransactionStatus(connection) == PQTRANS_IDLE {
            // A server that ended this idle connection sent a FATAL message, then closes the socket: the first read
            // takes the message (PQisBusy parses it and passes it to the notice processor, which notes that the
            // session ended), a second one may already meet end-of-file and mark the connection bad. Neither blocks.
            for _ in 0..<2 {
                if PQconsumeInput(connection) == 0 { break }
                _ = PQisBusy(connection)
            }
        }
        guard PQstatus(connection) == CONNECTION_BAD || notices.sessionEnded else { return }
        if transactionDepth > 0 {
            throw .connectionLost(message: "the connection was lost inside a transaction, which was not committed")
        }
        try reconnect()
    }

    // MARK: - libpq plumbing

    private func prepared(_ sql: String) throws(PostgresError) -> PreparedStatement {
        if let statement = statements[sql] { return statement }
        statementNumber += 1
        let name = "s\(statementNumber)"
        _ = try check(PQprepare(connection, name, sql, 0, nil))
        let description = try check(PQdescribePrepared(connection, name))
        let statement = PreparedStatement(name: name, parameterCount: Int(PQnparams(description.result)))
        statements[sql] = statement
        return statement
    }

    /// The result as rows, or the error it reports (the result is freed either way).
    private func check(_ result: OpaquePointer?) throws(PostgresError) -> PostgresRows {
        guard let result else {
            throw PostgresError.fromServer(sqlState: nil, message: Self.errorMessage(of: connection), constraint: nil,
                                           connectionBad: true)
        }
        let status = PQresultStatus(result)
        if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY {
            return PostgresRows(result: result)
        }
        defer { PQclear(result) }
        func field(_ code: Character) -> String? {
            PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) }
        }
        var message = field("M") ?? PQresultErrorMessage(result).map { String(cString: $0) } ?? ""
        if message.isEmpty { message = Self.errorMessage(of: connection) }
        if let detail = field("D") { message += " (\(detail))" }
        let error = PostgresError.fromServer(sqlState: field("C"), message: message, constraint: field("n"),
                                             connectionBad: PQstatus(connection) == CONNECTION_BAD)
        if case .connectionLost = error {
            logger.warning("lost the connection to PostgreSQL", metadata: ["error": "\(message)"])
        }
        throw error
    }

    private static func errorMessage(of connection: OpaquePointer) -> String {
        let text = PQerrorMessage(connection).map { String(cString: $0) } ?? ""
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Calls `body` with C copies of `strings` (nil stays a null pointer), freed afterwards.
    private static func withCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        let copies = strings.map { $0.flatMap { strdup($0) } }
        defer { copies.forEach { free($0) } }
        return body(copies.map { $0.map { UnsafePointer($0) } })
    }
}

/// Receives libpq's notices for one connection and logs them: NOTICE and INFO at debug level (`DROP TABLE IF
/// EXISTS` and the like), WARNING and anything graver (a FATAL sent to an idle connection) as warnings.
final class NoticeSink {
    let logger: Logger
    /// A FATAL (or PANIC) arrived outside a statement: the server has ended the session and is closing the socket.
    var sessionEnded = false

    init(logger: Logger) { self.logger = logger }

    func log(_ message: String) {
        let text = message.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("FATAL:") || text.hasPrefix("PANIC:") { sessionEnded = true }
        if text.hasPrefix("NOTICE:") || text.hasPrefix("INFO:") || text.hasPrefix("DEBUG:") || text.hasPrefix("LOG:") {
            logger.debug("PostgreSQL: \(text)")
        } else {
            logger.warning("PostgreSQL: \(text)")
        }
    }
}
