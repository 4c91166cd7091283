import Curriculum
import TrainingServer

/// The reminder pass's reads and writes on PostgreSQL, as the SQLite engine's `SQLiteReminders`: who is owed which
/// notice, found set-based with the notices already posted left out, then posted in batches, one transaction per
/// batch.
///
/// **Concurrency.** Two servers running the pass at the same moment read the same people owed. Each notice has a
/// dedupe key and `notices` is unique on (person, key), so the second insert of a notice waits for the first
/// transaction and then does nothing (`ON CONFLICT DO NOTHING`), and its mail is not queued; a certification
/// event is claimed by a conditional `UPDATE … WHERE sent_at IS NULL`, which the second server finds already done.
public struct PostgresReminders: ReminderRepository {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public var batchSize: Int { ReminderBatch.size }

    public func activeRequiredAssignments() throws -> [ReminderAssignment] {
        try pool.withConnection { connection in
            try connection.query("""
                SELECT id, name, item_kind, item_id FROM assignments WHERE withdrawn_at IS NULL AND required = 1 ORDER BY id
                """).compactMap { row in
                guard let kind = AssignmentItem.Kind(rawValue: try row.decode(at: 2)) else { return nil }
                return ReminderAssignment(try row.decode(at: 0), name: try row.decode(at: 1),
                                          item: AssignmentItem(kind: kind, id: try row.decode(at: 3)))
            }
        }
    }

    public func dedupeKeyPrefix(assignment id: Int64, _ window: ReminderWindow) -> String {
        window.keyPrefix(assignment: id)
    }

    public func membersOwed(_ assignment: ReminderAssignment, _ window: ReminderWindow,
                            catalogue: Catalogue) throws -> [ReminderMember] {
        var arguments = PostgresArguments()
        let assignmentID = arguments.add(assignment.id)
        let due = PostgresAssignmentEvidence.effectiveDueDay()
        let condition: String
        var keyed = true
        switch window {
        case .assignedSince(let since):
            condition = "m.assigned_at >= \(arguments.add(since))"
            keyed = false
        case .dueBetween(let from, let to):
            condition = "\(due) BETWEEN \(arguments.add(from.description)) AND \(arguments.add(to.description))"
        case .dueBefore(let day):
            condition = "\(due) < \(arguments.add(day.description))"
        }
        let done = PostgresAssignmentEvidence.done(of: assignment.item, catalogue: catalogue, &arguments)
        let prefix = arguments.add(dedupeKeyPrefix(assignment: assignment.id, window))
        let key = keyed ? "\(prefix) || \(due)" : prefix
        let limit = arguments.add(batchSize)
        return try pool.withConnection { connection in
            try connection.query("""
                SELECT m.user_id, \(due) AS due FROM assignment_members m JOIN users u ON u.id = m.user_id
                WHERE m.assignment_id = \(assignmentID) AND \(PostgresAssignmentEvidence.counted()) AND m.exempt_at IS NULL
                    AND \(condition) AND NOT \(done)
                    AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.user_id = m.user_id AND n.dedupe_key = \(key))
                ORDER BY m.user_id LIMIT \(limit)
                """, arguments.values).map { ReminderMember(UserID(rawValue: try $0.decode(at: 0)), due: try $0.decodeIfPresent(at: 1)) }
        }
    }

    public func decisionsOwed(since: Double) throws -> [ReminderDecision] {
        try pool.withConnection { connection in
            try connection.query("""
                SELECT r.id, r.user_id, r.state, r.requested_day, r.decision_note, a.id, a.name
                FROM assignment_requests r JOIN assignments a ON a.id = r.assignment_id
                WHERE r.kind = 'extension' AND r.state IN ('approved', 'refused') AND r.decided_at >= $1
                    AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.user_id = r.user_id AND n.dedupe_key = 'extension:' || r.id)
                ORDER BY r.id LIMIT $2
                """, since, batchSize).map { row in
                ReminderDecision(try row.decode(at: 0), userID: UserID(rawValue: try row.decode(at: 1)),
                                 approved: try row.decode(String.self, at: 2) == "approved", day: try row.decodeIfPresent(at: 3),
                                 note: try row.decodeIfPresent(at: 4), assignmentID: try row.decode(at: 5),
                                 assignmentName: try row.decode(at: 6))
            }
        }
    }

    public func unsentCertificationEvents() throws -> [ReminderCertificationEvent] {
        try pool.withConnection { connection in
            try connection.query("""
                SELECT o.id, o.user_id, o.kind, o.program_id, c.expires_at FROM notification_outbox o
                LEFT JOIN certifications c ON c.user_id = o.user_id AND c.program_id = o.program_id
                WHERE o.sent_at IS NULL ORDER BY o.id LIMIT $1
                """, batchSize).map { row in
                ReminderCertificationEvent(try row.decode(at: 0), userID: UserID(rawValue: try row.decode(at: 1)),
                                           kind: try row.decode(at: 2), programID: try row.decodeIfPresent(at: 3),
                                           expiresAt: try row.decodeIfPresent(at: 4))
            }
        }
    }

    public func claim(certificationEvent id: Int64, at now: Double, in transaction: any StorageTransaction) throws -> Bool {
        try transaction.postgresConnection.execute("""
            UPDATE notification_outbox SET sent_at = $1 WHERE id = $2 AND sent_at IS NULL
            """, now, id) == 1
    }

    public func batch<T>(_ body: (any StorageTransaction) throws -> T) throws -> T {
        try pool.transaction { connection in try body(PostgresTransaction(connection)) }
    }
}
