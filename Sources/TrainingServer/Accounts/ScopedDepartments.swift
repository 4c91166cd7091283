/// A view of the organisation limited to a scope (an HR reader's, an administrator's): every department is known
/// for names and paths, only the visible ones may be shown or named by a request.
public protocol ScopedDepartments: Sendable {
    /// Every department of the organisation, by id.
    var departments: [DepartmentID: Department] { get }
    func isVisible(_ department: Department) -> Bool
}

extension ScopedDepartments {
    /// The visible department a request names by its id; nil for anything else (malformed, unknown, outside),
    /// which callers answer as "not found", so answers reveal nothing about it.
    public func visibleDepartment(named raw: String) -> Department? {
        guard raw.allSatisfy({ $0.isASCII && $0.isNumber }), let id = Int64(raw),
              let department = departments[DepartmentID(rawValue: id)], isVisible(department) else { return nil }
        return department
    }

    /// Every visible department, by name path.
    public var visibleDepartments: [Department] {
        departments.values.filter(isVisible).sorted { $0.namePath.lexicographicallyPrecedes($1.namePath) }
    }

    /// The visible departments from the top of the scope down to `department`, for breadcrumbs.
    public func trail(to department: Department) -> [Department] {
        department.idPath.split(separator: "/").compactMap { Int64($0) }
            .compactMap { departments[DepartmentID(rawValue: $0)] }.filter(isVisible)
    }

    /// The visible departments directly below `department`, by name.
    public func children(of department: Department) -> [Department] {
        departments.values.filter { $0.parentID == department.id && isVisible($0) }.sorted { $0.name < $1.name }
    }

    /// The tops of `scope`'s subtrees among `departments`, by name path.
    static func roots(of scope: AccessScope, in departments: [Department]) -> [Department] {
        departments.filter { scope.prefixes.contains($0.idPath) }.sorted { $0.namePath.lexicographicallyPrecedes($1.namePath) }
    }
}
