import Foundation
import GRDB
import TrainingServer

/// SQLite's online backup, which copies a consistent snapshot while the server keeps serving, then an integrity
/// check of the copy.
extension DatabaseBackups {
    /// Writes a new backup of `store` into the folder and records `database.backup` in the audit log by `actor`.
    public func backUp(_ store: Store, by actor: AuditActor, now: Double) throws -> Outcome {
        try Self.write(store, to: try newPath(now: now, extension: "sqlite"), by: actor, now: now)
    }

    /// Writes a backup of `store` to `path` (which must not exist) and records `database.backup` by `actor`.
    public static func write(_ store: Store, to path: String, by actor: AuditActor, now: Double) throws -> Outcome {
        let integrity = try store.backup(to: path)
        let file = Self.file(at: path) ?? File(path: path, bytes: 0, at: now)
        try SQLiteAuditLog(store: store, clock: { now }).append(
            AuditEvent(action: "database.backup", subject: file.name,
                       details: ["bytes": String(file.bytes), "integrity": integrity == "ok" ? "ok" : "failed"]),
            by: actor)
        return Outcome(file: file, integrity: integrity)
    }
}

extension Store {
    /// `PRAGMA quick_check`: "ok", or the problems it found (at most `limit` lines).
    public func quickCheck(limit: Int = 20) throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "PRAGMA quick_check(\(max(1, limit)))") }
    }
}
