import GRDB
import TrainingServer

/// Browser sessions in SQLite, so any server instance can resume them. Ending sessions touches the database's
/// `ChangeStamp` after the commit, so every process's `SessionCache` sees it.
public struct SQLiteSessionRepository: SessionRepository {
    let store: Store

    public init(store: Store) { self.store = store }

    public func create(tokenHash: String, userID: UserID, csrfSecret: String, now: Double, idleTimeout: Double,
                       absoluteTimeout: Double, clientAddress: String, method: SignInMethod,
                       secondFactor: Bool, providerSession: String?) throws -> SessionRecord {
        try store.write { db in
            try db.execute(sql: """
                INSERT INTO sessions (token_hash, user_id, csrf_secret, created_at, last_seen_at, idle_expires_at,
                                      absolute_expires_at, client_address, method, provider_session)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [tokenHash, userID.rawValue, csrfSecret, now, now, now + idleTimeout,
                                 now + absoluteTimeout, clientAddress, method.rawValue, providerSession])
            let id = db.lastInsertedRowID
            try db.execute(sql: """
                INSERT INTO sign_ins (user_id, method, second_factor, at, client_address) VALUES (?, ?, ?, ?, ?)
                """, arguments: [userID.rawValue, method.rawValue, secondFactor, now, clientAddress])
            return SessionRecord(id, userID: userID, csrfSecret: csrfSecret, createdAt: now,
                                 idleExpiresAt: now + idleTimeout, absoluteExpiresAt: now + absoluteTimeout,
                                 method: method, providerSession: providerSession)
        }
    }

    public func signIns(userID: UserID, limit: Int) throws -> [SignInRecord] {
        try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT method, second_factor, at, client_address FROM sign_ins WHERE user_id = ?
                ORDER BY at DESC, id DESC LIMIT ?
                """, arguments: [userID.rawValue, limit]).map { row in
                SignInRecord(SignInMethod(rawValue: row["method"]) ?? .password,
                             secondFactor: row["second_factor"], at: row["at"], clientAddress: row["client_address"])
            }
        }
    }

    public func resume(tokenHash: String, now: Double, idleTimeout: Double) throws -> (SessionRecord, User)? {
        let found: (SessionRecord, User)? = try store.read { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT * FROM sessions WHERE token_hash = ? AND idle_expires_at > ? AND absolute_expires_at > ?
                """), arguments: [tokenHash, now, now]) else { return nil }
            let record = SessionRecord(row["id"], userID: UserID(rawValue: row["user_id"]), csrfSecret: row["csrf_secret"],
                                       createdAt: row["created_at"], idleExpiresAt: row["idle_expires_at"],
                                       absoluteExpiresAt: row["absolute_expires_at"],
                                       method: SignInMethod(rawValue: row["method"]) ?? .password,
                                       providerSession: row["provider_session"])
            guard let user = try SQLiteUserRepository.load(db, where: "id = ? AND disabled = 0",
                                                           [record.userID.rawValue]).first else { return nil }
            return (record, user)
        }
        guard let (found, user) = found else { return nil }
        var record = found
        // Slide the idle expiry at most once a minute, to keep reads from turning into writes on every request.
        let newIdle = min(now + idleTimeout, record.absoluteExpiresAt)
        if newIdle - record.idleExpiresAt > 60 {
            try store.write { db in
                try db.cachedStatement(sql: "UPDATE sessions SET idle_expires_at = ?, last_seen_at = ? WHERE id = ?")
                    .execute(arguments: [newIdle, now, record.id])
            }
            record.idleExpiresAt = newIdle
        }
        return (record, user)
    }

    public func delete(tokenHash: String) throws {
        try store.write { db in try db.execute(sql: "DELETE FROM sessions WHERE token_hash = ?", arguments: [tokenHash]) }
        ChangeStamp.accounts(databasePath: store.path).touch()
    }

    public func delete(providerSession: String) throws -> Int {
        let ended = try store.write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE provider_session = ?", arguments: [providerSession])
            return db.changesCount
        }
        ChangeStamp.accounts(databasePath: store.path).touch()
        return ended
    }

    public func deleteAll(userID: UserID) throws {
        try store.write { db in try db.execute(sql: "DELETE FROM sessions WHERE user_id = ?", arguments: [userID.rawValue]) }
        ChangeStamp.accounts(databasePath: store.path).touch()
    }

    public func purgeExpired(now: Double) throws -> Int {
        try store.write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE idle_expires_at <= ? OR absolute_expires_at <= ?",
                           arguments: [now, now])
            return db.changesCount
        }
    }
}
