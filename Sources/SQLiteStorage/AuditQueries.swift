import Foundation
import GRDB
import TrainingServer

/// The audit log's reading side: filtered pages, exports in batches, the latest row of an action.
public struct AuditLogQueries: Sendable {
    let store: Store

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
                                           arguments: filter.arguments + [AuditQuery.countLimit + 1]) ?? 0
            return AuditPage(records, total: min(counted, AuditQuery.countLimit), totalExact: counted <= AuditQuery.countLimit,
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
            let pattern = "%" + AuditQuery.likeEscaped(actor) + "%"
            arguments += [actor, pattern, pattern]
        }
        if let action = query.action {
            sql += " AND a.action = ?"
            arguments += [action]
        }
        if let target = query.target {
            let pattern = "%" + AuditQuery.likeEscaped(target) + "%"
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


    static func record(_ row: Row) -> AuditRecord {
        AuditRecord(SQLiteAuditLog.entry(row), actorName: row["actor_name"], subjectUserID: row["subject_user_id"],
                    subjectLogin: row["subject_login"], subjectName: row["subject_name"],
                    subjectDepartmentID: row["subject_department_id"])
    }
}
