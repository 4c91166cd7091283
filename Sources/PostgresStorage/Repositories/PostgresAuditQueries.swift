import Foundation
import TrainingServer

/// The audit log's reading side on PostgreSQL (`AuditLogQueries` on SQLite): filtered pages newest first with a
/// count capped at `AuditQuery.countLimit`, export batches by id, the newest row of an action. Searches match
/// parts of names and logins with ASCII letters folded, as SQLite's LIKE does (`lower(… COLLATE "C")`); a unit
/// administrator's scope is decided per row by whom it is about (`audit_log_subjects`), with `id_path` ranges
/// compared bytewise.
public struct PostgresAuditQueries: AuditQueryRepository {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public func page(_ query: AuditQuery, scope: AuditReadScope, limit: Int, offset: Int) throws -> AuditPage {
        var parameters = PostgresParameters()
        let filter = Self.filter(query, scope: scope, &parameters)
        var page = parameters
        let pageSQL = Self.select + filter + " ORDER BY a.id DESC LIMIT \(page.bind(max(0, limit))) OFFSET \(page.bind(max(0, offset)))"
        var counted = parameters
        let countSQL = "SELECT count(*) FROM (SELECT 1 " + Self.from + filter
            + " LIMIT \(counted.bind(AuditQuery.countLimit + 1))) AS matching"
        return try pool.transaction(.repeatableRead) { connection in
            let records = try connection.query(pageSQL, page.values).map(Self.record)
            let total: Int = try connection.query(countSQL, counted.values)[0].decode(at: 0)
            return AuditPage(records, total: min(total, AuditQuery.countLimit), totalExact: total <= AuditQuery.countLimit,
                             offset: offset, limit: limit)
        }
    }

    public func batch(_ query: AuditQuery, scope: AuditReadScope, before: Int64?, limit: Int) throws -> [AuditRecord] {
        var parameters = PostgresParameters()
        var sql = Self.select + Self.filter(query, scope: scope, &parameters)
        if let before { sql += " AND a.id < \(parameters.bind(before))" }
        sql += " ORDER BY a.id DESC LIMIT \(parameters.bind(max(0, limit)))"
        return try pool.withConnection { connection in
            try connection.query(sql, parameters.values).map(Self.record)
        }
    }

    public func latest(action: String) throws -> AuditEntry? {
        try pool.withConnection { connection in
            try connection.query("""
                SELECT id, at, actor_user_id, actor, action, subject, details, prev_hash, hash FROM audit_log
                WHERE action = $1 ORDER BY id DESC LIMIT 1
                """, action).first.map(PostgresAuditChain.entry)
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
        SELECT a.id, a.at, a.actor_user_id, a.actor, a.action, a.subject, a.details, a.prev_hash, a.hash,
               au.display_name AS actor_name, s.user_id AS subject_user_id, su.login AS subject_login,
               su.display_name AS subject_name, s.department_id AS subject_department_id
        """ + " " + from

    /// The WHERE clause (starting " WHERE true") for `query` within `scope`.
    static func filter(_ query: AuditQuery, scope: AuditReadScope, _ parameters: inout PostgresParameters) -> String {
        func like(_ column: String, _ pattern: String) -> String {
            #"lower(\#(column) COLLATE "C") LIKE lower(\#(pattern) COLLATE "C") ESCAPE '\'"#
        }
        var sql = " WHERE true"
        if let actor = query.actor {
            let pattern = parameters.bind("%" + AuditQuery.likeEscaped(actor) + "%")
            sql += " AND (a.actor = \(parameters.bind(actor)) OR \(like("a.actor", pattern)) OR \(like("au.display_name", pattern)))"
        }
        if let action = query.action {
            sql += " AND a.action = \(parameters.bind(action))"
        }
        if let target = query.target {
            let pattern = parameters.bind("%" + AuditQuery.likeEscaped(target) + "%")
            sql += " AND (\(like("a.subject", pattern)) OR \(like("su.login", pattern)) OR \(like("su.display_name", pattern))"
                + " OR \(like("sd.name", pattern)))"
        }
        if let from = query.from {
            sql += " AND a.at >= \(parameters.bind(from))"
        }
        if let until = query.until {
            sql += " AND a.at < \(parameters.bind(until))"
        }
        if case .subtrees(let prefixes) = scope {
            let bounds = prefixes.map { (parameters.bind($0), parameters.bind(String($0.dropLast()) + "0")) }
            func within(_ alias: String) -> String {
                guard !bounds.isEmpty else { return "false" }
                return "(" + bounds.map { #"(\#(alias).id_path COLLATE "C" >= \#($0.0) AND \#(alias).id_path COLLATE "C" < \#($0.1))"# }
                    .joined(separator: " OR ") + ")"
            }
            sql += """
                 AND (CASE WHEN s.user_id IS NOT NULL THEN coalesce(\(within("sud")), false)
                 WHEN s.department_id IS NOT NULL THEN coalesce(\(within("sd")), false)
                 ELSE coalesce(\(within("ad")), false) END)
                """
        }
        return sql
    }

    static func record(_ row: PostgresRow) throws -> AuditRecord {
        AuditRecord(try PostgresAuditChain.entry(row), actorName: try row.decodeIfPresent(named: "actor_name"),
                    subjectUserID: try row.decodeIfPresent(named: "subject_user_id"),
                    subjectLogin: try row.decodeIfPresent(named: "subject_login"),
                    subjectName: try row.decodeIfPresent(named: "subject_name"),
                    subjectDepartmentID: try row.decodeIfPresent(named: "subject_department_id"))
    }
}
