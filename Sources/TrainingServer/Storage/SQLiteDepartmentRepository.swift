import Foundation
import GRDB
import Synchronization

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
            return Department(id: DepartmentID(rawValue: row["id"]),
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

    /// Parses "省政府/数据局/综合处" into names.
    public static func parse(_ text: String) -> [String] {
        text.split(separator: "/").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
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
