import TrainingServer

/// Announcements (通知公告) on PostgreSQL, as the SQLite engine's `SQLiteAnnouncements`: publishing stores the
/// announcement, posts an `announcement` notice to every enabled person in the department's subtree (one
/// statement) and logs it, in one transaction; people who join the subtree while it is shown get theirs from the
/// reminder pass (`catchUp`); withdrawing removes the notices it posted.
///
/// **Concurrency.** Notices are unique on (person, dedupe key) and posted `ON CONFLICT DO NOTHING`, so two servers
/// catching up at once post each notice once. A withdrawal is conditional on `withdrawn_at IS NULL` and locks the
/// row: of two at once, one withdraws and audits, the other reports it was withdrawn already.
public struct PostgresAnnouncements: AnnouncementRepository {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    static let columns = "a.id, a.department_id, a.title, a.body, a.ends_on, a.created_by, a.created_at, a.withdrawn_at"
    static let counts = """
        (SELECT count(*) FROM notices n WHERE n.announcement_id = a.id),
        (SELECT count(*) FROM notices n WHERE n.announcement_id = a.id AND n.read_at IS NOT NULL)
        """

    public func publish(_ draft: AnnouncementDraft, by actor: AuditActor, at now: Double) throws -> (id: Int64, recipients: Int) {
        try pool.transaction { connection in
            let id: Int64 = try connection.query("""
                INSERT INTO announcements (department_id, title, body, ends_on, created_by, created_at)
                VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
                """, draft.department.id.rawValue, draft.title, draft.body, draft.endsOn?.description,
                actor.userID?.rawValue, now)[0].decode(at: 0)
            let recipients = try Self.post(announcement: id, title: draft.title, prefix: draft.department.idPath,
                                           joinedSince: nil, at: now, on: connection)
            try PostgresAuditChain.append(AuditEvent(action: "announcement.publish", subject: "announcement:\(id)",
                                                     details: ["title": draft.title,
                                                               "department": String(draft.department.id.rawValue),
                                                               "recipients": String(recipients)]),
                                          by: actor, at: now, on: connection)
            return (id, recipients)
        }
    }

    /// Posts the announcement's notice to enabled people in the subtree at `prefix` who do not have it yet (those
    /// who came to their department at or after `joinedSince`, when given); returns how many were posted.
    static func post(announcement id: Int64, title: String, prefix: String, joinedSince: Double?, at now: Double,
                     on connection: PostgresConnection) throws -> Int {
        try connection.execute("""
            INSERT INTO notices (user_id, kind, parameters, link, dedupe_key, announcement_id, created_at)
            SELECT u.id, 'announcement', $1, $2, $3, $4, $5 FROM departments d JOIN users u ON u.department_id = d.id
            WHERE d.id_path COLLATE "C" >= $6 AND d.id_path COLLATE "C" < $7 AND u.disabled = 0
                AND ($8::double precision IS NULL OR u.department_joined_at >= $8)
            ORDER BY u.id
            ON CONFLICT (user_id, dedupe_key) DO NOTHING
            """, NoticeParameters.encode(["name": title]), "/announcements/\(id)", "announcement:\(id)", id, now,
            prefix, String(prefix.dropLast()) + "0", joinedSince)
    }

    @discardableResult
    public func catchUp(today: ISODay, at now: Double) throws -> Int {
        let open = try pool.withConnection { connection in
            try connection.query("""
                SELECT a.id, a.title, a.created_at, d.id_path FROM announcements a JOIN departments d ON d.id = a.department_id
                WHERE a.withdrawn_at IS NULL AND (a.ends_on IS NULL OR a.ends_on COLLATE "C" >= $1) ORDER BY a.id
                """, today.description).map { row in
                (id: try row.decode(Int64.self, at: 0), title: try row.decode(String.self, at: 1),
                 createdAt: try row.decode(Double.self, at: 2), path: try row.decode(String.self, at: 3))
            }
        }
        var posted = 0
        for announcement in open {
            posted += try pool.transaction { connection in
                try Self.post(announcement: announcement.id, title: announcement.title, prefix: announcement.path,
                              joinedSince: announcement.createdAt, at: now, on: connection)
            }
        }
        return posted
    }

    public func withdraw(id: Int64, by actor: AuditActor, at now: Double) throws -> Bool {
        try pool.transaction { connection in
            guard let row = try connection.query("""
                SELECT title FROM announcements WHERE id = $1 AND withdrawn_at IS NULL FOR UPDATE
                """, id).first else { return false }
            let title: String = try row.decode(at: 0)
            try connection.execute("UPDATE announcements SET withdrawn_at = $1, withdrawn_by = $2 WHERE id = $3",
                                   now, actor.userID?.rawValue, id)
            let removed = try connection.execute("DELETE FROM notices WHERE announcement_id = $1", id)
            try PostgresAuditChain.append(AuditEvent(action: "announcement.withdraw", subject: "announcement:\(id)",
                                                     details: ["title": title, "removed": String(removed)]),
                                          by: actor, at: now, on: connection)
            return true
        }
    }

    public func find(id: Int64) throws -> Announcement? {
        try pool.withConnection { connection in
            try connection.query("SELECT \(Self.columns) FROM announcements a WHERE a.id = $1", id).first
                .map { try Self.announcement($0, counted: false) }
        }
    }

    public func withCounts(id: Int64) throws -> Announcement? {
        try pool.withConnection { connection in
            try connection.query("SELECT \(Self.columns), \(Self.counts) FROM announcements a WHERE a.id = $1", id).first
                .map { try Self.announcement($0, counted: true) }
        }
    }

    /// Whether `userID` was sent announcement `id` (and so may read it).
    public func isRecipient(_ userID: UserID, of id: Int64) throws -> Bool {
        try pool.withConnection { connection in
            try !connection.query("SELECT 1 FROM notices WHERE user_id = $1 AND dedupe_key = $2",
                                  userID.rawValue, "announcement:\(id)").isEmpty
        }
    }

    public func list(prefixes: [String], limit: Int, offset: Int) throws -> (announcements: [Announcement], total: Int) {
        guard !prefixes.isEmpty else { return ([], 0) }
        var arguments: [(any PostgresBindable)?] = []
        let condition = PostgresYearlyRequirements.rangeCondition(prefixes, &arguments)
        return try pool.transaction(.repeatableRead) { connection in
            let total: Int = try connection.query("""
                SELECT count(*) FROM announcements a JOIN departments d ON d.id = a.department_id WHERE \(condition)
                """, arguments)[0].decode(at: 0)
            let page = arguments + [limit, offset]
            let announcements = try connection.query("""
                SELECT \(Self.columns), \(Self.counts) FROM announcements a JOIN departments d ON d.id = a.department_id
                WHERE \(condition) ORDER BY a.id DESC LIMIT $\(page.count - 1) OFFSET $\(page.count)
                """, page).map { try Self.announcement($0, counted: true) }
            return (announcements, total)
        }
    }

    static func announcement(_ row: PostgresRow, counted: Bool) throws -> Announcement {
        Announcement(try row.decode(at: 0), departmentID: DepartmentID(rawValue: try row.decode(at: 1)),
                     title: try row.decode(at: 2), body: try row.decode(at: 3),
                     endsOn: try row.decodeIfPresent(String.self, at: 4).flatMap(ISODay.init),
                     createdBy: try row.decodeIfPresent(Int64.self, at: 5).map(UserID.init(rawValue:)),
                     createdAt: try row.decode(at: 6), withdrawnAt: try row.decodeIfPresent(at: 7),
                     recipients: counted ? try row.decode(at: 8) : 0, readers: counted ? try row.decode(at: 9) : 0)
    }
}
