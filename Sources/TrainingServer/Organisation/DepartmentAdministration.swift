import Foundation

/// The organisation tree as administrators change it, from the admin pages and from the command line alike: the
/// tree with head counts, adding, renaming, moving (with the subtree) and deleting empty departments. With an
/// `AdminScope` every department named must be in the scope (the pages resolve ids through the scope first, so
/// anything else is "not found") and the top of the scope cannot be moved; without one (the command line) the
/// whole organisation is in reach. Every change is audited by the repository in its own transaction.
public struct DepartmentAdministration: Sendable {
    let repository: any DepartmentAdministrationRepository

    public init(storage: any StorageEngine) {
        repository = storage.departmentAdministration
    }

    /// A department of the tree with its depth below the top of the list and its enabled people.
    public struct Node: Sendable, Equatable {
        public var department: Department
        /// 0 for the tops of the scope (or the organisation), 1 for their children, ...
        public var depth: Int
        /// People in the department itself.
        public var direct: Int
        /// People in it and every department below it.
        public var total: Int
    }

    /// Every department in `scope` (everything without one) in tree order, with head counts.
    public func tree(scope: AdminScope?) throws -> [Node] {
        let all = try repository.all()
        let visible = scope.map { scope in all.filter(scope.isVisible) } ?? all
        let counts = try repository.headcounts()
        let tops = scope?.roots ?? all.filter { $0.parentID == nil }
        var totals: [DepartmentID: Int] = [:]
        // Each department's people count for it and each of its ancestors (all of them, in or out of the list).
        for department in all {
            let people = counts[department.id] ?? 0
            guard people != 0 else { continue }
            for part in department.idPath.split(separator: "/") {
                if let id = Int64(part) { totals[DepartmentID(rawValue: id), default: 0] += people }
            }
        }
        return visible.map { department in
            let top = tops.first { $0.contains(department) }
            let depth = department.namePath.count - (top?.namePath.count ?? 1)
            return Node(department: department, depth: max(0, depth), direct: counts[department.id] ?? 0,
                        total: totals[department.id] ?? 0)
        }
    }

    /// The department at `path`, created with any missing parents (the command line's `departments add`).
    public func ensure(path: [String], by actor: AuditActor) throws -> Department {
        try repository.ensure(path: path, by: actor)
    }

    /// Adds `name` under `parent` (which must be in `scope`).
    public func add(_ name: String, under parent: Department, scope: AdminScope?, by actor: AuditActor)
        throws(DepartmentChangeFailure) -> Department {
        try require(parent, in: scope)
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard Department.isValidName(trimmed) else { throw .invalidName }
        do {
            if try repository.find(path: parent.namePath + [trimmed]) != nil { throw DepartmentChangeFailure.nameTaken }
            return try repository.ensure(path: parent.namePath + [trimmed], by: actor)
        } catch let failure as DepartmentChangeFailure {
            throw failure
        } catch {
            throw .storage(String(describing: error))
        }
    }

    public func rename(_ department: Department, to name: String, scope: AdminScope?, by actor: AuditActor)
        throws(DepartmentChangeFailure) -> Department {
        try require(department, in: scope)
        return try repository.rename(department.id, to: name, by: actor)
    }

    /// Moves `department` with its subtree under `parent`; the top of an administrator's scope stays put.
    public func move(_ department: Department, under parent: Department, scope: AdminScope?, by actor: AuditActor)
        throws(DepartmentChangeFailure) -> Department {
        try require(department, in: scope)
        try require(parent, in: scope)
        if let scope, scope.roots.contains(where: { $0.id == department.id }) { throw .scopeRoot }
        return try repository.move(department.id, under: parent.id, by: actor)
    }

    /// Where `department` may move within `scope`: not itself, nothing below it, not its current parent.
    public func moveTargets(for department: Department, scope: AdminScope?) throws -> [Department] {
        if let scope, scope.roots.contains(where: { $0.id == department.id }) { return [] }
        let all = try repository.all()
        return (scope.map { scope in all.filter(scope.isVisible) } ?? all)
            .filter { !department.contains($0) && $0.id != department.parentID }
    }

    /// Deletes `department` and its subtree when nobody belongs to them and no role is granted on them.
    public func delete(_ department: Department, scope: AdminScope?, by actor: AuditActor) throws(DepartmentChangeFailure) {
        try require(department, in: scope)
        try repository.delete(department.id, by: actor)
    }

    /// Accounts (enabled or disabled) in `department`'s subtree: none means it may be deleted (grants aside).
    public func accounts(inSubtreeOf department: Department) throws -> Int {
        try repository.accounts(inSubtreeOf: department)
    }

    public func find(id: DepartmentID) throws -> Department? { try repository.find(id: id) }

    public func find(path: [String]) throws -> Department? { try repository.find(path: path) }

    public func all() throws -> [Department] { try repository.all() }

    private func require(_ department: Department, in scope: AdminScope?) throws(DepartmentChangeFailure) {
        if let scope, !scope.isVisible(department.id) { throw .notFound }
    }
}
