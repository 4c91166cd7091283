import Foundation
import GRDB
import TrainingServer

/// Secret keys the server instances sharing one database hold in common, such as the key that signs anonymous CSRF
/// cookies. The first instance that asks for a key creates it; every later one, and every restart, reads the same
/// key, so a cookie one instance issued verifies on the others. The keys never leave the database (anyone who can
/// read the database could forge such cookies, but could also read every session's CSRF secret).
public struct SQLiteServerKeyStore: Sendable {
    let store: Store

    public init(store: Store) { self.store = store }

    /// The key called `name`; when the database has none yet, `make()` gives it (a race between instances keeps
    /// the first one written).
    public func key(named name: String, now: Double, make: () -> [UInt8]) throws -> [UInt8] {
        try store.write { db in
            if let existing = try Data.fetchOne(db, sql: "SELECT secret FROM server_keys WHERE name = ?", arguments: [name]) {
                return Array(existing)
            }
            let created = make()
            try db.execute(sql: "INSERT INTO server_keys (name, secret, created_at) VALUES (?, ?, ?)",
                           arguments: [name, Data(created), now])
            return created
        }
    }
}
