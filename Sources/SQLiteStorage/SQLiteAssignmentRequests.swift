import Foundation
import GRDB
import TrainingServer

/// Exemptions and extension requests of assignment members (`assignment_requests`), and the member rows they
/// change (`assignment_members.exempt_at`, `extended_day`). Every change checks the member's current state in its
/// own IMMEDIATE transaction and writes its audit row in the same transaction, so two planners deciding at once,
/// or a learner asking twice, cannot both succeed. Requests are never deleted: a lifted exemption keeps its row
/// (state `cancelled`, with who lifted it, when and why), a decided extension keeps its decision.
public struct SQLiteAssignmentRequests: Sendable {
    let store: Store
    let clock: @Sendable () -> Double

    public init(store: Store, clock: @escaping @Sendable () -> Double) {
        self.store = store
        self.clock = clock
    }

    // MARK: Reading

    /// The member row of `userID` in assignment `assignmentID`, current or left; nil when they never were one.
    public func membership(assignment assignmentID: Int64, user userID: UserID) throws -> PlanMembership? {
        try store.read { db in try Self.membership(assignmentID, userID, db) }
    }

    /// Every membership of `userID` (current and left), newest assignment first.
    public func memberships(user userID: UserID) throws -> [PlanMembership] {
        try store.read { db in
            try Row.fetchAll(db, sql: "\(Self.memberColumns) WHERE m.user_id = ? ORDER BY m.assignment_id DESC",
                             arguments: [userID.rawValue]).map(Self.membership)
        }
    }

    /// The requests of one member, newest first, with the names of who made and who decided them.
    public func requests(assignment assignmentID: Int64, user userID: UserID) throws -> [AssignmentRequest] {
        try store.read { db in
            try Row.fetchAll(db, sql: "\(Self.requestColumns) WHERE r.assignment_id = ? AND r.user_id = ? ORDER BY r.id DESC",
                             arguments: [assignmentID, userID.rawValue]).map(Self.request)
        }
    }

    /// One request by id.
    public func request(_ id: Int64) throws -> AssignmentRequest? {
        try store.read { db in
            try Row.fetchOne(db, sql: "\(Self.requestColumns) WHERE r.id = ?", arguments: [id]).map(Self.request)
        }
    }

    /// Pending extension requests of enabled people in the subtrees `prefixes` (`id_path`s), of assignments not
    /// withdrawn, oldest first (the one waiting longest comes first), at most `limit` after skipping `offset`.
    public func pending(in prefixes: [String], limit: Int, offset: Int) throws -> (lines: [PendingRequest], total: Int) {
        guard !prefixes.isEmpty else { return ([], 0) }
        let (inRange, arguments) = SQLiteReportRepository.rangeCondition(prefixes)
        let from = """
            FROM assignment_requests r INDEXED BY assignment_requests_pending
            JOIN assignments a ON a.id = r.assignment_id
            JOIN users u ON u.id = r.user_id
            JOIN departments d ON d.id = u.department_id
            JOIN assignment_members m ON m.assignment_id = r.assignment_id AND m.user_id = r.user_id
            WHERE r.state = 'pending' AND a.withdrawn_at IS NULL AND m.left_at IS NULL AND u.disabled = 0 AND \(inRange)
            """
        return try store.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT count(*) \(from)", arguments: arguments) ?? 0
            let rows = try Row.fetchAll(db, sql: """
                SELECT r.id, r.assignment_id, a.name AS assignment_name, r.user_id, u.display_name, u.login,
                       u.department_id, r.reason, r.requested_day, r.created_at, m.due_day, m.extended_day
                \(from) ORDER BY r.created_at, r.id LIMIT ? OFFSET ?
                """, arguments: arguments + [max(0, limit), max(0, offset)])
            let lines = rows.map { row in
                PendingRequest(row["id"], assignmentID: row["assignment_id"], assignmentName: row["assignment_name"],
                               userID: UserID(rawValue: row["user_id"]), name: row["display_name"], login: row["login"],
                               departmentID: DepartmentID(rawValue: row["department_id"]), reason: row["reason"],
                               requestedDay: row["requested_day"], createdAt: row["created_at"],
                               effectiveDueDay: (row["extended_day"] as String?) ?? row["due_day"])
            }
            return (lines, total)
        }
    }

    // MARK: Changing

    /// Exempts a current member: an approved exemption request with `reason`, `exempt_at` set, and the audit row
    /// `assignment.exempt`. A pending extension request of theirs is cancelled (an exempt member has nothing due).
    public func exempt(assignment assignmentID: Int64, user userID: UserID, reason: String,
                       by actor: AuditActor) throws(AssignmentRequestFailure) -> AssignmentRequest {
        try change { db, now in
            let member = try Self.current(assignmentID, userID, db)
            guard member.exemptAt == nil else { throw AssignmentRequestFailure.alreadyExempt }
            try db.execute(sql: """
                UPDATE assignment_requests SET state = 'cancelled', decided_by = ?, decided_at = ?
                WHERE assignment_id = ? AND user_id = ? AND state = 'pending'
                """, arguments: [actor.userID?.rawValue, now, assignmentID, userID.rawValue])
            try db.execute(sql: """
                INSERT INTO assignment_requests (assignment_id, user_id, kind, reason, state, created_by, created_at,
                                                 decided_by, decided_at)
                VALUES (?, ?, 'exemption', ?, 'approved', ?, ?, ?, ?)
                """, arguments: [assignmentID, userID.rawValue, reason, actor.userID?.rawValue, now, actor.userID?.rawValue, now])
            let id = db.lastInsertedRowID
            try db.execute(sql: "UPDATE assignment_members SET exempt_at = ? WHERE assignment_id = ? AND user_id = ?",
                           arguments: [now, assignmentID, userID.rawValue])
            try AuditChain.append(AuditEvent(action: "assignment.exempt", subject: "user:\(userID.rawValue)",
                                             details: Self.details(assignmentID, userID, db, ["reason": reason])),
                                  by: actor, at: now, in: db)
            return try Self.request(id, db)
        }
    }

    /// Lifts a member's exemption: the exemption's row becomes `cancelled` with who lifted it, when and `note`
    /// (it stays in the history), `exempt_at` is cleared, and the audit row `assignment.exemption_lift` is written.
    public func liftExemption(assignment assignmentID: Int64, user userID: UserID, note: String,
                              by actor: AuditActor) throws(AssignmentRequestFailure) {
        try change { db, now in
            let member = try Self.current(assignmentID, userID, db)
            guard member.exemptAt != nil else { throw AssignmentRequestFailure.notExempt }
            try db.execute(sql: """
                UPDATE assignment_requests SET state = 'cancelled', decided_by = ?, decided_at = ?, decision_note = ?
                WHERE assignment_id = ? AND user_id = ? AND kind = 'exemption' AND state = 'approved'
                """, arguments: [actor.userID?.rawValue, now, note, assignmentID, userID.rawValue])
            try db.execute(sql: "UPDATE assignment_members SET exempt_at = NULL WHERE assignment_id = ? AND user_id = ?",
                           arguments: [assignmentID, userID.rawValue])
            try AuditChain.append(AuditEvent(action: "assignment.exemption_lift", subject: "user:\(userID.rawValue)",
                                             details: Self.details(assignmentID, userID, db, ["reason": note])),
                                  by: actor, at: now, in: db)
        }
    }

    /// A member's own extension request: pending, for `day`, with `reason`; audited `assignment.extension_request`.
    /// Refused when they already have a pending one, are exempt, or `day` is not after their effective due day
    /// as it is when the request is written (`accept` checks the day against it inside the transaction).
    public func requestExtension(assignment assignmentID: Int64, user userID: UserID, day: String, reason: String,
                                 by actor: AuditActor,
                                 accept: (PlanMembership) throws(AssignmentRequestFailure) -> Void)
        throws(AssignmentRequestFailure) -> AssignmentRequest {
        try change { db, now in
            let member = try Self.current(assignmentID, userID, db)
            guard member.exemptAt == nil else { throw AssignmentRequestFailure.exempt }
            guard member.dueDay != nil else { throw AssignmentRequestFailure.noDueDay }
            let pending = try Bool.fetchOne(db, sql: """
                SELECT 1 FROM assignment_requests WHERE assignment_id = ? AND user_id = ? AND state = 'pending'
                """, arguments: [assignmentID, userID.rawValue]) ?? false
            guard !pending else { throw AssignmentRequestFailure.pendingExists }
            try accept(member)
            try db.execute(sql: """
                INSERT INTO assignment_requests (assignment_id, user_id, kind, reason, requested_day, state, created_by,
                                                 created_at)
                VALUES (?, ?, 'extension', ?, ?, 'pending', ?, ?)
                """, arguments: [assignmentID, userID.rawValue, reason, day, actor.userID?.rawValue, now])
            let id = db.lastInsertedRowID
            try AuditChain.append(AuditEvent(action: "assignment.extension_request", subject: "user:\(userID.rawValue)",
                                             details: Self.details(assignmentID, userID, db,
                                                                   ["request": String(id), "day": day, "reason": reason])),
                                  by: actor, at: now, in: db)
            return try Self.request(id, db)
        }
    }

    /// Decides a pending extension request of a current member: approved sets their `extended_day` to the day
    /// asked for; refused leaves their due day. `note` is kept with the decision (required for a refusal by the
    /// service). Audited `assignment.extension_approve` / `assignment.extension_refuse`.
    public func decide(request id: Int64, approve: Bool, note: String?,
                       by actor: AuditActor) throws(AssignmentRequestFailure) -> AssignmentRequest {
        try change { db, now in
            guard let request = try Row.fetchOne(db, sql: "\(Self.requestColumns) WHERE r.id = ?", arguments: [id])
                .map(Self.request) else { throw AssignmentRequestFailure.notFound }
            guard request.kind == .extension, request.state == .pending else { throw AssignmentRequestFailure.notPending }
            let member = try Self.current(request.assignmentID, request.userID, db)
            try db.execute(sql: """
                UPDATE assignment_requests SET state = ?, decided_by = ?, decided_at = ?, decision_note = ? WHERE id = ?
                """, arguments: [approve ? "approved" : "refused", actor.userID?.rawValue, now, note, id])
            if approve, let day = request.requestedDay {
                try db.execute(sql: "UPDATE assignment_members SET extended_day = ? WHERE assignment_id = ? AND user_id = ?",
                               arguments: [day, request.assignmentID, request.userID.rawValue])
            }
            var extra = ["request": String(id), "day": request.requestedDay ?? "",
                         "previous_day": member.effectiveDueDay ?? ""]
            if let note { extra["note"] = note }
            try AuditChain.append(AuditEvent(action: approve ? "assignment.extension_approve" : "assignment.extension_refuse",
                                             subject: "user:\(request.userID.rawValue)",
                                             details: Self.details(request.assignmentID, request.userID, db, extra)),
                                  by: actor, at: now, in: db)
            return try Self.request(id, db)
        }
    }

    /// Runs `body` in a write transaction with the time of the change, keeping its failures typed.
    private func change<T>(_ body: (Database, Double) throws -> T) throws(AssignmentRequestFailure) -> T {
        do {
            let now = clock()
            return try store.write { db in try body(db, now) }
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
        SELECT r.*, c.display_name AS created_by_name, c.login AS created_by_login,
               x.display_name AS decided_by_name, x.login AS decided_by_login
        FROM assignment_requests r
        LEFT JOIN users c ON c.id = r.created_by
        LEFT JOIN users x ON x.id = r.decided_by
        """

    static func membership(_ assignmentID: Int64, _ userID: UserID, _ db: Database) throws -> PlanMembership? {
        try Row.fetchOne(db, sql: "\(memberColumns) WHERE m.assignment_id = ? AND m.user_id = ?",
                         arguments: [assignmentID, userID.rawValue]).map(membership)
    }

    /// The member row of someone still in the assignment's audience (not left, assignment not withdrawn).
    static func current(_ assignmentID: Int64, _ userID: UserID, _ db: Database) throws -> PlanMembership {
        let withdrawn = try Bool.fetchOne(db, sql: "SELECT withdrawn_at IS NOT NULL FROM assignments WHERE id = ?",
                                          arguments: [assignmentID])
        guard let withdrawn, !withdrawn, let member = try membership(assignmentID, userID, db), member.leftAt == nil else {
            throw AssignmentRequestFailure.notMember
        }
        return member
    }

    static func membership(_ row: Row) -> PlanMembership {
        PlanMembership(assignmentID: row["assignment_id"], userID: UserID(rawValue: row["user_id"]),
                       assignedAt: row["assigned_at"], dueDay: row["due_day"], extendedDay: row["extended_day"],
                       exemptAt: row["exempt_at"], leftAt: row["left_at"])
    }

    static func request(_ id: Int64, _ db: Database) throws -> AssignmentRequest {
        guard let row = try Row.fetchOne(db, sql: "\(requestColumns) WHERE r.id = ?", arguments: [id]) else {
            throw AssignmentRequestFailure.notFound
        }
        return request(row)
    }

    static func request(_ row: Row) -> AssignmentRequest {
        let createdBy: Int64? = row["created_by"]
        let decidedBy: Int64? = row["decided_by"]
        return AssignmentRequest(
            row["id"], assignmentID: row["assignment_id"], userID: UserID(rawValue: row["user_id"]),
            kind: AssignmentRequest.Kind(rawValue: row["kind"]) ?? .extension, reason: row["reason"],
            requestedDay: row["requested_day"], state: AssignmentRequest.State(rawValue: row["state"]) ?? .pending,
            createdBy: createdBy.map { UserID(rawValue: $0) },
            createdByName: Self.person(row["created_by_name"], row["created_by_login"]), createdAt: row["created_at"],
            decidedBy: decidedBy.map { UserID(rawValue: $0) },
            decidedByName: Self.person(row["decided_by_name"], row["decided_by_login"]), decidedAt: row["decided_at"],
            decisionNote: row["decision_note"])
    }

    private static func person(_ name: String?, _ login: String?) -> AssignmentRequest.Person? {
        guard let name, let login else { return nil }
        return AssignmentRequest.Person(name, login: login)
    }

    /// The audit details every request row carries: the person, the assignment's id and name.
    static func details(_ assignmentID: Int64, _ userID: UserID, _ db: Database, _ extra: [String: String]) throws -> [String: String] {
        var details = extra
        details["user_id"] = String(userID.rawValue)
        details["assignment"] = String(assignmentID)
        details["assignment_name"] = try String.fetchOne(db, sql: "SELECT name FROM assignments WHERE id = ?",
                                                         arguments: [assignmentID]) ?? ""
        return details
    }
}
