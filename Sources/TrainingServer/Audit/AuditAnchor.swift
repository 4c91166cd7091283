import Foundation

/// Anchors the audit chain outside the database: takes signed checkpoints of its head (`checkpoint`) and checks
/// the chain against them (`check`).
///
/// A checkpoint is only taken when the chain still extends the latest one (that row still has the checkpointed
/// hash, the rows before it are all there, and every row after it links on), so a chain rewritten between two
/// checkpoints is refused rather than signed.
public final class AuditAnchor: Sendable {
    public let key: AuditKey
    public let file: AuditCheckpointFile
    let chain: any AuditChainReader

    public init(chain: any AuditChainReader, key: AuditKey, file: AuditCheckpointFile) {
        self.chain = chain
        self.key = key
        self.file = file
    }

    /// The id of the chain's newest row (for deciding whether a checkpoint is due).
    public func newestRow() throws -> Int64 {
        try chain.read { chain in try chain.newestRow() }
    }

    /// The row of the file's latest checkpoint; nil when none.
    public func latestCheckpointedRow() throws -> Int64? {
        try latestCheckpoint()?.row
    }

    /// Signs the current head and appends it to the file; nil when the head is the latest checkpoint's already.
    /// Throws `AuditCheckpointError` when the chain does not extend the latest checkpoint or the file's last line
    /// cannot be trusted.
    @discardableResult
    public func checkpoint(reason: String, at now: Double) throws -> AuditCheckpoint? {
        let previous = try latestCheckpoint()
        let head: AuditHead = try chain.read { chain in
            guard let previous else {
                if case .broken(let rowID, let why) = try chain.verify() {
                    throw AuditCheckpointError.chainDoesNotExtend("the audit log is broken at row \(rowID): \(why)")
                }
                return try chain.head()
            }
            if let problem = try AuditAnchor.compare(previous, in: chain) {
                throw AuditCheckpointError.chainDoesNotExtend(problem.message)
            }
            switch try chain.walk(after: previous.row, from: previous.hash) {
            case .broken(let rowID, let why):
                throw AuditCheckpointError.chainDoesNotExtend("the audit log is broken at row \(rowID): \(why)")
            case .linked(let hash, let added):
                let row = added == 0 ? previous.row : try chain.newestRow()
                return AuditHead(row: row, hash: hash, rows: previous.rows + added)
            }
        }
        if let previous, previous.row == head.row, previous.hash == head.hash { return nil }
        let checkpoint = try AuditCheckpoint(head: head, at: Int64(now.rounded(.down)), reason: reason, key: key)
        try file.append(checkpoint)
        return checkpoint
    }

    /// The file's last line, read every time: another process (`audit-checkpoint`, a second server) may have
    /// appended since.
    private func latestCheckpoint() throws -> AuditCheckpoint? {
        guard let last = try file.last() else { return nil }
        switch last {
        case .unreadable:
            throw AuditCheckpointError.untrustedFile("the last line of \(file.path) is not a checkpoint")
        case .checkpoint(_, let checkpoint):
            guard checkpoint.isSigned(by: key) else {
                throw AuditCheckpointError.untrustedFile("the last checkpoint in \(file.path) is not signed by the audit key")
            }
            return checkpoint
        }
    }

    // MARK: - Checking

    /// Something a check found.
    public enum Finding: Sendable, Equatable {
        /// No checkpoint to check against (a warning, not tampering).
        case noCheckpoints(path: String, missing: Bool)
        case unreadableLine(path: String, number: Int)
        case invalidSignature(path: String, number: Int, AuditCheckpoint, expectedKey: String)
        /// Rows `first...last` existed at the checkpoint and are gone (the log now ends before them).
        case tailDeleted(first: Int64, last: Int64, AuditCheckpoint)
        /// The checkpointed row is gone though later rows exist.
        case rowMissing(AuditCheckpoint)
        /// The checkpointed row has another hash now; `stillMatching` is the newest earlier checkpoint (since the
        /// latest restore) that still matches, which bounds where the change starts.
        case rewritten(AuditCheckpoint, found: String, stillMatching: AuditCheckpoint?)
        /// Rows up to the checkpointed row were removed (or added) without changing its hash.
        case rowCountDiffers(AuditCheckpoint, found: Int)

        public var isTampering: Bool {
            if case .noCheckpoints = self { return false }
            return true
        }

        /// One line for the operator.
        public var message: String {
            switch self {
            case .noCheckpoints(let path, let missing):
                return "warning: audit checkpoint file \(path) is \(missing ? "missing" : "empty"): deleted tail rows and rewritten chains cannot be detected"
            case .unreadableLine(let path, let number):
                return "checkpoint file \(path) line \(number) is not a checkpoint"
            case .invalidSignature(let path, let number, let checkpoint, let expected):
                let why = checkpoint.key == expected ? "" : " (signed by key \(checkpoint.key), the audit key is \(expected))"
                return "checkpoint signature invalid: \(path) line \(number), \(checkpoint.summary)\(why)"
            case .tailDeleted(let first, let last, let checkpoint):
                let span = first == last ? "row \(first)" : "rows \(first)..\(last)"
                return "\(span) deleted after \(checkpoint.summary): the log now ends at row \(first - 1)"
            case .rowMissing(let checkpoint):
                return "row \(checkpoint.row) deleted: it is missing though the \(checkpoint.summary) names it"
            case .rewritten(let checkpoint, let found, let stillMatching):
                let bound = stillMatching.map { "; the change lies after row \($0.row) (\($0.summary) still matches)" }
                    ?? "; the change lies at or before row \(checkpoint.row)"
                return "chain rewritten: row \(checkpoint.row) hash differs from \(checkpoint.summary) (checkpoint \(checkpoint.hash.prefix(16))…, log \(found.prefix(16))…)\(bound)"
            case .rowCountDiffers(let checkpoint, let found):
                return "rows deleted before \(checkpoint.summary): the log holds \(found) rows up to it, the checkpoint counted \(checkpoint.rows)"
            }
        }
    }

    /// What checking a chain against a checkpoint file found.
    public struct Check: Sendable, Equatable {
        public var findings: [Finding]
        /// The checkpoint the chain was compared with (the file's last), when there was one.
        public var latest: AuditCheckpoint?
        public var tampered: Bool { findings.contains(where: \.isTampering) }
    }

    /// Checks every line's signature, then the chain in `chain` against the latest checkpoint.
    static func check(_ lines: [AuditCheckpointFile.Line]?, path: String, key: AuditKey?,
                      in chain: any AuditChainSnapshot) throws -> Check {
        guard let lines, !lines.isEmpty else {
            return Check(findings: [.noCheckpoints(path: path, missing: lines == nil)], latest: nil)
        }
        var findings: [Finding] = []
        var signed: [AuditCheckpoint] = []
        for line in lines {
            switch line {
            case .unreadable(let number):
                findings.append(.unreadableLine(path: path, number: number))
            case .checkpoint(let number, let checkpoint):
                if let key, checkpoint.isSigned(by: key) {
                    signed.append(checkpoint)
                } else {
                    findings.append(.invalidSignature(path: path, number: number, checkpoint,
                                                      expectedKey: key?.keyID ?? "missing"))
                }
            }
        }
        // The latest checkpoint is the file's last line; a last line that is unreadable or badly signed is a
        // finding already, and the chain is still compared with the latest trustworthy one.
        guard let latest = signed.last else { return Check(findings: findings, latest: nil) }
        if let problem = try compare(latest, in: chain) {
            if case .rewritten(let checkpoint, let found, _) = problem {
                let lineage = signed.lastIndex { $0.reason == AuditCheckpoint.restoreReason }.map { Array(signed[$0...]) } ?? signed
                var stillMatching: AuditCheckpoint? = nil
                for earlier in lineage.dropLast().reversed() where earlier.row < checkpoint.row {
                    if try compare(earlier, in: chain) == nil {
                        stillMatching = earlier
                        break
                    }
                }
                findings.append(.rewritten(checkpoint, found: found, stillMatching: stillMatching))
            } else {
                findings.append(problem)
            }
        }
        return Check(findings: findings, latest: latest)
    }

    /// Whether the chain still holds `checkpoint`'s row with its hash and the rows before it.
    public static func compare(_ checkpoint: AuditCheckpoint, in chain: any AuditChainSnapshot) throws -> Finding? {
        if checkpoint.row == 0 { return nil }
        let newest = try chain.newestRow()
        if newest < checkpoint.row {
            return .tailDeleted(first: newest + 1, last: checkpoint.row, checkpoint)
        }
        guard let hash = try chain.hash(ofRow: checkpoint.row) else { return .rowMissing(checkpoint) }
        if hash != checkpoint.hash { return .rewritten(checkpoint, found: hash, stillMatching: nil) }
        let count = try chain.rowCount(upTo: checkpoint.row)
        if count != checkpoint.rows { return .rowCountDiffers(checkpoint, found: count) }
        return nil
    }

    /// Checks the chain against the checkpoint file, verifying each line's signature with `key` (nil when the key
    /// file is missing: every line then fails).
    public static func check(chain: any AuditChainReader, file: AuditCheckpointFile, key: AuditKey?) throws -> Check {
        let lines = try file.read()
        return try chain.read { snapshot in try check(lines, path: file.path, key: key, in: snapshot) }
    }
}
