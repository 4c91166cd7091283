/// What went wrong talking to PostgreSQL. Server errors are sorted by SQLSTATE (the server's `C` field) into the cases
/// callers act on; every other SQLSTATE is `.server` with its code and message.
public enum PostgresError: Error, Equatable, CustomStringConvertible {
    /// 23505: a UNIQUE or PRIMARY KEY constraint (named when the server says which).
    case uniqueViolation(constraint: String?, message: String)
    /// 23503: a FOREIGN KEY constraint.
    case foreignKeyViolation(constraint: String?, message: String)
    /// 23514: a CHECK constraint.
    case checkViolation(constraint: String?, message: String)
    /// 40001: a SERIALIZABLE (or REPEATABLE READ) transaction lost a conflict; running it again may succeed.
    case serializationFailure(message: String)
    /// 40P01: the server broke a deadlock by failing this transaction; running it again may succeed.
    case deadlock(message: String)
    /// The connection broke (SQLSTATE class 08, 57P01–57P03 shutdown or termination, or libpq's CONNECTION_BAD).
    /// Whether the statement ran is unknown; the connection reconnects on its next use.
    case connectionLost(message: String)
    /// Connecting (or reconnecting) failed: server down, wrong password, no such database, TLS refused.
    case connectionFailed(message: String)
    /// Any other server error.
    case server(sqlState: String, message: String)
    /// A statement got a different number of parameters than its `$n` placeholders.
    case parameterCount(expected: Int, given: Int, sql: String)
    /// A text parameter contained U+0000, which PostgreSQL text cannot hold.
    case nulInText(parameter: Int)
    /// A row accessor: no column of that name.
    case noSuchColumn(String)
    /// A row accessor: the column is out of range.
    case columnOutOfRange(Int, count: Int)
    /// A row accessor asked for a non-optional value and found NULL.
    case unexpectedNull(column: String)
    /// A row accessor could not read the column's text as the asked type.
    case typeMismatch(column: String, expected: String, text: String)
    /// No connection of the pool came free within the wait.
    case poolExhausted(size: Int, waitedSeconds: Double)
    /// The pool was closed.
    case poolClosed
    /// A connection setting that cannot be passed on (for example a schema name that would need quoting).
    case invalidConfiguration(String)

    /// SQLSTATE 40001 or 40P01: the transaction may succeed when run again.
    public var isRetryable: Bool {
        switch self {
        case .serializationFailure, .deadlock: return true
        default: return false
        }
    }

    /// The SQLSTATE of a server error, if this is one.
    public var sqlState: String? {
        switch self {
        case .uniqueViolation: return "23505"
        case .foreignKeyViolation: return "23503"
        case .checkViolation: return "23514"
        case .serializationFailure: return "40001"
        case .deadlock: return "40P01"
        case .server(let state, _): return state
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .uniqueViolation(_, let message), .foreignKeyViolation(_, let message), .checkViolation(_, let message):
            return "PostgreSQL (\(sqlState ?? "")): \(message)"
        case .serializationFailure(let message), .deadlock(let message):
            return "PostgreSQL (\(sqlState ?? "")): \(message)"
        case .connectionLost(let message):
            return "lost the connection to PostgreSQL: \(message)"
        case .connectionFailed(let message):
            return "cannot connect to PostgreSQL: \(message)"
        case .server(let state, let message):
            return "PostgreSQL (\(state)): \(message)"
        case .parameterCount(let expected, let given, let sql):
            return "the statement takes \(expected) parameter(s) but was given \(given): \(sql)"
        case .nulInText(let parameter):
            return "parameter $\(parameter) contains a NUL character (U+0000), which PostgreSQL text cannot hold"
        case .noSuchColumn(let name):
            return "the result has no column '\(name)'"
        case .columnOutOfRange(let index, let count):
            return "column \(index) is out of range: the result has \(count) column(s)"
        case .unexpectedNull(let column):
            return "column '\(column)' is NULL"
        case .typeMismatch(let column, let expected, let text):
            return "column '\(column)' holds '\(text.prefix(40))', not a \(expected)"
        case .poolExhausted(let size, let waited):
            return "all \(size) PostgreSQL connections of this server stayed busy for \(waited) s: raise the pool size "
                + "(and the server's max_connections) or look for slow queries in pg_stat_activity"
        case .poolClosed:
            return "the PostgreSQL connection pool is closed"
        case .invalidConfiguration(let message):
            return message
        }
    }

    /// The error for a server's SQLSTATE and message; `connectionBad` is libpq's verdict on the connection after it.
    static func fromServer(sqlState: String?, message: String, constraint: String?, connectionBad: Bool) -> PostgresError {
        if connectionBad { return .connectionLost(message: message) }
        guard let sqlState else { return .connectionLost(message: message) }
        switch sqlState {
        case "23505": return .uniqueViolation(constraint: constraint, message: message)
        case "23503": return .foreignKeyViolation(constraint: constraint, message: message)
        case "23514": return .checkViolation(constraint: constraint, message: message)
        case "40001": return .serializationFailure(message: message)
        case "40P01": return .deadlock(message: message)
        case "57P01", "57P02", "57P03": return .connectionLost(message: message)
        // 08P01 (protocol violation) is a broken conversation as well: the connection is reset before its next use.
        case _ where sqlState.hasPrefix("08"): return .connectionLost(message: message)
        default: return .server(sqlState: sqlState, message: message)
        }
    }
}
