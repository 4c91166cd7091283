import Crypto
import Foundation
import GRDB

/// Staff files uploaded for a dry run in the browser, kept until they are applied or a day has passed, and the
/// history of applied imports (who, when, which file by name and SHA-256 digest, what changed).
public struct SQLiteStaffImportRepository: Sendable {
    let store: Store
    let clock: @Sendable () -> Double
    /// How long an uploaded file waits for its confirmation.
    public static let uploadLifetime: Double = 86_400

    public init(store: Store, clock: @escaping @Sendable () -> Double) {
        self.store = store
        self.clock = clock
    }

    /// An uploaded file waiting for confirmation; only the administrator who uploaded it may see or apply it.
    public struct Upload: Sendable, Equatable {
        public var id: String
        public var userID: UserID
        public var fileName: String
        public var sha256: String
        public var content: [UInt8]
        public var createdAt: Double
    }

    /// One applied import.
    public struct Record: Sendable, Equatable {
        public var id: Int64
        public var at: Double
        public var actor: String
        public var fileName: String
        public var sha256: String
        /// The ids of the departments at the top of the importer's scope; empty: the whole organisation.
        public var scope: [String]
        public var created: Int
        public var updated: Int
        public var disabled: Int
        public var unchanged: Int
        public var departments: Int
        public var warnings: Int
    }

    /// Keeps `content` under a new random id (and drops uploads older than a day).
    public func keep(fileName: String, content: [UInt8], userID: UserID) throws -> Upload {
        let now = clock()
        let upload = Upload(id: Tokens.random(bytes: 18), userID: userID, fileName: fileName,
                            sha256: Self.digest(content), content: content, createdAt: now)
        try store.write { db in
            try db.execute(sql: "DELETE FROM staff_import_uploads WHERE created_at < ?", arguments: [now - Self.uploadLifetime])
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
                """, arguments: [id, userID.rawValue, clock() - Self.uploadLifetime]) else { return nil }
            let data: Data = row["content"]
            return Upload(id: row["id"], userID: UserID(rawValue: row["user_id"]), fileName: row["file_name"],
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
                let record = Record(id: row["id"], at: row["at"], actor: row["actor"], fileName: row["file_name"],
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

    /// The SHA-256 hex digest of a file.
    public static func digest(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}
