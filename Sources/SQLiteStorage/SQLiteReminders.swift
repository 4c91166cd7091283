import Curriculum
import Foundation
import GRDB
import TrainingServer

/// The reminder pass's reads and writes: who is owed which notice, found set-based with the notices already posted
/// left out, then posted in batches, one transaction per batch. Every notice has a dedupe key, so two passes (or
/// two servers) that find the same people post each notice once; a certification outbox row is claimed (marked
/// sent) in the transaction that posts its notice.
public struct SQLiteReminders: Sendable {
    let store: Store
    /// Most rows read and posted per transaction.
    public static let batchSize = ReminderBatch.size

    public init(store: Store) { self.store = store }

    public typealias MemberDue = ReminderMember

    public typealias ActiveAssignment = ReminderAssignment

    public func activeRequiredAssignments() throws -> [ActiveAssignment] {
        try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, name, item_kind, item_id FROM assignments WHERE withdrawn_at IS NULL AND required = 1 ORDER BY id
                """).compactMap { row in
                AssignmentItem.Kind(rawValue: row["item_kind"]).map {
                    ActiveAssignment(row["id"], name: row["name"], item: AssignmentItem(kind: $0, id: row["item_id"]))
                }
            }
        }
    }

    public typealias Window = ReminderWindow


    /// Up to `batchSize` members of `assignment` in the audience now (enabled, not exempt, not done by the
    /// evidence) that `window` selects and who do not have its notice yet.
    public func membersOwed(_ assignment: ActiveAssignment, _ window: Window, catalogue: Catalogue) throws -> [MemberDue] {
        let done = AssignmentEvidence.done(of: assignment.item, catalogue: catalogue)
        let due = AssignmentEvidence.effectiveDueDay()
        let prefix = window.keyPrefix(assignment: assignment.id)
        var condition: String
        var arguments: StatementArguments = [assignment.id]
        let key: String
        switch window {
        case .assignedSince(let since):
            condition = "m.assigned_at >= ?"
            arguments += [since]
            key = "?"
        case .dueBetween(let from, let to):
            condition = "\(due) BETWEEN ? AND ?"
            arguments += [from.description, to.description]
            key = "? || \(due)"
        case .dueBefore(let day):
            condition = "\(due) < ?"
            arguments += [day.description]
            key = "? || \(due)"
        }
        arguments += done.arguments
        arguments += [prefix, Self.batchSize]
        return try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT m.user_id, \(due) AS due FROM assignment_members m JOIN users u ON u.id = m.user_id
                WHERE m.assignment_id = ? AND \(AssignmentEvidence.counted()) AND m.exempt_at IS NULL AND \(condition)
                    AND NOT \(done.sql)
                    AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.user_id = m.user_id AND n.dedupe_key = \(key))
                ORDER BY m.user_id LIMIT ?
                """, arguments: arguments).map { MemberDue(UserID(rawValue: $0["user_id"]), due: $0["due"]) }
        }
    }

    public typealias Decision = ReminderDecision

    /// Extension requests approved or refused since `since` without their notice (key `extension:<request id>`).
    public func decisionsOwed(since: Double) throws -> [Decision] {
        try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.id, r.user_id, r.state, r.requested_day, r.decision_note, a.id AS assignment_id, a.name
                FROM assignment_requests r JOIN assignments a ON a.id = r.assignment_id
                WHERE r.kind = 'extension' AND r.state IN ('approved', 'refused') AND r.decided_at >= ?
                    AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.user_id = r.user_id AND n.dedupe_key = 'extension:' || r.id)
                ORDER BY r.id LIMIT ?
                """, arguments: [since, Self.batchSize]).map { row in
                Decision(row["id"], userID: UserID(rawValue: row["user_id"]), approved: row["state"] == "approved",
                         day: row["requested_day"], note: row["decision_note"], assignmentID: row["assignment_id"],
                         assignmentName: row["name"])
            }
        }
    }

    public typealias CertificationEvent = ReminderCertificationEvent

    /// Unsent rows of `notification_outbox`, oldest first.
    public func unsentCertificationEvents() throws -> [CertificationEvent] {
        try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT o.id, o.user_id, o.kind, o.program_id, c.expires_at FROM notification_outbox o
                LEFT JOIN certifications c ON c.user_id = o.user_id AND c.program_id = o.program_id
                WHERE o.sent_at IS NULL ORDER BY o.id LIMIT ?
                """, arguments: [Self.batchSize]).map { row in
                CertificationEvent(row["id"], userID: UserID(rawValue: row["user_id"]), kind: row["kind"],
                                   programID: row["program_id"], expiresAt: row["expires_at"])
            }
        }
    }

    /// Claims an outbox row in the caller's transaction: false when another pass claimed it first.
    static func claim(certificationEvent id: Int64, at now: Double, in db: Database) throws -> Bool {
        try db.execute(sql: "UPDATE notification_outbox SET sent_at = ? WHERE id = ? AND sent_at IS NULL", arguments: [now, id])
        return db.changesCount == 1
    }

    /// Runs `body` in one write transaction.
    func batch<T>(_ body: (Database) throws -> T) throws -> T { try store.write(body) }
}
