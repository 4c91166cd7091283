/// What a planner (anyone with an HR or admin grant) may see and change in training plans: the union of the
/// subtrees of those grants, read from the current grants on every request.
///
/// An assignment is visible when its anchor department is inside the scope, or above one of the scope's roots
/// (an assignment to the whole province reaches a bureau's people, so the bureau's HR follows it up); only members
/// inside the scope are ever shown or counted; only an assignment anchored inside the scope can be changed.
/// Anything else is "not found" (`PlanScopeFailure.notFound`, a 404), never "forbidden".
public struct PlanScope: ScopedDepartments {
    public let user: User
    public let access: AccessScope
    /// Every department of the organisation, for names and paths; only visible ones may be shown.
    public let departments: [DepartmentID: Department]
    /// The tops of the scope's subtrees, by name path.
    public let roots: [Department]

    public init(user: User, departments: [Department]) {
        self.user = user
        self.access = AccessScope.reporting(for: user, departments: departments)
        self.departments = Dictionary(departments.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.roots = Self.roots(of: access, in: departments)
    }

    /// Whether the person holds no HR or admin grant on a department that still exists.
    public var isEmpty: Bool { access.isEmpty }

    public func isVisible(_ department: Department) -> Bool { access.contains(department) }

    public func isVisible(_ id: DepartmentID) -> Bool { departments[id].map(isVisible) ?? false }

    /// Whether `person` belongs to a department in scope.
    public func includes(_ person: User) -> Bool { isVisible(person.departmentID) }

    /// Whether the planner may follow `assignment` up: its anchor is in scope or above a root of the scope.
    public func canSee(_ assignment: Assignment) -> Bool {
        guard let anchor = departments[assignment.departmentID] else { return false }
        return isVisible(anchor) || access.prefixes.contains { $0.hasPrefix(anchor.idPath) }
    }

    /// Whether the planner may change (withdraw) `assignment`: its anchor is in scope.
    public func canChange(_ assignment: Assignment) -> Bool { isVisible(assignment.departmentID) }

    /// `assignment` when visible; `notFound` otherwise (also for nil: unknown ids).
    public func visible(_ assignment: Assignment?) throws(PlanScopeFailure) -> Assignment {
        guard let assignment, canSee(assignment) else { throw .notFound }
        return assignment
    }

    /// The department a request names by id: nil when none is named; anything not in scope is `notFound`.
    public func department(_ raw: String?) throws(PlanScopeFailure) -> Department? {
        guard let raw, !raw.isEmpty else { return nil }
        guard let department = visibleDepartment(named: raw) else { throw .notFound }
        return department
    }
}

/// Why a planning request names nothing the planner may see.
public enum PlanScopeFailure: Error, Sendable, Equatable {
    /// Unknown, malformed or outside the planner's scope: never told apart.
    case notFound
}
