import Foundation
import TrainingServer

/// The organisation tree's changes for the department administration on PostgreSQL, with the SQLite engine's
/// refusals (`DepartmentChangeFailure`), path rewriting and audit rows. Each change runs in one transaction holding
/// the department-tree lock (`PostgresLocks.departmentTree`), so two servers changing the tree at once apply their
/// changes one after the other, each checking against the other's result (a move into a subtree that was just moved
/// under the department, a name just taken by a sibling).
extension PostgresDepartmentRepository {
    /// Renames `id`. Audited as `department.rename` with the old and new paths.
    public func rename(_ id: DepartmentID, to newName: String, by actor: AuditActor) throws(DepartmentChangeFailure) -> Department {
        let name = newName.trimmingCharacters(in: .whitespaces)
        guard Department.isValidName(name) else { throw .invalidName }
        try change { connection in
            let all = try Self.loadAll(connection)
            guard let department = all.first(where: { $0.id == id }) else { throw DepartmentChangeFailure.notFound }
            guard department.name != name else { return }
            try Self.requireFreeName(name, under: department.parentID, connection)
            try connection.execute("UPDATE departments SET name = $1 WHERE id = $2", name, id.rawValue)
            try PostgresAuditChain.append(AuditEvent(action: "department.rename", subject: "department:\(id)",
                                                     details: ["from": department.namePath.joined(separator: "/"),
                                                               "to": (department.namePath.dropLast() + [name]).joined(separator: "/")]),
                                          by: actor, at: clock(), on: connection)
        }
        return try found(id)
    }

    /// Moves `id` with its whole subtree under `parentID`: never under itself or below it, never where a sibling has
    /// its name. The subtree's id paths, its people's yearly requirements (and the hours buckets counted from them)
    /// and their memberships of assignments follow in the same transaction. Audited as `department.move`.
    public func move(_ id: DepartmentID, under parentID: DepartmentID, by actor: AuditActor) throws(DepartmentChangeFailure) -> Department {
        try change { connection in
            let all = try Self.loadAll(connection)
            guard let department = all.first(where: { $0.id == id }),
                  let parent = all.first(where: { $0.id == parentID }) else { throw DepartmentChangeFailure.notFound }
            guard !department.contains(parent) else { throw DepartmentChangeFailure.intoOwnSubtree }
            guard department.parentID != parent.id else { throw DepartmentChangeFailure.alreadyThere }
            try Self.requireFreeName(department.name, under: parent.id, connection)
            let now = clock()
            let newPath = "\(parent.idPath)\(id)/"
            try connection.execute("UPDATE departments SET parent_id = $1 WHERE id = $2", parent.id.rawValue, id.rawValue)
            // Every path of the subtree starts with the old path: swap that start for the new one.
            try connection.execute("""
                UPDATE departments SET id_path = $1 || substr(id_path, $2)
                WHERE id_path COLLATE "C" >= $3 AND id_path COLLATE "C" < $4
                """, newPath, department.idPath.count + 1, department.idPath, Self.upper(department.idPath))
            try Self.refreshRequirements(under: newPath, connection)
            let people: [Int64] = try connection.query("""
                SELECT u.id FROM users u JOIN departments d ON d.id = u.department_id
                WHERE d.id_path COLLATE "C" >= $1 AND d.id_path COLLATE "C" < $2 ORDER BY u.id
                """, newPath, Self.upper(newPath)).map { try $0.decode(at: 0) }
            try PostgresAssignmentSync.reconcile(userIDs: people.map(UserID.init(rawValue:)), at: now, on: connection)
            try PostgresAuditChain.append(AuditEvent(action: "department.move", subject: "department:\(id)",
                                                     details: ["from": department.namePath.joined(separator: "/"),
                                                               "to": (parent.namePath + [department.name]).joined(separator: "/")]),
                                          by: actor, at: now, on: connection)
        }
        return try found(id)
    }

    /// Deletes `id` and the departments below it when nobody belongs to any of them (disabled accounts included)
    /// and nobody holds a role on them. Audited as `department.delete`.
    public func delete(_ id: DepartmentID, by actor: AuditActor) throws(DepartmentChangeFailure) {
        try change { connection in
            guard let department = try Self.loadAll(connection).first(where: { $0.id == id }) else {
                throw DepartmentChangeFailure.notFound
            }
            let low = department.idPath, high = Self.upper(department.idPath)
            let ids: [Int64] = try connection.query("""
                SELECT id FROM departments WHERE id_path COLLATE "C" >= $1 AND id_path COLLATE "C" < $2
                ORDER BY length(id_path) DESC, id
                """, low, high).map { try $0.decode(at: 0) }
            let people: Int = try connection.query("""
                SELECT count(*) FROM users WHERE department_id IN
                    (SELECT id FROM departments WHERE id_path COLLATE "C" >= $1 AND id_path COLLATE "C" < $2)
                """, low, high)[0].decode(at: 0)
            guard people == 0 else { throw DepartmentChangeFailure.notEmpty(people: people) }
            let grants: Int = try connection.query("""
                SELECT count(*) FROM role_grants WHERE department_id IN
                    (SELECT id FROM departments WHERE id_path COLLATE "C" >= $1 AND id_path COLLATE "C" < $2)
                """, low, high)[0].decode(at: 0)
            guard grants == 0 else { throw DepartmentChangeFailure.rolesGranted(grants) }
            for departmentID in ids {
                // The reports' (zero) aggregate rows go with the department.
                try connection.execute("DELETE FROM department_people WHERE department_id = $1", departmentID)
                try connection.execute("DELETE FROM certification_counts WHERE department_id = $1", departmentID)
                try connection.execute("DELETE FROM department_hours WHERE department_id = $1", departmentID)
                try connection.execute("DELETE FROM departments WHERE id = $1", departmentID)
            }
            try PostgresAuditChain.append(AuditEvent(action: "department.delete", subject: "department:\(id)",
                                                     details: ["path": department.namePath.joined(separator: "/"),
                                                               "departments": String(ids.count)]),
                                          by: actor, at: clock(), on: connection)
        }
    }

    /// The number of accounts (enabled or not) in the department's subtree: what stops a delete.
    public func accounts(inSubtreeOf department: Department) throws -> Int {
        try pool.withConnection { connection in
            try connection.query("""
                SELECT count(*) FROM users WHERE department_id IN
                    (SELECT id FROM departments WHERE id_path COLLATE "C" >= $1 AND id_path COLLATE "C" < $2)
                """, department.idPath, Self.upper(department.idPath))[0].decode(at: 0)
        }
    }

    /// Enabled people per department (departments without any are left out), from the reports' head counts.
    public func headcounts() throws -> [DepartmentID: Int] {
        try pool.withConnection { connection in
            var counts: [DepartmentID: Int] = [:]
            for row in try connection.query("SELECT department_id, people FROM department_people WHERE people <> 0") {
                counts[DepartmentID(rawValue: try row.decode(at: 0))] = try row.decode(Int.self, at: 1)
            }
            return counts
        }
    }


    /// The first path after every path starting with `prefix` ("/1/4/" -> "/1/40": "0" follows "/").
    static func upper(_ prefix: String) -> String { String(prefix.dropLast()) + "0" }

    /// Runs `body` in a transaction holding the tree lock, mapping storage errors other than the refusals.
    private func change(_ body: (PostgresConnection) throws -> Void) throws(DepartmentChangeFailure) {
        // A department's change moves people's scopes and paths: cached sessions of every node end.
        defer { PostgresChangeSignal.raised(.accounts, on: pool) }
        do {
            try pool.transaction { connection in
                try PostgresLocks.lock(PostgresLocks.departmentTree, on: connection)
                try body(connection)
                try PostgresChangeSignal.bump(.accounts, on: connection)
            }
        } catch let failure as DepartmentChangeFailure {
            throw failure
        } catch {
            throw .storage(String(describing: error))
        }
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

    private static func requireFreeName(_ name: String, under parentID: DepartmentID?, _ connection: PostgresConnection) throws {
        if try !connection.query("SELECT 1 FROM departments WHERE coalesce(parent_id, 0) = $1 AND name = $2",
                                 parentID?.rawValue ?? 0, name).isEmpty {
            throw DepartmentChangeFailure.nameTaken
        }
    }

    /// Sets `users.required_hours` of everyone in the subtree `path` to what the yearly-requirement rules give
    /// (writing only the rows that change), with the hours buckets' per-person trigger standing aside
    /// ('reports.refreshing'), then counts the subtree's buckets again in one pass: SQLite's
    /// `SQLiteYearlyRequirements.refresh(under:)`.
    static func refreshRequirements(under path: String, _ connection: PostgresConnection) throws {
        try connection.execute("""
            INSERT INTO settings (key, value) VALUES ('reports.refreshing', '1')
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """)
        let rules = YearlyRequirementRules(rules: try connection.query("""
            SELECT id, department_id, job_category, hours, updated_at FROM yearly_requirements ORDER BY id
            """).map { row in
            YearlyRequirement(id: try row.decode(at: 0), departmentID: DepartmentID(rawValue: try row.decode(at: 1)),
                              jobCategory: try row.decodeIfPresent(at: 2), hours: try row.decode(at: 3),
                              updatedAt: try row.decode(at: 4))
        }, global: 0)
        let categories = Set(rules.rules.compactMap(\.jobCategory))
        for row in try connection.query("""
            SELECT id, id_path FROM departments WHERE id_path COLLATE "C" >= $1 AND id_path COLLATE "C" < $2
            """, path, upper(path)) {
            let idPath: String = try row.decode(at: 1)
            let plain = rules.rule(departmentPath: idPath, jobCategory: nil)?.hours
            var byCategory: [String: Double] = [:]
            for category in categories {
                if let rule = rules.rule(departmentPath: idPath, jobCategory: category), rule.jobCategory != nil {
                    byCategory[category] = rule.hours
                }
            }
            let json = String(decoding: try JSONEncoder().encode(byCategory), as: UTF8.self)
            try connection.execute("""
                UPDATE users SET required_hours = coalesce(
                    (SELECT CAST(value AS double precision) FROM json_each_text($1::json) WHERE key = users.job_category), $2)
                WHERE department_id = $3
                  AND required_hours IS DISTINCT FROM coalesce(
                    (SELECT CAST(value AS double precision) FROM json_each_text($1::json) WHERE key = users.job_category), $2)
                """, json, plain, try row.decode(Int64.self, at: 0))
        }
        try connection.execute("DELETE FROM settings WHERE key = 'reports.refreshing'")
        try connection.execute("""
            DELETE FROM department_hours WHERE department_id IN
                (SELECT id FROM departments WHERE id_path COLLATE "C" >= $1 AND id_path COLLATE "C" < $2)
            """, path, upper(path))
        try connection.execute("""
            INSERT INTO department_hours (department_id, year, bucket, people)
                SELECT u.department_id, b.year, b.bucket, count(*) FROM departments d
                JOIN users u ON u.department_id = d.id JOIN user_year_hours_bucket b ON b.user_id = u.id
                WHERE d.id_path COLLATE "C" >= $1 AND d.id_path COLLATE "C" < $2 AND u.disabled = 0 AND b.bucket > 0
                GROUP BY u.department_id, b.year, b.bucket
            """, path, upper(path))
    }
}
