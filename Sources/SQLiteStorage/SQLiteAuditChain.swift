import Foundation
import GRDB
import TrainingServer

/// The audit chain in SQLite: `append` runs inside the caller's transaction, so an action and its audit row commit
/// together or not at all (SQLite's single writer makes "read the newest hash, insert the next row" atomic).
extension AuditChain {
    static func append(_ event: AuditEvent, by actor: AuditActor, at: Double, in db: Database) throws {
        let previous = try String.fetchOne(db, sql: "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1") ?? genesis
        let details = encode(event.details)
        let hash = digest(prev: previous, at: at, actorUserID: actor.userID?.rawValue, actor: actor.name,
                          action: event.action, subject: event.subject, details: details)
        try db.execute(sql: """
            INSERT INTO audit_log (at, actor_user_id, actor, action, subject, details, prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [at, actor.userID?.rawValue, actor.name, event.action, event.subject, details, previous, hash])
        try AuditSubjects.record(row: db.lastInsertedRowID, action: event.action, subject: event.subject,
                                 details: event.details, in: db)
    }

    /// Walks the whole chain in `db` from the genesis hash.
    static func verify(in db: Database) throws -> AuditVerification { try SQLiteAuditChainSnapshot(db: db).verify() }

    /// The newest row's id and hash (0 and the genesis hash for an empty log) and the number of rows.
    static func head(in db: Database) throws -> AuditHead { try SQLiteAuditChainSnapshot(db: db).head() }

    /// The stored hash of row `id`, nil when there is no such row.
    static func hash(ofRow id: Int64, in db: Database) throws -> String? {
        try SQLiteAuditChainSnapshot(db: db).hash(ofRow: id)
    }
}

/// The audit chain as one SQLite read transaction sees it.
struct SQLiteAuditChainSnapshot: AuditChainSnapshot {
    let db: Database

    func newestRow() throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT max(id) FROM audit_log") ?? 0
    }

    func head() throws -> AuditHead {
        let newest = try Row.fetchOne(db, sql: "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
        let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_log") ?? 0
        return AuditHead(row: newest?["id"] ?? 0, hash: newest?["hash"] ?? AuditChain.genesis, rows: count)
    }

    func hash(ofRow id: Int64) throws -> String? {
        try String.fetchOne(db, sql: "SELECT hash FROM audit_log WHERE id = ?", arguments: [id])
    }

    func rowCount(upTo id: Int64) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_log WHERE id <= ?", arguments: [id]) ?? 0
    }

    func entries(after row: Int64, limit: Int) throws -> [AuditEntry] {
        try Row.fetchAll(db, sql: "SELECT * FROM audit_log WHERE id > ? ORDER BY id LIMIT ?", arguments: [row, limit])
            .map(SQLiteAuditLog.entry)
    }
}

/// Reads the audit chain of a SQLite database, each reading in a read transaction of its own.
public struct SQLiteAuditChainReader: AuditChainReader {
    let store: Store

    public init(store: Store) { self.store = store }

    public func read<T>(_ body: (any AuditChainSnapshot) throws -> T) throws -> T {
        try store.read { db in try body(SQLiteAuditChainSnapshot(db: db)) }
    }
}

extension AuditAnchor {
    /// Checkpoints of the chain in the SQLite database `store`.
    public convenience init(store: Store, key: AuditKey, file: AuditCheckpointFile) {
        self.init(chain: SQLiteAuditChainReader(store: store), key: key, file: file)
    }

    /// Checks the chain in `store` against the checkpoint file (see `check(chain:file:key:)`).
    public static func check(store: Store, file: AuditCheckpointFile, key: AuditKey?) throws -> Check {
        try check(chain: SQLiteAuditChainReader(store: store), file: file, key: key)
    }

    /// Whether the chain in `db` still holds `checkpoint`'s row with its hash and the rows before it.
    static func compare(_ checkpoint: AuditCheckpoint, in db: Database) throws -> Finding? {
        try compare(checkpoint, in: SQLiteAuditChainSnapshot(db: db))
    }
}

extension AuditVerificationReport {
    /// The report on the SQLite database `store` (see `run(chain:databasePath:settings:)`).
    public static func run(store: Store, databasePath: String, settings: AuditAnchorSettings) throws -> AuditVerificationReport {
        try run(chain: SQLiteAuditChainReader(store: store), databasePath: databasePath, settings: settings)
    }
}

/// The audit log in SQLite.
public struct SQLiteAuditLog: AuditLog {
    let store: Store
    let clock: @Sendable () -> Double

    public init(store: Store, clock: @escaping @Sendable () -> Double) {
        self.store = store
        self.clock = clock
    }

    public func append(_ event: AuditEvent, by actor: AuditActor) throws {
        try store.write { db in try AuditChain.append(event, by: actor, at: clock(), in: db) }
    }

    public func recent(limit: Int) throws -> [AuditEntry] {
        try store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", arguments: [limit]).map(SQLiteAuditLog.entry)
        }
    }

    public func verify() throws -> AuditVerification {
        try SQLiteAuditChainReader(store: store).read { chain in try chain.verify() }
    }

    /// The chain's newest row and the number of rows.
    public func head() throws -> AuditHead {
        try SQLiteAuditChainReader(store: store).read { chain in try chain.head() }
    }

    static func entry(_ row: Row) -> AuditEntry {
        AuditEntry(row["id"], at: row["at"], actorUserID: row["actor_user_id"], actor: row["actor"],
                   action: row["action"], subject: row["subject"], details: row["details"],
                   prevHash: row["prev_hash"], hash: row["hash"])
    }
}
