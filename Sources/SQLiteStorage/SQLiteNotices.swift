import Assessment
import Foundation
import GRDB
import TrainingServer

/// Notices in SQLite: posted inside the transaction of whatever causes them, once per person and dedupe key;
/// read newest first; marked read one at a time or all at once. The person's unread count on `users` follows
/// every change through triggers (migration `2026-12-08-notices-and-announcements`), and so does how many of them are
/// announcements (`2026-12-09-unread-announcements`).
public struct SQLiteNotices: Sendable {
    let store: Store

    public init(store: Store) { self.store = store }

    public typealias Recipient = NoticeRecipient

    /// Stores `notice` in the caller's transaction; returns its id, or nil when the person already has a notice
    /// with its dedupe key (nothing changes then).
    @discardableResult
    public static func insert(_ notice: NewNotice, at now: Double, in db: Database) throws -> Int64? {
        try db.cachedStatement(sql: """
            INSERT INTO notices (user_id, kind, parameters, link, dedupe_key, announcement_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, dedupe_key) DO NOTHING
            """).execute(arguments: [notice.userID.rawValue, notice.kind.rawValue,
                                     NoticeParameters.encode(notice.parameters), notice.link, notice.dedupeKey,
                                     notice.announcementID, now])
        return db.changesCount == 1 ? db.lastInsertedRowID : nil
    }

    static func recipient(_ userID: UserID, in db: Database) throws -> Recipient? {
        try Row.fetchOne(db.cachedStatement(sql: """
            SELECT id, display_name, email, language, reminder_mail, disabled FROM users WHERE id = ?
            """), arguments: [userID.rawValue]).map { row in
            Recipient(UserID(rawValue: row["id"]), displayName: row["display_name"], email: row["email"],
                      language: (row["language"] as String?).flatMap(Language.init(rawValue:)),
                      reminderMail: row["reminder_mail"], disabled: row["disabled"])
        }
    }

    /// Keeps the digest of a one-click unsubscribe token for `userID` (in the caller's transaction).
    static func insertUnsubscribeToken(hash: String, userID: UserID, at now: Double, in db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO mail_unsubscribe_tokens (token_hash, user_id, created_at) VALUES (?, ?, ?)
            """).execute(arguments: [hash, userID.rawValue, now])
    }

    // MARK: Reading

    /// A page of the person's notices, newest first.
    public func notices(of userID: UserID, limit: Int, offset: Int) throws -> [Notice] {
        try store.read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM notices WHERE user_id = ? ORDER BY id DESC LIMIT ? OFFSET ?
                """), arguments: [userID.rawValue, limit, offset]).map(Self.notice)
        }
    }

    /// How many notices the person has, and how many of them are unread.
    public func counts(of userID: UserID) throws -> (total: Int, unread: Int) {
        try store.read { db in
            let total = try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM notices WHERE user_id = ?"),
                                         arguments: [userID.rawValue]) ?? 0
            let unread = try Int.fetchOne(db.cachedStatement(sql: "SELECT unread_notices FROM users WHERE id = ?"),
                                          arguments: [userID.rawValue]) ?? 0
            return (total, unread)
        }
    }

    public func notice(id: Int64, of userID: UserID) throws -> Notice? {
        try store.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM notices WHERE id = ? AND user_id = ?"),
                             arguments: [id, userID.rawValue]).map(Self.notice)
        }
    }

    /// The person's notice of announcement `id`, if they were sent it.
    public func noticeFor(announcement id: Int64, of userID: UserID) throws -> Notice? {
        try store.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM notices WHERE user_id = ? AND dedupe_key = ?"),
                             arguments: [userID.rawValue, "announcement:\(id)"]).map(Self.notice)
        }
    }

    /// The person's unread announcements still shown on `today` (not withdrawn, not past their last day), newest
    /// first, with their notices.
    public func unreadAnnouncements(of userID: UserID, today: ISODay) throws -> [(notice: Notice, announcement: Announcement)] {
        try store.read { db in try Self.unreadAnnouncements(db, userID: userID, today: today) }
    }

    /// The same in the caller's read (the dashboard reads them with the person's records).
    static func unreadAnnouncements(_ db: Database, userID: UserID, today: ISODay) throws
        -> [(notice: Notice, announcement: Announcement)] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT n.*, a.id AS a_id, a.department_id AS a_department_id, a.title AS a_title, a.body AS a_body,
                   a.ends_on AS a_ends_on, a.created_by AS a_created_by, a.created_at AS a_created_at,
                   a.withdrawn_at AS a_withdrawn_at
            FROM notices n JOIN announcements a ON a.id = n.announcement_id
            WHERE n.user_id = ? AND n.read_at IS NULL AND n.announcement_id IS NOT NULL
                AND a.withdrawn_at IS NULL AND (a.ends_on IS NULL OR a.ends_on >= ?)
            ORDER BY n.id DESC LIMIT 20
            """), arguments: [userID.rawValue, today.description]).map { row in
            (Self.notice(row), SQLiteAnnouncements.announcement(row, prefix: "a_"))
        }
    }

    // MARK: Reading state

    /// Marks one of the person's notices read; false when it is not theirs or was read already.
    @discardableResult
    public func markRead(id: Int64, of userID: UserID, at now: Double) throws -> Bool {
        try store.write { db in
            try db.cachedStatement(sql: "UPDATE notices SET read_at = ? WHERE id = ? AND user_id = ? AND read_at IS NULL")
                .execute(arguments: [now, id, userID.rawValue])
            return db.changesCount == 1
        }
    }

    /// Marks every unread notice of the person read; returns how many.
    @discardableResult
    public func markAllRead(of userID: UserID, at now: Double) throws -> Int {
        try store.write { db in
            try db.cachedStatement(sql: "UPDATE notices SET read_at = ? WHERE user_id = ? AND read_at IS NULL")
                .execute(arguments: [now, userID.rawValue])
            return db.changesCount
        }
    }

    // MARK: Reminder mail

    /// Whether the person gets reminder mail.
    public func reminderMail(of userID: UserID) throws -> Bool {
        try store.read { db in
            try Bool.fetchOne(db.cachedStatement(sql: "SELECT reminder_mail FROM users WHERE id = ?"),
                              arguments: [userID.rawValue]) ?? true
        }
    }

    /// Turns the person's reminder mail on or off; returns whether it changed.
    @discardableResult
    public func setReminderMail(_ on: Bool, of userID: UserID, at now: Double) throws -> Bool {
        try store.write { db in
            try db.cachedStatement(sql: "UPDATE users SET reminder_mail = ?, updated_at = ? WHERE id = ? AND reminder_mail <> ?")
                .execute(arguments: [on, now, userID.rawValue, on])
            return db.changesCount == 1
        }
    }

    /// The person an unsubscribe token (by its digest) was made for, with whether their reminder mail is on.
    public func unsubscribeTarget(tokenHash: String) throws -> (userID: UserID, reminderMail: Bool)? {
        try store.read { db in
            try Row.fetchOne(db.cachedStatement(sql: """
                SELECT u.id, u.reminder_mail FROM mail_unsubscribe_tokens t JOIN users u ON u.id = t.user_id
                WHERE t.token_hash = ?
                """), arguments: [tokenHash]).map { (UserID(rawValue: $0["id"]), $0["reminder_mail"]) }
        }
    }

    static func notice(_ row: Row) -> Notice {
        let kind: String = row["kind"]
        return Notice(row["id"], userID: UserID(rawValue: row["user_id"]), kind: NoticeKind(rawValue: kind) ?? .announcement,
                      parameters: NoticeParameters.decode(row["parameters"]), link: row["link"], dedupeKey: row["dedupe_key"],
                      announcementID: row["announcement_id"], createdAt: row["created_at"], readAt: row["read_at"])
    }
}
