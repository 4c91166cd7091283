import Foundation
import GRDB

/// API tokens in SQLite (hashes only).
public struct SQLiteAPITokenRepository: APITokenRepository {
    let store: Store

    public init(store: Store) { self.store = store }

    @discardableResult
    public func create(tokenHash: String, userID: UserID, name: String, now: Double, expiresAt: Double,
                       by actor: AuditActor) throws -> Int64 {
        try store.write { db in
            try db.execute(sql: """
                INSERT INTO api_tokens (token_hash, user_id, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [tokenHash, userID.rawValue, name, now, expiresAt])
            let id = db.lastInsertedRowID
            try AuditChain.append(AuditEvent(action: "token.create", subject: "user:\(userID)",
                                             details: ["name": name, "token": String(id),
                                                       "expires": CredentialDate.string(Date(timeIntervalSince1970: expiresAt))]),
                                  by: actor, at: now, in: db)
            return id
        }
    }

    public func user(tokenHash: String, now: Double) throws -> User? {
        let found = try store.read { db -> (Int64, Double?, User)? in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT id, user_id, last_used_at FROM api_tokens
                WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?
                """, arguments: [tokenHash, now]) else { return nil }
            let userID: Int64 = row["user_id"]
            guard let user = try SQLiteUserRepository.load(db, where: "id = ? AND disabled = 0", [userID]).first else { return nil }
            return (row["id"], row["last_used_at"], user)
        }
        guard let (id, lastUsed, user) = found else { return nil }
        // "Last used" to the minute is enough to spot a forgotten or stolen token; it costs a write at most
        // once a minute per token.
        if lastUsed.map({ now - $0 >= 60 }) ?? true {
            try store.write { db in
                try db.execute(sql: "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", arguments: [now, id])
            }
        }
        return user
    }

    public func list(userID: UserID) throws -> [APIToken] {
        try store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC, id DESC",
                             arguments: [userID.rawValue]).map(Self.token)
        }
    }

    public func find(id: Int64) throws -> APIToken? {
        try store.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM api_tokens WHERE id = ?", arguments: [id]).map(Self.token)
        }
    }

    public func revoke(id: Int64, now: Double, by actor: AuditActor) throws {
        try store.write { db in
            guard let userID = try Int64.fetchOne(db, sql: "SELECT user_id FROM api_tokens WHERE id = ?", arguments: [id]) else {
                throw StoreError.notFound("token \(id)")
            }
            try db.execute(sql: "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [now, id])
            guard db.changesCount == 1 else { return }
            try AuditChain.append(AuditEvent(action: "token.revoke", subject: "user:\(userID)", details: ["token": String(id)]),
                                  by: actor, at: now, in: db)
        }
    }

    /// Revokes every live token of an account, inside the caller's transaction (password change, disabling).
    /// Returns how many.
    static func revokeAll(userID: UserID, now: Double, in db: Database) throws -> Int {
        try db.execute(sql: "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                       arguments: [now, userID.rawValue])
        return db.changesCount
    }

    private static func token(_ row: Row) -> APIToken {
        APIToken(id: row["id"], userID: UserID(rawValue: row["user_id"]), name: row["name"], createdAt: row["created_at"],
                 lastUsedAt: row["last_used_at"], expiresAt: row["expires_at"] ?? 0, revokedAt: row["revoked_at"])
    }
}
