import Foundation
import GRDB

/// HR queries over SQLite. Department subtrees are `id_path` ranges (`'/1/4/' <= path < '/1/40'`, since '0' follows
/// '/'), and every query is limited to the caller's scope in SQL, so out-of-scope rows are never read.
public struct SQLiteReportRepository: ReportRepository {
    let store: Store

    public init(store: Store) { self.store = store }

    public func summary(programID: String, root: Department, scope: AccessScope)
        throws -> (root: DepartmentSummary, children: [DepartmentSummary]) {
        try store.read { db in
            let departments = try SQLiteDepartmentRepository.load(db, where: "id_path >= ? AND id_path < ?",
                                                                   [root.idPath, Self.upper(root.idPath)])
                .filter { scope.contains($0) }
            let visible = Set(departments.map(\.id.rawValue))
            var people: [Int64: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT department_id, people FROM department_people") {
                let id: Int64 = row["department_id"]
                if visible.contains(id) { people[id] = row["people"] }
            }
            var counts: [Int64: [CertificationStateName: Int]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT department_id, state, people FROM certification_counts WHERE program_id = ? AND people > 0
                """, arguments: [programID]) {
                let id: Int64 = row["department_id"]
                guard visible.contains(id), let state = CertificationStateName(rawValue: row["state"]) else { continue }
                counts[id, default: [:]][state] = row["people"]
            }
            func total(under prefix: String) -> DepartmentSummary? {
                guard let department = departments.first(where: { $0.idPath == prefix }) else { return nil }
                var sum = DepartmentSummary(department: department, people: 0, counts: [:])
                for item in departments where item.idPath.hasPrefix(prefix) {
                    sum.people += people[item.id.rawValue] ?? 0
                    for (state, count) in counts[item.id.rawValue] ?? [:] { sum.counts[state, default: 0] += count }
                }
                let started = sum.counts.filter { $0.key != .notStarted }.values.reduce(0, +)
                sum.counts[.notStarted] = max(0, sum.people - started)
                return sum
            }
            let rootSummary = total(under: root.idPath)
                ?? DepartmentSummary(department: root, people: 0, counts: [.notStarted: 0])
            let children = departments.filter { $0.parentID == root.id }.sorted { $0.name < $1.name }
                .compactMap { total(under: $0.idPath) }
            return (rootSummary, children)
        }
    }

    public func people(_ filter: PeopleFilter, scope: AccessScope, limit: Int, offset: Int) throws -> [PersonLine] {
        let (sql, arguments) = Self.query(filter, scope: scope, select: Self.columns)
        let order = Self.order(filter)
        return try store.read { db in
            try Row.fetchAll(db, sql: sql + " ORDER BY \(order) LIMIT ? OFFSET ?",
                             arguments: arguments + [limit, offset]).map(Self.line)
        }
    }

    public func count(_ filter: PeopleFilter, scope: AccessScope) throws -> Int {
        let (sql, arguments) = Self.query(filter, scope: scope, select: "count(*)")
        return try store.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
    }

    public func peopleBatch(_ filter: PeopleFilter, scope: AccessScope, afterUserID: Int64, limit: Int) throws -> [PersonLine] {
        // Users first, walked by id from `afterUserID`: each batch reads about `limit` rows (more when the scope is
        // a small part of the organisation) instead of the whole remaining scope, sorted again for every batch.
        let (sql, arguments) = Self.query(filter, scope: scope, select: Self.columns, usersFirst: true)
        return try store.read { db in
            try Row.fetchAll(db, sql: sql + " AND u.id > ? ORDER BY u.id LIMIT ?",
                             arguments: arguments + [afterUserID, limit]).map(Self.line)
        }
    }

    public func hoursDistribution(_ filter: PeopleFilter, scope: AccessScope, bounds: [Double]) throws -> [Int] {
        let (sql, arguments) = Self.query(filter, scope: scope, select: "coalesce(h.hours, 0) AS hours")
        // One WHEN per bound; the statement's shape depends only on how many bounds there are. The bounds'
        // placeholders come first in the text, so their values come first in the arguments.
        let whens = bounds.indices.map { "WHEN hours < ? THEN \($0 + 1)" }.joined(separator: " ")
        let bucket = "CASE WHEN hours <= 0 THEN 0 \(whens) ELSE \(bounds.count + 1) END"
        var counts = Array(repeating: 0, count: bounds.count + 2)
        try store.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT \(bucket) AS bucket, count(*) AS people FROM (\(sql)) GROUP BY bucket",
                                        arguments: StatementArguments(bounds) + arguments)
            for row in rows {
                let index: Int = row["bucket"]
                if counts.indices.contains(index) { counts[index] = row["people"] }
            }
        }
        return counts
    }

    public func record(userID: UserID, scope: AccessScope) throws -> PersonRecord? {
        let (inScope, scopeArguments) = Self.scopeCondition(scope)
        return try store.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT u.id, u.login, u.display_name, u.employee_number, u.department_id, u.disabled
                FROM users u JOIN departments d ON d.id = u.department_id WHERE u.id = ? AND \(inScope)
                """, arguments: [userID.rawValue] + scopeArguments) else { return nil }
            let certifications = try Row.fetchAll(db, sql: """
                SELECT program_id, state, certified_at, expires_at, window_opens_at, certificate_id
                FROM certifications WHERE user_id = ? ORDER BY program_id
                """, arguments: [userID.rawValue]).map { row in
                PersonRecord.Certification(programID: row["program_id"],
                                           state: CertificationStateName(rawValue: row["state"]) ?? .notStarted,
                                           certifiedAt: row["certified_at"], expiresAt: row["expires_at"],
                                           windowOpensAt: row["window_opens_at"], certificateID: row["certificate_id"])
            }
            let certificates = try Row.fetchAll(db, sql: """
                SELECT id, program_id, kind, issued_at, expires_at, revoked_at, revoked_reason
                FROM certificates WHERE user_id = ? ORDER BY issued_at DESC, id
                """, arguments: [userID.rawValue]).map { row in
                PersonRecord.Certificate(id: row["id"], programID: row["program_id"], kind: row["kind"],
                                         issuedAt: row["issued_at"], expiresAt: row["expires_at"],
                                         revokedAt: row["revoked_at"], revokedReason: row["revoked_reason"])
            }
            let hours = try Row.fetchAll(db, sql: """
                SELECT year, hours FROM user_year_hours WHERE user_id = ? ORDER BY year DESC
                """, arguments: [userID.rawValue]).map { row in
                PersonRecord.YearHours(year: row["year"], hours: row["hours"])
            }
            return PersonRecord(userID: userID, login: row["login"], name: row["display_name"],
                                employeeNumber: row["employee_number"],
                                departmentID: DepartmentID(rawValue: row["department_id"]),
                                disabled: row["disabled"], certifications: certifications,
                                certificates: certificates, hours: hours)
        }
    }

    static let columns = """
        u.id, u.login, u.display_name, u.employee_number, u.department_id, c.state, c.certified_at, c.expires_at,
        c.certificate_id, coalesce(h.hours, 0) AS hours
        """

    /// The upper bound of a subtree's paths: '/1/4/' -> '/1/40' ('0' is the character after '/').
    static func upper(_ prefix: String) -> String { String(prefix.dropLast()) + "0" }

    /// The FROM/WHERE part for `filter` within `scope`; every value is bound, identifiers come from allowlists.
    /// `usersFirst` makes SQLite walk `users` as the outer loop (a `CROSS JOIN` keeps its order), for id ranges.
    static func query(_ filter: PeopleFilter, scope: AccessScope, select: String, usersFirst: Bool = false)
        -> (String, StatementArguments) {
        let (inScope, scopeArguments) = scopeCondition(scope)
        var conditions = ["u.disabled = 0", "d.id_path >= ?", "d.id_path < ?", inScope]
        var arguments: StatementArguments = [filter.programID, filter.year, filter.departmentPath, upper(filter.departmentPath)]
        arguments += scopeArguments
        if let state = filter.state {
            conditions.append("coalesce(c.state, 'not_started') = ?")
            arguments += [state.rawValue]
        }
        if let from = filter.expiresFrom {
            conditions.append("c.expires_at >= ?")
            arguments += [from]
        }
        if let to = filter.expiresTo {
            conditions.append("c.expires_at < ?")
            arguments += [to]
        }
        if let below = filter.hoursBelow {
            conditions.append("coalesce(h.hours, 0) < ?")
            arguments += [below]
        }
        if let search = filter.search, !search.isEmpty {
            conditions.append("(u.display_name LIKE ? ESCAPE '\\' OR u.login LIKE ? ESCAPE '\\' OR u.employee_number = ?)")
            let pattern = "%" + search.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
            arguments += [pattern, pattern, search]
        }
        let sql = """
            SELECT \(select) FROM users u \(usersFirst ? "CROSS JOIN" : "JOIN") departments d ON d.id = u.department_id
            LEFT JOIN certifications c ON c.user_id = u.id AND c.program_id = ?
            LEFT JOIN user_year_hours h ON h.user_id = u.id AND h.year = ?
            WHERE \(conditions.joined(separator: " AND "))
            """
        return (sql, arguments)
    }

    /// `d` (departments) lies in one of the scope's subtrees; an empty scope matches nothing.
    static func scopeCondition(_ scope: AccessScope) -> (String, StatementArguments) {
        guard !scope.prefixes.isEmpty else { return ("0", []) }
        var arguments: StatementArguments = []
        for prefix in scope.prefixes { arguments += [prefix, upper(prefix)] }
        let condition = scope.prefixes.map { _ in "(d.id_path >= ? AND d.id_path < ?)" }.joined(separator: " OR ")
        return ("(" + condition + ")", arguments)
    }

    /// The ORDER BY list for `filter.sort`, from a fixed allowlist; the user id last makes the order total, so
    /// pages neither repeat nor skip anyone.
    static func order(_ filter: PeopleFilter) -> String {
        let direction = filter.descending ? "DESC" : "ASC"
        let columns: [String] = switch filter.sort {
        case .name: ["u.display_name"]
        case .department: ["d.name", "d.id"]
        case .state: ["coalesce(c.state, 'not_started')"]
        case .expires: ["c.expires_at"]
        case .hours: ["coalesce(h.hours, 0)"]
        }
        return (columns + ["u.id"]).map { "\($0) \(direction)" }.joined(separator: ", ")
    }

    static func line(_ row: Row) -> PersonLine {
        PersonLine(userID: row["id"], login: row["login"], name: row["display_name"], employeeNumber: row["employee_number"],
                   departmentID: row["department_id"],
                   state: CertificationStateName(rawValue: row["state"] ?? "not_started") ?? .notStarted,
                   certifiedAt: row["certified_at"], expiresAt: row["expires_at"], certificateID: row["certificate_id"],
                   hours: row["hours"])
    }
}
