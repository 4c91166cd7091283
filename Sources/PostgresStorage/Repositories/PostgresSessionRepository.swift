import TrainingServer

/// Browser sessions on PostgreSQL, so any server resumes a session another one started: the SQLite engine's idle
/// and absolute expiries, its sliding of the idle expiry at most once a minute, and one `sign_ins` row per session
/// started, written in the same transaction.
///
/// **Concurrency.** The token hash is unique (`sessions_token_hash_key`): a second session with the same hash is
/// refused and, its transaction rolled back, leaves no sign-in row either. Resuming reads the session and its user
/// in one statement's snapshot each and slides the idle expiry with one conditional `UPDATE`
/// (`WHERE idle_expires_at < new`), so two servers sliding one session at once never move it backwards, and a
/// session ended meanwhile by another server stays ended (the update finds no row). Ending sessions is a plain
/// `DELETE`; the session caches of other servers learn of it within their entries' lifetime (30 s), as they learn of
/// other processes' changes on SQLite without the stamp file.
public struct PostgresSessionRepository: SessionRepository {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public func create(tokenHash: String, userID: UserID, csrfSecret: String, now: Double, idleTimeout: Double,
                       absoluteTimeout: Double, clientAddress: String, method: SignInMethod,
                       secondFactor: Bool, providerSession: String?) throws -> SessionRecord {
        try pool.transaction { connection in
            let id: Int64 = try connection.query("""
                INSERT INTO sessions (token_hash, user_id, csrf_secret, created_at, last_seen_at, idle_expires_at,
                                      absolute_expires_at, client_address, method, provider_session)
                VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, $9) RETURNING id
                """, tokenHash, userID.rawValue, csrfSecret, now, now + idleTimeout, now + absoluteTimeout, clientAddress,
                method.rawValue, providerSession)[0].decode(at: 0)
            try connection.execute("""
                INSERT INTO sign_ins (user_id, method, second_factor, at, client_address) VALUES ($1, $2, $3, $4, $5)
                """, userID.rawValue, method.rawValue, secondFactor ? 1 : 0, now, clientAddress)
            return SessionRecord(id, userID: userID, csrfSecret: csrfSecret, createdAt: now,
                                 idleExpiresAt: now + idleTimeout, absoluteExpiresAt: now + absoluteTimeout,
                                 method: method, providerSession: providerSession)
        }
    }

    public func signIns(userID: UserID, limit: Int) throws -> [SignInRecord] {
        try pool.withConnection { connection in
            try connection.query("""
                SELECT method, second_factor, at, client_address FROM sign_ins WHERE user_id = $1
                ORDER BY at DESC, id DESC LIMIT $2
                """, userID.rawValue, max(0, limit)).map { row in
                SignInRecord(SignInMethod(rawValue: try row.decode(at: 0)) ?? .password,
                             secondFactor: try row.decode(Int.self, at: 1) == 1, at: try row.decode(at: 2),
                             clientAddress: try row.decode(at: 3))
            }
        }
    }

    public func resume(tokenHash: String, now: Double, idleTimeout: Double) throws -> (SessionRecord, User)? {
        try pool.withConnection { connection in
            guard let row = try connection.query("""
                SELECT id, user_id, csrf_secret, created_at, idle_expires_at, absolute_expires_at, method, provider_session
                FROM sessions WHERE token_hash = $1 AND idle_expires_at > $2 AND absolute_expires_at > $2
                """, tokenHash, now).first else { return nil }
            var record = SessionRecord(try row.decode(at: 0), userID: UserID(rawValue: try row.decode(at: 1)),
                                       csrfSecret: try row.decode(at: 2), createdAt: try row.decode(at: 3),
                                       idleExpiresAt: try row.decode(at: 4), absoluteExpiresAt: try row.decode(at: 5),
                                       method: SignInMethod(rawValue: try row.decode(at: 6)) ?? .password,
                                       providerSession: try row.decodeIfPresent(at: 7))
            guard let user = try PostgresUserRepository.load(connection, where: "id = $1 AND disabled = 0",
                                                             [record.userID.rawValue]).first else { return nil }
            // Slide the idle expiry at most once a minute, to keep reads from turning into writes on every request;
            // never backwards, whichever server slides it.
            let newIdle = min(now + idleTimeout, record.absoluteExpiresAt)
            if newIdle - record.idleExpiresAt > 60 {
                try connection.execute("""
                    UPDATE sessions SET idle_expires_at = $1, last_seen_at = $2 WHERE id = $3 AND idle_expires_at < $1
                    """, newIdle, now, record.id)
                record.idleExpiresAt = newIdle
            }
            return (record, user)
        }
    }

    public func delete(tokenHash: String) throws {
        defer { PostgresChangeSignal.raised(.accounts, on: pool) }
        try pool.transaction { connection in
            _ = try connection.execute("DELETE FROM sessions WHERE token_hash = $1", tokenHash)
            try PostgresChangeSignal.bump(.accounts, on: connection)
        }
    }

    public func delete(providerSession: String) throws -> Int {
        defer { PostgresChangeSignal.raised(.accounts, on: pool) }
        return try pool.transaction { connection in
            let deleted = try connection.execute("DELETE FROM sessions WHERE provider_session = $1", providerSession)
            try PostgresChangeSignal.bump(.accounts, on: connection)
            return deleted
        }
    }

    public func deleteAll(userID: UserID) throws {
        defer { PostgresChangeSignal.raised(.accounts, on: pool) }
        try pool.transaction { connection in
            _ = try connection.execute("DELETE FROM sessions WHERE user_id = $1", userID.rawValue)
            try PostgresChangeSignal.bump(.accounts, on: connection)
        }
    }

    public func purgeExpired(now: Double) throws -> Int {
        try pool.withConnection { connection in
            try connection.execute("DELETE FROM sessions WHERE idle_expires_at <= $1 OR absolute_expires_at <= $1", now)
        }
    }
}
