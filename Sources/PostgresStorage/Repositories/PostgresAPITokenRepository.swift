import Foundation
import TrainingServer

/// API tokens on PostgreSQL (hashes only), with the SQLite engine's rules.
///
/// **Concurrency.** The token hash is unique (`api_tokens_token_hash_key`). Revoking is one conditional update
/// (`WHERE revoked_at IS NULL`): when two servers revoke the same token at once, the second waits for the first's
/// row lock, then finds it revoked and writes neither a change nor an audit row, so a revocation is audited once.
/// "Last used" is a plain overwrite, at most once a minute per token; two servers writing it at once both write a
/// time of that minute.
public struct PostgresAPITokenRepository: APITokenRepository {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    @discardableResult
    public func create(tokenHash: String, userID: UserID, name: String, now: Double, expiresAt: Double,
                       by actor: AuditActor) throws -> Int64 {
        try pool.transaction { connection in
            let id: Int64 = try connection.query("""
                INSERT INTO api_tokens (token_hash, user_id, name, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)
                RETURNING id
                """, tokenHash, userID.rawValue, name, now, expiresAt)[0].decode(at: 0)
            try PostgresAuditChain.append(AuditEvent(action: "token.create", subject: "user:\(userID)",
                                                     details: ["name": name, "token": String(id),
                                                               "expires": Self.credentialDate(expiresAt)]),
                                          by: actor, at: now, on: connection)
            return id
        }
    }

    public func user(tokenHash: String, now: Double) throws -> User? {
        try pool.withConnection { connection in
            guard let row = try connection.query("""
                SELECT id, user_id, last_used_at FROM api_tokens
                WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2
                """, tokenHash, now).first else { return nil }
            let id: Int64 = try row.decode(at: 0)
            let userID: Int64 = try row.decode(at: 1)
            let lastUsed: Double? = try row.decodeIfPresent(at: 2)
            guard let user = try PostgresUserRepository.load(connection, where: "id = $1 AND disabled = 0", [userID]).first else {
                return nil
            }
            // "Last used" to the minute is enough to spot a forgotten or stolen token; it costs a write at most
            // once a minute per token.
            if lastUsed.map({ now - $0 >= 60 }) ?? true {
                try connection.execute("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2", now, id)
            }
            return user
        }
    }

    public func list(userID: UserID) throws -> [APIToken] {
        try pool.withConnection { connection in
            try connection.query("SELECT * FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC, id DESC",
                                 userID.rawValue).map(Self.token)
        }
    }

    public func find(id: Int64) throws -> APIToken? {
        try pool.withConnection { connection in
            try connection.query("SELECT * FROM api_tokens WHERE id = $1", id).first.map(Self.token)
        }
    }

    public func revoke(id: Int64, now: Double, by actor: AuditActor) throws {
        try pool.transaction { connection in
            guard let owner = try connection.query("SELECT user_id FROM api_tokens WHERE id = $1", id).first else {
                throw StoreError.notFound("token \(id)")
            }
            let userID: Int64 = try owner.decode(at: 0)
            guard try connection.execute("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
                                         now, id) == 1 else { return }
            try PostgresAuditChain.append(AuditEvent(action: "token.revoke", subject: "user:\(userID)",
                                                     details: ["token": String(id)]),
                                          by: actor, at: now, on: connection)
        }
    }

    /// Revokes every live token of an account inside the caller's transaction; returns how many.
    static func revokeAll(userID: UserID, now: Double, on connection: PostgresConnection) throws -> Int {
        try connection.execute("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
                               now, userID.rawValue)
    }

    static func token(_ row: PostgresRow) throws -> APIToken {
        APIToken(id: try row.decode(named: "id"), userID: UserID(rawValue: try row.decode(named: "user_id")),
                 name: try row.decode(named: "name"), createdAt: try row.decode(named: "created_at"),
                 lastUsedAt: try row.decodeIfPresent(named: "last_used_at"),
                 expiresAt: try row.decodeIfPresent(named: "expires_at") ?? 0,
                 revokedAt: try row.decodeIfPresent(named: "revoked_at"))
    }

    /// The date form credentials use (RFC 3339 UTC, whole seconds), as the SQLite engine writes it in the audit row.
    static func credentialDate(_ seconds: Double) -> String {
        Date(timeIntervalSince1970: seconds.rounded(.down)).formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
    }
}
