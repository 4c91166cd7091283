import TrainingServer

/// Exemptions and extension requests of assignment members on PostgreSQL, as the SQLite engine's
/// `SQLiteAssignmentRequests`: every change checks the member's current state and writes its audit row in one
/// transaction; requests are never deleted.
///
/// **Concurrency.** A change locks the member's row (`FOR UPDATE`) before reading it, and a decision locks the
/// request's row first: two planners deciding one request, or a learner asking twice at two servers, take turns,
/// and the second sees the first's result (not pending any more, a pending request exists, already exempt).
public struct PostgresAssignmentRequests: AssignmentRequestRepository {
    let pool: PostgresPool
    let clock: @Sendable () -> Double

    public init(pool: PostgresPool, clock: @escaping @Sendable () -> Double) {
        self.pool = pool
        self.clock = clock
    }

    // MARK: Reading

    public func membership(assignment assignmentID: Int64, user userID: UserID) throws -> PlanMembership? {
        try pool.withConnection { connection in try Self.membership(assignmentID, userID, locked: false, connection) }
    }

    /// Every membership of `userID` (current and left), newest assignment first.
    public func memberships(user userID: UserID) throws -> [PlanMembership] {
        try pool.withConnection { connection in
            try connection.query("\(Self.memberColumns) WHERE m.user_id = $1 ORDER BY m.assignment_id DESC", userID.rawValue)
                .map(Self.membership)
        }
    }

    public func requests(assignment assignmentID: Int64, user userID: UserID) throws -> [AssignmentRequest] {
        try pool.withConnection { connection in
            try connection.query("\(Self.requestColumns) WHERE r.assignment_id = $1 AND r.user_id = $2 ORDER BY r.id DESC",
                                 assignmentID, userID.rawValue).map(Self.request)
        }
    }

    public func request(_ id: Int64) throws -> AssignmentRequest? {
        try pool.withConnection { connection in
            try connection.query("\(Self.requestColumns) WHERE r.id = $1", id).first.map(Self.request)
        }
    }

    public func pending(in prefixes: [String], limit: Int, offset: Int) throws -> (lines: [PendingRequest], total: Int) {
        guard !prefixes.isEmpty else { return ([], 0) }
        var arguments: [(any PostgresBindable)?] = []
        let inRange = PostgresYearlyRequirements.rangeCondition(prefixes, &arguments)
        let from = """
            FROM assignment_requests r
            JOIN assignments a ON a.id = r.assignment_id
            JOIN users u ON u.id = r.user_id
            JOIN departments d ON d.id = u.department_id
            JOIN assignment_members m ON m.assignment_id = r.assignment_id AND m.user_id = r.user_id
            WHERE r.state = 'pending' AND a.withdrawn_at IS NULL AND m.left_at IS NULL AND u.disabled = 0 AND \(inRange)
            """
        let page = arguments + [max(0, limit), max(0, offset)]
        return try pool.transaction(.repeatableRead) { connection in
            let total: Int = try connection.query("SELECT count(*) \(from)", arguments)[0].decode(at: 0)
            let lines = try connection.query("""
                SELECT r.id, r.assignment_id, a.name, r.user_id, u.display_name, u.login, u.department_id, r.reason,
                       r.requested_day, r.created_at, coalesce(m.extended_day, m.due_day)
                \(from) ORDER BY r.created_at, r.id LIMIT $\(page.count - 1) OFFSET $\(page.count)
                """, page).map { row in
                PendingRequest(try row.decode(at: 0), assignmentID: try row.decode(at: 1), assignmentName: try row.decode(at: 2),
                               userID: UserID(rawValue: try row.decode(at: 3)), name: try row.decode(at: 4),
                               login: try row.decode(at: 5), departmentID: DepartmentID(rawValue: try row.decode(at: 6)),
                               reason: try row.decode(at: 7), requestedDay: try row.decodeIfPresent(at: 8),
                               createdAt: try row.decode(at: 9), effectiveDueDay: try row.decodeIfPresent(at: 10))
            }
            return (lines, total)
        }
    }

    // MARK: Changing

    public func exempt(assignment assignmentID: Int64, user userID: UserID, reason: String,
                       by actor: AuditActor) throws(AssignmentRequestFailure) -> AssignmentRequest {
        try change { connection, now in
            let member = try Self.current(assignmentID, userID, connection)
            guard member.exemptAt == nil else { throw AssignmentRequestFailure.alreadyExempt }
            try connection.execute("""
                UPDATE assignment_requests SET state = 'cancelled', decided_by = $1, decided_at = $2
                WHERE assignment_id = $3 AND user_id = $4 AND state = 'pending'
                """, actor.userID?.rawValue, now, assignmentID, userID.rawValue)
            let id: Int64 = try connection.query("""
                INSERT INTO assignment_requests (assignment_id, user_id, kind, reason, state, created_by, created_at,
                                                 decided_by, decided_at)
                VALUES ($1, $2, 'exemption', $3, 'approved', $4, $5, $4, $5) RETURNING id
                """, assignmentID, userID.rawValue, reason, actor.userID?.rawValue, now)[0].decode(at: 0)
            try connection.execute("UPDATE assignment_members SET exempt_at = $1 WHERE assignment_id = $2 AND user_id = $3",
                                   now, assignmentID, userID.rawValue)
            try PostgresAuditChain.append(AuditEvent(action: "assignment.exempt", subject: "user:\(userID.rawValue)",
                                                     details: Self.details(assignmentID, userID, connection, ["reason": reason])),
                                          by: actor, at: now, on: connection)
            return try Self.request(id, connection)
        }
    }

    public func liftExemption(assignment assignmentID: Int64, user userID: UserID, note: String,
                              by actor: AuditActor) throws(AssignmentRequestFailure) {
        try change { connection, now in
            let member = try Self.current(assignmentID, userID, connection)
            guard member.exemptAt != nil else { throw AssignmentRequestFailure.notExempt }
            try connection.execute("""
                UPDATE assignment_requests SET state = 'cancelled', decided_by = $1, decided_at = $2, decision_note = $3
                WHERE assignment_id = $4 AND user_id = $5 AND kind = 'exemption' AND state = 'approved'
                """, actor.userID?.rawValue, now, note, assignmentID, userID.rawValue)
            try connection.execute("UPDATE assignment_members SET exempt_at = NULL WHERE assignment_id = $1 AND user_id = $2",
                                   assignmentID, userID.rawValue)
            try PostgresAuditChain.append(AuditEvent(action: "assignment.exemption_lift", subject: "user:\(userID.rawValue)",
                                                     details: Self.details(assignmentID, userID, connection, ["reason": note])),
                                          by: actor, at: now, on: connection)
        }
    }

    public func requestExtension(assignment assignmentID: Int64, user userID: UserID, day: String, reason: String,
                                 by actor: AuditActor,
                                 accept: (PlanMembership) throws(AssignmentRequestFailure) -> Void)
        throws(AssignmentRequestFailure) -> AssignmentRequest {
        try change { connection, now in
            let member = try Self.current(assignmentID, userID, connection)
            guard member.exemptAt == nil else { throw AssignmentRequestFailure.exempt }
            guard member.dueDay != nil else { throw AssignmentRequestFailure.noDueDay }
            guard try connection.query("""
                SELECT 1 FROM assignment_requests WHERE assignment_id = $1 AND user_id = $2 AND state = 'pending'
                """, assignmentID, userID.rawValue).isEmpty else { throw AssignmentRequestFailure.pendingExists }
            try accept(member)
            let id: Int64 = try connection.query("""
                INSERT INTO assignment_requests (assignment_id, user_id, kind, reason, requested_day, state, created_by,
                                                 created_at)
                VALUES ($1, $2, 'extension', $3, $4, 'pending', $5, $6) RETURNING id
                """, assignmentID, userID.rawValue, reason, day, actor.userID?.rawValue, now)[0].decode(at: 0)
            try PostgresAuditChain.append(AuditEvent(action: "assignment.extension_request", subject: "user:\(userID.rawValue)",
                                                     details: Self.details(assignmentID, userID, connection,
                                                                           ["request": String(id), "day": day, "reason": reason])),
                                          by: actor, at: now, on: connection)
            return try Self.request(id, connection)
        }
    }

    public func decide(request id: Int64, approve: Bool, note: String?,
                       by actor: AuditActor) throws(AssignmentRequestFailure) -> AssignmentRequest {
        try change { connection, now in
            guard let locked = try connection.query("""
                SELECT assignment_id, user_id FROM assignment_requests WHERE id = $1 FOR UPDATE
                """, id).first else { throw AssignmentRequestFailure.notFound }
            // The member's row is locked before the request is read again, as every other change locks it.
            _ = try Self.membership(try locked.decode(at: 0), UserID(rawValue: try locked.decode(at: 1)), locked: true, connection)
            let request = try Self.request(id, connection)
            guard request.kind == .extension, request.state == .pending else { throw AssignmentRequestFailure.notPending }
            let member = try Self.current(request.assignmentID, request.userID, connection)
            try connection.execute("""
                UPDATE assignment_requests SET state = $1, decided_by = $2, decided_at = $3, decision_note = $4 WHERE id = $5
                """, approve ? "approved" : "refused", actor.userID?.rawValue, now, note, id)
            if approve, let day = request.requestedDay {
                try connection.execute("""
                    UPDATE assignment_members SET extended_day = $1 WHERE assignment_id = $2 AND user_id = $3
                    """, day, request.assignmentID, request.userID.rawValue)
            }
            var extra = ["request": String(id), "day": request.requestedDay ?? "",
                         "previous_day": member.effectiveDueDay ?? ""]
            if let note { extra["note"] = note }
            try PostgresAuditChain.append(AuditEvent(action: approve ? "assignment.extension_approve" : "assignment.extension_refuse",
                                                     subject: "user:\(request.userID.rawValue)",
                                                     details: Self.details(request.assignmentID, request.userID, connection, extra)),
                                          by: actor, at: now, on: connection)
            return try Self.request(id, connection)
        }
    }

    /// Runs `body` in a transaction with the time of the change, keeping its failures typed.
    private func change<T>(_ body: (PostgresConnection, Double) throws -> T) throws(AssignmentRequestFailure) -> T {
        do {
            let now = clock()
            return try pool.transaction { connection in try body(connection, now) }
        } catch let failure as AssignmentRequestFailure {
            throw failure
        } catch {
            throw .storage(String(describing: error))
        }
    }

    // MARK: Rows

    static let memberColumns = """
        SELECT m.assignment_id, m.user_id, m.assigned_at, m.due_day, m.extended_day, m.exempt_at, m.left_at
        FROM assignment_members m
        """

    static let requestColumns = """
        SELECT r.id, r.assignment_id, r.user_id, r.kind, r.reason, r.requested_day, r.state, r.created_by, c.display_name,
               c.login, r.created_at, r.decided_by, x.display_name, x.login, r.decided_at, r.decision_note
        FROM assignment_requests r
        LEFT JOIN users c ON c.id = r.created_by
        LEFT JOIN users x ON x.id = r.decided_by
        """

    static func membership(_ assignmentID: Int64, _ userID: UserID, locked: Bool,
                           _ connection: PostgresConnection) throws -> PlanMembership? {
        try connection.query("""
            \(memberColumns) WHERE m.assignment_id = $1 AND m.user_id = $2\(locked ? " FOR UPDATE" : "")
            """, assignmentID, userID.rawValue).first.map(membership)
    }

    /// The member row of someone still in the assignment's audience (not left, assignment not withdrawn), locked
    /// until the end of the transaction.
    static func current(_ assignmentID: Int64, _ userID: UserID, _ connection: PostgresConnection) throws -> PlanMembership {
        let withdrawn = try connection.query("SELECT withdrawn_at IS NOT NULL FROM assignments WHERE id = $1", assignmentID)
            .first?.decode(Bool.self, at: 0)
        guard let withdrawn, !withdrawn, let member = try membership(assignmentID, userID, locked: true, connection),
              member.leftAt == nil else {
            throw AssignmentRequestFailure.notMember
        }
        return member
    }

    static func membership(_ row: PostgresRow) throws -> PlanMembership {
        PlanMembership(assignmentID: try row.decode(at: 0), userID: UserID(rawValue: try row.decode(at: 1)),
                       assignedAt: try row.decode(at: 2), dueDay: try row.decodeIfPresent(at: 3),
                       extendedDay: try row.decodeIfPresent(at: 4), exemptAt: try row.decodeIfPresent(at: 5),
                       leftAt: try row.decodeIfPresent(at: 6))
    }

    static func request(_ id: Int64, _ connection: PostgresConnection) throws -> AssignmentRequest {
        guard let row = try connection.query("\(requestColumns) WHERE r.id = $1", id).first else {
            throw AssignmentRequestFailure.notFound
        }
        return try request(row)
    }

    static func request(_ row: PostgresRow) throws -> AssignmentRequest {
        AssignmentRequest(
            try row.decode(at: 0), assignmentID: try row.decode(at: 1), userID: UserID(rawValue: try row.decode(at: 2)),
            kind: AssignmentRequest.Kind(rawValue: try row.decode(at: 3)) ?? .extension, reason: try row.decode(at: 4),
            requestedDay: try row.decodeIfPresent(at: 5),
            state: AssignmentRequest.State(rawValue: try row.decode(at: 6)) ?? .pending,
            createdBy: try row.decodeIfPresent(Int64.self, at: 7).map(UserID.init(rawValue:)),
            createdByName: try person(row, 8), createdAt: try row.decode(at: 10),
            decidedBy: try row.decodeIfPresent(Int64.self, at: 11).map(UserID.init(rawValue:)),
            decidedByName: try person(row, 12), decidedAt: try row.decodeIfPresent(at: 14),
            decisionNote: try row.decodeIfPresent(at: 15))
    }

    private static func person(_ row: PostgresRow, _ column: Int) throws -> AssignmentRequest.Person? {
        guard let name: String = try row.decodeIfPresent(at: column),
              let login: String = try row.decodeIfPresent(at: column + 1) else { return nil }
        return AssignmentRequest.Person(name, login: login)
    }

    /// The audit details every request row carries: the person, the assignment's id and name.
    static func details(_ assignmentID: Int64, _ userID: UserID, _ connection: PostgresConnection,
                        _ extra: [String: String]) throws -> [String: String] {
        var details = extra
        details["user_id"] = String(userID.rawValue)
        details["assignment"] = String(assignmentID)
        details["assignment_name"] = try connection.query("SELECT name FROM assignments WHERE id = $1", assignmentID)
            .first?.decode(String.self, at: 0) ?? ""
        return details
    }
}
