import Foundation
import Synchronization
import TrainingServer

/// The organisation tree on PostgreSQL, with the SQLite engine's paths, order, audit rows and refusals.
///
/// **Concurrency.** `ensure` takes the department-tree lock (`PostgresLocks.departmentTree`) for its transaction:
/// two servers ensuring the same path at once take turns, and the second finds what the first created instead of
/// failing on `departments_parent_name` (which stays as the backstop). **Caching.** The tree is read again only
/// when its version (`change_versions.departments`, bumped by triggers on every insert, update and delete, by any
/// server) differs from the cached one, so a department created through another server is seen on the next read.
public struct PostgresDepartmentRepository: DepartmentRepository {
    let pool: PostgresPool
    let clock: @Sendable () -> Double
    private let cache = TreeCache()

    public init(pool: PostgresPool, clock: @escaping @Sendable () -> Double) {
        self.pool = pool
        self.clock = clock
    }

    public func ensure(path: [String], by actor: AuditActor) throws -> Department {
        let names = path.map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty && $0.count <= 200 && !$0.contains("/") }) else {
            throw StoreError.conflict("a department path needs one or more non-empty names")
        }
        let id: Int64 = try pool.transaction { connection in
            try PostgresLocks.lock(PostgresLocks.departmentTree, on: connection)
            return try Self.ensure(names, at: clock(), by: actor, on: connection)
        }
        guard let department = try find(id: DepartmentID(rawValue: id)) else { throw StoreError.notFound("department") }
        return department
    }

    /// Finds or creates the department at `names` inside the caller's transaction (which holds the tree lock);
    /// returns its id. Each department created is audited as `department.create` with its own path.
    static func ensure(_ names: [String], at now: Double, by actor: AuditActor, on connection: PostgresConnection) throws -> Int64 {
        var parent: Int64?
        var parentPath = "/"
        for (depth, name) in names.enumerated() {
            if let existing = try connection.query("""
                SELECT id, id_path FROM departments WHERE coalesce(parent_id, 0) = $1 AND name = $2
                """, parent ?? 0, name).first {
                parent = try existing.decode(at: 0)
                parentPath = try existing.decode(at: 1)
                continue
            }
            // The id first, so the row is written once with its final path.
            let newID: Int64 = try connection.query("SELECT nextval(pg_get_serial_sequence('departments', 'id'))")[0]
                .decode(at: 0)
            parentPath = "\(parentPath)\(newID)/"
            try connection.execute("""
                INSERT INTO departments (id, parent_id, name, id_path, created_at) VALUES ($1, $2, $3, $4, $5)
                """, newID, parent, name, parentPath, now)
            try PostgresAuditChain.append(AuditEvent(action: "department.create", subject: "department:\(newID)",
                                                     details: ["path": names.prefix(depth + 1).joined(separator: "/")]),
                                          by: actor, at: now, on: connection)
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

    /// Every department, root first then by name path.
    public func all() throws -> [Department] {
        try tree().sorted
    }

    /// The tree as last read, or read again when its version moved.
    func tree() throws -> Tree {
        try pool.withConnection { connection in
            let version: Int64 = try connection.query("SELECT version FROM change_versions WHERE name = 'departments'")
                .first?.decode(at: 0) ?? -1
            if let tree = cache.tree(at: version) { return tree }
            // The version and the rows in one snapshot, so a change between them cannot be cached under the old one.
            let (readVersion, tree) = try connection.transaction(.repeatableRead) { connection in
                let version: Int64 = try connection.query("SELECT version FROM change_versions WHERE name = 'departments'")
                    .first?.decode(at: 0) ?? -1
                return (version, Tree(try Self.loadAll(connection)))
            }
            cache.keep(tree, at: readVersion)
            return tree
        }
    }

    /// Every department with its name path resolved from its ancestors' names.
    static func loadAll(_ connection: PostgresConnection) throws -> [Department] {
        let rows = try connection.query("SELECT id, parent_id, name, id_path FROM departments")
        var names: [Int64: String] = [:]
        for row in rows { names[try row.decode(at: 0)] = try row.decode(String.self, at: 2) }
        return try rows.map { row in
            let idPath: String = try row.decode(at: 3)
            return Department(
                DepartmentID(rawValue: try row.decode(at: 0)),
                parentID: (try row.decodeIfPresent(Int64.self, at: 1)).map(DepartmentID.init(rawValue:)), name: try row.decode(at: 2),
                idPath: idPath, namePath: idPath.split(separator: "/").compactMap { Int64($0).flatMap { names[$0] } })
        }
    }

    /// Every department, by name path and by id.
    struct Tree: Sendable {
        let sorted: [Department]
        let byID: [DepartmentID: Department]

        init(_ departments: [Department]) {
            sorted = departments.sorted { $0.namePath.lexicographicallyPrecedes($1.namePath) }
            byID = Dictionary(departments.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// The tree as last read, with the version it was read at.
    final class TreeCache: Sendable {
        private let state = Mutex<(version: Int64, tree: Tree)?>(nil)

        func tree(at version: Int64) -> Tree? {
            state.withLock { current in current?.version == version ? current?.tree : nil }
        }

        func keep(_ tree: Tree, at version: Int64) {
            state.withLock { $0 = (version, tree) }
        }
    }
}
