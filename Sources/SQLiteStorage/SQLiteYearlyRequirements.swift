import Foundation
import GRDB
import TrainingServer

/// Yearly study-hour requirements in SQLite (`yearly_requirements`), and each person's own requirement kept on
/// their row (`users.required_hours`, NULL: the global one), which the HR aggregates count against. A rule change
/// refreshes the people of the rule's subtree in the same transaction, with its audit row; the triggers of
/// migration `2026-12-08-requirements-yearly-hours` keep a person's value when they are added, move or change
/// category, and `refresh(under:)` after a department moves.
public struct SQLiteYearlyRequirements: YearlyRequirementRepository {
    let store: Store
    let clock: @Sendable () -> Double

    public init(store: Store, clock: @escaping @Sendable () -> Double) {
        self.store = store
        self.clock = clock
    }

    public func all() throws -> [YearlyRequirement] {
        try store.read { db in try Self.all(db) }
    }

    static func all(_ db: Database) throws -> [YearlyRequirement] {
        try Row.fetchAll(db, sql: """
            SELECT id, department_id, job_category, hours, updated_at FROM yearly_requirements ORDER BY id
            """).map { row in
            YearlyRequirement(id: row["id"], departmentID: DepartmentID(rawValue: row["department_id"]),
                              jobCategory: row["job_category"], hours: row["hours"], updatedAt: row["updated_at"])
        }
    }

    public func set(department: Department, jobCategory: String?, hours: Double,
                    by actor: AuditActor) throws -> YearlyRequirementChange {
        // People's requirements travel with their cached accounts: a change ends those caches.
        defer { ChangeStamp.accounts(databasePath: store.path).touch() }
        return try store.write { db in
            let now = clock()
            let previous = try Double.fetchOne(db, sql: """
                SELECT hours FROM yearly_requirements WHERE department_id = ? AND ifnull(job_category, '') = ?
                """, arguments: [department.id.rawValue, jobCategory ?? ""])
            if previous == hours { return .unchanged }
            try db.execute(sql: """
                INSERT INTO yearly_requirements (department_id, job_category, hours, created_at, updated_at, updated_by)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (department_id, ifnull(job_category, '')) DO UPDATE
                    SET hours = excluded.hours, updated_at = excluded.updated_at, updated_by = excluded.updated_by
                """, arguments: [department.id.rawValue, jobCategory, hours, now, now, actor.userID?.rawValue])
            try Self.refresh(under: department.idPath, db)
            var details = ["department": String(department.id.rawValue), "hours": ExportedPerson.number(hours)]
            if let jobCategory { details["job_category"] = jobCategory }
            if let previous { details["from_hours"] = ExportedPerson.number(previous) }
            try AuditChain.append(AuditEvent(action: "requirement.set", subject: "department:\(department.id)",
                                             details: details), by: actor, at: now, in: db)
            return previous == nil ? .added : .changed
        }
    }

    public func remove(id: Int64, by actor: AuditActor) throws -> YearlyRequirement? {
        defer { ChangeStamp.accounts(databasePath: store.path).touch() }
        return try store.write { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT r.id, r.department_id, r.job_category, r.hours, r.updated_at, d.id_path
                FROM yearly_requirements r JOIN departments d ON d.id = r.department_id WHERE r.id = ?
                """, arguments: [id]) else { return nil }
            let rule = YearlyRequirement(id: row["id"], departmentID: DepartmentID(rawValue: row["department_id"]),
                                         jobCategory: row["job_category"], hours: row["hours"], updatedAt: row["updated_at"])
            try db.execute(sql: "DELETE FROM yearly_requirements WHERE id = ?", arguments: [id])
            try Self.refresh(under: row["id_path"], db)
            var details = ["department": String(rule.departmentID.rawValue), "hours": ExportedPerson.number(rule.hours)]
            if let category = rule.jobCategory { details["job_category"] = category }
            try AuditChain.append(AuditEvent(action: "requirement.remove", subject: "department:\(rule.departmentID)",
                                             details: details), by: actor, at: clock(), in: db)
            return rule
        }
    }

    public func reach(in scope: AccessScope) throws -> YearlyRequirementReach {
        try store.read { db in
            let (inRange, arguments) = SQLiteReportRepository.rangeCondition(scope.prefixes)
            var people: [DepartmentID: Int] = [:]
            let counts = try Row.fetchCursor(db, sql: """
                SELECT d.id, p.people FROM departments d CROSS JOIN department_people p ON p.department_id = d.id
                WHERE \(inRange) AND p.people > 0
                """, arguments: arguments)
            while let row = try counts.next() { people[DepartmentID(rawValue: row[0])] = row[1] }
            var categories: [DepartmentID: [String: Int]] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT d.id, u.job_category, count(*) FROM departments d
                CROSS JOIN users u INDEXED BY users_department ON u.department_id = d.id
                WHERE \(inRange) AND u.disabled = 0 AND u.job_category IS NOT NULL GROUP BY d.id, u.job_category
                """, arguments: arguments)
            while let row = try rows.next() { categories[DepartmentID(rawValue: row[0]), default: [:]][row[1]] = row[2] }
            return YearlyRequirementReach(people: people, categories: categories)
        }
    }

    public func categories(in scope: AccessScope, limit: Int) throws -> [String] {
        guard !scope.isEmpty else { return [] }
        return try store.read { db in
            // Each category once (a walk that jumps from one value of the index to the next), then kept when
            // someone in scope has it.
            let all = try String.fetchAll(db, sql: """
                WITH RECURSIVE c(v) AS (
                    SELECT min(job_category) FROM users WHERE job_category IS NOT NULL
                    UNION ALL
                    SELECT (SELECT min(job_category) FROM users WHERE job_category > c.v) FROM c WHERE c.v IS NOT NULL
                ) SELECT v FROM c WHERE v IS NOT NULL LIMIT 1000
                """)
            let (inRange, arguments) = SQLiteReportRepository.rangeCondition(scope.prefixes)
            let used = try db.cachedStatement(sql: """
                SELECT 1 FROM departments d CROSS JOIN users u ON u.job_category = ? AND u.department_id = d.id
                WHERE \(inRange) LIMIT 1
                """)
            var kept: [String] = []
            for category in all where kept.count < limit {
                used.arguments = StatementArguments([category]) + arguments
                if try Int.fetchOne(used) != nil { kept.append(category) }
            }
            return kept
        }
    }

    public func setJobCategory(_ category: String?, of id: UserID, by actor: AuditActor) throws {
        try store.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT job_category FROM users WHERE id = ?",
                                             arguments: [id.rawValue]) else { throw StoreError.notFound("user") }
            let old: String? = row["job_category"]
            guard old != category else { return }
            try Self.writeJobCategory(category, of: id, old: old, by: actor, at: clock(), db)
        }
        ChangeStamp.accounts(databasePath: store.path).touch()
    }

    /// Sets a person's category inside the caller's transaction, audited as `user.job_category` (the triggers
    /// refresh their requirement).
    static func writeJobCategory(_ category: String?, of id: UserID, old: String?, by actor: AuditActor, at now: Double,
                                 _ db: Database) throws {
        try db.execute(sql: "UPDATE users SET job_category = ?, updated_at = ? WHERE id = ?",
                       arguments: [category, now, id.rawValue])
        var details = ["job_category": category ?? ""]
        if let old { details["from_job_category"] = old }
        try AuditChain.append(AuditEvent(action: "user.job_category", subject: "user:\(id)", details: details),
                              by: actor, at: now, in: db)
        // Assignments to a job category follow the person.
        try SQLiteAssignmentRepository.reconcile(userIDs: [id], at: now, in: db)
    }

    public func requiredHours(of id: UserID) throws -> Double? {
        try store.read { db in
            try Double.fetchOne(db, sql: "SELECT required_hours FROM users WHERE id = ?", arguments: [id.rawValue])
        }
    }

    /// Sets `users.required_hours` of everyone in the subtree `path` to what the rules give (only the rows that
    /// change are written): the rules on the way from the top to each department are resolved once per
    /// department, in Swift, with `YearlyRequirementRules`. A rule near the top changes many people at once, so
    /// the per-person trigger of the hours buckets stands aside meanwhile ('reports.refreshing') and the subtree's
    /// buckets are counted again in one pass.
    static func refresh(under path: String, _ db: Database) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO settings (key, value) VALUES ('reports.refreshing', '1')")
        try assign(under: path, db)
        try db.execute(sql: "DELETE FROM settings WHERE key = 'reports.refreshing'")
        let range: StatementArguments = [path, SQLiteReportRepository.upper(path)]
        try db.execute(sql: """
            DELETE FROM department_hours WHERE department_id IN (SELECT id FROM departments WHERE id_path >= ? AND id_path < ?)
            """, arguments: range)
        try db.execute(sql: """
            INSERT INTO department_hours (department_id, year, bucket, people)
                SELECT u.department_id, b.year, b.bucket, count(*) FROM departments d
                CROSS JOIN users u ON u.department_id = d.id CROSS JOIN user_year_hours_bucket b ON b.user_id = u.id
                WHERE d.id_path >= ? AND d.id_path < ? AND u.disabled = 0 AND b.bucket > 0
                GROUP BY u.department_id, b.year, b.bucket
            """, arguments: range)
    }

    /// The requirement of everyone in the subtree `path`, written where it changes.
    private static func assign(under path: String, _ db: Database) throws {
        let rules = YearlyRequirementRules(rules: try all(db), global: 0)
        let departments = try Row.fetchAll(db, sql: """
            SELECT id, id_path FROM departments WHERE id_path >= ? AND id_path < ?
            """, arguments: [path, SQLiteReportRepository.upper(path)])
        let categories = Set(rules.rules.compactMap(\.jobCategory))
        let statement = try db.cachedStatement(sql: """
            UPDATE users SET required_hours = coalesce((SELECT value FROM json_each(?1) WHERE key = users.job_category), ?2)
            WHERE department_id = ?3
              AND required_hours IS NOT coalesce((SELECT value FROM json_each(?1) WHERE key = users.job_category), ?2)
            """)
        for row in departments {
            let idPath: String = row["id_path"]
            let plain = rules.rule(departmentPath: idPath, jobCategory: nil)?.hours
            var byCategory: [String: Double] = [:]
            for category in categories {
                if let rule = rules.rule(departmentPath: idPath, jobCategory: category), rule.jobCategory != nil {
                    byCategory[category] = rule.hours
                }
            }
            let json = String(decoding: try JSONEncoder().encode(byCategory), as: UTF8.self)
            statement.arguments = [json, plain, row["id"] as Int64]
            try statement.execute()
        }
    }
}
