import Foundation
import TrainingServer

/// The audit log's hash chain on PostgreSQL, computed exactly as the SQLite engine computes it (the same fields,
/// the same length-prefixed canonical form, the same JSON of the details), so a chain copied from either engine
/// verifies on the other and `verify-audit` gives the same answer.
///
/// **Concurrency.** SQLite's single writer makes "read the newest hash, insert the next row" atomic. Here several
/// servers append at once, so `append` first takes a transaction-scoped advisory lock (`PostgresLocks.auditChain`),
/// held until the caller's transaction commits or rolls back: the next appender waits, then (READ COMMITTED takes
/// a new snapshot per statement) reads the row just committed as its predecessor. Ids come from the sequence while
/// the lock is held, so id order is chain order. An appender whose transaction rolls back leaves no row and no gap
/// in the chain (a gap in the ids is harmless: verification follows `prev_hash`, in id order).
enum PostgresAuditChain {
    /// Appends `event` inside the caller's transaction (required: the lock and the row must commit with the
    /// action they record).
    static func append(_ event: AuditEvent, by actor: AuditActor, at: Double, on connection: PostgresConnection) throws {
        try PostgresLocks.lock(PostgresLocks.auditChain, on: connection)
        let previous = try connection.query("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").first?
            .decode(String.self, at: 0) ?? AuditChain.genesis
        let details = AuditChain.encode(event.details)
        let hash = AuditChain.digest(prev: previous, at: at, actorUserID: actor.userID?.rawValue, actor: actor.name,
                          action: event.action, subject: event.subject, details: details)
        let id: Int64 = try connection.query("""
            INSERT INTO audit_log (at, actor_user_id, actor, action, subject, details, prev_hash, hash)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id
            """, at, actor.userID?.rawValue, actor.name, event.action, event.subject, details, previous, hash)[0]
            .decode(at: 0)
        try PostgresAuditSubjects.record(row: id, action: event.action, subject: event.subject, details: event.details,
                                         on: connection)
    }

    /// Walks the whole chain from the genesis hash in id order (see `AuditChainSnapshot.verify`), in the
    /// caller's transaction.
    static func verify(on connection: PostgresConnection) throws -> AuditVerification {
        try PostgresAuditChainSnapshot(connection: connection).verify()
    }

    static func entry(_ row: PostgresRow) throws -> AuditEntry {
        AuditEntry(try row.decode(named: "id"), at: try row.decode(named: "at"),
                   actorUserID: try row.decodeIfPresent(named: "actor_user_id"), actor: try row.decode(named: "actor"),
                   action: try row.decode(named: "action"), subject: try row.decode(named: "subject"),
                   details: try row.decode(named: "details"), prevHash: try row.decode(named: "prev_hash"),
                   hash: try row.decode(named: "hash"))
    }
}

/// The audit chain as one PostgreSQL transaction sees it (REPEATABLE READ when `PostgresAuditChainReader` opens it).
struct PostgresAuditChainSnapshot: AuditChainSnapshot {
    let connection: PostgresConnection

    func newestRow() throws -> Int64 {
        try connection.query("SELECT coalesce(max(id), 0) FROM audit_log")[0].decode(at: 0)
    }

    func head() throws -> AuditHead {
        let newest = try connection.query("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").first
        let rows: Int = try connection.query("SELECT count(*) FROM audit_log")[0].decode(at: 0)
        return AuditHead(row: try newest?.decode(Int64.self, at: 0) ?? 0,
                         hash: try newest?.decode(String.self, at: 1) ?? AuditChain.genesis, rows: rows)
    }

    func hash(ofRow id: Int64) throws -> String? {
        try connection.query("SELECT hash FROM audit_log WHERE id = $1", id).first?.decode(String.self, at: 0)
    }

    func rowCount(upTo id: Int64) throws -> Int {
        try connection.query("SELECT count(*) FROM audit_log WHERE id <= $1", id)[0].decode(at: 0)
    }

    func entries(after row: Int64, limit: Int) throws -> [AuditEntry] {
        try connection.query("""
            SELECT id, at, actor_user_id, actor, action, subject, details, prev_hash, hash
            FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2
            """, row, limit).map(PostgresAuditChain.entry)
    }
}

/// Reads the audit chain on PostgreSQL, each reading in a REPEATABLE READ transaction of its own: rows other
/// nodes append meanwhile neither break nor lengthen it.
public struct PostgresAuditChainReader: AuditChainReader {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public func read<T>(_ body: (any AuditChainSnapshot) throws -> T) throws -> T {
        try pool.transaction(.repeatableRead) { connection in try body(PostgresAuditChainSnapshot(connection: connection)) }
    }
}

/// Whom or what each audit row is about (`audit_log_subjects`), resolved as the SQLite engine resolves it: a person
/// named in the details (`user_id`, `user`, `holder`), a `user:<id or login>` or `certificate:<id>` subject, or a
/// `department:<id>` subject; nothing is written for a row about nobody in particular.
enum PostgresAuditSubjects {
    static let loginSubjects: Set<String> = ["user.create", "record.view"]
    static let personKeys = ["user_id", "user", "holder"]

    static func record(row id: Int64, action: String, subject: String, details: [String: String],
                       on connection: PostgresConnection) throws {
        let (userID, departmentID) = try resolve(action: action, subject: subject, details: details, on: connection)
        guard userID != nil || departmentID != nil else { return }
        try connection.execute("""
            INSERT INTO audit_log_subjects (audit_id, user_id, department_id) VALUES ($1, $2, $3)
            ON CONFLICT (audit_id) DO UPDATE SET user_id = excluded.user_id, department_id = excluded.department_id
            """, id, userID, departmentID)
    }

    static func resolve(action: String, subject: String, details: [String: String],
                        on connection: PostgresConnection) throws -> (user: Int64?, department: Int64?) {
        func userExists(_ id: Int64) throws -> Bool {
            try !connection.query("SELECT 1 FROM users WHERE id = $1", id).isEmpty
        }
        for key in personKeys {
            if let raw = details[key], let id = Int64(raw), try userExists(id) { return (id, nil) }
        }
        guard let colon = subject.firstIndex(of: ":") else { return (nil, nil) }
        let kind = subject[..<colon]
        let value = String(subject[subject.index(after: colon)...])
        switch kind {
        case "user":
            if !loginSubjects.contains(action), let id = Int64(value), try userExists(id) { return (id, nil) }
            // SQLite's `login` column is NOCASE: the same look-up, case-blind (users_login_nocase).
            if let row = try connection.query(#"SELECT id FROM users WHERE lower(login COLLATE "C") = lower($1 COLLATE "C")"#,
                                                value).first {
                return (try row.decode(Int64.self, at: 0), nil)
            }
            if let id = Int64(value), try userExists(id) { return (id, nil) }
            return (nil, nil)
        case "certificate":
            return (try connection.query("SELECT user_id FROM certificates WHERE id = $1", value).first?
                .decode(Int64.self, at: 0), nil)
        case "department":
            guard let id = Int64(value), try !connection.query("SELECT 1 FROM departments WHERE id = $1", id).isEmpty else {
                return (nil, nil)
            }
            return (nil, id)
        default:
            return (nil, nil)
        }
    }
}
