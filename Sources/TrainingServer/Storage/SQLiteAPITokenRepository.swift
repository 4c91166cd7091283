import GRDB

/// API tokens in SQLite (hashes only).
public struct SQLiteAPITokenRepository: APITokenRepository {
    let store: Store

    public init(store: Store) { self.store = store }

    public func create(tokenHash: String, userID: UserID, name: String, now: Double, by actor: AuditActor) throws {
        try store.write { db in
            try db.execute(sql: "INSERT INTO api_tokens (token_hash, user_id, name, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [tokenHash, userID.rawValue, name, now])
            try AuditChain.append(AuditEvent(action: "token.create", subject: "user:\(userID)", details: ["name": name]),
                                  by: actor, at: now, in: db)
        }
    }

    public func user(tokenHash: String, now: Double) throws -> User? {
        try store.read { db in
            guard let userID = try Int64.fetchOne(db, sql: """
                SELECT user_id FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL
                """, arguments: [tokenHash]) else { return nil }
            return try SQLiteUserRepository.load(db, where: "id = ? AND disabled = 0", [userID]).first
        }
    }
}
