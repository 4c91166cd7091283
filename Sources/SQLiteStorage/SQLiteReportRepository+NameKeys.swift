import Foundation
import GRDB
import TrainingServer

/// People's name sort keys (`users.name_key`, see `NameCollation`): written with every name, and filled for
/// names written without one.
extension SQLiteReportRepository {
    /// Gives a sort key to every name written without one (by a tool outside the platform), and new keys to all
    /// when the collation's weights changed, so lists and exports in name order meet everyone.
    public func prepareNameKeys() throws {
        try store.write { db in try Self.refreshNameKeys(db) }
    }

    /// Stores the sort key of `name` for the user `userID`; call it in the transaction that writes the name.
    static func writeNameKey(userID: Int64, name: String, _ db: Database) throws {
        try db.execute(sql: "UPDATE users SET name_key = ? WHERE id = ?", arguments: [Data(NameCollation.key(name)), userID])
    }

    /// Computes the keys that are missing, or every key when the collation they were computed with is not the
    /// current one (another ICU version orders some characters differently), and records the collation.
    static func refreshNameKeys(_ db: Database) throws {
        let stored = try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'reports.name_collation'")
        try fillNameKeys(db, all: stored != NameCollation.version)
    }

    /// Computes the keys missing (NULL), or with `all` every key, walking the users by id; after a full pass,
    /// records the collation the keys now follow; returns how many keys it wrote.
    @discardableResult
    static func fillNameKeys(_ db: Database, all: Bool = false) throws -> Int {
        var after: Int64 = 0
        var written = 0
        let missing = try db.makeStatement(sql: """
            SELECT id, display_name FROM users WHERE id > ? \(all ? "" : "AND name_key IS NULL") ORDER BY id LIMIT 1000
            """)
        let update = try db.makeStatement(sql: "UPDATE users SET name_key = ? WHERE id = ?")
        while true {
            missing.arguments = [after]
            let rows = try Row.fetchAll(missing)
            guard let last = rows.last else { break }
            for row in rows {
                let name: String = row[1]
                try update.execute(arguments: [Data(NameCollation.key(name)), row[0] as Int64])
            }
            written += rows.count
            after = last[0]
        }
        // Only a full pass changes which collation the keys follow; a pass over missing keys leaves it as it was.
        if all {
            try db.execute(sql: """
                INSERT INTO settings (key, value) VALUES ('reports.name_collation', ?)
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """, arguments: [NameCollation.version])
        }
        return written
    }
}
