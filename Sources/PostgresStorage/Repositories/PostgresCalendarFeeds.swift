import Curriculum
import Foundation
import TrainingServer

/// Calendar feed tokens (SHA-256 only, one per person) and what a feed shows, on PostgreSQL, as the SQLite engine's
/// `SQLiteCalendarFeeds`.
///
/// **Concurrency.** A reset is one upsert on the person's row: of two at once, both store a token and the later
/// wins; whether a token was replaced comes from the upsert itself (`xmax` is zero on a row it inserted), so the
/// audit entry says so even when another server made the first token a moment before.
public struct PostgresCalendarFeeds: CalendarFeedRepository {
    let pool: PostgresPool
    let clock: @Sendable () -> Double

    public init(pool: PostgresPool, clock: @escaping @Sendable () -> Double) {
        self.pool = pool
        self.clock = clock
    }

    public func feed(of userID: UserID) throws -> CalendarFeedRecord? {
        try pool.withConnection { connection in
            try connection.query("SELECT created_at, last_used_at FROM calendar_feeds WHERE user_id = $1", userID.rawValue)
                .first.map { CalendarFeedRecord(createdAt: try $0.decode(at: 0), lastUsedAt: try $0.decodeIfPresent(at: 1)) }
        }
    }

    @discardableResult
    public func reset(userID: UserID, tokenHash: String, by actor: AuditActor) throws -> Bool {
        let now = clock()
        return try pool.transaction { connection -> Bool in
            let replaced: Bool = try connection.query("""
                INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES ($1, $2, $3)
                ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at,
                    last_used_at = NULL
                RETURNING xmax <> 0
                """, userID.rawValue, tokenHash, now)[0].decode(at: 0)
            try PostgresAuditChain.append(AuditEvent(action: "calendar.reset", subject: "user:\(userID)",
                                                     details: ["replaced": replaced ? "1" : "0"]),
                                          by: actor, at: now, on: connection)
            return replaced
        }
    }

    @discardableResult
    public func remove(userID: UserID, by actor: AuditActor) throws -> Bool {
        let now = clock()
        return try pool.transaction { connection -> Bool in
            guard try connection.execute("DELETE FROM calendar_feeds WHERE user_id = $1", userID.rawValue) == 1 else {
                return false
            }
            try PostgresAuditChain.append(AuditEvent(action: "calendar.revoke", subject: "user:\(userID)", details: [:]),
                                          by: actor, at: now, on: connection)
            return true
        }
    }

    public func owner(tokenHash: String) throws -> User? {
        let now = clock()
        return try pool.withConnection { connection -> User? in
            guard let row = try connection.query("""
                SELECT user_id, last_used_at FROM calendar_feeds WHERE token_hash = $1
                """, tokenHash).first else { return nil }
            let userID: Int64 = try row.decode(at: 0)
            let lastUsed: Double? = try row.decodeIfPresent(at: 1)
            guard let user = try PostgresUserRepository.load(connection, where: "id = $1 AND disabled = 0", [userID]).first else {
                return nil
            }
            // "Last fetched" to the hour tells the person their calendar is subscribed; a write at most hourly.
            if lastUsed.map({ now - $0 >= 3600 }) ?? true {
                _ = try connection.execute("UPDATE calendar_feeds SET last_used_at = $1 WHERE token_hash = $2", now, tokenHash)
            }
            return user
        }
    }

    public func dueItems(of userID: UserID, catalogue: Catalogue, today: ISODay) throws -> [DueItem] {
        try pool.transaction(.repeatableRead) { connection in
            let assignments = try PostgresAssignmentRows.load(connection, where: """
                a.withdrawn_at IS NULL AND a.id IN (SELECT assignment_id FROM assignment_members
                                                    WHERE user_id = $1 AND left_at IS NULL)
                """, [userID.rawValue])
            var items: [DueItem] = []
            for assignment in assignments {
                // The status rule as the HR counts apply it, on this one member row.
                var arguments = PostgresArguments()
                let status = PostgresAssignmentEvidence.status(of: assignment.item, catalogue: catalogue, today: today,
                                                               &arguments)
                let assignmentID = arguments.add(assignment.id.rawValue)
                let user = arguments.add(userID.rawValue)
                guard let row = try connection.query("""
                    SELECT \(PostgresAssignmentRepository.memberColumns), \(status) FROM assignment_members m
                    WHERE m.assignment_id = \(assignmentID) AND m.user_id = \(user) AND m.left_at IS NULL
                    """, arguments.values).first,
                    let value = AssignmentStatus(rawValue: try row.decode(at: 7)) else { continue }
                items.append(DueItem(assignment: assignment, member: try PostgresAssignmentRepository.member(row),
                                     status: value))
            }
            return items
        }
    }
}
