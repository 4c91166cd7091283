import Foundation
import TrainingServer

/// The platform's settings on PostgreSQL (`platform_settings`, one row per key, and `platform_images` by digest).
///
/// **Concurrency.** `apply` takes the settings lock (`PostgresLocks.settings`) for its transaction, so two servers
/// applying changes at once run one after the other, as SQLite's single writer runs them: the second sees the first's
/// settings before it drops the images no setting names, and its audit row follows the first's.
public struct PostgresSettingsRepository: SettingsRepository {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public func values() throws -> [String: String] {
        try pool.withConnection { connection in
            var result: [String: String] = [:]
            for row in try connection.query("SELECT key, value FROM platform_settings") {
                result[try row.decode(at: 0)] = try row.decode(String.self, at: 1)
            }
            return result
        }
    }

    public func image(digest: String) throws -> [UInt8]? {
        try pool.withConnection { connection in
            try connection.query("SELECT data FROM platform_images WHERE digest = $1", digest).first
                .map { Array(try $0.decode(Data.self, at: 0)) }
        }
    }

    public func apply(_ changes: [String: String?], images: [BrandImageUpload], audit: AuditEvent, by actor: AuditActor,
                      at now: Double) throws {
        defer { PostgresChangeSignal.raised(.settings, on: pool) }
        try pool.transaction { connection in
            try PostgresLocks.lock(PostgresLocks.settings, on: connection)
            for image in images {
                try connection.execute("""
                    INSERT INTO platform_images (digest, format, data, created_at) VALUES ($1, $2, $3, $4)
                    ON CONFLICT (digest) DO NOTHING
                    """, image.image.digest, image.format.rawValue, Data(image.bytes), now)
            }
            for (key, value) in changes.sorted(by: { $0.key < $1.key }) {
                if let value {
                    try connection.execute("""
                        INSERT INTO platform_settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4)
                        ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at,
                            updated_by = excluded.updated_by
                        """, key, value, now, actor.name)
                } else {
                    try connection.execute("DELETE FROM platform_settings WHERE key = $1", key)
                }
            }
            // Images are kept only while a setting names them (`<digest>.<format>`); the audit log keeps digests.
            try connection.execute("""
                DELETE FROM platform_images WHERE NOT EXISTS (
                    SELECT 1 FROM platform_settings
                    WHERE platform_settings.value = platform_images.digest || '.' || platform_images.format)
                """)
            try PostgresAuditChain.append(audit, by: actor, at: now, on: connection)
            try PostgresChangeSignal.bump(.settings, on: connection)
        }
    }
}
