import TrainingServer

/// An assignment's members counted and listed by status on PostgreSQL, as the SQLite engine's
/// `SQLiteAssignmentProgress`: the status is a SQL expression over the member row `m`
/// (`PostgresAssignmentEvidence.status`), so many members are counted in one statement. Only members who count are
/// read: in the audience now, with an enabled account, in a department inside the subtrees asked for. A count and
/// its page are read in one REPEATABLE READ snapshot.
public struct PostgresAssignmentProgress: AssignmentProgressRepository {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    static let lineColumns = """
        m.user_id, u.display_name, u.login, u.employee_number, u.department_id, m.due_day, m.extended_day, m.exempt_at
        """

    /// The range condition over `departments d` for `prefixes`, its values added to `arguments`.
    static func inRange(_ prefixes: [String], _ arguments: inout PostgresArguments) -> String {
        var values = arguments.values
        let condition = PostgresYearlyRequirements.rangeCondition(prefixes, &values)
        arguments = PostgresArguments(values)
        return condition
    }

    static func status(_ rule: PlanStatusRule, _ arguments: inout PostgresArguments) -> String {
        PostgresAssignmentEvidence.status(of: rule.item, catalogue: rule.catalogue, today: rule.today, &arguments)
    }

    public func counts(assignment assignmentID: Int64, in prefixes: [String],
                       status rule: PlanStatusRule) throws -> [DepartmentID: PlanCounts] {
        guard !prefixes.isEmpty else { return [:] }
        var arguments = PostgresArguments()
        let status = Self.status(rule, &arguments)
        let assignment = arguments.add(assignmentID)
        let inRange = Self.inRange(prefixes, &arguments)
        return try pool.withConnection { connection in
            var counts: [DepartmentID: PlanCounts] = [:]
            for row in try connection.query("""
                SELECT u.department_id, \(status), count(*)
                FROM assignment_members m
                JOIN users u ON u.id = m.user_id
                JOIN departments d ON d.id = u.department_id
                WHERE m.assignment_id = \(assignment) AND m.left_at IS NULL AND u.disabled = 0 AND \(inRange)
                GROUP BY 1, 2
                """, arguments.values) {
                guard let status = AssignmentStatus(rawValue: try row.decode(at: 1)) else { continue }
                counts[DepartmentID(rawValue: try row.decode(at: 0)), default: PlanCounts()].add(status, try row.decode(at: 2))
            }
            return counts
        }
    }

    public func members(assignment assignmentID: Int64, in prefixes: [String], status rule: PlanStatusRule,
                        wanted: AssignmentStatus, limit: Int, offset: Int) throws -> (lines: [PlanMemberLine], total: Int) {
        guard !prefixes.isEmpty else { return ([], 0) }
        var arguments = PostgresArguments()
        let assignment = arguments.add(assignmentID)
        let inRange = Self.inRange(prefixes, &arguments)
        let status = Self.status(rule, &arguments)
        let wantedParameter = arguments.add(wanted.rawValue)
        let from = """
            FROM assignment_members m
            JOIN users u ON u.id = m.user_id
            JOIN departments d ON d.id = u.department_id
            WHERE m.assignment_id = \(assignment) AND m.left_at IS NULL AND u.disabled = 0 AND \(inRange)
                AND \(status) = \(wantedParameter)
            """
        let counting = arguments.values
        let page = (arguments.add(max(0, limit)), arguments.add(max(0, offset)))
        return try pool.transaction(.repeatableRead) { connection in
            let total: Int = try connection.query("SELECT count(*) \(from)", counting)[0].decode(at: 0)
            let lines = try connection.query("""
                SELECT \(Self.lineColumns), \(wantedParameter) \(from)
                ORDER BY u.name_key NULLS FIRST, u.id LIMIT \(page.0) OFFSET \(page.1)
                """, arguments.values).map(Self.line)
            return (lines, total)
        }
    }

    public func page(assignment assignmentID: Int64, in prefixes: [String], status rule: PlanStatusRule,
                     after afterUserID: Int64?, limit: Int) throws -> [PlanMemberLine] {
        guard !prefixes.isEmpty else { return [] }
        var arguments = PostgresArguments()
        let status = Self.status(rule, &arguments)
        let assignment = arguments.add(assignmentID)
        let after = arguments.add(afterUserID ?? Int64.min)
        let inRange = Self.inRange(prefixes, &arguments)
        let limitParameter = arguments.add(max(0, limit))
        return try pool.withConnection { connection in
            try connection.query("""
                SELECT \(Self.lineColumns), \(status)
                FROM assignment_members m
                JOIN users u ON u.id = m.user_id
                JOIN departments d ON d.id = u.department_id
                WHERE m.assignment_id = \(assignment) AND m.user_id > \(after) AND m.left_at IS NULL AND u.disabled = 0
                    AND \(inRange)
                ORDER BY m.user_id LIMIT \(limitParameter)
                """, arguments.values).map(Self.line)
        }
    }

    public func status(of userID: UserID, assignment assignmentID: Int64, status rule: PlanStatusRule) throws -> AssignmentStatus? {
        var arguments = PostgresArguments()
        let status = Self.status(rule, &arguments)
        let assignment = arguments.add(assignmentID), user = arguments.add(userID.rawValue)
        return try pool.withConnection { connection in
            try connection.query("""
                SELECT \(status) FROM assignment_members m WHERE m.assignment_id = \(assignment) AND m.user_id = \(user)
                """, arguments.values).first.flatMap { AssignmentStatus(rawValue: try $0.decode(at: 0)) }
        }
    }

    public func certificationState(of userID: UserID, program: String) throws -> CertificationStateName? {
        try pool.withConnection { connection in
            try connection.query("SELECT state FROM certifications WHERE user_id = $1 AND program_id = $2",
                                 userID.rawValue, program).first.flatMap { CertificationStateName(rawValue: try $0.decode(at: 0)) }
        }
    }

    static func line(_ row: PostgresRow) throws -> PlanMemberLine {
        PlanMemberLine(UserID(rawValue: try row.decode(at: 0)), name: try row.decode(at: 1), login: try row.decode(at: 2),
                       employeeNumber: try row.decodeIfPresent(at: 3), departmentID: DepartmentID(rawValue: try row.decode(at: 4)),
                       status: AssignmentStatus(rawValue: try row.decode(at: 8)) ?? .notStarted, dueDay: try row.decodeIfPresent(at: 5),
                       extendedDay: try row.decodeIfPresent(at: 6), exemptAt: try row.decodeIfPresent(at: 7))
    }
}
