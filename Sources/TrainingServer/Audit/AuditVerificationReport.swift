import Foundation

/// What `verify-audit` and the audit log page's "verify the chain" find: the whole chain walked from the genesis
/// hash, then compared with the latest signed checkpoint of the checkpoint file.
public struct AuditVerificationReport: Sendable, Equatable {
    /// The walk: intact with its row count, or the first broken row and why.
    public var chain: AuditVerification
    /// The checkpoint comparison (nil when it could not be made: the key file is missing and nothing is signed).
    public var check: AuditAnchor.Check?
    /// The checkpoint file and key looked at.
    public var checkpointsPath: String
    public var keyPath: String
    /// The audit key file is missing, so no checkpoint's signature could be checked.
    public var keyMissing: Bool
    /// Rows written after the latest checkpoint (when the chain still extends it).
    public var rowsSinceCheckpoint: Int?

    /// Whether anything is wrong: a broken row, a checkpoint the chain does not extend, or checkpoints that cannot
    /// be checked. A missing or empty checkpoint file is only a warning.
    public var failed: Bool {
        if case .broken = chain { return true }
        if keyMissing, check == nil { return true }
        return check?.tampered ?? false
    }

    /// The latest checkpoint the chain was compared with, when it still matches.
    public var matchedCheckpoint: AuditCheckpoint? {
        guard let check, !check.tampered else { return nil }
        return check.latest
    }

    /// Walks the chain and compares it with the checkpoints in `settings`' files (resolved against
    /// `databasePath`). Throws when the files cannot be read.
    public static func run(chain reader: any AuditChainReader, databasePath: String,
                           settings: AuditAnchorSettings) throws -> AuditVerificationReport {
        let chain = try reader.read { chain in try chain.verify() }
        let keyPath = settings.keyPath(databasePath: databasePath)
        let file = AuditCheckpointFile(path: settings.checkpointsPath(databasePath: databasePath))
        let key = try AuditKey.load(at: keyPath)
        var check: AuditAnchor.Check? = try AuditAnchor.check(chain: reader, file: file, key: key)
        if key == nil, check?.latest == nil, check?.findings.contains(where: \.isTampering) == true { check = nil }
        var since: Int?
        if let latest = check?.latest, check?.tampered == false {
            since = try reader.read { chain in try chain.head() }.rows - latest.rows
        }
        return AuditVerificationReport(chain: chain, check: check, checkpointsPath: file.path, keyPath: keyPath,
                                       keyMissing: key == nil, rowsSinceCheckpoint: since)
    }

    /// The report as `verify-audit` prints it, one line each.
    public var lines: [String] {
        var lines: [String] = []
        switch chain {
        case .intact(let rows): lines.append("audit log intact: \(rows) rows")
        case .broken(let rowID, let reason): lines.append("audit log broken at row \(rowID): \(reason)")
        }
        guard let check else {
            lines.append("cannot check the checkpoints in \(checkpointsPath): audit key \(keyPath) not found (give it with --audit-key)")
            return lines
        }
        lines += check.findings.map(\.message)
        if let latest = matchedCheckpoint {
            lines.append("checked against the latest audit checkpoint: \(latest.summary), hash \(latest.hash.prefix(16))…; \(rowsSinceCheckpoint ?? 0) rows since")
        }
        return lines
    }
}
