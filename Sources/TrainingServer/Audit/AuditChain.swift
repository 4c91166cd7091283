import Crypto
import Foundation

/// The audit log's hash chain as every engine writes and checks it: each row's hash is SHA-256 over the previous
/// row's hash and the row's fields, so a row changed, removed or inserted breaks the chain from there on. The
/// engines append inside the caller's transaction (an action and its audit row commit together or not at all) and
/// read the chain through an `AuditChainReader`; walking and verifying are the same code for all of them.
public enum AuditChain {
    /// The hash the first row links to.
    public static let genesis = String(repeating: "0", count: 64)

    /// The hash of a row: SHA-256 over the previous hash and every field, each on its own line.
    public static func digest(prev: String, at: Double, actorUserID: Int64?, actor: String, action: String, subject: String,
                              details: String) -> String {
        let fields = [prev, "\(at)", actorUserID.map { String($0) } ?? "", actor, action, subject, details]
        // Length-prefix each field so that no two different rows serialise the same way.
        let canonical = fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "\n")
        return SHA256.hash(data: Data(canonical.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The details as the chain stores and hashes them: JSON with sorted keys and unescaped slashes (every engine
    /// writes them this way, so the same events give the same hashes).
    public static func encode(_ details: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(details)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// What walking the rows after a known row found.
    public enum Walk: Equatable, Sendable {
        /// Every row links to the one before: the last row's hash (or `from` when there were none) and the count.
        case linked(head: String, rows: Int)
        case broken(rowID: Int64, reason: String)
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

/// One consistent reading of the audit chain (inside one read transaction of the engine): rows appended by others
/// meanwhile are not seen, so a walk neither breaks nor lengthens while it runs.
public protocol AuditChainSnapshot {
    /// The newest row's id (0 for an empty log).
    func newestRow() throws -> Int64
    /// The newest row's id and hash and the number of rows.
    func head() throws -> AuditHead
    /// The stored hash of row `id`, nil when there is no such row.
    func hash(ofRow id: Int64) throws -> String?
    /// How many rows have an id up to `id`.
    func rowCount(upTo id: Int64) throws -> Int
    /// At most `limit` rows with an id above `row`, in id order.
    func entries(after row: Int64, limit: Int) throws -> [AuditEntry]
}

/// Reads the audit chain of one database, each reading a snapshot of its own.
public protocol AuditChainReader: Sendable {
    func read<T>(_ body: (any AuditChainSnapshot) throws -> T) throws -> T
}

extension AuditChainSnapshot {
    /// Checks the rows with an id above `row`, the first of which must link to `hash`: the checkpointer uses it to
    /// make sure the chain extends the last checkpoint instead of replacing it, without reading older rows. Reads
    /// in batches, so a long log need not fit in memory.
    public func walk(after row: Int64, from hash: String, batchSize: Int = 5000) throws -> AuditChain.Walk {
        var previous = hash
        var count = 0
        var after = row
        while true {
            let batch = try entries(after: after, limit: batchSize)
            for item in batch {
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
                after = item.id
            }
            if batch.count < batchSize { return .linked(head: previous, rows: count) }
        }
    }

    /// Walks the whole chain from the genesis hash; names the first row whose link or content does not match.
    public func verify() throws -> AuditVerification {
        switch try walk(after: 0, from: AuditChain.genesis) {
        case .linked(_, let count): return .intact(rows: count)
        case .broken(let rowID, let reason): return .broken(rowID: rowID, reason: reason)
        }
    }
}
