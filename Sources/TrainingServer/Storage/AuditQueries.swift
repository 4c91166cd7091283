import Foundation
import GRDB

/// What the audit log page asks for: every filter optional, combined with AND.
public struct AuditQuery: Sendable, Equatable {
    /// The actor's login or name (part of either), or `cli` / `system`.
    public var actor: String?
    /// One action exactly (`user.disable`).
    public var action: String?
    /// Part of the subject, or of the login or name of the person (or the name of the department) it is about.
    public var target: String?
    /// Rows at or after this moment (seconds since 1970).
    public var from: Double?
    /// Rows before this moment.
    public var until: Double?

    public init(actor: String? = nil, action: String? = nil, target: String? = nil, from: Double? = nil,
                until: Double? = nil) {
        self.actor = actor
        self.action = action
        self.target = target
        self.from = from
        self.until = until
    }
}

/// Whose rows a reader may see: the whole log, or (a unit administrator) the rows about the people and
/// departments in the subtrees `prefixes` (departments' `id_path`s).
///
/// A row about a person is in scope when that person's department is; a row about a department when that
/// department is; a row about neither (an export, a reload) when its actor's department is. So a row about someone
/// outside the scope never shows, whoever wrote it, and a row about someone inside shows whoever wrote it.
public enum AuditReadScope: Sendable, Equatable {
    case organisation
    case subtrees(prefixes: [String])
}

/// One row of the log with the names it refers to, as they are now.
public struct AuditRecord: Sendable, Equatable {
    public var entry: AuditEntry
    /// The acting person's current name (nil for the command line, the platform itself, or a removed account).
    public var actorName: String?
    /// The person the row is about, when it is about one.
    public var subjectUserID: Int64?
    public var subjectLogin: String?
    public var subjectName: String?
    /// The department the row is about, when it is about one.
    public var subjectDepartmentID: Int64?
}

/// A page of the log, newest first.
public struct AuditPage: Sendable, Equatable {
    public var records: [AuditRecord]
    /// How many rows match, counted up to `AuditLogQueries.countLimit + 1`.
    public var total: Int
    /// Whether `total` is the exact count (false: more than `countLimit`).
    public var totalExact: Bool
    public var offset: Int
    public var limit: Int
}

/// The audit log's reading side: filtered pages, exports in batches, the latest row of an action.
public struct AuditLogQueries: Sendable {
    let store: Store
    /// Pages count matching rows up to this many; beyond it they say "more than".
    public static let countLimit = 10_000

    public init(store: Store) {
        self.store = store
    }

    /// Rows `offset..<offset+limit` of those matching `query` within `scope`, newest first, with the count.
    public func page(_ query: AuditQuery, scope: AuditReadScope, limit: Int, offset: Int) throws -> AuditPage {
        let filter = Self.filter(query, scope: scope)
        return try store.read { db in
            let records = try Row.fetchAll(db, sql: Self.select + filter.sql + " ORDER BY a.id DESC LIMIT ? OFFSET ?",
                                           arguments: filter.arguments + [limit, max(0, offset)]).map(Self.record)
            let counted = try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT 1 " + Self.from + filter.sql + " LIMIT ?)",
                                           arguments: filter.arguments + [Self.countLimit + 1]) ?? 0
            return AuditPage(records: records, total: min(counted, Self.countLimit), totalExact: counted <= Self.countLimit,
                             offset: offset, limit: limit)
        }
    }

    /// At most `limit` matching rows older than row `before` (nil: from the newest), newest first: an export reads
    /// the log this way in short reads, whatever its size.
    public func batch(_ query: AuditQuery, scope: AuditReadScope, before: Int64?, limit: Int) throws -> [AuditRecord] {
        var filter = Self.filter(query, scope: scope)
        if let before {
            filter.sql += " AND a.id < ?"
            filter.arguments += [before]
        }
        return try store.read { db in
            try Row.fetchAll(db, sql: Self.select + filter.sql + " ORDER BY a.id DESC LIMIT ?",
                             arguments: filter.arguments + [limit]).map(Self.record)
        }
    }

    /// The newest row with `action` (the last chain verification, for instance).
    public func latest(action: String) throws -> AuditEntry? {
        try store.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM audit_log WHERE action = ? ORDER BY id DESC LIMIT 1",
                             arguments: [action]).map(SQLiteAuditLog.entry)
        }
    }

    static let from = """
        FROM audit_log a
        LEFT JOIN audit_log_subjects s ON s.audit_id = a.id
        LEFT JOIN users au ON au.id = a.actor_user_id
        LEFT JOIN departments ad ON ad.id = au.department_id
        LEFT JOIN users su ON su.id = s.user_id
        LEFT JOIN departments sud ON sud.id = su.department_id
        LEFT JOIN departments sd ON sd.id = s.department_id
        """

    static let select = """
        SELECT a.*, au.display_name AS actor_name, s.user_id AS subject_user_id, su.login AS subject_login,
               su.display_name AS subject_name, s.department_id AS subject_department_id
        """ + " " + from

    struct Filter {
        var sql: String
        var arguments: StatementArguments
    }

    /// The WHERE clause (starting " WHERE 1") for `query` within `scope`.
    static func filter(_ query: AuditQuery, scope: AuditReadScope) -> Filter {
        var sql = " WHERE 1"
        var arguments: StatementArguments = []
        if let actor = query.actor {
            sql += " AND (a.actor = ? OR a.actor LIKE ? ESCAPE '\\' OR au.display_name LIKE ? ESCAPE '\\')"
            let pattern = "%" + likeEscaped(actor) + "%"
            arguments += [actor, pattern, pattern]
        }
        if let action = query.action {
            sql += " AND a.action = ?"
            arguments += [action]
        }
        if let target = query.target {
            let pattern = "%" + likeEscaped(target) + "%"
            sql += " AND (a.subject LIKE ? ESCAPE '\\' OR su.login LIKE ? ESCAPE '\\' OR su.display_name LIKE ? ESCAPE '\\'"
                + " OR sd.name LIKE ? ESCAPE '\\')"
            arguments += [pattern, pattern, pattern, pattern]
        }
        if let from = query.from {
            sql += " AND a.at >= ?"
            arguments += [from]
        }
        if let until = query.until {
            sql += " AND a.at < ?"
            arguments += [until]
        }
        if case .subtrees(let prefixes) = scope {
            func within(_ alias: String) -> String {
                guard !prefixes.isEmpty else { return "0" }
                return "(" + prefixes.map { _ in "(\(alias).id_path >= ? AND \(alias).id_path < ?)" }
                    .joined(separator: " OR ") + ")"
            }
            let bounds: [any DatabaseValueConvertible] = prefixes.flatMap { prefix -> [any DatabaseValueConvertible] in
                [prefix, String(prefix.dropLast()) + "0"]
            }
            sql += """
                 AND (CASE WHEN s.user_id IS NOT NULL THEN coalesce(\(within("sud")), 0)
                 WHEN s.department_id IS NOT NULL THEN coalesce(\(within("sd")), 0)
                 ELSE coalesce(\(within("ad")), 0) END)
                """
            arguments += StatementArguments(bounds + bounds + bounds)
        }
        return Filter(sql: sql, arguments: arguments)
    }

    public static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }

    static func record(_ row: Row) -> AuditRecord {
        AuditRecord(entry: SQLiteAuditLog.entry(row), actorName: row["actor_name"], subjectUserID: row["subject_user_id"],
                    subjectLogin: row["subject_login"], subjectName: row["subject_name"],
                    subjectDepartmentID: row["subject_department_id"])
    }
}
