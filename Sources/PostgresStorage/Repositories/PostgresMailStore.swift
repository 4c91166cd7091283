import Curriculum
import TrainingServer

/// The outbox on PostgreSQL (`mail_outbox`), as the SQLite engine's `SQLiteMailOutbox` keeps it: messages are
/// written in the transaction of whatever caused them, claimed one at a time by a sender (`sending`, committed
/// before the SMTP dialogue starts), then `sent`, `pending` again for a retry later, or `failed`.
///
/// **Concurrency.** Several servers poll the outbox at once. A claim reads the oldest due message with
/// `FOR UPDATE SKIP LOCKED` and moves it to `sending` in the same transaction: a message another server is
/// claiming is locked and skipped (that server takes it), and once claimed it is no longer `pending`, so each
/// message is handed to exactly one sender. Ends of delivery are conditional on `state = 'sending'`, retries and
/// discards of dead letters lock the message's row first.
public struct PostgresMailOutbox: MailOutboxRepository {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    static let columns = """
        id, kind, recipient, subject, body, html, unsubscribe_url, sensitive, message_id, state, attempts, created_at,
        next_attempt_at, expires_at, sent_at, failed_at, discarded_at, last_error
        """

    /// Adds `mail` inside the caller's transaction; returns its id.
    @discardableResult
    static func enqueue(_ mail: OutgoingMail, at now: Double, on connection: PostgresConnection) throws -> Int64 {
        try connection.query("""
            INSERT INTO mail_outbox (kind, recipient, subject, body, html, unsubscribe_url, sensitive, created_at,
                                     next_attempt_at, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) RETURNING id
            """, mail.kind, mail.recipient, mail.subject, mail.body, mail.html, mail.unsubscribeURL,
            mail.sensitive ? 1 : 0, now, mail.expiresAt)[0].decode(at: 0)
    }

    @discardableResult
    public func enqueue(_ mail: OutgoingMail, at now: Double, in transaction: any StorageTransaction) throws -> Int64 {
        try Self.enqueue(mail, at: now, on: transaction.postgresConnection)
    }

    @discardableResult
    public func enqueue(_ mail: OutgoingMail, at now: Double) throws -> Int64 {
        try pool.withConnection { connection in try Self.enqueue(mail, at: now, on: connection) }
    }

    public func claimNext(now: Double, messageID: () -> String) throws -> OutboxMessage? {
        try pool.withConnection { connection in
            // Looked for outside a transaction first: the sender asks every second, and an empty outbox needs no lock.
            guard try !connection.query("""
                SELECT 1 FROM mail_outbox WHERE state = 'pending' AND next_attempt_at <= $1 LIMIT 1
                """, now).isEmpty else { return nil }
            return try connection.transaction { connection in
                while let row = try connection.query("""
                    SELECT \(Self.columns) FROM mail_outbox WHERE state = 'pending' AND next_attempt_at <= $1
                    ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
                    """, now).first {
                    var message = try Self.message(row)
                    if let expiresAt = message.expiresAt, expiresAt <= now {
                        try Self.finish(connection, id: message.id, state: .failed,
                                        error: "expired before it could be delivered", at: now)
                        continue
                    }
                    message.state = .sending
                    message.attempts += 1
                    if message.messageID == nil { message.messageID = messageID() }
                    try connection.execute("""
                        UPDATE mail_outbox SET state = 'sending', attempts = $1, message_id = $2, claimed_at = $3 WHERE id = $4
                        """, message.attempts, message.messageID, now, message.id)
                    return message
                }
                return nil
            }
        }
    }

    public func delivered(id: Int64, at now: Double) throws {
        try pool.withConnection { connection in try Self.finish(connection, id: id, state: .sent, error: nil, at: now) }
    }

    public func attemptFailed(id: Int64, error: String, at now: Double, retryAt: Double?) throws {
        let error = String(error.prefix(1000))
        try pool.withConnection { connection in
            if let retryAt {
                try connection.execute("""
                    UPDATE mail_outbox SET state = 'pending', next_attempt_at = $1, last_error = $2, claimed_at = NULL
                    WHERE id = $3 AND state = 'sending'
                    """, retryAt, error, id)
            } else {
                try Self.finish(connection, id: id, state: .failed, error: error, at: now)
            }
        }
    }

    @discardableResult
    public func abandonInterrupted(claimedBefore cutoff: Double, at now: Double) throws -> [Int64] {
        try pool.withConnection { connection in
            // One statement: a message another server finishes meanwhile is no longer `sending` and is left alone.
            try connection.query("""
                UPDATE mail_outbox SET state = 'failed', failed_at = $1, sent_at = NULL, claimed_at = NULL,
                    last_error = $2,
                    body = CASE WHEN sensitive = 1 THEN '' ELSE body END,
                    html = CASE WHEN sensitive = 1 THEN NULL ELSE html END
                WHERE state = 'sending' AND claimed_at < $3 RETURNING id
                """, now, "interrupted during delivery; not retried, so that it is never sent twice", cutoff)
                .map { try $0.decode(Int64.self, at: 0) }.sorted()
        }
    }

    public func find(id: Int64) throws -> OutboxMessage? {
        try pool.withConnection { connection in
            try connection.query("SELECT \(Self.columns) FROM mail_outbox WHERE id = $1", id).first.map(Self.message)
        }
    }

    /// The newest messages first.
    public func recent(limit: Int) throws -> [OutboxMessage] {
        try pool.withConnection { connection in
            try connection.query("SELECT \(Self.columns) FROM mail_outbox ORDER BY id DESC LIMIT $1", limit).map(Self.message)
        }
    }

    public func counts() throws -> [OutboxState: Int] {
        try pool.withConnection { connection in
            var counts: [OutboxState: Int] = [:]
            for row in try connection.query("SELECT state, count(*) FROM mail_outbox GROUP BY state") {
                if let state = OutboxState(rawValue: try row.decode(at: 0)) { counts[state] = try row.decode(Int.self, at: 1) }
            }
            return counts
        }
    }

    public func deadLetters(limit: Int, offset: Int) throws -> (messages: [OutboxMessage], total: Int) {
        try pool.transaction(.repeatableRead) { connection in
            let total: Int = try connection.query("""
                SELECT count(*) FROM mail_outbox WHERE state = 'failed' AND discarded_at IS NULL
                """)[0].decode(at: 0)
            let messages = try connection.query("""
                SELECT \(Self.columns) FROM mail_outbox WHERE state = 'failed' AND discarded_at IS NULL
                ORDER BY coalesce(failed_at, next_attempt_at) DESC, id DESC LIMIT $1 OFFSET $2
                """, limit, offset).map(Self.message)
            return (messages, total)
        }
    }

    public func discardedCount() throws -> Int {
        try pool.withConnection { connection in
            try connection.query("""
                SELECT count(*) FROM mail_outbox WHERE state = 'failed' AND discarded_at IS NOT NULL
                """)[0].decode(at: 0)
        }
    }

    /// The dead letter `id`, its row locked until the end of the caller's transaction; nil when it is none.
    private static func lockedDeadLetter(_ id: Int64, on connection: PostgresConnection) throws -> OutboxMessage? {
        try connection.query("""
            SELECT \(columns) FROM mail_outbox WHERE id = $1 AND state = 'failed' AND discarded_at IS NULL FOR UPDATE
            """, id).first.map(message)
    }

    @discardableResult
    public func retry(id: Int64, by actor: AuditActor, at now: Double) throws -> OutboxMessage {
        try pool.transaction { connection in
            guard let message = try Self.lockedDeadLetter(id, on: connection) else { throw MailRetryRefusal.notDeadLetter }
            if let refusal = message.retryRefusal(now: now) { throw refusal }
            try connection.execute("""
                UPDATE mail_outbox SET state = 'pending', attempts = 0, next_attempt_at = $1, failed_at = NULL,
                    claimed_at = NULL
                WHERE id = $2
                """, now, id)
            try PostgresAuditChain.append(AuditEvent(action: "mail.retry", subject: "mail:\(id)",
                                                     details: ["kind": message.kind, "attempts": String(message.attempts)]),
                                          by: actor, at: now, on: connection)
            return message
        }
    }

    @discardableResult
    public func discard(id: Int64, by actor: AuditActor, at now: Double) throws -> OutboxMessage? {
        try pool.transaction { connection in
            guard let message = try Self.lockedDeadLetter(id, on: connection) else { return nil }
            try connection.execute("UPDATE mail_outbox SET discarded_at = $1, body = '', html = NULL WHERE id = $2", now, id)
            try PostgresAuditChain.append(AuditEvent(action: "mail.discard", subject: "mail:\(id)",
                                                     details: ["kind": message.kind, "attempts": String(message.attempts)]),
                                          by: actor, at: now, on: connection)
            return message
        }
    }

    /// Ends a message as `sent` or `failed`; a sensitive body is erased then.
    private static func finish(_ connection: PostgresConnection, id: Int64, state: OutboxState, error: String?,
                               at now: Double) throws {
        try connection.execute("""
            UPDATE mail_outbox SET state = $1, sent_at = $2, failed_at = $3, claimed_at = NULL,
                last_error = coalesce($4, last_error),
                body = CASE WHEN sensitive = 1 THEN '' ELSE body END,
                html = CASE WHEN sensitive = 1 THEN NULL ELSE html END
            WHERE id = $5
            """, state.rawValue, state == .sent ? now : nil, state == .failed ? now : nil, error, id)
    }

    static func message(_ row: PostgresRow) throws -> OutboxMessage {
        OutboxMessage(try row.decode(at: 0), kind: try row.decode(at: 1), recipient: try row.decode(at: 2),
                      subject: try row.decode(at: 3), body: try row.decode(at: 4), html: try row.decodeIfPresent(at: 5),
                      unsubscribeURL: try row.decodeIfPresent(at: 6), sensitive: try row.decode(Int.self, at: 7) == 1,
                      messageID: try row.decodeIfPresent(at: 8),
                      state: OutboxState(rawValue: try row.decode(at: 9)) ?? .failed, attempts: try row.decode(at: 10),
                      createdAt: try row.decode(at: 11), nextAttemptAt: try row.decode(at: 12),
                      expiresAt: try row.decodeIfPresent(at: 13), sentAt: try row.decodeIfPresent(at: 14),
                      failedAt: try row.decodeIfPresent(at: 15), discardedAt: try row.decodeIfPresent(at: 16),
                      lastError: try row.decodeIfPresent(at: 17))
    }
}

/// People's e-mail addresses (`users.email`) on PostgreSQL. A change locks the person's row before reading the old
/// address, so two servers changing one address write and audit one after the other.
public struct PostgresMailAddressRepository: MailAddressRepository {
    let pool: PostgresPool
    let clock: @Sendable () -> Double

    public init(pool: PostgresPool, clock: @escaping @Sendable () -> Double) {
        self.pool = pool
        self.clock = clock
    }

    public func email(of id: UserID) throws -> String? {
        try pool.withConnection { connection in try Self.email(of: id, on: connection) }
    }

    static func email(of id: UserID, on connection: PostgresConnection) throws -> String? {
        try connection.query("SELECT email FROM users WHERE id = $1", id.rawValue).first?.decodeIfPresent(at: 0)
    }

    public func setEmail(_ email: String?, id: UserID, by actor: AuditActor) throws {
        try pool.transaction { connection in
            guard let row = try connection.query("SELECT email FROM users WHERE id = $1 FOR UPDATE", id.rawValue).first else {
                throw StoreError.notFound("user")
            }
            let old: String? = try row.decodeIfPresent(at: 0)
            try connection.execute("UPDATE users SET email = $1, updated_at = $2 WHERE id = $3", email, clock(), id.rawValue)
            guard old != email else { return }
            try PostgresAuditChain.append(AuditEvent(action: "user.email", subject: "user:\(id)",
                                                     details: ["change": email == nil ? "removed" : (old == nil ? "added" : "changed")]),
                                          by: actor, at: clock(), on: connection)
        }
    }
}

/// The weekly HR digests on PostgreSQL: who is due one, what is overdue in a person's scope, and the record (one per
/// person and ISO week, `mail_digests`) written in the same transaction as the queued message. The record's key
/// (person, week) makes the claim: of two servers queueing one person's digest at once, the second's insert
/// conflicts (`ON CONFLICT DO NOTHING`, after waiting for the first to commit) and it queues nothing.
public struct PostgresWeeklyDigestStore: WeeklyDigestRepository {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public func recipientsWithoutDigest(week: String) throws -> [UserID] {
        try pool.withConnection { connection in
            try connection.query("""
                SELECT u.id FROM users u
                WHERE u.disabled = 0 AND u.email IS NOT NULL
                    AND EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = u.id AND g.role = 'hr')
                    AND NOT EXISTS (SELECT 1 FROM mail_digests s WHERE s.user_id = u.id AND s.week = $1)
                ORDER BY u.id
                """, week).map { UserID(rawValue: try $0.decode(at: 0)) }
        }
    }

    public func queue(for userID: UserID, week: String, at now: Double,
                      compose: (any StorageTransaction) throws -> OutgoingMail?) throws -> Int64? {
        try pool.transaction { connection in
            let claimed = try connection.execute("""
                INSERT INTO mail_digests (user_id, week, created_at) VALUES ($1, $2, $3) ON CONFLICT (user_id, week) DO NOTHING
                """, userID.rawValue, week, now)
            guard claimed == 1, let mail = try compose(PostgresTransaction(connection)) else { return nil }
            let id = try PostgresMailOutbox.enqueue(mail, at: now, on: connection)
            try connection.execute("UPDATE mail_digests SET outbox_id = $1 WHERE user_id = $2 AND week = $3",
                                   id, userID.rawValue, week)
            return id
        }
    }

    public func recipient(_ userID: UserID, in transaction: any StorageTransaction) throws -> (User, String)? {
        let connection = transaction.postgresConnection
        guard let user = try PostgresUserRepository.load(connection, where: "id = $1", [userID.rawValue]).first,
              let email = try PostgresMailAddressRepository.email(of: userID, on: connection) else { return nil }
        return (user, email)
    }

    public func openAssignments(in transaction: any StorageTransaction) throws -> [Assignment] {
        try PostgresAssignmentRows.load(transaction.postgresConnection, where: "a.withdrawn_at IS NULL AND a.due_kind <> 'none'", [])
    }

    public func overdue(_ assignment: Assignment, within scope: AccessScope, catalogue: Catalogue, today: ISODay, limit: Int,
                        in transaction: any StorageTransaction) throws -> (total: Int, people: [DigestOverduePerson]) {
        guard !scope.isEmpty else { return (0, []) }
        let connection = transaction.postgresConnection
        var arguments = PostgresArguments()
        let assignmentID = arguments.add(assignment.id.rawValue)
        var values = arguments.values
        let inScope = PostgresYearlyRequirements.rangeCondition(scope.prefixes, &values)
        arguments = PostgresArguments(values)
        let status = PostgresAssignmentEvidence.status(of: assignment.item, catalogue: catalogue, today: today, &arguments)
        let from = """
            FROM assignment_members m JOIN users u ON u.id = m.user_id JOIN departments d ON d.id = u.department_id
            WHERE m.assignment_id = \(assignmentID) AND \(PostgresAssignmentEvidence.counted()) AND \(inScope)
                AND \(status) = 'overdue'
            """
        let total: Int = try connection.query("SELECT count(*) \(from)", arguments.values)[0].decode(at: 0)
        guard total > 0 else { return (0, []) }
        let limitParameter = arguments.add(limit)
        let people = try connection.query("""
            SELECT u.id, u.display_name, u.department_id, \(PostgresAssignmentEvidence.effectiveDueDay()) AS due \(from)
            ORDER BY due, u.display_name COLLATE "C", u.id LIMIT \(limitParameter)
            """, arguments.values).map { row in
            DigestOverduePerson(UserID(rawValue: try row.decode(at: 0)), name: try row.decode(at: 1),
                                departmentID: DepartmentID(rawValue: try row.decode(at: 2)), dueDay: try row.decode(at: 3))
        }
        return (total, people)
    }
}
