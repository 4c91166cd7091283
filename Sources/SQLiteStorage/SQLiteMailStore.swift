import Curriculum
import Foundation
import GRDB
import TrainingServer

/// The outbox in SQLite: messages are written in the transaction of whatever caused them (`enqueue(_:at:in:)`),
/// then claimed one at a time by a sender. A claim moves the message to `sending` and commits before the SMTP
/// dialogue starts, so two senders (or two server instances) never send the same message; it ends as `sent`,
/// `pending` again (a retry later) or `failed`.
public struct SQLiteMailOutbox: Sendable {
    let store: Store

    public init(store: Store) { self.store = store }

    /// Adds `mail` inside the caller's write transaction; returns its id.
    @discardableResult
    public static func enqueue(_ mail: OutgoingMail, at now: Double, in db: Database) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO mail_outbox (kind, recipient, subject, body, html, unsubscribe_url, sensitive, created_at,
                                     next_attempt_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [mail.kind, mail.recipient, mail.subject, mail.body, mail.html, mail.unsubscribeURL,
                             mail.sensitive, now, now, mail.expiresAt])
        return db.lastInsertedRowID
    }

    /// Adds `mail` in a transaction of its own.
    @discardableResult
    public func enqueue(_ mail: OutgoingMail, at now: Double) throws -> Int64 {
        try store.write { db in try Self.enqueue(mail, at: now, in: db) }
    }

    /// Claims the oldest message due at `now`: it becomes `sending`, its attempt counted and its Message-ID fixed
    /// (made with `messageID` at the first attempt). A due message past its `expiresAt` is given up on the way.
    public func claimNext(now: Double, messageID: () -> String) throws -> OutboxMessage? {
        // Looked for on a reader first: the sender asks every second, and an empty outbox needs no write lock.
        let due = try store.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM mail_outbox WHERE state = 'pending' AND next_attempt_at <= ?)",
                              arguments: [now]) ?? false
        }
        guard due else { return nil }
        return try store.write { db in
            while let row = try Row.fetchOne(db, sql: """
                SELECT * FROM mail_outbox WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 1
                """, arguments: [now]) {
                var message = Self.message(row)
                if let expiresAt = message.expiresAt, expiresAt <= now {
                    try Self.finish(db, id: message.id, state: .failed, error: "expired before it could be delivered", at: now)
                    continue
                }
                message.state = .sending
                message.attempts += 1
                if message.messageID == nil { message.messageID = messageID() }
                try db.execute(sql: """
                    UPDATE mail_outbox SET state = 'sending', attempts = ?, message_id = ?, claimed_at = ? WHERE id = ?
                    """, arguments: [message.attempts, message.messageID, now, message.id])
                return message
            }
            return nil
        }
    }

    /// The SMTP server accepted the claimed message `id`.
    public func delivered(id: Int64, at now: Double) throws {
        try store.write { db in try Self.finish(db, id: id, state: .sent, error: nil, at: now) }
    }

    /// An attempt at `id` failed with `error`: tried again at `retryAt`, or given up when that is nil.
    public func attemptFailed(id: Int64, error: String, at now: Double, retryAt: Double?) throws {
        let error = String(error.prefix(1000))
        try store.write { db in
            if let retryAt {
                try db.execute(sql: """
                    UPDATE mail_outbox SET state = 'pending', next_attempt_at = ?, last_error = ?, claimed_at = NULL
                    WHERE id = ? AND state = 'sending'
                    """, arguments: [retryAt, error, id])
            } else {
                try Self.finish(db, id: id, state: .failed, error: error, at: now)
            }
        }
    }

    /// Messages claimed before `cutoff` and never finished (their sender stopped mid-delivery): the SMTP server may
    /// have accepted them, so they are given up rather than sent a second time. Returns their ids.
    @discardableResult
    public func abandonInterrupted(claimedBefore cutoff: Double, at now: Double) throws -> [Int64] {
        let stale = try store.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM mail_outbox WHERE state = 'sending' AND claimed_at < ?)",
                              arguments: [cutoff]) ?? false
        }
        guard stale else { return [] }
        return try store.write { db in
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM mail_outbox WHERE state = 'sending' AND claimed_at < ?",
                                         arguments: [cutoff])
            for id in ids {
                try Self.finish(db, id: id, state: .failed,
                                error: "interrupted during delivery; not retried, so that it is never sent twice", at: now)
            }
            return ids
        }
    }

    public func find(id: Int64) throws -> OutboxMessage? {
        try store.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM mail_outbox WHERE id = ?", arguments: [id]).map(Self.message)
        }
    }

    /// The newest messages first.
    public func recent(limit: Int) throws -> [OutboxMessage] {
        try store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM mail_outbox ORDER BY id DESC LIMIT ?", arguments: [limit]).map(Self.message)
        }
    }

    /// How many messages are in each state (discarded dead letters still count as `failed`).
    public func counts() throws -> [OutboxState: Int] {
        try store.read { db in
            var counts: [OutboxState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) FROM mail_outbox GROUP BY state") {
                if let state = OutboxState(rawValue: row[0]) { counts[state] = row[1] }
            }
            return counts
        }
    }

    /// The dead letters: given-up messages no administrator has discarded, newest first, at most `limit` after
    /// skipping `offset`, with how many there are in all.
    public func deadLetters(limit: Int, offset: Int = 0) throws -> (messages: [OutboxMessage], total: Int) {
        try store.read { db in
            let total = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM mail_outbox WHERE state = 'failed' AND discarded_at IS NULL
                """) ?? 0
            let messages = try Row.fetchAll(db, sql: """
                SELECT * FROM mail_outbox WHERE state = 'failed' AND discarded_at IS NULL
                ORDER BY coalesce(failed_at, next_attempt_at) DESC, id DESC LIMIT ? OFFSET ?
                """, arguments: [limit, offset]).map(Self.message)
            return (messages, total)
        }
    }

    /// Discarded dead letters.
    public func discardedCount() throws -> Int {
        try store.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM mail_outbox WHERE state = 'failed' AND discarded_at IS NOT NULL") ?? 0
        }
    }

    public typealias RetryRefusal = MailRetryRefusal

    /// Puts dead letter `id` back in the queue with fresh attempts (its Message-ID kept, so a receiver can tell it
    /// is the same message), inside the caller's transaction. The caller audits it.
    /// Throws `RetryRefusal` when it may not be retried (nothing changes then).
    public static func retry(id: Int64, at now: Double, in db: Database) throws -> OutboxMessage {
        guard let message = try Row.fetchOne(db, sql: """
            SELECT * FROM mail_outbox WHERE id = ? AND state = 'failed' AND discarded_at IS NULL
            """, arguments: [id]).map(Self.message) else { throw RetryRefusal.notDeadLetter }
        if let refusal = message.retryRefusal(now: now) { throw refusal }
        try db.execute(sql: """
            UPDATE mail_outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, failed_at = NULL,
                claimed_at = NULL
            WHERE id = ?
            """, arguments: [now, id])
        return message
    }


    /// Discards dead letter `id` (it stays `failed`, off the dead-letter list, its content erased), inside the
    /// caller's transaction; nil when it is not a dead letter.
    public static func discard(id: Int64, at now: Double, in db: Database) throws -> OutboxMessage? {
        guard let message = try Row.fetchOne(db, sql: """
            SELECT * FROM mail_outbox WHERE id = ? AND state = 'failed' AND discarded_at IS NULL
            """, arguments: [id]).map(Self.message) else { return nil }
        try db.execute(sql: """
            UPDATE mail_outbox SET discarded_at = ?, body = '', html = NULL WHERE id = ?
            """, arguments: [now, id])
        return message
    }

    /// Retries dead letter `id` (see `retry(id:at:in:)`) and records `mail.retry` by `actor` in the same
    /// transaction. Throws `RetryRefusal` when it may not be retried.
    @discardableResult
    public func retry(id: Int64, by actor: AuditActor, at now: Double) throws -> OutboxMessage {
        try store.write { db in
            let message = try Self.retry(id: id, at: now, in: db)
            try AuditChain.append(AuditEvent(action: "mail.retry", subject: "mail:\(id)",
                                             details: ["kind": message.kind, "attempts": String(message.attempts)]),
                                  by: actor, at: now, in: db)
            return message
        }
    }

    /// Discards dead letter `id` and records `mail.discard` by `actor` in the same transaction; nil (nothing
    /// changed) when it is not a dead letter.
    @discardableResult
    public func discard(id: Int64, by actor: AuditActor, at now: Double) throws -> OutboxMessage? {
        try store.write { db in
            guard let message = try Self.discard(id: id, at: now, in: db) else { return nil }
            try AuditChain.append(AuditEvent(action: "mail.discard", subject: "mail:\(id)",
                                             details: ["kind": message.kind, "attempts": String(message.attempts)]),
                                  by: actor, at: now, in: db)
            return message
        }
    }

    /// Ends a message as `sent` or `failed`; a sensitive body is erased then.
    private static func finish(_ db: Database, id: Int64, state: OutboxState, error: String?, at now: Double) throws {
        try db.execute(sql: """
            UPDATE mail_outbox SET state = ?, sent_at = CASE WHEN ? = 'sent' THEN ? END,
                failed_at = CASE WHEN ? = 'failed' THEN ? END, claimed_at = NULL,
                last_error = coalesce(?, last_error),
                body = CASE WHEN sensitive THEN '' ELSE body END,
                html = CASE WHEN sensitive THEN NULL ELSE html END
            WHERE id = ?
            """, arguments: [state.rawValue, state.rawValue, now, state.rawValue, now, error, id])
    }

    static func message(_ row: Row) -> OutboxMessage {
        OutboxMessage(row["id"], kind: row["kind"], recipient: row["recipient"], subject: row["subject"],
                      body: row["body"], html: row["html"], unsubscribeURL: row["unsubscribe_url"],
                      sensitive: row["sensitive"], messageID: row["message_id"],
                      state: OutboxState(rawValue: row["state"]) ?? .failed, attempts: row["attempts"],
                      createdAt: row["created_at"], nextAttemptAt: row["next_attempt_at"], expiresAt: row["expires_at"],
                      sentAt: row["sent_at"], failedAt: row["failed_at"], discardedAt: row["discarded_at"],
                      lastError: row["last_error"])
    }
}

/// People's e-mail addresses.
public struct SQLiteMailAddressRepository: Sendable {
    let store: Store
    let clock: @Sendable () -> Double

    public init(store: Store, clock: @escaping @Sendable () -> Double) {
        self.store = store
        self.clock = clock
    }

    public func email(of id: UserID) throws -> String? {
        try store.read { db in try Self.email(of: id, in: db) }
    }

    static func email(of id: UserID, in db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT email FROM users WHERE id = ?", arguments: [id.rawValue])
    }

    /// Sets (or with nil, removes) a person's address, which the caller checked with `MailAddress`; audit-logged
    /// (`user.email`, without the address itself). Throws `StoreError.notFound` for an unknown person.
    public func setEmail(_ email: String?, id: UserID, by actor: AuditActor) throws {
        try store.write { db in
            let old = try Self.email(of: id, in: db)
            try db.execute(sql: "UPDATE users SET email = ?, updated_at = ? WHERE id = ?",
                           arguments: [email, clock(), id.rawValue])
            guard db.changesCount == 1 else { throw StoreError.notFound("user") }
            guard old != email else { return }
            try AuditChain.append(AuditEvent(action: "user.email", subject: "user:\(id)",
                                             details: ["change": email == nil ? "removed" : (old == nil ? "added" : "changed")]),
                                  by: actor, at: clock(), in: db)
        }
    }
}

/// Password reset tokens and self-service reset requests.
public struct SQLitePasswordResetStore: Sendable {
    let store: Store

    public init(store: Store) { self.store = store }

    public typealias Origin = PasswordResetOrigin

    public typealias Token = PasswordResetToken

    /// Stores a new token for `userID` inside the caller's transaction; every older token of the person ends
    /// (a newer link replaces the older ones: they are marked used).
    public static func insert(tokenHash: String, userID: UserID, passwordDigest: String, origin: Origin, now: Double,
                              expiresAt: Double, in db: Database) throws {
        try db.execute(sql: "UPDATE password_reset_tokens SET used_at = ? WHERE user_id = ? AND used_at IS NULL",
                       arguments: [now, userID.rawValue])
        try db.execute(sql: """
            INSERT INTO password_reset_tokens (token_hash, user_id, password_digest, origin, created_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [tokenHash, userID.rawValue, passwordDigest, origin.rawValue, now, expiresAt])
        // Keep the table small: tokens made more than two days ago are of no further use (not even for counting).
        try db.execute(sql: "DELETE FROM password_reset_tokens WHERE created_at < ?", arguments: [now - 2 * 86_400])
    }

    public func token(hash: String) throws -> Token? {
        try store.read { db in try Self.token(hash: hash, in: db) }
    }

    static func token(hash: String, in db: Database) throws -> Token? {
        try Row.fetchOne(db, sql: "SELECT * FROM password_reset_tokens WHERE token_hash = ?", arguments: [hash]).map { row in
            Token(row["id"], userID: UserID(rawValue: row["user_id"]), origin: Origin(rawValue: row["origin"]) ?? .admin,
                  createdAt: row["created_at"], expiresAt: row["expires_at"], usedAt: row["used_at"],
                  passwordDigest: row["password_digest"])
        }
    }

    /// The stored password hash and disabled flag of `userID`.
    static func account(_ userID: UserID, in db: Database) throws -> (login: String, passwordHash: String, disabled: Bool)? {
        try Row.fetchOne(db, sql: "SELECT login, password_hash, disabled FROM users WHERE id = ?", arguments: [userID.rawValue])
            .map { ($0["login"], $0["password_hash"], $0["disabled"]) }
    }

    /// Self-service links made for `userID` since `since`.
    static func selfServiceLinks(of userID: UserID, since: Double, in db: Database) throws -> Int {
        try Int.fetchOne(db, sql: """
            SELECT count(*) FROM password_reset_tokens WHERE user_id = ? AND origin = 'self' AND created_at > ?
            """, arguments: [userID.rawValue, since]) ?? 0
    }

    /// In one transaction: when `tokenHash` names a token `isValid` accepts (with the account's current password
    /// hash), marks it used, ends every token of the account, sets its password to `newHash`, ends its sessions and
    /// revokes its API tokens (as a password change does), and logs `password.reset`. Returns the account, or nil
    /// when the token may not be used (nothing changes then).
    public func redeem(tokenHash: String, newHash: String, now: Double,
                       isValid: (Token, _ passwordHash: String, _ disabled: Bool) -> Bool) throws -> UserID? {
        let userID: UserID? = try store.write { db in
            guard let token = try Self.token(hash: tokenHash, in: db),
                  let account = try Self.account(token.userID, in: db),
                  isValid(token, account.passwordHash, account.disabled) else { return nil }
            let id = token.userID
            try db.execute(sql: "UPDATE password_reset_tokens SET used_at = ? WHERE id = ?", arguments: [now, token.id])
            try db.execute(sql: "UPDATE password_reset_tokens SET used_at = ? WHERE user_id = ? AND used_at IS NULL",
                           arguments: [now, id.rawValue])
            try db.execute(sql: "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
                           arguments: [newHash, now, id.rawValue])
            try db.execute(sql: "DELETE FROM sessions WHERE user_id = ?", arguments: [id.rawValue])
            let revoked = try SQLiteAPITokenRepository.revokeAll(userID: id, now: now, in: db)
            var details = ["origin": token.origin.rawValue]
            if revoked > 0 { details["tokens_revoked"] = String(revoked) }
            try AuditChain.append(AuditEvent(action: "password.reset", subject: "user:\(id)", details: details),
                                  by: AuditActor(userID: id, name: account.login), at: now, in: db)
            return id
        }
        if userID != nil { ChangeStamp.accounts(databasePath: store.path).touch() }
        return userID
    }

    public typealias RequestOutcome = PasswordResetRequestOutcome

    /// Records a request for a reset link for `identifier` (a login or an address, as typed) from `clientKey`,
    /// unless the client made `perClient` requests within `window` seconds (throttled) or the identifier was asked
    /// for `perIdentifier` times within it (ignored). Requests older than a day are removed.
    public func request(identifier: String, identifierKey: String, clientKey: String, now: Double, window: Double,
                        perClient: Int, perIdentifier: Int) throws -> RequestOutcome {
        try store.write { db in
            let client = try Row.fetchOne(db, sql: """
                SELECT count(*), min(requested_at) FROM password_reset_requests WHERE client_key = ? AND requested_at > ?
                """, arguments: [clientKey, now - window])
            let clientCount: Int = client?[0] ?? 0
            if clientCount >= perClient {
                let oldest: Double = client?[1] ?? now
                return .throttled(retryAfter: max(1, Int((oldest + window - now).rounded(.up))))
            }
            let sameIdentifier = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM password_reset_requests WHERE identifier_key = ? AND requested_at > ?
                """, arguments: [identifierKey, now - window]) ?? 0
            // Counted against the client either way, so trying many identifiers is slowed down too.
            try db.execute(sql: """
                INSERT INTO password_reset_requests (identifier, identifier_key, client_key, requested_at, processed_at)
                VALUES (?, ?, ?, ?, ?)
                """, arguments: [sameIdentifier >= perIdentifier ? nil : identifier, identifierKey, clientKey, now,
                                 sameIdentifier >= perIdentifier ? now : nil])
            try db.execute(sql: "DELETE FROM password_reset_requests WHERE requested_at < ? AND processed_at IS NOT NULL",
                           arguments: [now - 86_400])
            return sameIdentifier >= perIdentifier ? .ignored : .queued
        }
    }

    /// Requests not handled yet, oldest first.
    public func waitingRequests(limit: Int) throws -> [(id: Int64, identifier: String)] {
        try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, identifier FROM password_reset_requests WHERE processed_at IS NULL ORDER BY id LIMIT ?
                """, arguments: [limit]).map { ($0["id"], $0["identifier"] ?? "") }
        }
    }

    /// Enabled accounts whose login or address is `identifier` (without case), with their addresses.
    static func accounts(matching identifier: String, in db: Database) throws -> [(User, String)] {
        let ids = try Int64.fetchAll(db, sql: """
            SELECT id FROM users WHERE disabled = 0 AND email IS NOT NULL
                AND (login = ? COLLATE NOCASE OR email = ? COLLATE NOCASE) ORDER BY id
            """, arguments: [identifier, identifier])
        return try ids.compactMap { id in
            guard let user = try SQLiteUserRepository.load(db, where: "id = ?", [id]).first,
                  let email = try SQLiteMailAddressRepository.email(of: user.id, in: db) else { return nil }
            return (user, email)
        }
    }

    /// Handles request `id` in one transaction: for each enabled account with an address that the identifier names,
    /// `issue` runs (it stores a token, queues the mail and logs it, in `db`) unless the account had
    /// `perAccount` self-service links within `window`; then the request is marked handled and what was typed is
    /// forgotten. Returns how many links were issued.
    @discardableResult
    public func handleRequest(id: Int64, now: Double, window: Double, perAccount: Int,
                              issue: (Database, User, String) throws -> Void) throws -> Int {
        try store.write { db in
            guard let identifier = try String.fetchOne(db, sql: """
                SELECT identifier FROM password_reset_requests WHERE id = ? AND processed_at IS NULL
                """, arguments: [id]) else {
                try db.execute(sql: "UPDATE password_reset_requests SET processed_at = ? WHERE id = ? AND processed_at IS NULL",
                               arguments: [now, id])
                return 0
            }
            var issued = 0
            for (user, email) in try Self.accounts(matching: identifier, in: db)
            where try Self.selfServiceLinks(of: user.id, since: now - window, in: db) < perAccount {
                try issue(db, user, email)
                issued += 1
            }
            try db.execute(sql: "UPDATE password_reset_requests SET processed_at = ?, identifier = NULL WHERE id = ?",
                           arguments: [now, id])
            return issued
        }
    }
}

/// The weekly HR digests: who is due one, what is overdue in a person's scope, and the record (one per person and
/// ISO week, `mail_digests`) written in the same transaction as the queued message.
public struct SQLiteWeeklyDigestStore: Sendable {
    let store: Store

    public init(store: Store) { self.store = store }

    public typealias OverduePerson = DigestOverduePerson

    /// Enabled people with an HR grant and an address who have no digest record for `week`, by id.
    public func recipientsWithoutDigest(week: String) throws -> [UserID] {
        try store.read { db in
            try Int64.fetchAll(db, sql: """
                SELECT u.id FROM users u
                WHERE u.disabled = 0 AND u.email IS NOT NULL
                    AND EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = u.id AND g.role = 'hr')
                    AND NOT EXISTS (SELECT 1 FROM mail_digests s WHERE s.user_id = u.id AND s.week = ?)
                ORDER BY u.id
                """, arguments: [week]).map(UserID.init(rawValue:))
        }
    }

    /// In one transaction: claims `week`'s digest for `userID` (nothing happens, nil, when it was claimed already,
    /// by this server or another), lets `compose` make the message from what `db` holds now (nil: nothing to
    /// send; the claim stays so the person is not looked at again this week), queues it and records its id.
    /// Returns the queued message's id.
    public func queue(for userID: UserID, week: String, at now: Double,
                      compose: (Database) throws -> OutgoingMail?) throws -> Int64? {
        try store.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO mail_digests (user_id, week, created_at) VALUES (?, ?, ?)",
                           arguments: [userID.rawValue, week, now])
            guard db.changesCount == 1, let mail = try compose(db) else { return nil }
            let id = try SQLiteMailOutbox.enqueue(mail, at: now, in: db)
            try db.execute(sql: "UPDATE mail_digests SET outbox_id = ? WHERE user_id = ? AND week = ?",
                           arguments: [id, userID.rawValue, week])
            return id
        }
    }

    /// The person (with grants) and their address.
    public static func recipient(_ userID: UserID, in db: Database) throws -> (User, String)? {
        guard let user = try SQLiteUserRepository.load(db, where: "id = ?", [userID.rawValue]).first,
              let email = try SQLiteMailAddressRepository.email(of: userID, in: db) else { return nil }
        return (user, email)
    }

    /// Assignments not withdrawn that have due days, newest first.
    public static func openAssignments(in db: Database) throws -> [Assignment] {
        try SQLiteAssignmentRepository.load(db, where: "a.withdrawn_at IS NULL AND a.due_kind <> 'none'", [])
    }

    /// The members of `assignment` who count (in its audience, enabled) inside `scope` and are overdue on `today`
    /// (`AssignmentEvidence`'s rule): how many, and the first `limit` by due day and name.
    public static func overdue(_ assignment: Assignment, within scope: AccessScope, catalogue: Catalogue, today: ISODay,
                               limit: Int, in db: Database) throws -> (total: Int, people: [OverduePerson]) {
        guard !scope.isEmpty else { return (0, []) }
        let status = AssignmentEvidence.status(of: assignment.item, catalogue: catalogue, today: today)
        let (inScope, scopeArguments) = SQLiteAssignmentRepository.scopeCondition(scope, department: "d")
        let from = """
            FROM assignment_members m JOIN users u ON u.id = m.user_id JOIN departments d ON d.id = u.department_id
            WHERE m.assignment_id = ? AND \(AssignmentEvidence.counted()) AND \(inScope) AND \(status.sql) = 'overdue'
            """
        let arguments: StatementArguments = [assignment.id.rawValue] + scopeArguments + status.arguments
        let total = try Int.fetchOne(db, sql: "SELECT count(*) \(from)", arguments: arguments) ?? 0
        guard total > 0 else { return (0, []) }
        let people = try Row.fetchAll(db, sql: """
            SELECT u.id, u.display_name, u.department_id, \(AssignmentEvidence.effectiveDueDay()) AS due \(from)
            ORDER BY due, u.display_name, u.id LIMIT ?
            """, arguments: arguments + [limit]).map { row in
            OverduePerson(UserID(rawValue: row["id"]), name: row["display_name"],
                          departmentID: DepartmentID(rawValue: row["department_id"]), dueDay: row["due"])
        }
        return (total, people)
    }
}
