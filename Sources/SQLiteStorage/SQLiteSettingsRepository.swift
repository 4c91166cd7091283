import Foundation
import GRDB
import TrainingServer

/// The platform's settings in SQLite (`platform_settings`, one row per key, and `platform_images` by digest).
/// A change is committed with its audit entry, then the database's `ChangeStamp` is touched so every
/// server instance's `SettingsService` reads the new values on its next request.
public struct SQLiteSettingsRepository: SettingsRepository {
    let store: Store
    let stamp: ChangeStamp

    public init(store: Store) {
        self.store = store
        self.stamp = ChangeStamp.settings(databasePath: store.path)
    }

    public func values() throws -> [String: String] {
        try store.read { db in
            var result: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM platform_settings") {
                result[row["key"]] = row["value"]
            }
            return result
        }
    }

    public func image(digest: String) throws -> [UInt8]? {
        try store.read { db in
            try Data.fetchOne(db, sql: "SELECT data FROM platform_images WHERE digest = ?", arguments: [digest]).map(Array.init)
        }
    }

    public func apply(_ changes: [String: String?], images: [BrandImageUpload], audit: AuditEvent, by actor: AuditActor,
                      at now: Double) throws {
        try store.write { db in
            for image in images {
                try db.execute(sql: """
                    INSERT INTO platform_images (digest, format, data, created_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT(digest) DO NOTHING
                    """, arguments: [image.image.digest, image.format.rawValue, Data(image.bytes), now])
            }
            for (key, value) in changes.sorted(by: { $0.key < $1.key }) {
                if let value {
                    try db.execute(sql: """
                        INSERT INTO platform_settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
                        ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at,
                            updated_by = excluded.updated_by
                        """, arguments: [key, value, now, actor.name])
                } else {
                    try db.execute(sql: "DELETE FROM platform_settings WHERE key = ?", arguments: [key])
                }
            }
            // Images are kept only while a setting names them (`<digest>.<format>`); the audit log keeps digests.
            try db.execute(sql: """
                DELETE FROM platform_images WHERE NOT EXISTS (
                    SELECT 1 FROM platform_settings
                    WHERE platform_settings.value = platform_images.digest || '.' || platform_images.format)
                """)
            try AuditChain.append(audit, by: actor, at: now, in: db)
        }
        stamp.touch()
    }
}
