import Assessment
import TrainingServer

/// Notices on PostgreSQL, as the SQLite engine's `SQLiteNotices`: posted inside the transaction of whatever causes
/// them, once per person and dedupe key (`notices` is unique on both: of two servers posting one notice at once,
/// the second waits for the first and posts nothing); read newest first; marked read one at a time or all at once.
/// The person's unread counts on `users` follow every change through the schema's triggers.
public struct PostgresNotices: NoticeRepository {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    static let columns = "id, user_id, kind, parameters, link, dedupe_key, announcement_id, created_at, read_at"

    public func insert(_ notice: NewNotice, at now: Double, in transaction: any StorageTransaction) throws -> Int64? {
        try transaction.postgresConnection.query("""
            INSERT INTO notices (user_id, kind, parameters, link, dedupe_key, announcement_id, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (user_id, dedupe_key) DO NOTHING RETURNING id
            """, notice.userID.rawValue, notice.kind.rawValue, NoticeParameters.encode(notice.parameters), notice.link,
            notice.dedupeKey, notice.announcementID, now).first?.decode(at: 0)
    }

    public func recipient(_ userID: UserID, in transaction: any StorageTransaction) throws -> NoticeRecipient? {
        try transaction.postgresConnection.query("""
            SELECT id, display_name, email, language, reminder_mail, disabled FROM users WHERE id = $1
            """, userID.rawValue).first.map { row in
            NoticeRecipient(UserID(rawValue: try row.decode(at: 0)), displayName: try row.decode(at: 1),
                            email: try row.decodeIfPresent(at: 2),
                            language: try row.decodeIfPresent(String.self, at: 3).flatMap(Language.init(rawValue:)),
                            reminderMail: try row.decode(Int.self, at: 4) == 1, disabled: try row.decode(Int.self, at: 5) == 1)
        }
    }

    public func insertUnsubscribeToken(hash: String, userID: UserID, at now: Double,
                                       in transaction: any StorageTransaction) throws {
        try transaction.postgresConnection.execute("""
            INSERT INTO mail_unsubscribe_tokens (token_hash, user_id, created_at) VALUES ($1, $2, $3)
            """, hash, userID.rawValue, now)
    }

    public func notices(of userID: UserID, limit: Int, offset: Int) throws -> [Notice] {
        try pool.withConnection { connection in
            try connection.query("""
                SELECT \(Self.columns) FROM notices WHERE user_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3
                """, userID.rawValue, limit, offset).map(Self.notice)
        }
    }

    public func counts(of userID: UserID) throws -> (total: Int, unread: Int) {
        try pool.withConnection { connection in
            let row = try connection.query("""
                SELECT (SELECT count(*) FROM notices WHERE user_id = $1),
                       coalesce((SELECT unread_notices FROM users WHERE id = $1), 0)
                """, userID.rawValue)[0]
            return (try row.decode(at: 0), try row.decode(at: 1))
        }
    }

    public func notice(id: Int64, of userID: UserID) throws -> Notice? {
        try pool.withConnection { connection in
            try connection.query("SELECT \(Self.columns) FROM notices WHERE id = $1 AND user_id = $2", id, userID.rawValue)
                .first.map(Self.notice)
        }
    }

    public func noticeFor(announcement id: Int64, of userID: UserID) throws -> Notice? {
        try pool.withConnection { connection in
            try connection.query("SELECT \(Self.columns) FROM notices WHERE user_id = $1 AND dedupe_key = $2",
                                 userID.rawValue, "announcement:\(id)").first.map(Self.notice)
        }
    }

    @discardableResult
    public func markRead(id: Int64, of userID: UserID, at now: Double) throws -> Bool {
        try pool.withConnection { connection in
            try connection.execute("UPDATE notices SET read_at = $1 WHERE id = $2 AND user_id = $3 AND read_at IS NULL",
                                   now, id, userID.rawValue) == 1
        }
    }

    @discardableResult
    public func markAllRead(of userID: UserID, at now: Double) throws -> Int {
        try pool.withConnection { connection in
            try connection.execute("UPDATE notices SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL", now, userID.rawValue)
        }
    }

    public func reminderMail(of userID: UserID) throws -> Bool {
        try pool.withConnection { connection in
            try connection.query("SELECT reminder_mail FROM users WHERE id = $1", userID.rawValue).first
                .map { try $0.decode(Int.self, at: 0) == 1 } ?? true
        }
    }

    @discardableResult
    public func setReminderMail(_ on: Bool, of userID: UserID, at now: Double) throws -> Bool {
        try pool.withConnection { connection in
            try connection.execute("""
                UPDATE users SET reminder_mail = $1, updated_at = $2 WHERE id = $3 AND reminder_mail <> $1
                """, on ? 1 : 0, now, userID.rawValue) == 1
        }
    }

    public func unsubscribeTarget(tokenHash: String) throws -> (userID: UserID, reminderMail: Bool)? {
        try pool.withConnection { connection in
            try connection.query("""
                SELECT u.id, u.reminder_mail FROM mail_unsubscribe_tokens t JOIN users u ON u.id = t.user_id
                WHERE t.token_hash = $1
                """, tokenHash).first.map { (UserID(rawValue: try $0.decode(at: 0)), try $0.decode(Int.self, at: 1) == 1) }
        }
    }

    /// The person's unread announcement notices whose announcement is still shown on `today` (not withdrawn, not
    /// ended), newest first, at most 20, with their announcements: on the caller's connection, inside a
    /// repeatable-read transaction so the two reads agree.
    static func unreadAnnouncements(_ connection: PostgresConnection, userID: UserID, today: ISODay) throws
        -> [(notice: Notice, announcement: Announcement)] {
        let notices = try connection.query("""
            SELECT n.id, n.user_id, n.kind, n.parameters, n.link, n.dedupe_key, n.announcement_id, n.created_at, n.read_at
            FROM notices n JOIN announcements a ON a.id = n.announcement_id
            WHERE n.user_id = $1 AND n.read_at IS NULL AND n.announcement_id IS NOT NULL
                AND a.withdrawn_at IS NULL AND (a.ends_on IS NULL OR a.ends_on COLLATE "C" >= $2)
            ORDER BY n.id DESC LIMIT 20
            """, userID.rawValue, today.description).map(Self.notice)
        guard !notices.isEmpty else { return [] }
        var announcements: [Int64: Announcement] = [:]
        for row in try connection.query("""
            SELECT \(PostgresAnnouncements.columns) FROM announcements a WHERE a.id = ANY ($1::bigint[])
            """, PostgresAssignmentRepository.array(notices.compactMap(\.announcementID))) {
            let announcement = try PostgresAnnouncements.announcement(row, counted: false)
            announcements[announcement.id] = announcement
        }
        return notices.compactMap { notice in
            notice.announcementID.flatMap { announcements[$0] }.map { (notice, $0) }
        }
    }

    static func notice(_ row: PostgresRow) throws -> Notice {
        Notice(try row.decode(at: 0), userID: UserID(rawValue: try row.decode(at: 1)),
               kind: NoticeKind(rawValue: try row.decode(at: 2)) ?? .announcement,
               parameters: NoticeParameters.decode(try row.decode(at: 3)), link: try row.decodeIfPresent(at: 4),
               dedupeKey: try row.decode(at: 5), announcementID: try row.decodeIfPresent(at: 6),
               createdAt: try row.decode(at: 7), readAt: try row.decodeIfPresent(at: 8))
    }
}
