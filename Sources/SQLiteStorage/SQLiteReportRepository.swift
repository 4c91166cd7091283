import Foundation
import GRDB
import Synchronization
import TrainingServer

/// HR queries over SQLite. Department subtrees are `id_path` ranges (`'/1/4/' <= path < '/1/40'`, since '0' follows
/// '/'), and every query is limited to the caller's scope in SQL, so out-of-scope rows are never read.
///
/// At the top of a large organisation nothing may read every person: totals and charts come from the aggregate
/// tables the triggers keep (`department_people`, `certification_counts`, `department_hours`), and a page of people
/// walks an index in the page's order and stops when the page is full, whenever that reads fewer rows than taking
/// the subtree's people one department at a time (`Plan`). SQLite's planner, without statistics, always starts from
/// the departments, so the join order is fixed in the SQL with `CROSS JOIN`.
public struct SQLiteReportRepository: ReportRepository {
    /// How the people of a list are found; every plan gives the same rows in the same order.
    public enum Plan: Sendable, CaseIterable {
        /// The subtree's departments, their people, then a sort: reads everyone in the subtree.
        case departmentsFirst
        /// People in name order (index `users_name_key`), kept when in the subtree and matching: for sort by name.
        case usersByName
        /// The programme's certifications in one state in expiry order (index `certifications_program_state`):
        /// for a state filter sorted by expiry.
        case certificationsByExpiry
        /// Departments in name order (index `departments_name`), each one's people by id: for sort by department.
        case departmentsByName
        /// One walk per state, in the order of the states' codes: that state's certifications by person
        /// (index `certifications_program_people`), people without one by id: for sort by state.
        case stateSegments
        /// The people having the search's rarest non-ASCII character (table `user_name_characters`), then a sort:
        /// for a search with such a character (Chinese names).
        case searchCandidates
        /// People without hours (by id), then people with hours in hours order (index `user_year_hours_value`):
        /// for sort by hours. Hours are never negative (the ledger's CHECK), so no one sorts before "none".
        case hoursSegments
    }

    /// Where a query starts, and so the order its rows come in without a sort.
    enum Source: Equatable {
        case departmentsFirst, departmentsByName, usersByName, usersByID, certificationsByExpiry, certificationsByPerson,
             hoursByValue
        /// The people listed with this character, and the one whose employee number is the search.
        case nameCharacter(String)
    }

    /// One part of a segmented walk: the rows whose sort key lies in one run, in the walk's order.
    struct Segment {
        var source: Source
        var condition: String
        var arguments: StatementArguments = []
        /// The ORDER BY columns, ascending; the walk's direction is applied to each.
        var order: [String]
        /// How many rows the segment holds when the aggregates tell (to skip it without reading it).
        var count: Int?
    }

    /// Which plan a query takes: chosen from the aggregates (`automatic`), or fixed (tests compare the plans).
    public enum PlanChoice: Sendable {
        case automatic
        case always(Plan)
    }

    let store: Store
    let planChoice: PlanChoice
    /// The department ids of the last scope an export asked for.
    let scopeCache = ScopeCache()
    /// Counting stops here when no aggregate answers a filter (a search, an expiry range) over a large subtree:
    /// the total is then "more than" this.
    let countCap: Int
    /// Subtrees with at most this many people are counted exactly, whatever the filter.
    let exactCountLimit: Int

    public init(store: Store, planChoice: PlanChoice = .automatic, countCap: Int = 1000, exactCountLimit: Int = 50_000) {
        self.store = store
        self.planChoice = planChoice
        self.countCap = countCap
        self.exactCountLimit = exactCountLimit
    }

    // MARK: SQL

    static let columns = """
        u.id, u.login, u.display_name, u.employee_number, u.department_id, c.state, c.certified_at, c.expires_at,
        c.certificate_id, coalesce(h.hours, 0) AS hours, u.required_hours
        """

    /// The upper bound of a subtree's paths: '/1/4/' -> '/1/40' ('0' is the character after '/').
    static func upper(_ prefix: String) -> String { String(prefix.dropLast()) + "0" }

    /// The subtrees a query covers: `path`'s (a department's `id_path`, or "/" for the whole scope) within `scope`.
    /// A scope is made of whole subtrees, so this is `path`'s subtree when a scope subtree holds it, the scope
    /// subtrees below `path` otherwise, and nothing when they do not meet.
    static func prefixes(_ path: String, _ scope: AccessScope) -> [String] {
        if scope.prefixes.contains(where: { path.hasPrefix($0) }) { return [path] }
        return scope.prefixes.filter { $0.hasPrefix(path) }
    }

    /// `d.id_path` lies in one of the subtrees `prefixes`; none matches nothing.
    static func rangeCondition(_ prefixes: [String]) -> (String, StatementArguments) {
        guard !prefixes.isEmpty else { return ("0", []) }
        var arguments: StatementArguments = []
        for prefix in prefixes { arguments += [prefix, upper(prefix)] }
        let condition = prefixes.map { _ in "(d.id_path >= ? AND d.id_path < ?)" }.joined(separator: " OR ")
        return ("(" + condition + ")", arguments)
    }

    /// The FROM/WHERE part for `filter` within the subtrees `prefixes`, joined in `plan`'s order (nil: people by
    /// id, for exports and capped counts). Every value is bound; identifiers come from allowlists.
    static func query(_ filter: PeopleFilter, _ prefixes: [String], select: String, plan: Plan?) -> (String, StatementArguments) {
        let source: Source = switch plan {
        case .departmentsFirst, .stateSegments, .hoursSegments, .searchCandidates: .departmentsFirst
        case .departmentsByName: .departmentsByName
        case .usersByName: .usersByName
        case .certificationsByExpiry: .certificationsByExpiry
        case nil: .usersByID
        }
        return query(filter, prefixes, select: select, source: source, extra: nil)
    }

    /// The query from `source`, with `extra` (a condition and its values) before the filter's conditions.
    static func query(_ filter: PeopleFilter, _ prefixes: [String], select: String, source: Source,
                      extra: (condition: String, arguments: StatementArguments)?) -> (String, StatementArguments) {
        let (inRange, rangeArguments) = rangeCondition(prefixes)
        let certification = "LEFT JOIN certifications c ON c.user_id = u.id AND c.program_id = ?"
        let hours = "LEFT JOIN user_year_hours h ON h.user_id = u.id AND h.year = ?"
        let from: String
        // The certification's programme, then the hours' year, unless a source binds something first.
        var arguments: StatementArguments = [filter.programID, filter.year]
        var conditions = ["u.disabled = 0", inRange]
        switch source {
        case .departmentsFirst:
            from = "departments d CROSS JOIN users u ON u.department_id = d.id \(certification) \(hours)"
        case .departmentsByName:
            from = "departments d INDEXED BY departments_name CROSS JOIN users u ON u.department_id = d.id \(certification) \(hours)"
        case .usersByName:
            from = "users u INDEXED BY users_name_key CROSS JOIN departments d ON d.id = u.department_id \(certification) \(hours)"
        case .usersByID:
            from = "users u CROSS JOIN departments d ON d.id = u.department_id \(certification) \(hours)"
        case .certificationsByExpiry, .certificationsByPerson:
            let index = source == .certificationsByExpiry ? "certifications_program_state" : "certifications_program_people"
            from = """
                certifications c INDEXED BY \(index) CROSS JOIN users u ON u.id = c.user_id
                CROSS JOIN departments d ON d.id = u.department_id \(hours)
                """
            // The programme's condition comes first in the text, so its value follows the year's.
            conditions.insert("c.program_id = ?", at: 0)
            arguments = [filter.year, filter.programID]
        case .nameCharacter(let character):
            from = """
                (SELECT user_id FROM user_name_characters WHERE character = ?
                 UNION SELECT id FROM users WHERE employee_number = ?) s
                CROSS JOIN users u ON u.id = s.user_id CROSS JOIN departments d ON d.id = u.department_id
                \(certification) \(hours)
                """
            arguments = [character, filter.search ?? "", filter.programID, filter.year]
        case .hoursByValue:
            from = """
                user_year_hours h INDEXED BY user_year_hours_value CROSS JOIN users u ON u.id = h.user_id
                CROSS JOIN departments d ON d.id = u.department_id \(certification)
                """
            conditions.insert("h.year = ?", at: 0)
        }
        if let extra {
            // Right after the source's own condition (or first), so its values follow the ones bound so far.
            let sourceFirst = source == .certificationsByExpiry || source == .certificationsByPerson || source == .hoursByValue
            conditions.insert(extra.condition, at: sourceFirst ? 1 : 0)
            arguments += extra.arguments
        }
        arguments += rangeArguments
        if let state = filter.state {
            conditions.append(source == .certificationsByExpiry || source == .certificationsByPerson
                              ? "c.state = ?" : "coalesce(c.state, 'not_started') = ?")
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
        if filter.expiresFrom != nil || filter.expiresTo != nil {
            // A revoked certificate no longer expires: it ended when it was revoked.
            conditions.append("c.state <> 'revoked'")
        }
        if let below = filter.hoursBelow {
            // Each person against their own requirement; the global one for people no rule reaches.
            conditions.append("coalesce(h.hours, 0) < coalesce(u.required_hours, ?)")
            arguments += [below]
        }
        if let search = filter.search, !search.isEmpty {
            conditions.append("(u.display_name LIKE ? ESCAPE '\\' OR u.login LIKE ? ESCAPE '\\' OR u.employee_number = ?)")
            let pattern = "%" + search.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
            arguments += [pattern, pattern, search]
        }
        if let overdue = filter.overdue?.condition {
            conditions.append(overdue.sql)
            arguments += overdue.arguments
        }
        return ("SELECT \(select) FROM \(from) WHERE \(conditions.joined(separator: " AND "))", arguments)
    }

    /// The ORDER BY list for `filter.sort`, from a fixed allowlist; the user id last makes the order total, so
    /// pages neither repeat nor skip anyone. Each plan names the columns its index is ordered by.
    static func order(_ filter: PeopleFilter, plan: Plan) -> String {
        let direction = filter.descending ? "DESC" : "ASC"
        let columns: [String] = switch (filter.sort, plan) {
        case (.expires, .certificationsByExpiry): ["c.expires_at", "c.user_id"]
        case (.name, _): ["u.name_key", "u.id"]
        case (.department, _): ["d.name", "d.id", "u.id"]
        case (.state, _): ["coalesce(c.state, 'not_started')", "u.id"]
        case (.expires, _): ["c.expires_at", "u.id"]
        case (.hours, _): ["coalesce(h.hours, 0)", "u.id"]
        }
        return columns.map { "\($0) \(direction)" }.joined(separator: ", ")
    }

    /// A line from a row of `columns`, read by position.
    static func line(_ row: Row) -> PersonLine {
        let state: String? = row[5]
        return PersonLine(row[0], login: row[1], name: row[2], employeeNumber: row[3], departmentID: row[4],
                          state: state.flatMap(CertificationStateName.init(rawValue:)) ?? .notStarted,
                          certifiedAt: row[6], expiresAt: row[7], certificateID: row[8], hours: row[9], requiredHours: row[10])
    }
}

/// The department ids of one scope at one version of the department tree (an export asks for the same scope in
/// every batch).
final class ScopeCache: Sendable {
    private let state = Mutex<(key: String, version: Int64, ids: Set<Int64>)?>(nil)

    func ids(for key: String, version: Int64) -> Set<Int64>? {
        state.withLock { current in
            guard let current, current.key == key, current.version == version else { return nil }
            return current.ids
        }
    }

    func keep(_ ids: Set<Int64>, for key: String, version: Int64) {
        state.withLock { $0 = (key, version, ids) }
    }
}
