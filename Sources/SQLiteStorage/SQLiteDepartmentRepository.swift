import Foundation
import GRDB
import Synchronization
import TrainingServer

/// Departments in SQLite; subtree queries use the `id_path` prefix.
public struct SQLiteDepartmentRepository: DepartmentRepository {
    let store: Store
    let clock: @Sendable () -> Double
    /// The tree as last read; copies of this repository share it.
    private let cache = DepartmentTreeCache()

    public init(store: Store, clock: @escaping @Sendable () -> Double) {
        self.store = store
        self.clock = clock
    }

    public func ensure(path: [String], by actor: AuditActor) throws -> Department {
        let names = try Self.validated(path)
        let id: Int64 = try store.write { db in try Self.ensure(names, in: db, at: clock(), by: actor) }
        guard let department = try find(id: DepartmentID(rawValue: id)) else { throw StoreError.notFound("department") }
        return department
    }

    /// Finds or creates the department at `names` inside the caller's transaction; returns its id.
    static func ensure(_ names: [String], in db: Database, at now: Double, by actor: AuditActor) throws -> Int64 {
        var parent: Int64?
        var parentPath = "/"
        for (depth, name) in names.enumerated() {
            if let existing = try Row.fetchOne(db, sql: """
                SELECT id, id_path FROM departments WHERE ifnull(parent_id, 0) = ? AND name = ?
                """, arguments: [parent ?? 0, name]) {
                parent = existing["id"]
                parentPath = existing["id_path"]
                continue
            }
            try db.execute(sql: "INSERT INTO departments (parent_id, name, id_path, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [parent, name, "pending:\(parentPath)\(name)", now])
            let newID = db.lastInsertedRowID
            parentPath = "\(parentPath)\(newID)/"
            try db.execute(sql: "UPDATE departments SET id_path = ? WHERE id = ?", arguments: [parentPath, newID])
            try AuditChain.append(AuditEvent(action: "department.create", subject: "department:\(newID)",
                                             details: ["path": names.prefix(depth + 1).joined(separator: "/")]),
                                  by: actor, at: now, in: db)
            parent = newID
        }
        return parent!
    }

    /// Renames `id`. Audited as `department.rename` with the old and new paths.
    public func rename(_ id: DepartmentID, to newName: String, by actor: AuditActor) throws(DepartmentChangeFailure) -> Department {
        let name = newName.trimmingCharacters(in: .whitespaces)
        guard Department.isValidName(name) else { throw .invalidName }
        try change { db in
            guard let department = try Self.load(db, where: "id = ?", [id.rawValue]).first else { throw DepartmentChangeFailure.notFound }
            guard department.name != name else { return }
            try Self.requireFreeName(name, under: department.parentID, db)
            try db.execute(sql: "UPDATE departments SET name = ? WHERE id = ?", arguments: [name, id.rawValue])
            try AuditChain.append(AuditEvent(action: "department.rename", subject: "department:\(id)",
                                             details: ["from": department.namePath.joined(separator: "/"),
                                                       "to": (department.namePath.dropLast() + [name]).joined(separator: "/")]),
                                  by: actor, at: clock(), in: db)
        }
        return try found(id)
    }

    /// Moves `id` with its whole subtree under `parent`: never under itself or anything below it, never where a
    /// sibling has its name. The subtree's `id_path`s change in the same transaction (people, grants and the
    /// reports' per-department counts keep their department ids, so subtree sums follow the new paths at once).
    /// Audited as `department.move` with the old and new paths.
    public func move(_ id: DepartmentID, under parentID: DepartmentID, by actor: AuditActor) throws(DepartmentChangeFailure) -> Department {
        try change { db in
            guard let department = try Self.load(db, where: "id = ?", [id.rawValue]).first,
                  let parent = try Self.load(db, where: "id = ?", [parentID.rawValue]).first else {
                throw DepartmentChangeFailure.notFound
            }
            guard !department.contains(parent) else { throw DepartmentChangeFailure.intoOwnSubtree }
            guard department.parentID != parent.id else { throw DepartmentChangeFailure.alreadyThere }
            try Self.requireFreeName(department.name, under: parent.id, db)
            let newPath = "\(parent.idPath)\(id)/"
            try db.execute(sql: "UPDATE departments SET parent_id = ? WHERE id = ?", arguments: [parent.id.rawValue, id.rawValue])
            // Every path of the subtree starts with the old path: swap that start for the new one.
            try db.execute(sql: """
                UPDATE departments SET id_path = ? || substr(id_path, ?) WHERE id_path >= ? AND id_path < ?
                """, arguments: [newPath, department.idPath.utf8.count + 1, department.idPath, Self.upper(department.idPath)])
            // The rules above the subtree changed: its people's yearly requirements follow.
            try SQLiteYearlyRequirements.refresh(under: newPath, db)
            try SQLiteAssignmentRepository.reconcile(subtree: newPath, at: clock(), in: db)
            try AuditChain.append(AuditEvent(action: "department.move", subject: "department:\(id)",
                                             details: ["from": department.namePath.joined(separator: "/"),
                                                       "to": (parent.namePath + [department.name]).joined(separator: "/")]),
                                  by: actor, at: clock(), in: db)
        }
        return try found(id)
    }

    /// Deletes `id` and the departments below it when nobody belongs to any of them (disabled accounts included)
    /// and nobody holds a role on them. Audited as `department.delete`.
    public func delete(_ id: DepartmentID, by actor: AuditActor) throws(DepartmentChangeFailure) {
        try change { db in
            guard let department = try Self.load(db, where: "id = ?", [id.rawValue]).first else {
                throw DepartmentChangeFailure.notFound
            }
            let range: StatementArguments = [department.idPath, Self.upper(department.idPath)]
            let ids = try Int64.fetchAll(db, sql: """
                SELECT id FROM departments WHERE id_path >= ? AND id_path < ? ORDER BY length(id_path) DESC
                """, arguments: range)
            let people = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM users WHERE department_id IN
                    (SELECT id FROM departments WHERE id_path >= ? AND id_path < ?)
                """, arguments: range) ?? 0
            guard people == 0 else { throw DepartmentChangeFailure.notEmpty(people: people) }
            let grants = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM role_grants WHERE department_id IN
                    (SELECT id FROM departments WHERE id_path >= ? AND id_path < ?)
                """, arguments: range) ?? 0
            guard grants == 0 else { throw DepartmentChangeFailure.rolesGranted(grants) }
            for departmentID in ids {
                try SQLiteReportRepository.forgetDepartment(departmentID, db)
                try db.execute(sql: "DELETE FROM departments WHERE id = ?", arguments: [departmentID])
            }
            try AuditChain.append(AuditEvent(action: "department.delete", subject: "department:\(id)",
                                             details: ["path": department.namePath.joined(separator: "/"),
                                                       "departments": String(ids.count)]),
                                  by: actor, at: clock(), in: db)
        }
    }

    /// The number of accounts (enabled or not) in `id`'s subtree: what stops a delete.
    public func accounts(inSubtreeOf department: Department) throws -> Int {
        try store.read { db in
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM users WHERE department_id IN
                    (SELECT id FROM departments WHERE id_path >= ? AND id_path < ?)
                """, arguments: [department.idPath, Self.upper(department.idPath)]) ?? 0
        }
    }

    /// Enabled people per department (departments without any are left out), from the reports' head counts.
    public func headcounts() throws -> [DepartmentID: Int] {
        try store.read { db in
            try SQLiteReportRepository.departmentHeadcounts(db).reduce(into: [:]) { $0[DepartmentID(rawValue: $1.key)] = $1.value }
        }
    }

    /// Runs `body` in a write transaction, mapping storage errors other than the refusals; then tells running
    /// servers' session caches that the tree changed (grants reach other departments after a move).
    private func change(_ body: (Database) throws -> Void) throws(DepartmentChangeFailure) {
        do {
            try store.write { db in try body(db) }
        } catch let failure as DepartmentChangeFailure {
            throw failure
        } catch {
            throw .storage(String(describing: error))
        }
        ChangeStamp.accounts(databasePath: store.path).touch()
    }

    private func found(_ id: DepartmentID) throws(DepartmentChangeFailure) -> Department {
        do {
            guard let department = try find(id: id) else { throw DepartmentChangeFailure.notFound }
            return department
        } catch let failure as DepartmentChangeFailure {
            throw failure
        } catch {
            throw .storage(String(describing: error))
        }
    }


    private static func requireFreeName(_ name: String, under parentID: DepartmentID?, _ db: Database) throws {
        let taken = try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM departments WHERE ifnull(parent_id, 0) = ? AND name = ?)
            """, arguments: [parentID?.rawValue ?? 0, name]) ?? false
        if taken { throw DepartmentChangeFailure.nameTaken }
    }

    /// The first path after every path starting with `prefix` ("/1/4/" -> "/1/40": "0" follows "/").
    static func upper(_ prefix: String) -> String { String(prefix.dropLast()) + "0" }

    public func find(path: [String]) throws -> Department? {
        try all().first { $0.namePath == path }
    }

    public func find(id: DepartmentID) throws -> Department? {
        try tree().byID[id]
    }

    public func all() throws -> [Department] {
        try tree().sorted
    }

    /// Every department, read again only when the tree's version (bumped by triggers on every insert, update and
    /// delete, from this process or any other) differs from the cached one. Checking costs one single-row read.
    func tree() throws -> DepartmentTree {
        try store.read { db in
            let version = try Self.treeVersion(db)
            if let tree = cache.tree(at: version) { return tree }
            let tree = DepartmentTree(try Self.load(db, where: "1", []))
            cache.keep(tree, at: version)
            return tree
        }
    }

    /// The department tree's version: triggers bump it on every insert, update and delete of a department.
    static func treeVersion(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT version FROM change_versions WHERE name = 'departments'") ?? -1
    }

    /// Loads departments and resolves their name paths from their ancestors' names.
    static func load(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> [Department] {
        let names = try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT id, name FROM departments")
            .map { (row: Row) -> (Int64, String) in (row["id"], row["name"]) })
        return try Row.fetchAll(db, sql: "SELECT * FROM departments WHERE \(condition)", arguments: arguments).map { row in
            let idPath: String = row["id_path"]
            let namePath = idPath.split(separator: "/").compactMap { Int64($0).flatMap { names[$0] } }
            return Department(DepartmentID(rawValue: row["id"]),
                              parentID: (row["parent_id"] as Int64?).map(DepartmentID.init(rawValue:)),
                              name: row["name"], idPath: idPath, namePath: namePath)
        }
    }

    /// Splits and checks a path given as names.
    static func validated(_ path: [String]) throws -> [String] {
        let names = path.map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty && $0.count <= 200 && !$0.contains("/") }) else {
            throw StoreError.conflict("a department path needs one or more non-empty names")
        }
        return names
    }

}

/// Every department, by name path and by id.
struct DepartmentTree: Sendable {
    let sorted: [Department]
    let byID: [DepartmentID: Department]

    init(_ departments: [Department]) {
        sorted = departments.sorted { $0.namePath.lexicographicallyPrecedes($1.namePath) }
        byID = Dictionary(departments.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// The department tree of one database as last read, with the version it was read at.
final class DepartmentTreeCache: Sendable {
    private let state = Mutex<(version: Int64, tree: DepartmentTree)?>(nil)

    func tree(at version: Int64) -> DepartmentTree? {
        state.withLock { current in current?.version == version ? current?.tree : nil }
    }

    func keep(_ tree: DepartmentTree, at version: Int64) {
        state.withLock { $0 = (version, tree) }
    }
}

extension SQLiteDepartmentRepository {
}
