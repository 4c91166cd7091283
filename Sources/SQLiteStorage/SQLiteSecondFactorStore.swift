import Foundation
import GRDB
import TrainingServer

/// Two-step sign-in enrolments, recovery codes and pending sign-ins, in SQLite.
public struct SQLiteSecondFactorStore: Sendable {
    let store: Store

    public init(store: Store) { self.store = store }

    public func enrolment(of user: UserID) throws -> StoredSecondFactor? {
        try store.read { db in
            try Row.fetchOne(db, sql: """
                SELECT secret, created_at, enabled_at, last_used_step FROM second_factors WHERE user_id = ?
                """, arguments: [user.rawValue]).map { row in
                StoredSecondFactor(row["secret"], createdAt: row["created_at"], enabledAt: row["enabled_at"],
                                   lastUsedStep: row["last_used_step"])
            }
        }
    }

    /// Stores a secret waiting for its first code, replacing one that waited before; false (nothing written)
    /// when two-step sign-in is on already.
    public func startEnrolment(_ user: UserID, sealedSecret: Data, now: Double) throws -> Bool {
        try store.write { db in
            try db.execute(sql: """
                INSERT INTO second_factors (user_id, secret, created_at) VALUES (?, ?, ?)
                ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at,
                    last_used_step = NULL
                WHERE second_factors.enabled_at IS NULL
                """, arguments: [user.rawValue, sealedSecret, now])
            return db.changesCount == 1
        }
    }

    /// Turns two-step sign-in on with the code of `step` (so it cannot be used again) and the recovery codes;
    /// false when it was not waiting for confirmation (already on, or reset meanwhile).
    public func confirm(_ user: UserID, step: Int64, recoveryCodes: [(salt: Data, digest: Data)], now: Double,
                        by actor: AuditActor) throws -> Bool {
        try store.write { db in
            try db.execute(sql: """
                UPDATE second_factors SET enabled_at = ?, last_used_step = ? WHERE user_id = ? AND enabled_at IS NULL
                """, arguments: [now, step, user.rawValue])
            guard db.changesCount == 1 else { return false }
            try Self.replaceCodes(user, recoveryCodes, now: now, in: db)
            try AuditChain.append(AuditEvent(action: "user.second_factor_enable", subject: "user:\(user)"),
                                  by: actor, at: now, in: db)
            return true
        }
    }

    /// Records that the code of `step` was used: true only when two-step sign-in is on and no code of this or a
    /// later step was used before (a code works once; an older one after a newer one does not work at all).
    public func use(_ user: UserID, step: Int64) throws -> Bool {
        try store.write { db in
            try db.execute(sql: """
                UPDATE second_factors SET last_used_step = ?
                WHERE user_id = ? AND enabled_at IS NOT NULL AND (last_used_step IS NULL OR last_used_step < ?)
                """, arguments: [step, user.rawValue, step])
            return db.changesCount == 1
        }
    }

    /// The person's recovery codes not used yet.
    public func unusedRecoveryCodes(of user: UserID) throws -> [StoredRecoveryCode] {
        try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, salt, digest FROM second_factor_recovery_codes WHERE user_id = ? AND used_at IS NULL ORDER BY id
                """, arguments: [user.rawValue]).map { StoredRecoveryCode($0["id"], salt: $0["salt"], digest: $0["digest"]) }
        }
    }

    /// Marks a recovery code used; false when it was used meanwhile.
    public func useRecoveryCode(id: Int64, now: Double) throws -> Bool {
        try store.write { db in
            try db.execute(sql: "UPDATE second_factor_recovery_codes SET used_at = ? WHERE id = ? AND used_at IS NULL",
                           arguments: [now, id])
            return db.changesCount == 1
        }
    }

    /// Replaces every recovery code of the person (two-step sign-in must be on); false when it is not.
    public func replaceRecoveryCodes(_ user: UserID, with codes: [(salt: Data, digest: Data)], now: Double,
                                     by actor: AuditActor) throws -> Bool {
        try store.write { db in
            let on = try Bool.fetchOne(db, sql: "SELECT enabled_at IS NOT NULL FROM second_factors WHERE user_id = ?",
                                       arguments: [user.rawValue]) ?? false
            guard on else { return false }
            try Self.replaceCodes(user, codes, now: now, in: db)
            try AuditChain.append(AuditEvent(action: "user.second_factor_recovery_codes", subject: "user:\(user)"),
                                  by: actor, at: now, in: db)
            return true
        }
    }

    private static func replaceCodes(_ user: UserID, _ codes: [(salt: Data, digest: Data)], now: Double,
                                     in db: Database) throws {
        try db.execute(sql: "DELETE FROM second_factor_recovery_codes WHERE user_id = ?", arguments: [user.rawValue])
        for code in codes {
            try db.execute(sql: """
                INSERT INTO second_factor_recovery_codes (user_id, salt, digest, created_at) VALUES (?, ?, ?, ?)
                """, arguments: [user.rawValue, code.salt, code.digest, now])
        }
    }

    /// Removes the person's enrolment, recovery codes and pending sign-ins: turned off by themselves, or reset by
    /// an administrator (`reason` given). Audited when two-step sign-in was on; returns whether it was.
    public func remove(_ user: UserID, reason: String?, now: Double, by actor: AuditActor) throws -> Bool {
        try store.write { db in
            let on = try Bool.fetchOne(db, sql: "SELECT enabled_at IS NOT NULL FROM second_factors WHERE user_id = ?",
                                       arguments: [user.rawValue]) ?? false
            try db.execute(sql: "DELETE FROM second_factors WHERE user_id = ?", arguments: [user.rawValue])
            try db.execute(sql: "DELETE FROM second_factor_recovery_codes WHERE user_id = ?", arguments: [user.rawValue])
            try db.execute(sql: "DELETE FROM pending_sign_ins WHERE user_id = ?", arguments: [user.rawValue])
            let reset = reason != nil
            if on || reset {
                try AuditChain.append(AuditEvent(action: reset ? "user.second_factor_reset" : "user.second_factor_disable",
                                                 subject: "user:\(user)",
                                                 details: reason.map { ["reason": $0] } ?? [:]),
                                      by: actor, at: now, in: db)
            }
            return on
        }
    }

    // MARK: Pending sign-ins

    /// Starts a pending sign-in under the digest of its token; expired ones are cleared on the way.
    public func createPending(tokenHash: String, _ pending: PendingSignIn, now: Double) throws {
        try store.write { db in
            try db.execute(sql: "DELETE FROM pending_sign_ins WHERE expires_at <= ?", arguments: [now])
            try db.execute(sql: """
                INSERT INTO pending_sign_ins (token_hash, user_id, method, purpose, next, created_at, expires_at, failures)
                VALUES (?, ?, ?, ?, ?, ?, ?, 0)
                """, arguments: [tokenHash, pending.userID.rawValue, pending.method.rawValue, pending.purpose.rawValue,
                                 pending.next, now, pending.expiresAt])
        }
    }

    /// The live pending sign-in with this token digest.
    public func pending(tokenHash: String, now: Double) throws -> PendingSignIn? {
        try store.read { db in
            try Row.fetchOne(db, sql: """
                SELECT user_id, method, purpose, next, expires_at, failures FROM pending_sign_ins
                WHERE token_hash = ? AND expires_at > ?
                """, arguments: [tokenHash, now]).flatMap { row in
                guard let method = SignInMethod(rawValue: row["method"]),
                      let purpose = PendingSignIn.Purpose(rawValue: row["purpose"]) else { return nil }
                return PendingSignIn(UserID(rawValue: row["user_id"]), method: method, purpose: purpose,
                                     next: row["next"], expiresAt: row["expires_at"], failures: row["failures"])
            }
        }
    }

    /// Counts a wrong code against the pending sign-in and ends it at `limit`; returns the failures so far.
    public func failPending(tokenHash: String, limit: Int) throws -> Int {
        try store.write { db in
            try db.execute(sql: "UPDATE pending_sign_ins SET failures = failures + 1 WHERE token_hash = ?",
                           arguments: [tokenHash])
            let failures = try Int.fetchOne(db, sql: "SELECT failures FROM pending_sign_ins WHERE token_hash = ?",
                                            arguments: [tokenHash]) ?? limit
            if failures >= limit {
                try db.execute(sql: "DELETE FROM pending_sign_ins WHERE token_hash = ?", arguments: [tokenHash])
            }
            return failures
        }
    }

    public func deletePending(tokenHash: String) throws {
        try store.write { db in
            try db.execute(sql: "DELETE FROM pending_sign_ins WHERE token_hash = ?", arguments: [tokenHash])
        }
    }
}
