/// Who is reading a report and what they may see: the subtrees of their HR and admin grants, read from the
/// current grants on every request (a changed assignment takes effect at once).
public struct ReportViewer: ScopedDepartments {
    public let user: User
    public let scope: AccessScope
    /// Every department of the organisation, for names and paths; only `visible` ones may be shown.
    public let departments: [DepartmentID: Department]
    /// The tops of the scope's subtrees, by name path.
    public let roots: [Department]

    public init(user: User, departments: [Department]) {
        self.user = user
        self.scope = AccessScope.reporting(for: user, departments: departments)
        self.departments = Dictionary(departments.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.roots = Self.roots(of: scope, in: departments)
    }

    public func isVisible(_ department: Department) -> Bool { scope.contains(department) }

    /// The department a request names by id: nil when none is named; `notFound` for anything that is not a
    /// department in scope (a malformed id, an unknown one, one outside), so answers reveal nothing.
    public func department(_ raw: String?) throws(ReportFailure) -> Department? {
        guard let raw else { return nil }
        guard let department = visibleDepartment(named: raw) else { throw .notFound }
        return department
    }
}

/// Why a report cannot be given.
public enum ReportFailure: Error, Sendable, Equatable {
    /// The department, person or programme does not exist or is outside the reader's scope (never told apart).
    case notFound
    /// Parameters that could not be read.
    case invalid([PeopleQuery.Problem])
}
