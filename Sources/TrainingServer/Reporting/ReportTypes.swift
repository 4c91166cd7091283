/// The departments a person may see in reports: the subtrees of their HR and admin grants.
public struct AccessScope: Sendable, Hashable {
    /// `id_path` prefixes; a department is visible when its path starts with one of them.
    public var prefixes: [String]

    public init(prefixes: [String]) {
        // Drop prefixes inside other prefixes, so each visible department is counted once.
        let sorted = Set(prefixes).sorted()
        var kept: [String] = []
        for prefix in sorted where !kept.contains(where: { prefix.hasPrefix($0) }) { kept.append(prefix) }
        self.prefixes = kept
    }

    public func contains(_ department: Department) -> Bool { prefixes.contains { department.idPath.hasPrefix($0) } }
    public var isEmpty: Bool { prefixes.isEmpty }

    /// The scope of `user`'s HR and admin grants, resolved against `departments`.
    public static func reporting(for user: User, departments: [Department]) -> AccessScope {
        let byID = Dictionary(uniqueKeysWithValues: departments.map { ($0.id, $0) })
        return AccessScope(prefixes: user.grants.filter { $0.role == .hr || $0.role == .admin }
            .compactMap { byID[$0.departmentID]?.idPath })
    }
}

/// Certification states as stored.
public enum CertificationStateName: String, Sendable, Hashable, Codable, CaseIterable {
    case notStarted = "not_started"
    case inProgress = "in_progress"
    case certified
    case dueForRenewal = "due_for_renewal"
    case expired
    case revoked
}

/// Counts of people per state in one department's subtree.
public struct DepartmentSummary: Sendable, Hashable {
    public var department: Department
    public var people: Int
    public var counts: [CertificationStateName: Int]

    /// Share of people currently holding a valid certificate (certified or due for renewal).
    public var certifiedRate: Double {
        people == 0 ? 0 : Double((counts[.certified] ?? 0) + (counts[.dueForRenewal] ?? 0)) / Double(people)
    }
}

/// Filters of the people list. Every filter is optional except the department (the caller's scope root).
public struct PeopleFilter: Sendable, Hashable {
    public enum Sort: String, Sendable, CaseIterable {
        case name, department, state, expires, hours
    }

    public var departmentPath: String
    public var programID: String
    public var state: CertificationStateName?
    public var expiresFrom: Double?
    public var expiresTo: Double?
    /// Only people with fewer study hours in `year` than their own yearly requirement; the value is the global
    /// requirement, for people no rule reaches.
    public var hoursBelow: Double?
    public var year: Int
    public var search: String?
    public var sort: Sort = .name
    public var descending = false
    /// Only people overdue for an assignment.
    public var overdue: PlanOverdueFilter?

    public init(departmentPath: String, programID: String, year: Int) {
        self.departmentPath = departmentPath
        self.programID = programID
        self.year = year
    }

    /// Whether the filter narrows by more than the subtree, the programme and a state: an expiry range, the hours
    /// requirement or a search (which no aggregate table answers).
    public var narrowsBeyondState: Bool {
        expiresFrom != nil || expiresTo != nil || hoursBelow != nil || !(search ?? "").isEmpty || overdue != nil
    }

    /// Whether the filter keeps everyone in the subtree.
    public var keepsEveryone: Bool { state == nil && !narrowsBeyondState }
}

/// One line of the people list and of exports.
public struct PersonLine: Sendable, Hashable, Codable {
    public var userID: Int64
    public var login: String
    public var name: String
    public var employeeNumber: String?
    public var departmentID: Int64
    public var state: CertificationStateName
    public var certifiedAt: Double?
    public var expiresAt: Double?
    public var certificateID: String?
    public var hours: Double
    /// The person's own yearly requirement; nil: the global one.
    public var requiredHours: Double? = nil
}

/// How many people match a filter: exactly, or (when counting would read too much) at least `count`, more.
public struct PeopleTotal: Sendable, Hashable {
    public var count: Int
    /// False when more than `count` people match.
    public var exact: Bool

    public init(count: Int, exact: Bool) {
        self.count = count
        self.exact = exact
    }
}

/// A department's summary with its sub-departments' and the hours distribution of its people
/// (`ReportRepository.dashboardFigures`).
public struct DashboardFigures: Sendable, Hashable {
    public var root: DepartmentSummary
    public var children: [DepartmentSummary]
    /// People per hours bucket, as `hoursDistribution` counts them.
    public var hours: [Int]

    public init(root: DepartmentSummary, children: [DepartmentSummary], hours: [Int]) {
        self.root = root
        self.children = children
        self.hours = hours
    }
}

/// Read-only queries for HR, always within an `AccessScope`.
public protocol ReportRepository: Sendable {
    /// The summary of `root` and of each of `children` (its sub-departments), for one programme.
    func summary(programID: String, root: Department, children: [Department], scope: AccessScope)
        throws -> (root: DepartmentSummary, children: [DepartmentSummary])
    /// One page of people matching `filter`, in scope.
    func people(_ filter: PeopleFilter, scope: AccessScope, limit: Int, offset: Int) throws -> [PersonLine]
    /// How many people match `filter`, in scope.
    func count(_ filter: PeopleFilter, scope: AccessScope) throws -> PeopleTotal
    /// The next `limit` people of an export in the list's order (`filter.sort`, `filter.descending`), after the
    /// person `after` (nil: from the start), once `written` were written, in scope.
    func exportBatch(_ filter: PeopleFilter, scope: AccessScope, after: PersonLine?, written: Int, limit: Int) throws
        -> [PersonLine]
    /// How many people matching `filter` have study hours in each bucket of `bounds` in `filter.year`
    /// (see `HoursDistribution`), in scope.
    func hoursDistribution(_ filter: PeopleFilter, scope: AccessScope, bounds: [Double]) throws -> [Int]
    /// What the department summary shows of `root`: `summary(programID:root:children:scope:)` and the
    /// `hoursDistribution` of everyone in its subtree in `year`, read together (an engine on the network answers
    /// both in one round trip). The default asks the two in turn.
    func dashboardFigures(programID: String, root: Department, children: [Department], year: Int, bounds: [Double],
                          scope: AccessScope) throws -> DashboardFigures
    /// Counts the aggregates behind the reports for a yearly requirement of `requiredHours` (once; again only when
    /// the requirement changes). Until then, and for any other requirement, reports count from the people.
    func prepareAggregates(requiredHours: Double) throws
    /// Gives a sort key to every name written without one (by a tool outside the platform), so lists and exports
    /// in name order meet everyone (`prepareAggregates` does this too).
    func prepareNameKeys() throws
    /// One person's record, or nil when they do not exist or their department is outside `scope`.
    func record(userID: UserID, scope: AccessScope) throws -> PersonRecord?
}

extension ReportRepository {
    public func dashboardFigures(programID: String, root: Department, children: [Department], year: Int,
                                 bounds: [Double], scope: AccessScope) throws -> DashboardFigures {
        let summary = try self.summary(programID: programID, root: root, children: children, scope: scope)
        let filter = PeopleFilter(departmentPath: root.idPath, programID: programID, year: year)
        return DashboardFigures(root: summary.root, children: summary.children,
                                hours: try hoursDistribution(filter, scope: scope, bounds: bounds))
    }
}
