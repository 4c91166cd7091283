import Crypto
import Foundation
import GRDB

/// Writes and checks the audit log's hash chain. `append` runs inside the caller's transaction, so an action
/// and its audit row commit together or not at all.
enum AuditChain {
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
    }

    /// The hash of a row: SHA-256 over the previous hash and every field, each on its own line.
    static func digest(prev: String, at: Double, actorUserID: Int64?, actor: String, action: String, subject: String,
                       details: String) -> String {
        let fields = [prev, "\(at)", actorUserID.map { String($0) } ?? "", actor, action, subject, details]
        // Length-prefix each field so that no two different rows serialise the same way.
        let canonical = fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "\n")
        return SHA256.hash(data: Data(canonical.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func encode(_ details: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(details)) ?? Data("{}".utf8), as: UTF8.self)
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
            try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", arguments: [limit]).map(entry)
        }
    }

    public func verify() throws -> AuditVerification {
        try store.read { db in
            var previous = AuditChain.genesis
            var count = 0
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM audit_log ORDER BY id")
            while let row = try rows.next() {
                let item = entry(row)
                if item.prevHash != previous {
                    return .broken(rowID: item.id, reason: "its link to the previous row does not match")
                }
                let expected = AuditChain.digest(prev: item.prevHash, at: item.at, actorUserID: item.actorUserID,
                                                 actor: item.actor, action: item.action, subject: item.subject,
                                                 details: item.details)
                if expected != item.hash {
                    return .broken(rowID: item.id, reason: "its content does not match its hash")
                }
                previous = item.hash
                count += 1
            }
            return .intact(rows: count)
        }
    }

    private func entry(_ row: Row) -> AuditEntry {
        AuditEntry(id: row["id"], at: row["at"], actorUserID: row["actor_user_id"], actor: row["actor"],
                   action: row["action"], subject: row["subject"], details: row["details"],
                   prevHash: row["prev_hash"], hash: row["hash"])
    }
}
