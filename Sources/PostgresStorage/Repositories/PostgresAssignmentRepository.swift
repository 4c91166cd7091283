import Curriculum
import Foundation
import TrainingServer

/// Assignments and their members on PostgreSQL, as the SQLite engine's `SQLiteAssignmentRepository`: members are
/// kept current inside the transaction of the change that causes them (an assignment's creation here, people's
/// changes through `PostgresAssignmentSync`); a member who leaves keeps their row (`left_at`), one who comes back
/// gets the same row back with the due day they had. Due days come from `DueRule` in the plans' time zone.
///
/// **Concurrency.** Bringing one assignment's members up to date holds an advisory lock on the assignment
/// (`assignment-members` namespace), so two servers reconciling it at start, or a plan file applied at two servers,
/// take turns; members are keyed (assignment, person) and inserted `ON CONFLICT`, so none is made twice. A
/// withdrawal locks the assignment's row: of two at once, one withdraws and audits, the other reports it was
/// withdrawn already.
public struct PostgresAssignmentRepository: AssignmentRepository {
    let pool: PostgresPool
    let clock: @Sendable () -> Double

    public init(pool: PostgresPool, clock: @escaping @Sendable () -> Double) {
        self.pool = pool
        self.clock = clock
    }

    // MARK: Assignments

    public func create(_ new: NewAssignment, by actor: AuditActor) throws -> Assignment {
        let now = clock()
        let id: Int64 = try pool.transaction { connection in
            let (includeSubtree, jobCategory, people) = Self.audienceColumns(new.audience)
            let id: Int64 = try connection.query("""
                INSERT INTO assignments (name, item_kind, item_id, required, audience, department_id, include_subtree,
                                         job_category, due_kind, due_day, due_days, plan_key, created_by, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id
                """, new.name, new.item.kind.rawValue, new.item.id, new.required ? 1 : 0, new.audience.kind,
                new.departmentID.rawValue, includeSubtree ? 1 : 0, jobCategory, new.dueRule.kind,
                new.dueRule.fixedDay?.description, new.dueRule.days, new.planKey, actor.userID?.rawValue, now)[0].decode(at: 0)
            try Self.insertNamedPeople(Set(people), assignment: id, anchor: new.departmentID, on: connection)
            let members = try Self.reconcile(assignment: id, at: now, on: connection)
            var details = ["name": new.name, "item": new.item.token, "required": new.required ? "1" : "0",
                           "department": String(new.departmentID.rawValue), "audience": new.audience.kind,
                           "due": new.dueRule.kind, "members": String(members)]
            if let category = jobCategory { details["job_category"] = category }
            if let day = new.dueRule.fixedDay { details["due_day"] = day.description }
            if let days = new.dueRule.days { details["due_days"] = String(days) }
            if !people.isEmpty { details["people"] = String(Set(people).count) }
            if let key = new.planKey { details["plan_key"] = key }
            try PostgresAuditChain.append(AuditEvent(action: "assignment.create", subject: "assignment:\(id)", details: details),
                                          by: actor, at: now, on: connection)
            return id
        }
        guard let created = try find(AssignmentID(rawValue: id)) else { throw StoreError.notFound("assignment") }
        return created
    }

    /// The columns of an audience: whether it includes the subtree, its job category, its named people.
    static func audienceColumns(_ audience: AssignmentAudience) -> (Bool, String?, [UserID]) {
        switch audience {
        case .department(let subtree, let category): (subtree, category, [])
        case .people(let named): (true, nil, Array(Set(named)).sorted { $0.rawValue < $1.rawValue })
        }
    }

    public func find(_ id: AssignmentID) throws -> Assignment? {
        try pool.withConnection { connection in try PostgresAssignmentRows.load(connection, where: "a.id = $1", [id.rawValue]).first }
    }

    public func all() throws -> [Assignment] {
        try pool.withConnection { connection in try PostgresAssignmentRows.load(connection, where: "true", []) }
    }

    @discardableResult
    public func withdraw(_ id: AssignmentID, by actor: AuditActor) throws -> Bool {
        let now = clock()
        return try pool.transaction { connection -> Bool in
            guard try !connection.query("SELECT 1 FROM assignments WHERE id = $1 FOR UPDATE", id.rawValue).isEmpty,
                  let assignment = try PostgresAssignmentRows.load(connection, where: "a.id = $1", [id.rawValue]).first else {
                throw StoreError.notFound("assignment")
            }
            guard assignment.withdrawnAt == nil else { return false }
            try connection.execute("UPDATE assignments SET withdrawn_at = $1, withdrawn_by = $2 WHERE id = $3",
                                   now, actor.userID?.rawValue, id.rawValue)
            let members = try connection.execute("""
                UPDATE assignment_members SET left_at = $1 WHERE assignment_id = $2 AND left_at IS NULL
                """, now, id.rawValue)
            try PostgresAuditChain.append(AuditEvent(action: "assignment.withdraw", subject: "assignment:\(id)",
                                                     details: ["name": assignment.name,
                                                               "department": String(assignment.departmentID.rawValue),
                                                               "members": String(members)]),
                                          by: actor, at: now, on: connection)
            return true
        }
    }

    // MARK: Members

    static let memberColumns = "m.assignment_id, m.user_id, m.assigned_at, m.due_day, m.extended_day, m.exempt_at, m.left_at"

    public func memberships(of userID: UserID) throws -> [PersonAssignment] {
        try pool.transaction(.repeatableRead) { connection in try Self.memberships(connection, userID: userID) }
    }

    /// The person's memberships, current and past, on the caller's connection (inside a repeatable-read
    /// transaction, so members and assignments agree).
    static func memberships(_ connection: PostgresConnection, userID: UserID) throws -> [PersonAssignment] {
        let rows = try connection.query("""
            SELECT \(Self.memberColumns) FROM assignment_members m WHERE m.user_id = $1 ORDER BY m.assignment_id
            """, userID.rawValue)
        guard !rows.isEmpty else { return [] }
        var assignments: [AssignmentID: Assignment] = [:]
        for assignment in try PostgresAssignmentRows.load(connection, where: """
            a.id IN (SELECT assignment_id FROM assignment_members WHERE user_id = $1)
            """, [userID.rawValue]) {
            assignments[assignment.id] = assignment
        }
        return try rows.compactMap { row in
            let member = try Self.member(row)
            return assignments[member.assignmentID].map { PersonAssignment(assignment: $0, member: member) }
        }
    }

    public func member(_ assignmentID: AssignmentID, userID: UserID) throws -> AssignmentMember? {
        try pool.withConnection { connection in
            try connection.query("""
                SELECT \(Self.memberColumns) FROM assignment_members m WHERE m.assignment_id = $1 AND m.user_id = $2
                """, assignmentID.rawValue, userID.rawValue).first.map(Self.member)
        }
    }

    public func statusCounts(of assignment: Assignment, within scope: AccessScope, catalogue: Catalogue,
                             today: ISODay) throws -> [AssignmentStatus: Int] {
        guard !scope.isEmpty else { return [:] }
        var arguments = PostgresArguments()
        let status = PostgresAssignmentEvidence.status(of: assignment.item, catalogue: catalogue, today: today, &arguments)
        let id = arguments.add(assignment.id.rawValue)
        let inScope = PostgresAssignmentProgress.inRange(scope.prefixes, &arguments)
        return try pool.withConnection { connection in
            var counts: [AssignmentStatus: Int] = [:]
            for row in try connection.query("""
                SELECT \(status), count(*)
                FROM assignment_members m JOIN users u ON u.id = m.user_id JOIN departments d ON d.id = u.department_id
                WHERE m.assignment_id = \(id) AND m.left_at IS NULL AND u.disabled = 0 AND \(inScope)
                GROUP BY 1
                """, arguments.values) {
                if let value = AssignmentStatus(rawValue: try row.decode(at: 0)) { counts[value] = try row.decode(Int.self, at: 1) }
            }
            return counts
        }
    }

    public func audienceSize(_ audience: AssignmentAudience, departmentID: DepartmentID) throws -> Int {
        try pool.withConnection { connection in
            guard let anchor = try Self.idPath(of: departmentID, on: connection) else { return 0 }
            let upper = String(anchor.dropLast()) + "0"
            switch audience {
            case .department(let subtree, let category):
                let sql = subtree
                    ? #"""
                      SELECT count(*) FROM users u JOIN departments d ON d.id = u.department_id
                      WHERE u.disabled = 0 AND d.id_path COLLATE "C" >= $1 AND d.id_path COLLATE "C" < $2
                        AND ($3::text IS NULL OR u.job_category = $3)
                      """#
                    : "SELECT count(*) FROM users u WHERE u.disabled = 0 AND u.department_id = $1 AND ($2::text IS NULL OR u.job_category = $2)"
                let arguments: [(any PostgresBindable)?] = subtree ? [anchor, upper, category] : [departmentID.rawValue, category]
                return try connection.query(sql, arguments)[0].decode(at: 0)
            case .people(let people):
                guard !people.isEmpty else { return 0 }
                return try connection.query(#"""
                    SELECT count(*) FROM users u JOIN departments d ON d.id = u.department_id
                    WHERE u.disabled = 0 AND d.id_path COLLATE "C" >= $1 AND d.id_path COLLATE "C" < $2
                      AND u.id = ANY ($3::bigint[])
                    """#, anchor, upper, Self.array(Set(people.map(\.rawValue)).sorted()))[0].decode(at: 0)
            }
        }
    }

    public func people(named keys: [String]) throws -> [String: User] {
        try pool.withConnection { connection in
            var found: [String: User] = [:]
            for key in Set(keys) where !key.isEmpty {
                let matches = try PostgresUserRepository.load(connection, where: #"lower(login COLLATE "C") = lower($1 COLLATE "C") OR employee_number = $1"#, [key])
                // A key that is one person's login and another's employee number names nobody for sure.
                if matches.count == 1 { found[key] = matches[0] }
            }
            return found
        }
    }

    public func jobCategories(within scope: AccessScope) throws -> [String] {
        guard !scope.isEmpty else { return [] }
        var arguments: [(any PostgresBindable)?] = []
        let inScope = PostgresYearlyRequirements.rangeCondition(scope.prefixes, &arguments)
        return try pool.withConnection { connection in
            try connection.query("""
                SELECT DISTINCT u.job_category COLLATE "C" FROM users u JOIN departments d ON d.id = u.department_id
                WHERE u.job_category IS NOT NULL AND \(inScope) ORDER BY 1
                """, arguments).map { try $0.decode(String.self, at: 0) }
        }
    }

    public func certificationStates(of userID: UserID) throws -> [String: CertificationStateName] {
        try pool.withConnection { connection in try Self.certificationStates(connection, userID: userID) }
    }

    /// The person's certification state per programme, on the caller's connection.
    static func certificationStates(_ connection: PostgresConnection, userID: UserID) throws -> [String: CertificationStateName] {
        var states: [String: CertificationStateName] = [:]
        for row in try connection.query("SELECT program_id, state FROM certifications WHERE user_id = $1", userID.rawValue) {
            states[try row.decode(at: 0)] = CertificationStateName(rawValue: try row.decode(at: 1))
        }
        return states
    }

    public func reconcileAll() throws {
        let now = clock()
        try pool.transaction { connection in
            for row in try connection.query("SELECT id FROM assignments WHERE withdrawn_at IS NULL ORDER BY id") {
                try Self.reconcile(assignment: try row.decode(at: 0), at: now, on: connection)
            }
            try connection.execute("""
                UPDATE assignment_members SET left_at = a.withdrawn_at FROM assignments a
                WHERE a.id = assignment_members.assignment_id AND a.withdrawn_at IS NOT NULL
                  AND assignment_members.left_at IS NULL
                """)
        }
    }

    public func recordTimeZone(_ timeZone: TimeZone) throws {
        _ = try pool.withConnection { connection in
            try connection.execute("""
                INSERT INTO settings (key, value) VALUES ('plans.time_zone', $1)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """, timeZone.identifier)
        }
    }

    // MARK: Membership of one assignment

    /// Brings one active assignment's members up to date with its audience (in the caller's transaction): everyone
    /// in it now is a member (new ones with their due day, ones who had left back with their row as it was), members
    /// no longer in it are marked as left. Returns how many members are in the audience now.
    @discardableResult
    static func reconcile(assignment id: Int64, at now: Double, on connection: PostgresConnection) throws -> Int {
        try PostgresLocks.lock(texts: [String(id)], namespace: "assignment-members", on: connection)
        guard let row = try connection.query("""
            SELECT a.audience, a.department_id, a.include_subtree, a.job_category, a.withdrawn_at, a.due_kind, a.due_day,
                   a.due_days, d.id_path
            FROM assignments a JOIN departments d ON d.id = a.department_id WHERE a.id = $1
            """, id).first, try row.isNull(at: 4),
              let rule = DueRule(kind: try row.decode(at: 5), day: try row.decodeIfPresent(at: 6),
                                 days: try row.decodeIfPresent(at: 7)) else { return 0 }
        let anchor: String = try row.decode(at: 8)
        let category: String? = try row.decodeIfPresent(at: 3)
        // The audience now: the people in it, with the day they came to their department.
        let audience: PostgresRows
        if try row.decode(String.self, at: 0) == "people" {
            audience = try connection.query(#"""
                SELECT u.id, u.department_joined_at FROM assignment_people p JOIN users u ON u.id = p.user_id
                JOIN departments d ON d.id = u.department_id
                WHERE p.assignment_id = $1 AND d.id_path COLLATE "C" >= $2 AND d.id_path COLLATE "C" < $3 ORDER BY u.id
                """#, id, anchor, String(anchor.dropLast()) + "0")
        } else if try row.decode(Int.self, at: 2) == 1 {
            audience = try connection.query(#"""
                SELECT u.id, u.department_joined_at FROM users u JOIN departments d ON d.id = u.department_id
                WHERE d.id_path COLLATE "C" >= $1 AND d.id_path COLLATE "C" < $2
                  AND ($3::text IS NULL OR u.job_category = $3) ORDER BY u.id
                """#, anchor, String(anchor.dropLast()) + "0", category)
        } else {
            audience = try connection.query("""
                SELECT u.id, u.department_joined_at FROM users u
                WHERE u.department_id = $1 AND ($2::text IS NULL OR u.job_category = $2) ORDER BY u.id
                """, try row.decode(Int64.self, at: 1), category)
        }
        let calendar = try PostgresAssignmentSync.planCalendar(on: connection)
        var people: [Int64] = []
        var days: [String?] = []
        for person in audience {
            people.append(try person.decode(at: 0))
            days.append(rule.dueDay(assignedAt: now, joinedAt: try person.decodeIfPresent(at: 1), calendar: calendar)?.description)
        }
        try connection.execute("""
            INSERT INTO assignment_members (assignment_id, user_id, assigned_at, due_day)
            SELECT $1, w.user_id, $2, w.due_day FROM unnest($3::bigint[], $4::text[]) AS w (user_id, due_day)
            ORDER BY w.user_id
            ON CONFLICT (assignment_id, user_id) DO UPDATE SET left_at = NULL WHERE assignment_members.left_at IS NOT NULL
            """, id, now, array(people), textArray(days))
        try connection.execute("""
            UPDATE assignment_members SET left_at = $1
            WHERE assignment_id = $2 AND left_at IS NULL AND NOT (user_id = ANY ($3::bigint[]))
            """, now, id, array(people))
        return people.count
    }

    /// Stores the named people of a 'people' audience, each checked to be inside the anchor's subtree (throws
    /// `AssignmentProblem` with reason `.personOutside` otherwise).
    static func insertNamedPeople(_ people: Set<UserID>, assignment id: Int64, anchor departmentID: DepartmentID,
                                  on connection: PostgresConnection) throws {
        guard !people.isEmpty else { return }
        guard let anchor = try idPath(of: departmentID, on: connection) else { throw StoreError.notFound("department") }
        for person in people.sorted(by: { $0.rawValue < $1.rawValue }) {
            guard let path: String = try connection.query("""
                SELECT d.id_path FROM users u JOIN departments d ON d.id = u.department_id WHERE u.id = $1
                """, person.rawValue).first?.decode(at: 0), path.hasPrefix(anchor) else {
                throw AssignmentProblem(field: "people", reason: .personOutside)
            }
            try connection.execute("INSERT INTO assignment_people (assignment_id, user_id) VALUES ($1, $2)", id, person.rawValue)
        }
    }

    static func idPath(of id: DepartmentID, on connection: PostgresConnection) throws -> String? {
        try connection.query("SELECT id_path FROM departments WHERE id = $1", id.rawValue).first?.decode(at: 0)
    }

    static func member(_ row: PostgresRow) throws -> AssignmentMember {
        AssignmentMember(assignmentID: AssignmentID(rawValue: try row.decode(at: 0)), userID: UserID(rawValue: try row.decode(at: 1)),
                         assignedAt: try row.decode(at: 2), dueDay: try row.decodeIfPresent(String.self, at: 3).flatMap(ISODay.init),
                         extendedDay: try row.decodeIfPresent(String.self, at: 4).flatMap(ISODay.init),
                         exemptAt: try row.decodeIfPresent(at: 5), leftAt: try row.decodeIfPresent(at: 6))
    }

    /// A bigint[] literal.
    static func array(_ values: [Int64]) -> String { "{" + values.map(String.init).joined(separator: ",") + "}" }

    /// A text[] literal: each element quoted (backslashes and quotes escaped), NULL for nil.
    static func textArray(_ values: [String?]) -> String {
        "{" + values.map { value in
            guard let value else { return "NULL" }
            return "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }.joined(separator: ",") + "}"
    }
}
