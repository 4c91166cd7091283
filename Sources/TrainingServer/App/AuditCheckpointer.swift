import Foundation
import Logging

/// Where the server keeps the audit anchor and how often it takes checkpoints (`serve --audit-key`,
/// `--audit-checkpoints`, `--audit-checkpoint-minutes`, `--audit-checkpoint-rows`).
public struct AuditAnchorSettings: Sendable {
    /// The Ed25519 key file; nil: `audit-key.pem` next to the database.
    public var keyPath: String?
    /// The checkpoint file; nil: `<database>.audit-checkpoints`.
    public var checkpointsPath: String?
    /// Seconds after which new rows get a checkpoint.
    public var interval: Double = 600
    /// New rows that make a checkpoint due before the interval ends.
    public var rows: Int64 = 100

    public init() {}

    public static func defaultKeyPath(databasePath: String) -> String {
        URL(fileURLWithPath: databasePath).deletingLastPathComponent().appendingPathComponent("audit-key.pem").path
    }

    public func keyPath(databasePath: String) -> String { keyPath ?? Self.defaultKeyPath(databasePath: databasePath) }

    public func checkpointsPath(databasePath: String) -> String {
        checkpointsPath ?? AuditCheckpointFile.defaultPath(databasePath: databasePath)
    }
}

/// The server's checkpoints of the audit chain: at start, whenever `rows` new rows or `interval` seconds with new
/// rows have passed (looked at every few seconds), and at a clean stop. Each one is logged at info level with its
/// full line, so a log collector holds a second copy. A chain that does not extend the last checkpoint is logged
/// as an error and not signed.
public final class AuditCheckpointer: Sendable {
    let anchor: AuditAnchor
    let settings: AuditAnchorSettings
    let logger: Logger
    let clock: @Sendable () -> Double

    public init(storage: any StorageEngine, databasePath: String, settings: AuditAnchorSettings, logger: Logger,
                clock: @escaping @Sendable () -> Double) throws {
        let key = try AuditKey.loadOrCreate(at: settings.keyPath(databasePath: databasePath))
        anchor = storage.auditAnchor(key: key,
                                     file: AuditCheckpointFile(path: settings.checkpointsPath(databasePath: databasePath)))
        self.settings = settings
        self.logger = logger
        self.clock = clock
    }

    /// Takes a checkpoint now if the chain moved; logs what happened. False when it failed.
    @discardableResult
    public func checkpoint(reason: String) -> Bool {
        do {
            if let checkpoint = try anchor.checkpoint(reason: reason, at: clock()) {
                logger.info("audit checkpoint: \(checkpoint.line)")
            }
            return true
        } catch {
            logger.error("audit checkpoint failed: \(error)")
            return false
        }
    }

    /// Checkpoints at start, then watches the chain on a thread of its own.
    public func start() {
        checkpoint(reason: "start")
        let poll = max(0.2, min(15, settings.interval))
        Thread.detachNewThread { [self] in
            var lastTaken = clock()
            // After a failure only the interval retries, so a broken chain is reported once per interval.
            var failed = false
            while true {
                Thread.sleep(forTimeInterval: poll)
                do {
                    let newest = try anchor.newestRow()
                    let checkpointed = (try? anchor.latestCheckpointedRow()) ?? nil
                    let added = newest - (checkpointed ?? 0)
                    guard added != 0 || checkpointed == nil else { continue }
                    if clock() - lastTaken >= settings.interval || (!failed && added >= settings.rows) {
                        failed = !checkpoint(reason: "interval")
                        lastTaken = clock()
                    }
                } catch {
                    logger.error("audit checkpoint failed: \(error)")
                }
            }
        }
    }
}
