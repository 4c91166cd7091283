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
        let (sql, arguments) = Self.query(filter, scope: scope, select: Self.columns)
        return try store.read { db in
            try Row.fetchAll(db, sql: sql + " AND u.id > ? ORDER BY u.id LIMIT ?",
                             arguments: arguments + [afterUserID, limit]).map(Self.line)
        }
    }

    static let columns = """
        u.id, u.login, u.display_name, u.employee_number, u.department_id, c.state, c.certified_at, c.expires_at,
        c.certificate_id, coalesce(h.hours, 0) AS hours
        """

    /// The upper bound of a subtree's paths: '/1/4/' -> '/1/40' ('0' is the character after '/').
    static func upper(_ prefix: String) -> String { String(prefix.dropLast()) + "0" }

    /// The FROM/WHERE part for `filter` within `scope`; every value is bound, identifiers come from allowlists.
    static func query(_ filter: PeopleFilter, scope: AccessScope, select: String) -> (String, StatementArguments) {
        var conditions = ["u.disabled = 0", "d.id_path >= ?", "d.id_path < ?"]
        var arguments: StatementArguments = [filter.programID, filter.year, filter.departmentPath, upper(filter.departmentPath)]
        let scopeConditions = scope.prefixes.map { _ in "(d.id_path >= ? AND d.id_path < ?)" }
        conditions.append(scopeConditions.isEmpty ? "0" : "(" + scopeConditions.joined(separator: " OR ") + ")")
        for prefix in scope.prefixes { arguments += [prefix, upper(prefix)] }
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
            SELECT \(select) FROM users u JOIN departments d ON d.id = u.department_id
            LEFT JOIN certifications c ON c.user_id = u.id AND c.program_id = ?
            LEFT JOIN user_year_hours h ON h.user_id = u.id AND h.year = ?
            WHERE \(conditions.joined(separator: " AND "))
            """
        return (sql, arguments)
    }

    static func order(_ filter: PeopleFilter) -> String {
        let direction = filter.descending ? "DESC" : "ASC"
        let column = switch filter.sort {
        case .name: "u.display_name"
        case .department: "d.id_path"
        case .state: "coalesce(c.state, 'not_started')"
        case .expires: "c.expires_at"
        case .hours: "coalesce(h.hours, 0)"
        }
        return "\(column) \(direction), u.id \(direction)"
    }

    static func line(_ row: Row) -> PersonLine {
        PersonLine(userID: row["id"], login: row["login"], name: row["display_name"], employeeNumber: row["employee_number"],
                   departmentID: row["department_id"],
                   state: CertificationStateName(rawValue: row["state"] ?? "not_started") ?? .notStarted,
                   certifiedAt: row["certified_at"], expiresAt: row["expires_at"], certificateID: row["certificate_id"],
                   hours: row["hours"])
    }
}
