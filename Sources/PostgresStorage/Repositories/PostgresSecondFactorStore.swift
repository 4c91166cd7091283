import Foundation
import TrainingServer

/// Two-step sign-in enrolments, recovery codes and pending sign-ins on PostgreSQL, with the SQLite store's answers
/// and audit rows (`SQLiteSecondFactorStore`).
///
/// **Concurrency.** Every change that must happen once is one conditional statement, so of two servers doing it at
/// once exactly one changes the row: a new secret replaces only one still waiting (`ON CONFLICT … DO UPDATE …
/// WHERE enabled_at IS NULL`), confirming needs `enabled_at IS NULL`, a code's step must be later than the last one
/// used, a recovery code must be unused, and a failure is counted with `failures = failures + 1 … RETURNING`.
/// Replacing the recovery codes and removing the enrolment lock the enrolment's row first (`FOR UPDATE`), so they
/// see a confirmation or removal that committed meanwhile and audit what they did.
public struct PostgresSecondFactorStore: SecondFactorRepository {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public func enrolment(of user: UserID) throws -> StoredSecondFactor? {
        try pool.withConnection { connection in
            try connection.query("""
                SELECT secret, created_at, enabled_at, last_used_step FROM second_factors WHERE user_id = $1
                """, user.rawValue).first.map { row in
                StoredSecondFactor(try row.decode(at: 0), createdAt: try row.decode(at: 1), enabledAt: try row.decodeIfPresent(at: 2),
                                   lastUsedStep: try row.decodeIfPresent(at: 3))
            }
        }
    }

    public func startEnrolment(_ user: UserID, sealedSecret: Data, now: Double) throws -> Bool {
        try pool.withConnection { connection in
            try connection.execute("""
                INSERT INTO second_factors (user_id, secret, created_at) VALUES ($1, $2, $3)
                ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at,
                    last_used_step = NULL
                WHERE second_factors.enabled_at IS NULL
                """, user.rawValue, sealedSecret, now) == 1
        }
    }

    public func confirm(_ user: UserID, step: Int64, recoveryCodes: [(salt: Data, digest: Data)], now: Double,
                        by actor: AuditActor) throws -> Bool {
        try pool.transaction { connection in
            guard try connection.execute("""
                UPDATE second_factors SET enabled_at = $1, last_used_step = $2 WHERE user_id = $3 AND enabled_at IS NULL
                """, now, step, user.rawValue) == 1 else { return false }
            try Self.replaceCodes(user, recoveryCodes, now: now, connection)
            try PostgresAuditChain.append(AuditEvent(action: "user.second_factor_enable", subject: "user:\(user)"),
                                          by: actor, at: now, on: connection)
            return true
        }
    }

    public func use(_ user: UserID, step: Int64) throws -> Bool {
        try pool.withConnection { connection in
            try connection.execute("""
                UPDATE second_factors SET last_used_step = $1
                WHERE user_id = $2 AND enabled_at IS NOT NULL AND (last_used_step IS NULL OR last_used_step < $1)
                """, step, user.rawValue) == 1
        }
    }

    public func unusedRecoveryCodes(of user: UserID) throws -> [StoredRecoveryCode] {
        try pool.withConnection { connection in
            try connection.query("""
                SELECT id, salt, digest FROM second_factor_recovery_codes WHERE user_id = $1 AND used_at IS NULL ORDER BY id
                """, user.rawValue).map { StoredRecoveryCode(try $0.decode(at: 0), salt: try $0.decode(at: 1), digest: try $0.decode(at: 2)) }
        }
    }

    public func useRecoveryCode(id: Int64, now: Double) throws -> Bool {
        try pool.withConnection { connection in
            try connection.execute("UPDATE second_factor_recovery_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL",
                                   now, id) == 1
        }
    }

    public func replaceRecoveryCodes(_ user: UserID, with codes: [(salt: Data, digest: Data)], now: Double,
                                     by actor: AuditActor) throws -> Bool {
        try pool.transaction { connection in
            guard try Self.lockEnabled(user, connection) == true else { return false }
            try Self.replaceCodes(user, codes, now: now, connection)
            try PostgresAuditChain.append(AuditEvent(action: "user.second_factor_recovery_codes", subject: "user:\(user)"),
                                          by: actor, at: now, on: connection)
            return true
        }
    }

    public func remove(_ user: UserID, reason: String?, now: Double, by actor: AuditActor) throws -> Bool {
        try pool.transaction { connection in
            let on = try Self.lockEnabled(user, connection) ?? false
            try connection.execute("DELETE FROM second_factors WHERE user_id = $1", user.rawValue)
            try connection.execute("DELETE FROM second_factor_recovery_codes WHERE user_id = $1", user.rawValue)
            try connection.execute("DELETE FROM pending_sign_ins WHERE user_id = $1", user.rawValue)
            let reset = reason != nil
            if on || reset {
                try PostgresAuditChain.append(AuditEvent(action: reset ? "user.second_factor_reset" : "user.second_factor_disable",
                                                         subject: "user:\(user)", details: reason.map { ["reason": $0] } ?? [:]),
                                              by: actor, at: now, on: connection)
            }
            return on
        }
    }

    /// Whether the person's two-step sign-in is on (nil: no enrolment), with their enrolment locked until the end
    /// of the caller's transaction.
    static func lockEnabled(_ user: UserID, _ connection: PostgresConnection) throws -> Bool? {
        try connection.query("SELECT enabled_at IS NOT NULL FROM second_factors WHERE user_id = $1 FOR UPDATE", user.rawValue)
            .first?.decode(Bool.self, at: 0)
    }

    static func replaceCodes(_ user: UserID, _ codes: [(salt: Data, digest: Data)], now: Double,
                             _ connection: PostgresConnection) throws {
        try connection.execute("DELETE FROM second_factor_recovery_codes WHERE user_id = $1", user.rawValue)
        for code in codes {
            try connection.execute("""
                INSERT INTO second_factor_recovery_codes (user_id, salt, digest, created_at) VALUES ($1, $2, $3, $4)
                """, user.rawValue, code.salt, code.digest, now)
        }
    }

    // MARK: Pending sign-ins

    public func createPending(tokenHash: String, _ pending: PendingSignIn, now: Double) throws {
        try pool.transaction { connection in
            try connection.execute("DELETE FROM pending_sign_ins WHERE expires_at <= $1", now)
            try connection.execute("""
                INSERT INTO pending_sign_ins (token_hash, user_id, method, purpose, next, created_at, expires_at, failures)
                VALUES ($1, $2, $3, $4, $5, $6, $7, 0)
                """, tokenHash, pending.userID.rawValue, pending.method.rawValue, pending.purpose.rawValue, pending.next,
                now, pending.expiresAt)
        }
    }

    public func pending(tokenHash: String, now: Double) throws -> PendingSignIn? {
        try pool.withConnection { connection in
            guard let row = try connection.query("""
                SELECT user_id, method, purpose, next, expires_at, failures FROM pending_sign_ins
                WHERE token_hash = $1 AND expires_at > $2
                """, tokenHash, now).first,
                let method = SignInMethod(rawValue: try row.decode(at: 1)),
                let purpose = PendingSignIn.Purpose(rawValue: try row.decode(at: 2)) else { return nil }
            return PendingSignIn(UserID(rawValue: try row.decode(at: 0)), method: method, purpose: purpose,
                                 next: try row.decode(at: 3), expiresAt: try row.decode(at: 4), failures: try row.decode(at: 5))
        }
    }

    public func failPending(tokenHash: String, limit: Int) throws -> Int {
        try pool.transaction { connection in
            let failures: Int = try connection.query("""
                UPDATE pending_sign_ins SET failures = failures + 1 WHERE token_hash = $1 RETURNING failures
                """, tokenHash).first?.decode(at: 0) ?? limit
            if failures >= limit {
                try connection.execute("DELETE FROM pending_sign_ins WHERE token_hash = $1", tokenHash)
            }
            return failures
        }
    }

    public func deletePending(tokenHash: String) throws {
        try pool.withConnection { connection in
            _ = try connection.execute("DELETE FROM pending_sign_ins WHERE token_hash = $1", tokenHash)
        }
    }
}
