import GRDB
import TrainingServer

/// Links between accounts and providers' subjects, in SQLite.
public struct SQLiteExternalIdentityRepository: ExternalIdentityRepository {
    let store: Store

    public init(store: Store) { self.store = store }

    public func user(method: SignInMethod, subject: String) throws -> UserID? {
        try store.read { db in
            try Int64.fetchOne(db, sql: "SELECT user_id FROM external_identities WHERE method = ? AND subject = ?",
                               arguments: [method.rawValue, subject]).map(UserID.init)
        }
    }

    public func link(method: SignInMethod, subject: String, to user: UserID, now: Double) throws {
        try store.write { db in
            try db.execute(sql: """
                INSERT INTO external_identities (method, subject, user_id, created_at, last_sign_in_at)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (method, subject) DO UPDATE SET user_id = excluded.user_id,
                    last_sign_in_at = excluded.last_sign_in_at
                """, arguments: [method.rawValue, subject, user.rawValue, now, now])
        }
    }

    public func subjects(of user: UserID) throws -> [(method: SignInMethod, subject: String)] {
        try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT method, subject FROM external_identities WHERE user_id = ? ORDER BY method, subject
                """, arguments: [user.rawValue]).compactMap { row in
                SignInMethod(rawValue: row["method"]).map { ($0, row["subject"] as String) }
            }
        }
    }
}
