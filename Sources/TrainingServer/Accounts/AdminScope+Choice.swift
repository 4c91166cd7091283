import Foundation

extension AdminScope {
    /// Above this many departments in scope, forms ask for a department's path typed out instead of offering a
    /// list (a list of every department would make each page with such a field too heavy).
    public static let departmentListLimit = 100

    /// Whether forms offer the departments in scope as a list.
    public var listsDepartments: Bool {
        departments.values.lazy.filter(isVisible).prefix(Self.departmentListLimit + 1).count <= Self.departmentListLimit
    }

    /// The department a form names, by id or by its path of names ("省/数据局/综合处", spaces around "/"
    /// ignored): nil when none is named; anything that is not a department in scope is `AdminScopeFailure.notFound`.
    public func department(chosen raw: String?) throws(AdminScopeFailure) -> Department? {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        if raw.allSatisfy({ $0.isASCII && $0.isNumber }) { return try department(raw) }
        let names = raw.split(separator: "/").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let found = departments.values.first(where: { $0.namePath == names }), isVisible(found) else { throw .notFound }
        return found
    }

    /// How a department is typed into a form: its names joined with "/".
    public static func typedPath(_ department: Department) -> String { department.namePath.joined(separator: "/") }
}
