import Foundation
import GRDB
import TrainingServer

/// Staff files uploaded for a dry run in the browser, kept until they are applied or a day has passed, and the
/// history of applied imports (who, when, which file by name and SHA-256 digest, what changed).
public struct SQLiteStaffImportRepository: Sendable {
    let store: Store
    let clock: @Sendable () -> Double

    public init(store: Store, clock: @escaping @Sendable () -> Double) {
        self.store = store
        self.clock = clock
    }

    public typealias Upload = StaffImportUpload

    public typealias Record = StaffImportRecord

    /// Keeps `content` under a new random id (and drops uploads older than a day).
    public func keep(fileName: String, content: [UInt8], userID: UserID) throws -> Upload {
        let now = clock()
        let upload = Upload(Tokens.random(bytes: 18), userID: userID, fileName: fileName,
                            sha256: StaffImportUpload.digest(content), content: content, createdAt: now)
        try store.write { db in
            try db.execute(sql: "DELETE FROM staff_import_uploads WHERE created_at < ?", arguments: [now - StaffImportUpload.lifetime])
            try db.execute(sql: """
                INSERT INTO staff_import_uploads (id, user_id, file_name, sha256, content, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [upload.id, userID.rawValue, fileName, upload.sha256, Data(content), now])
        }
        return upload
    }

    /// The upload `id` of `userID`, if it exists and has not expired.
    public func upload(_ id: String, userID: UserID) throws -> Upload? {
        try store.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT * FROM staff_import_uploads WHERE id = ? AND user_id = ? AND created_at >= ?
                """, arguments: [id, userID.rawValue, clock() - StaffImportUpload.lifetime]) else { return nil }
            let data: Data = row["content"]
            return Upload(row["id"], userID: UserID(rawValue: row["user_id"]), fileName: row["file_name"],
                          sha256: row["sha256"], content: Array(data), createdAt: row["created_at"])
        }
    }

    public func discard(_ id: String) throws {
        try store.write { db in try db.execute(sql: "DELETE FROM staff_import_uploads WHERE id = ?", arguments: [id]) }
    }

    /// The newest imports first, at most `limit`, of those `include` accepts.
    public func history(limit: Int, include: (Record) -> Bool) throws -> [Record] {
        try store.read { db in
            var records: [Record] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM staff_imports ORDER BY at DESC, id DESC")
            while records.count < limit, let row = try rows.next() {
                let scope: String = row["scope"]
                let record = Record(row["id"], at: row["at"], actor: row["actor"], fileName: row["file_name"],
                                    sha256: row["sha256"], scope: scope.split(separator: " ").map(String.init),
                                    created: row["created"], updated: row["updated"], disabled: row["disabled"],
                                    unchanged: row["unchanged"], departments: row["departments"], warnings: row["warnings"])
                if include(record) { records.append(record) }
            }
            return records
        }
    }

    /// Writes the history row of an import inside the caller's transaction.
    static func record(_ plan: StaffImport.Plan, source: StaffImportSource, at now: Double, by actor: AuditActor,
                       _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO staff_imports (at, actor_user_id, actor, file_name, sha256, scope, created, updated, disabled,
                                       unchanged, departments, warnings)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [now, actor.userID?.rawValue, actor.name, source.fileName, source.sha256,
                             source.scope.joined(separator: " "), plan.created, plan.updated, plan.disabled, plan.unchanged,
                             plan.newDepartments.count, plan.warnings.count])
    }

}

extension SQLiteStaffImportRepository {
}
