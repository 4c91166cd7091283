/// What an administrator may see and change: the subtrees of their admin grants, read from the current grants on
/// every request (a withdrawn grant narrows the next request). A unit administrator granted on a bureau manages
/// that bureau and everything below it, and nothing beside or above it.
public struct AdminScope: ScopedDepartments {
    public let user: User
    public let access: AccessScope
    /// Every department of the organisation, for names and paths; only visible ones may be shown.
    public let departments: [DepartmentID: Department]
    /// The tops of the scope's subtrees, by name path.
    public let roots: [Department]

    public init(user: User, departments: [Department]) {
        self.user = user
        let byID = Dictionary(departments.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let access = AccessScope(prefixes: user.grants.filter { $0.role == .admin }.compactMap { byID[$0.departmentID]?.idPath })
        self.access = access
        self.departments = byID
        self.roots = Self.roots(of: access, in: departments)
    }

    /// Whether the administrator holds any admin grant on a department that still exists.
    public var isEmpty: Bool { access.isEmpty }

    public func isVisible(_ department: Department) -> Bool { access.contains(department) }

    public func isVisible(_ id: DepartmentID) -> Bool { departments[id].map(isVisible) ?? false }

    /// Whether `person` belongs to a department in scope (and so may be seen and changed).
    public func manages(_ person: User) -> Bool { isVisible(person.departmentID) }

    /// The department a request names by id: nil when none is named; `nil` is never returned for a named one:
    /// anything that is not a department in scope (malformed, unknown, outside) is `AdminScopeFailure.notFound`,
    /// so answers reveal nothing about it.
    public func department(_ raw: String?) throws(AdminScopeFailure) -> Department? {
        guard let raw, !raw.isEmpty else { return nil }
        guard let department = visibleDepartment(named: raw) else { throw .notFound }
        return department
    }
}

/// Why an administrative request names nothing the administrator may see.
public enum AdminScopeFailure: Error, Sendable, Equatable {
    /// Unknown, malformed or outside the administrator's scope: never told apart.
    case notFound
}
