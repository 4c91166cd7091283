import Foundation
import TrainingServer

/// Password reset links (stored as SHA-256 digests) and self-service requests on PostgreSQL, as the SQLite engine's
/// `SQLitePasswordResetStore`: a link, its mail and its audit entry are written in the caller's transaction
/// (`write`, a `PostgresTransaction`), so none is kept without the others.
///
/// **Concurrency.** What SQLite's single writer serialises is serialised here by locks: issuing and redeeming
/// links of one account hold an advisory lock on the account (`password-reset` namespace), so of two links made at
/// once one ends the other, and a redeemed link's row is locked (`FOR UPDATE`) before it is checked, so a link
/// received by two servers at once is used once; the other server reads it used. Self-service requests from one
/// client take that client's lock while they are counted and recorded; a waiting request is locked while it is
/// handled, so two servers handling it issue its links once. A completed reset bumps the `accounts` change signal
/// in its transaction: other servers drop the sessions and tokens it ended from their caches.
public struct PostgresPasswordResets: PasswordResetRepository {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    static let lockNamespace = "password-reset"

    public func write<T>(_ body: (any StorageTransaction) throws -> T) throws -> T {
        try pool.transaction { connection in try body(PostgresTransaction(connection)) }
    }

    public func read<T>(_ body: (any StorageTransaction) throws -> T) throws -> T {
        try pool.transaction(.repeatableRead) { connection in try body(PostgresTransaction(connection)) }
    }

    public func account(_ userID: UserID, in transaction: any StorageTransaction) throws
        -> (login: String, passwordHash: String, disabled: Bool)? {
        try Self.account(userID, on: transaction.postgresConnection)
    }

    static func account(_ userID: UserID, on connection: PostgresConnection) throws
        -> (login: String, passwordHash: String, disabled: Bool)? {
        try connection.query("SELECT login, password_hash, disabled FROM users WHERE id = $1", userID.rawValue).first
            .map { (try $0.decode(at: 0), try $0.decode(at: 1), try $0.decode(Int.self, at: 2) != 0) }
    }

    public func user(_ userID: UserID, in transaction: any StorageTransaction) throws -> User? {
        try PostgresUserRepository.load(transaction.postgresConnection, where: "id = $1", [userID.rawValue]).first
    }

    public func email(of userID: UserID, in transaction: any StorageTransaction) throws -> String? {
        try PostgresMailAddressRepository.email(of: userID, on: transaction.postgresConnection)
    }

    /// Stores a new link for `userID` in the caller's transaction; every older link of the person ends (marked
    /// used), and links made more than two days ago are removed.
    public func insert(tokenHash: String, userID: UserID, passwordDigest: String, origin: PasswordResetOrigin, now: Double,
                       expiresAt: Double, in transaction: any StorageTransaction) throws {
        let connection = transaction.postgresConnection
        try PostgresLocks.lock(texts: [String(userID.rawValue)], namespace: Self.lockNamespace, on: connection)
        try connection.execute("UPDATE password_reset_tokens SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL",
                               now, userID.rawValue)
        try connection.execute("""
            INSERT INTO password_reset_tokens (token_hash, user_id, password_digest, origin, created_at, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            """, tokenHash, userID.rawValue, passwordDigest, origin.rawValue, now, expiresAt)
        try connection.execute("DELETE FROM password_reset_tokens WHERE created_at < $1", now - 2 * 86_400)
    }

    public func enqueue(_ mail: OutgoingMail, at now: Double, in transaction: any StorageTransaction) throws {
        try PostgresMailOutbox.enqueue(mail, at: now, on: transaction.postgresConnection)
    }

    public func audit(_ event: AuditEvent, by actor: AuditActor, at now: Double, in transaction: any StorageTransaction) throws {
        try PostgresAuditChain.append(event, by: actor, at: now, on: transaction.postgresConnection)
    }

    static let tokenColumns = "id, user_id, origin, created_at, expires_at, used_at, password_digest"

    public func token(hash: String) throws -> PasswordResetToken? {
        try pool.withConnection { connection in
            try connection.query("SELECT \(Self.tokenColumns) FROM password_reset_tokens WHERE token_hash = $1", hash)
                .first.map(Self.token)
        }
    }

    static func token(_ row: PostgresRow) throws -> PasswordResetToken {
        PasswordResetToken(try row.decode(at: 0), userID: UserID(rawValue: try row.decode(at: 1)),
                           origin: PasswordResetOrigin(rawValue: try row.decode(at: 2)) ?? .admin,
                           createdAt: try row.decode(at: 3), expiresAt: try row.decode(at: 4),
                           usedAt: try row.decodeIfPresent(at: 5), passwordDigest: try row.decode(at: 6))
    }

    /// In one transaction: when the link is one `isValid` accepts (with the account's current password hash), marks
    /// it and every other link of the account used, sets the password, ends the account's sessions, revokes its API
    /// tokens, logs `password.reset` and bumps the accounts signal. Nil, and nothing changed, otherwise.
    public func redeem(tokenHash: String, newHash: String, now: Double,
                       isValid: (PasswordResetToken, _ passwordHash: String, _ disabled: Bool) -> Bool) throws -> UserID? {
        let userID: UserID? = try pool.transaction { connection -> UserID? in
            guard let owner: Int64 = try connection.query("SELECT user_id FROM password_reset_tokens WHERE token_hash = $1",
                                                          tokenHash).first?.decode(at: 0) else { return nil }
            try PostgresLocks.lock(texts: [String(owner)], namespace: Self.lockNamespace, on: connection)
            // Read again under the lock (and the row's own lock): another server may have used the link meanwhile.
            guard let token = try connection.query("""
                SELECT \(Self.tokenColumns) FROM password_reset_tokens WHERE token_hash = $1 FOR UPDATE
                """, tokenHash).first.map(Self.token),
                  let account = try Self.account(token.userID, on: connection),
                  isValid(token, account.passwordHash, account.disabled) else { return nil }
            let id = token.userID
            try connection.execute("UPDATE password_reset_tokens SET used_at = $1 WHERE id = $2", now, token.id)
            try connection.execute("UPDATE password_reset_tokens SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL",
                                   now, id.rawValue)
            try connection.execute("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3",
                                   newHash, now, id.rawValue)
            try connection.execute("DELETE FROM sessions WHERE user_id = $1", id.rawValue)
            let revoked = try PostgresAPITokenRepository.revokeAll(userID: id, now: now, on: connection)
            var details = ["origin": token.origin.rawValue]
            if revoked > 0 { details["tokens_revoked"] = String(revoked) }
            try PostgresAuditChain.append(AuditEvent(action: "password.reset", subject: "user:\(id)", details: details),
                                          by: AuditActor(userID: id, name: account.login), at: now, on: connection)
            try PostgresChangeSignal.bump(.accounts, on: connection)
            return id
        }
        if userID != nil { PostgresChangeSignal.raised(.accounts, on: pool) }
        return userID
    }

    public func request(identifier: String, identifierKey: String, clientKey: String, now: Double, window: Double,
                        perClient: Int, perIdentifier: Int) throws -> PasswordResetRequestOutcome {
        try pool.transaction { connection in
            try PostgresLocks.lock(texts: ["client:" + clientKey], namespace: Self.lockNamespace, on: connection)
            let client = try connection.query("""
                SELECT count(*), min(requested_at) FROM password_reset_requests WHERE client_key = $1 AND requested_at > $2
                """, clientKey, now - window)[0]
            let clientCount: Int = try client.decode(at: 0)
            if clientCount >= perClient {
                let oldest: Double = try client.decodeIfPresent(at: 1) ?? now
                return .throttled(retryAfter: max(1, Int((oldest + window - now).rounded(.up))))
            }
            let sameIdentifier: Int = try connection.query("""
                SELECT count(*) FROM password_reset_requests WHERE identifier_key = $1 AND requested_at > $2
                """, identifierKey, now - window)[0].decode(at: 0)
            let ignored = sameIdentifier >= perIdentifier
            // Counted against the client either way, so trying many identifiers is slowed down too.
            try connection.execute("""
                INSERT INTO password_reset_requests (identifier, identifier_key, client_key, requested_at, processed_at)
                VALUES ($1, $2, $3, $4, $5)
                """, ignored ? nil : identifier, identifierKey, clientKey, now, ignored ? now : nil)
            try connection.execute("""
                DELETE FROM password_reset_requests WHERE requested_at < $1 AND processed_at IS NOT NULL
                """, now - 86_400)
            return ignored ? .ignored : .queued
        }
    }

    public func waitingRequests(limit: Int) throws -> [(id: Int64, identifier: String)] {
        try pool.withConnection { connection in
            try connection.query("""
                SELECT id, identifier FROM password_reset_requests WHERE processed_at IS NULL ORDER BY id LIMIT $1
                """, limit).map { (try $0.decode(at: 0), try $0.decodeIfPresent(String.self, at: 1) ?? "") }
        }
    }

    @discardableResult
    public func handleRequest(id: Int64, now: Double, window: Double, perAccount: Int,
                              issue: (any StorageTransaction, User, String) throws -> Void) throws -> Int {
        try pool.transaction { connection in
            // The request's row stays locked until the commit: a second server waits, then finds it handled.
            guard let row = try connection.query("""
                SELECT identifier FROM password_reset_requests WHERE id = $1 AND processed_at IS NULL FOR UPDATE
                """, id).first, let identifier: String = try row.decodeIfPresent(at: 0) else {
                try connection.execute("""
                    UPDATE password_reset_requests SET processed_at = $1 WHERE id = $2 AND processed_at IS NULL
                    """, now, id)
                return 0
            }
            let ids: [Int64] = try connection.query("""
                SELECT id FROM users WHERE disabled = 0 AND email IS NOT NULL
                    AND (lower(login COLLATE "C") = lower($1 COLLATE "C") OR lower(email COLLATE "C") = lower($1 COLLATE "C")) ORDER BY id
                """, identifier).map { try $0.decode(at: 0) }
            try PostgresLocks.lock(texts: ids.map(String.init), namespace: Self.lockNamespace, on: connection)
            var issued = 0
            for userID in ids {
                guard let user = try PostgresUserRepository.load(connection, where: "id = $1", [userID]).first,
                      let email = try PostgresMailAddressRepository.email(of: user.id, on: connection) else { continue }
                let links: Int = try connection.query("""
                    SELECT count(*) FROM password_reset_tokens WHERE user_id = $1 AND origin = 'self' AND created_at > $2
                    """, userID, now - window)[0].decode(at: 0)
                guard links < perAccount else { continue }
                try issue(PostgresTransaction(connection), user, email)
                issued += 1
            }
            try connection.execute("UPDATE password_reset_requests SET processed_at = $1, identifier = NULL WHERE id = $2",
                                   now, id)
            return issued
        }
    }
}
