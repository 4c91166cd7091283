import Foundation
import GRDB
import TrainingServer

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

    static func token(_ row: Row) -> APIToken {
        APIToken(id: row["id"], userID: UserID(rawValue: row["user_id"]), name: row["name"], createdAt: row["created_at"],
                 lastUsedAt: row["last_used_at"], expiresAt: row["expires_at"] ?? 0, revokedAt: row["revoked_at"])
    }
}

// MARK: Administration

extension SQLiteAPITokenRepository: APITokenDirectory {
    public func tokens(_ filter: TokenFilter, now: Double, limit: Int, offset: Int) throws -> [TokenLine] {
        guard !filter.prefixes.isEmpty, limit > 0 else { return [] }
        let (conditions, arguments) = Self.conditions(filter, now: now)
        return try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT t.*, u.login AS owner_login, u.display_name AS owner_name, u.department_id AS owner_department
                FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN departments d ON d.id = u.department_id
                WHERE \(conditions) ORDER BY t.created_at DESC, t.id DESC LIMIT ? OFFSET ?
                """, arguments: arguments + [limit, max(0, offset)]).map { row in
                TokenLine(token: Self.token(row), ownerLogin: row["owner_login"], ownerName: row["owner_name"],
                          ownerDepartmentID: DepartmentID(rawValue: row["owner_department"]))
            }
        }
    }

    public func countTokens(_ filter: TokenFilter, now: Double) throws -> Int {
        guard !filter.prefixes.isEmpty else { return 0 }
        let (conditions, arguments) = Self.conditions(filter, now: now)
        return try store.read { db in
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN departments d ON d.id = u.department_id
                WHERE \(conditions)
                """, arguments: arguments) ?? 0
        }
    }

    private static func conditions(_ filter: TokenFilter, now: Double) -> (String, StatementArguments) {
        var arguments: StatementArguments = []
        var conditions = ["(" + filter.prefixes.map { _ in "(d.id_path >= ? AND d.id_path < ?)" }.joined(separator: " OR ") + ")"]
        for prefix in filter.prefixes { arguments += [prefix, String(prefix.dropLast()) + "0"] }
        switch filter.state {
        case .active?:
            conditions.append("t.revoked_at IS NULL AND t.expires_at > ?")
            arguments += [now]
        case .expired?:
            conditions.append("t.revoked_at IS NULL AND t.expires_at <= ?")
            arguments += [now]
        case .revoked?:
            conditions.append("t.revoked_at IS NOT NULL")
        case nil:
            break
        }
        return (conditions.joined(separator: " AND "), arguments)
    }
}

extension APITokenService {
    /// Every token of people in some departments, from the database of `store`.
    public static func directory(store: Store) -> any APITokenDirectory { SQLiteAPITokenRepository(store: store) }
}
