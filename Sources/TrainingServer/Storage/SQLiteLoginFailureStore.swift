import GRDB

/// Failed logins in SQLite, shared by every server instance.
public struct SQLiteLoginFailureStore: LoginFailureStore {
    let store: Store

    public init(store: Store) { self.store = store }

    public func count(key: String, since: Double) throws -> Int {
        try store.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM login_failures WHERE key = ? AND at > ?",
                             arguments: [key, since]) ?? 0
        }
    }

    public func record(keys: [String], at: Double) throws {
        try store.write { db in
            for key in keys {
                try db.execute(sql: "INSERT INTO login_failures (key, at) VALUES (?, ?)", arguments: [key, at])
            }
            // Keep the table small: failures older than a day no longer matter.
            try db.execute(sql: "DELETE FROM login_failures WHERE at < ?", arguments: [at - 86_400])
        }
    }

    public func clear(key: String) throws {
        try store.write { db in try db.execute(sql: "DELETE FROM login_failures WHERE key = ?", arguments: [key]) }
    }
}
