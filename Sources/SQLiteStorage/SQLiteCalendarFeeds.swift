import Curriculum
import Foundation
import GRDB
import TrainingServer

/// Calendar feed tokens (SHA-256 only, one per person) and what a feed shows, in SQLite.
public struct SQLiteCalendarFeeds: CalendarFeedRepository {
    let store: Store
    let clock: @Sendable () -> Double

    public init(store: Store, clock: @escaping @Sendable () -> Double) {
        self.store = store
        self.clock = clock
    }

    public func feed(of userID: UserID) throws -> CalendarFeedRecord? {
        try store.read { db in
            try Row.fetchOne(db, sql: "SELECT created_at, last_used_at FROM calendar_feeds WHERE user_id = ?",
                             arguments: [userID.rawValue])
                .map { CalendarFeedRecord(createdAt: $0["created_at"], lastUsedAt: $0["last_used_at"]) }
        }
    }

    @discardableResult
    public func reset(userID: UserID, tokenHash: String, by actor: AuditActor) throws -> Bool {
        let now = clock()
        return try store.write { db -> Bool in
            let replaced = try Bool.fetchOne(db, sql: "SELECT 1 FROM calendar_feeds WHERE user_id = ?",
                                             arguments: [userID.rawValue]) ?? false
            try db.execute(sql: """
                INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES (?, ?, ?)
                ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at,
                    last_used_at = NULL
                """, arguments: [userID.rawValue, tokenHash, now])
            try AuditChain.append(AuditEvent(action: "calendar.reset", subject: "user:\(userID)",
                                             details: ["replaced": replaced ? "1" : "0"]),
                                  by: actor, at: now, in: db)
            return replaced
        }
    }

    @discardableResult
    public func remove(userID: UserID, by actor: AuditActor) throws -> Bool {
        let now = clock()
        return try store.write { db -> Bool in
            try db.execute(sql: "DELETE FROM calendar_feeds WHERE user_id = ?", arguments: [userID.rawValue])
            guard db.changesCount == 1 else { return false }
            try AuditChain.append(AuditEvent(action: "calendar.revoke", subject: "user:\(userID)", details: [:]),
                                  by: actor, at: now, in: db)
            return true
        }
    }

    public func owner(tokenHash: String) throws -> User? {
        let now = clock()
        let found = try store.read { db -> (User, Double?)? in
            guard let row = try Row.fetchOne(db, sql: "SELECT user_id, last_used_at FROM calendar_feeds WHERE token_hash = ?",
                                             arguments: [tokenHash]) else { return nil }
            let userID: Int64 = row["user_id"]
            guard let user = try SQLiteUserRepository.load(db, where: "id = ? AND disabled = 0", [userID]).first else {
                return nil
            }
            return (user, row["last_used_at"])
        }
        guard let (user, lastUsed) = found else { return nil }
        // "Last fetched" to the hour tells the person their calendar is subscribed; a write at most hourly.
        if lastUsed.map({ now - $0 >= 3600 }) ?? true {
            try store.write { db in
                try db.execute(sql: "UPDATE calendar_feeds SET last_used_at = ? WHERE token_hash = ?",
                               arguments: [now, tokenHash])
            }
        }
        return user
    }

    public func dueItems(of userID: UserID, catalogue: Catalogue, today: ISODay) throws -> [DueItem] {
        try store.read { db in
            let assignments = try SQLiteAssignmentRepository.load(db, where: """
                a.withdrawn_at IS NULL AND a.id IN (SELECT assignment_id FROM assignment_members
                                                    WHERE user_id = ? AND left_at IS NULL)
                """, [userID.rawValue])
            var items: [DueItem] = []
            for assignment in assignments {
                // The status rule as the HR counts apply it, on this one member row.
                let status = AssignmentEvidence.status(of: assignment.item, catalogue: catalogue, today: today)
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT m.*, \(status.sql) AS status FROM assignment_members m
                    WHERE m.assignment_id = ? AND m.user_id = ? AND m.left_at IS NULL
                    """, arguments: status.arguments + [assignment.id.rawValue, userID.rawValue]),
                    let value = AssignmentStatus(rawValue: row["status"]) else { continue }
                items.append(DueItem(assignment: assignment, member: SQLiteAssignmentRepository.member(row), status: value))
            }
            return items
        }
    }
}
