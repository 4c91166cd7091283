import Foundation
import TrainingServer

/// Yearly study-hour requirements on PostgreSQL (`yearly_requirements`), and each person's own requirement on their
/// row (`users.required_hours`), as the SQLite engine keeps them: a rule change refreshes the people of the rule's
/// subtree (and their hours buckets) in the same transaction as its audit row; the schema's triggers keep a
/// person's value when they are added, move or change category.
///
/// **Concurrency.** Rule changes take the department-tree lock (`PostgresLocks.departmentTree`): a requirement
/// depends on the rules along a person's path, so rule changes and tree moves are applied one after the other and
/// each refresh sees the other's result. The rule's key (department, category) is unique
/// (`yearly_requirements_key`), so two servers adding one rule make one row.
public struct PostgresYearlyRequirements: YearlyRequirementRepository {
    let pool: PostgresPool
    let clock: @Sendable () -> Double

    public init(pool: PostgresPool, clock: @escaping @Sendable () -> Double) {
        self.pool = pool
        self.clock = clock
    }

    public func all() throws -> [YearlyRequirement] {
        try pool.withConnection { connection in try Self.all(connection) }
    }

    static func all(_ connection: PostgresConnection) throws -> [YearlyRequirement] {
        try connection.query("SELECT id, department_id, job_category, hours, updated_at FROM yearly_requirements ORDER BY id")
            .map { row in
                YearlyRequirement(id: try row.decode(at: 0), departmentID: DepartmentID(rawValue: try row.decode(at: 1)),
                                  jobCategory: try row.decodeIfPresent(at: 2), hours: try row.decode(at: 3),
                                  updatedAt: try row.decode(at: 4))
            }
    }

    public func set(department: Department, jobCategory: String?, hours: Double,
                    by actor: AuditActor) throws -> YearlyRequirementChange {
        defer { PostgresChangeSignal.raised(.accounts, on: pool) }
        return try pool.transaction { connection in
            try PostgresLocks.lock(PostgresLocks.departmentTree, on: connection)
            let now = clock()
            let previous: Double? = try connection.query("""
                SELECT hours FROM yearly_requirements WHERE department_id = $1 AND coalesce(job_category, '') = $2
                """, department.id.rawValue, jobCategory ?? "").first?.decode(at: 0)
            if previous == hours { return .unchanged }
            try connection.execute("""
                INSERT INTO yearly_requirements (department_id, job_category, hours, created_at, updated_at, updated_by)
                VALUES ($1, $2, $3, $4, $4, $5)
                ON CONFLICT (department_id, (coalesce(job_category, ''))) DO UPDATE
                    SET hours = excluded.hours, updated_at = excluded.updated_at, updated_by = excluded.updated_by
                """, department.id.rawValue, jobCategory, hours, now, actor.userID?.rawValue)
            try PostgresDepartmentRepository.refreshRequirements(under: department.idPath, connection)
            var details = ["department": String(department.id.rawValue), "hours": ExportedPerson.number(hours)]
            if let jobCategory { details["job_category"] = jobCategory }
            if let previous { details["from_hours"] = ExportedPerson.number(previous) }
            try PostgresAuditChain.append(AuditEvent(action: "requirement.set", subject: "department:\(department.id)",
                                                     details: details), by: actor, at: now, on: connection)
            try PostgresChangeSignal.bump(.accounts, on: connection)
            return previous == nil ? .added : .changed
        }
    }

    public func remove(id: Int64, by actor: AuditActor) throws -> YearlyRequirement? {
        defer { PostgresChangeSignal.raised(.accounts, on: pool) }
        return try pool.transaction { connection in
            try PostgresLocks.lock(PostgresLocks.departmentTree, on: connection)
            guard let row = try connection.query("""
                SELECT r.id, r.department_id, r.job_category, r.hours, r.updated_at, d.id_path
                FROM yearly_requirements r JOIN departments d ON d.id = r.department_id WHERE r.id = $1
                """, id).first else { return nil }
            let rule = YearlyRequirement(id: try row.decode(at: 0), departmentID: DepartmentID(rawValue: try row.decode(at: 1)),
                                         jobCategory: try row.decodeIfPresent(at: 2), hours: try row.decode(at: 3),
                                         updatedAt: try row.decode(at: 4))
            try connection.execute("DELETE FROM yearly_requirements WHERE id = $1", id)
            try PostgresDepartmentRepository.refreshRequirements(under: try row.decode(at: 5), connection)
            var details = ["department": String(rule.departmentID.rawValue), "hours": ExportedPerson.number(rule.hours)]
            if let category = rule.jobCategory { details["job_category"] = category }
            try PostgresAuditChain.append(AuditEvent(action: "requirement.remove", subject: "department:\(rule.departmentID)",
                                                     details: details), by: actor, at: clock(), on: connection)
            try PostgresChangeSignal.bump(.accounts, on: connection)
            return rule
        }
    }

    public func reach(in scope: AccessScope) throws -> YearlyRequirementReach {
        var arguments: [(any PostgresBindable)?] = []
        let inRange = Self.rangeCondition(scope.prefixes, &arguments)
        return try pool.transaction(.repeatableRead) { connection in
            var people: [DepartmentID: Int] = [:]
            for row in try connection.query("""
                SELECT d.id, p.people FROM departments d JOIN department_people p ON p.department_id = d.id
                WHERE \(inRange) AND p.people > 0
                """, arguments) {
                people[DepartmentID(rawValue: try row.decode(at: 0))] = try row.decode(Int.self, at: 1)
            }
            var categories: [DepartmentID: [String: Int]] = [:]
            for row in try connection.query("""
                SELECT d.id, u.job_category, count(*) FROM departments d JOIN users u ON u.department_id = d.id
                WHERE \(inRange) AND u.disabled = 0 AND u.job_category IS NOT NULL GROUP BY d.id, u.job_category
                """, arguments) {
                categories[DepartmentID(rawValue: try row.decode(at: 0)), default: [:]][try row.decode(String.self, at: 1)]
                    = try row.decode(Int.self, at: 2)
            }
            return YearlyRequirementReach(people: people, categories: categories)
        }
    }

    /// Job categories someone in scope has, in SQLite's (bytewise) order, at most `limit`.
    public func categories(in scope: AccessScope, limit: Int) throws -> [String] {
        guard !scope.prefixes.isEmpty, limit > 0 else { return [] }
        var arguments: [(any PostgresBindable)?] = []
        let inRange = Self.rangeCondition(scope.prefixes, &arguments)
        arguments.append(min(limit, 1000))
        return try pool.withConnection { connection in
            try connection.query("""
                SELECT DISTINCT u.job_category COLLATE "C" FROM users u JOIN departments d ON d.id = u.department_id
                WHERE \(inRange) AND u.job_category IS NOT NULL ORDER BY 1 LIMIT $\(arguments.count)
                """, arguments).map { try $0.decode(String.self, at: 0) }
        }
    }

    public func setJobCategory(_ category: String?, of id: UserID, by actor: AuditActor) throws {
        defer { PostgresChangeSignal.raised(.accounts, on: pool) }
        try pool.transaction { connection in
            guard let row = try connection.query("SELECT job_category FROM users WHERE id = $1 FOR UPDATE", id.rawValue).first else {
                throw StoreError.notFound("user")
            }
            let old: String? = try row.decodeIfPresent(at: 0)
            guard old != category else { return }
            let now = clock()
            // The schema's triggers refresh the person's requirement.
            try connection.execute("UPDATE users SET job_category = $1, updated_at = $2 WHERE id = $3", category, now, id.rawValue)
            var details = ["job_category": category ?? ""]
            if let old { details["from_job_category"] = old }
            try PostgresAuditChain.append(AuditEvent(action: "user.job_category", subject: "user:\(id)", details: details),
                                          by: actor, at: now, on: connection)
            // Assignments to a job category follow the person.
            try PostgresAssignmentSync.reconcile(userIDs: [id], at: now, on: connection)
            try PostgresChangeSignal.bump(.accounts, on: connection)
        }
    }

    public func requiredHours(of id: UserID) throws -> Double? {
        try pool.withConnection { connection in
            try connection.query("SELECT required_hours FROM users WHERE id = $1", id.rawValue).first?.decodeIfPresent(Double.self, at: 0)
        }
    }

    /// `(d.id_path >= … AND d.id_path < … OR …)` for the subtrees, compared bytewise; FALSE for none.
    static func rangeCondition(_ prefixes: [String], _ arguments: inout [(any PostgresBindable)?]) -> String {
        guard !prefixes.isEmpty else { return "false" }
        var parts: [String] = []
        for prefix in prefixes {
            arguments.append(prefix)
            arguments.append(String(prefix.dropLast()) + "0")
            parts.append(#"(d.id_path COLLATE "C" >= $\#(arguments.count - 1) AND d.id_path COLLATE "C" < $\#(arguments.count))"#)
        }
        return "(" + parts.joined(separator: " OR ") + ")"
    }
}
