import Crypto
import Foundation
import GRDB

/// Writes and checks the audit log's hash chain. `append` runs inside the caller's transaction, so an action
/// and its audit row commit together or not at all.
public enum AuditChain {
    static let genesis = String(repeating: "0", count: 64)

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

    /// The hash of a row: SHA-256 over the previous hash and every field, each on its own line.
    public static func digest(prev: String, at: Double, actorUserID: Int64?, actor: String, action: String, subject: String,
                       details: String) -> String {
        let fields = [prev, "\(at)", actorUserID.map { String($0) } ?? "", actor, action, subject, details]
        // Length-prefix each field so that no two different rows serialise the same way.
        let canonical = fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "\n")
        return SHA256.hash(data: Data(canonical.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Walks the whole chain from the genesis hash; names the first row whose link or content does not match.
    static func verify(in db: Database) throws -> AuditVerification {
        switch try walk(after: 0, from: genesis, in: db) {
        case .linked(_, let count): return .intact(rows: count)
        case .broken(let rowID, let reason): return .broken(rowID: rowID, reason: reason)
        }
    }

    /// What walking the rows after a known row found.
    enum Walk: Equatable {
        /// Every row links to the one before: the last row's hash (or `from` when there were none) and the count.
        case linked(head: String, rows: Int)
        case broken(rowID: Int64, reason: String)
    }

    /// Checks the rows with an id above `row`, the first of which must link to `hash`: the checkpointer uses it to
    /// make sure the chain extends the last checkpoint instead of replacing it, without reading older rows.
    static func walk(after row: Int64, from hash: String, in db: Database) throws -> Walk {
        var previous = hash
        var count = 0
        let rows = try Row.fetchCursor(db, sql: "SELECT * FROM audit_log WHERE id > ? ORDER BY id", arguments: [row])
        while let row = try rows.next() {
            let item = SQLiteAuditLog.entry(row)
            if item.prevHash != previous {
                return .broken(rowID: item.id, reason: "its link to the previous row does not match")
            }
            let expected = digest(prev: item.prevHash, at: item.at, actorUserID: item.actorUserID, actor: item.actor,
                                  action: item.action, subject: item.subject, details: item.details)
            if expected != item.hash {
                return .broken(rowID: item.id, reason: "its content does not match its hash")
            }
            previous = item.hash
            count += 1
        }
        return .linked(head: previous, rows: count)
    }

    /// The newest row's id and hash (0 and the genesis hash for an empty log) and the number of rows.
    static func head(in db: Database) throws -> AuditHead {
        let newest = try Row.fetchOne(db, sql: "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
        let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_log") ?? 0
        return AuditHead(row: newest?["id"] ?? 0, hash: newest?["hash"] ?? genesis, rows: count)
    }

    /// The newest row's id (0 for an empty log): cheap, for the checkpointer's polling.
    static func newestRow(in db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT max(id) FROM audit_log") ?? 0
    }

    /// The stored hash of row `id`, nil when there is no such row.
    static func hash(ofRow id: Int64, in db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT hash FROM audit_log WHERE id = ?", arguments: [id])
    }

    /// How many rows have an id up to `id`.
    static func rowCount(upTo id: Int64, in db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_log WHERE id <= ?", arguments: [id]) ?? 0
    }

    /// The details as the chain stores and hashes them: JSON with sorted keys and unescaped slashes (every engine
    /// writes them this way, so the same events give the same hashes).
    public static func encode(_ details: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(details)) ?? Data("{}".utf8), as: UTF8.self)
    }
}

/// The newest row of the audit chain and how many rows the log holds (row 0 with the genesis hash when empty).
public struct AuditHead: Sendable, Equatable {
    public var row: Int64
    public var hash: String
    public var rows: Int

    public init(row: Int64, hash: String, rows: Int) {
        self.row = row
        self.hash = hash
        self.rows = rows
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
        try store.read { db in try AuditChain.verify(in: db) }
    }

    /// The chain's newest row and the number of rows.
    public func head() throws -> AuditHead {
        try store.read { db in try AuditChain.head(in: db) }
    }

    static func entry(_ row: Row) -> AuditEntry {
        AuditEntry(id: row["id"], at: row["at"], actorUserID: row["actor_user_id"], actor: row["actor"],
                   action: row["action"], subject: row["subject"], details: row["details"],
                   prevHash: row["prev_hash"], hash: row["hash"])
    }
}
