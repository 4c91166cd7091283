import Foundation
import GRDB
import TrainingServer

/// Announcements (通知公告) in SQLite. Publishing one stores it and, in the same transaction, posts an
/// `announcement` notice to every enabled person in the department's subtree (set-based, one statement); people who
/// join the subtree while it is still shown get theirs from the reminder pass (`catchUp`). Withdrawing removes the
/// notices it posted, read or not.
public struct SQLiteAnnouncements: Sendable {
    let store: Store

    public init(store: Store) { self.store = store }

    public typealias Draft = AnnouncementDraft

    /// Stores `draft`, posts its notices and logs `announcement.publish`, in one transaction. Returns the id and
    /// how many people it reached.
    public func publish(_ draft: Draft, by actor: AuditActor, at now: Double) throws -> (id: Int64, recipients: Int) {
        try store.write { db in
            try db.execute(sql: """
                INSERT INTO announcements (department_id, title, body, ends_on, created_by, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [draft.department.id.rawValue, draft.title, draft.body, draft.endsOn?.description,
                                 actor.userID?.rawValue, now])
            let id = db.lastInsertedRowID
            let recipients = try Self.post(announcement: id, title: draft.title, prefix: draft.department.idPath,
                                           joinedSince: nil, at: now, in: db)
            try AuditChain.append(AuditEvent(action: "announcement.publish", subject: "announcement:\(id)",
                                             details: ["title": draft.title,
                                                       "department": String(draft.department.id.rawValue),
                                                       "recipients": String(recipients)]),
                                  by: actor, at: now, in: db)
            return (id, recipients)
        }
    }

    /// Posts the announcement's notice to enabled people in the subtree at `prefix` who do not have it yet (those
    /// who came to their department at or after `joinedSince`, when given); returns how many were posted.
    static func post(announcement id: Int64, title: String, prefix: String, joinedSince: Double?, at now: Double,
                     in db: Database) throws -> Int {
        let parameters = NoticeParameters.encode(["name": title])
        var sql = """
            INSERT INTO notices (user_id, kind, parameters, link, dedupe_key, announcement_id, created_at)
            SELECT u.id, 'announcement', ?, ?, ?, ?, ? FROM departments d JOIN users u ON u.department_id = d.id
            WHERE d.id_path >= ? AND d.id_path < ? AND u.disabled = 0
            """
        var arguments: StatementArguments = [parameters, "/announcements/\(id)", "announcement:\(id)", id, now,
                                             prefix, String(prefix.dropLast()) + "0"]
        if let joinedSince {
            sql += " AND u.department_joined_at >= ?"
            arguments += [joinedSince]
        }
        try db.execute(sql: sql + " ON CONFLICT (user_id, dedupe_key) DO NOTHING", arguments: arguments)
        return db.changesCount
    }

    /// Announcements still shown on `today`, for people who came into their subtree after publication: each gets
    /// the notice once. Returns how many notices were posted.
    @discardableResult
    public func catchUp(today: ISODay, at now: Double) throws -> Int {
        let open = try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT a.id, a.title, a.created_at, d.id_path FROM announcements a JOIN departments d ON d.id = a.department_id
                WHERE a.withdrawn_at IS NULL AND (a.ends_on IS NULL OR a.ends_on >= ?)
                """, arguments: [today.description])
        }
        var posted = 0
        for row in open {
            posted += try store.write { db in
                try Self.post(announcement: row["id"], title: row["title"], prefix: row["id_path"],
                              joinedSince: row["created_at"], at: now, in: db)
            }
        }
        return posted
    }

    /// Withdraws announcement `id` (its notices are removed; the announcement stays, marked withdrawn) and logs
    /// `announcement.withdraw`; false when it was withdrawn already.
    public func withdraw(id: Int64, by actor: AuditActor, at now: Double) throws -> Bool {
        try store.write { db in
            guard let title = try String.fetchOne(db, sql: "SELECT title FROM announcements WHERE id = ? AND withdrawn_at IS NULL",
                                                  arguments: [id]) else { return false }
            try db.execute(sql: "UPDATE announcements SET withdrawn_at = ?, withdrawn_by = ? WHERE id = ?",
                           arguments: [now, actor.userID?.rawValue, id])
            try db.execute(sql: "DELETE FROM notices WHERE announcement_id = ?", arguments: [id])
            let removed = db.changesCount
            try AuditChain.append(AuditEvent(action: "announcement.withdraw", subject: "announcement:\(id)",
                                             details: ["title": title, "removed": String(removed)]),
                                  by: actor, at: now, in: db)
            return true
        }
    }

    public func find(id: Int64) throws -> Announcement? {
        try store.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM announcements WHERE id = ?", arguments: [id]).map { Self.announcement($0) }
        }
    }

    /// Announcement `id` with how many people it reached and how many of them read it.
    public func withCounts(id: Int64) throws -> Announcement? {
        try store.read { db in
            try Row.fetchOne(db, sql: """
                SELECT a.*,
                    (SELECT count(*) FROM notices n WHERE n.announcement_id = a.id) AS recipients,
                    (SELECT count(*) FROM notices n WHERE n.announcement_id = a.id AND n.read_at IS NOT NULL) AS readers
                FROM announcements a WHERE a.id = ?
                """, arguments: [id]).map { row in
                var announcement = Self.announcement(row)
                announcement.recipients = row["recipients"]
                announcement.readers = row["readers"]
                return announcement
            }
        }
    }

    /// Whether `userID` was sent announcement `id` (and so may read it).
    public func isRecipient(_ userID: UserID, of id: Int64) throws -> Bool {
        try store.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM notices WHERE user_id = ? AND dedupe_key = ?)",
                              arguments: [userID.rawValue, "announcement:\(id)"]) ?? false
        }
    }

    /// Announcements to departments inside `prefixes`, newest first, with how many people each reached and how
    /// many of them read it.
    public func list(prefixes: [String], limit: Int, offset: Int) throws -> (announcements: [Announcement], total: Int) {
        guard !prefixes.isEmpty else { return ([], 0) }
        let condition = "(" + prefixes.map { _ in "(d.id_path >= ? AND d.id_path < ?)" }.joined(separator: " OR ") + ")"
        var arguments: StatementArguments = []
        for prefix in prefixes { arguments += [prefix, String(prefix.dropLast()) + "0"] }
        return try store.read { db in
            let total = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM announcements a JOIN departments d ON d.id = a.department_id WHERE \(condition)
                """, arguments: arguments) ?? 0
            let rows = try Row.fetchAll(db, sql: """
                SELECT a.*,
                    (SELECT count(*) FROM notices n WHERE n.announcement_id = a.id) AS recipients,
                    (SELECT count(*) FROM notices n WHERE n.announcement_id = a.id AND n.read_at IS NOT NULL) AS readers
                FROM announcements a JOIN departments d ON d.id = a.department_id
                WHERE \(condition) ORDER BY a.id DESC LIMIT ? OFFSET ?
                """, arguments: arguments + [limit, offset])
            return (rows.map { row in
                var announcement = Self.announcement(row)
                announcement.recipients = row["recipients"]
                announcement.readers = row["readers"]
                return announcement
            }, total)
        }
    }

    static func announcement(_ row: Row, prefix: String = "") -> Announcement {
        Announcement(row[prefix + "id"], departmentID: DepartmentID(rawValue: row[prefix + "department_id"]),
                     title: row[prefix + "title"], body: row[prefix + "body"],
                     endsOn: (row[prefix + "ends_on"] as String?).flatMap(ISODay.init),
                     createdBy: (row[prefix + "created_by"] as Int64?).map(UserID.init(rawValue:)),
                     createdAt: row[prefix + "created_at"], withdrawnAt: row[prefix + "withdrawn_at"])
    }
}
