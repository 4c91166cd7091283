import ArgumentParser
import Foundation
import SQLiteStorage
import TrainingServer

/// Where the audit key and the checkpoint file are: options shared by `serve`, `verify-audit`, `audit-checkpoint`
/// and `restore`.
struct AuditAnchorOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The Ed25519 key that signs audit checkpoints (PEM, mode 0600, created when missing; default audit-key.pem next to the database).",
                               valueName: "file"))
    var auditKey: String?
    @Option(help: ArgumentHelp("The append-only file of audit checkpoints (default: the database's name + .audit-checkpoints).",
                               valueName: "file"))
    var auditCheckpoints: String?

    func settings(interval: Double = 600, rows: Int = 100) -> AuditAnchorSettings {
        var settings = AuditAnchorSettings()
        settings.keyPath = auditKey
        settings.checkpointsPath = auditCheckpoints
        settings.interval = interval
        settings.rows = Int64(rows)
        return settings
    }

    func keyPath(database: String) -> String { settings().keyPath(databasePath: database) }

    func file(database: String) -> AuditCheckpointFile {
        AuditCheckpointFile(path: settings().checkpointsPath(databasePath: database))
    }
}

struct VerifyAudit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-audit",
        abstract: "Walk the audit log's hash chain, then check it against the latest signed checkpoint.",
        discussion: "Names the first broken row, tail rows deleted after a checkpoint and chains rewritten since one; exits 1 on any of them. A missing or empty checkpoint file is a warning.")
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var audit: AuditAnchorOptions

    func run() throws {
        let storage = try database.openExisting()
        let report: AuditVerificationReport
        do {
            report = try storage.verifyAudit(databasePath: database.db, settings: audit.settings())
        } catch {
            throw CommandFailure("\(error)")
        }
        report.lines.forEach { print($0) }
        if report.failed { throw ExitCode(1) }
    }
}

struct AuditCheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit-checkpoint",
        abstract: "Sign the audit chain's head and append it to the checkpoint file (the server does this by itself too).")
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var audit: AuditAnchorOptions

    func run() throws {
        let storage = try database.openExisting()
        do {
            let key = try AuditKey.loadOrCreate(at: audit.keyPath(database: database.db))
            let anchor = storage.auditAnchor(key: key, file: audit.file(database: database.db))
            if let checkpoint = try anchor.checkpoint(reason: "command", at: now()) {
                print("audit checkpoint: row \(checkpoint.row), \(checkpoint.rows) rows, hash \(checkpoint.hash.prefix(16))…, at \(checkpoint.time), in \(anchor.file.path)")
            } else {
                print("audit checkpoint not needed: the latest checkpoint in \(anchor.file.path) names the chain's head already")
            }
        } catch let error as AuditKeyError {
            throw CommandFailure(error.description)
        } catch let error as AuditCheckpointError {
            throw CommandFailure(error.description)
        }
    }
}

struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a backup, then put it in place of the database (the server must be stopped).",
        discussion: "Refuses, changing nothing, when a server holds the database, or the backup fails its integrity check, has a newer schema, a broken audit chain or disagrees with the audit checkpoints. The replaced database is kept as FILE.replaced-<time>.")
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var audit: AuditAnchorOptions
    @Argument(help: "The backup file (made by `training-server backup`).") var backup: String

    func run() throws {
        try database.requireSQLite("restore", instead: "restore a PostgreSQL database with pg_restore (docs/operations.md, \"PostgreSQL\")")
        try requireReadableFile(backup)
        let outcome: DatabaseRestore.Outcome
        do {
            outcome = try DatabaseRestore.restore(backup: backup, to: database.db, checkpoints: audit.file(database: database.db),
                                                  keyPath: audit.keyPath(database: database.db), now: now())
        } catch {
            throw CommandFailure("\(error)")
        }
        let schema = outcome.pendingMigrations == 0 ? "schema up to date"
            : "schema older (\(outcome.pendingMigrations) migrations run when the server next starts)"
        let anchor = outcome.checkedAgainst.map { "matches the audit \($0.summary)" }
            ?? "no audit checkpoint covers it"
        print("checked \(backup): integrity ok, audit log intact (\(outcome.backupHead.rows) rows), \(schema), \(anchor)")
        print("restored \(backup) to \(database.db)" + (outcome.replacedPath.map { "; the replaced database is kept as \($0)" } ?? ""))
        print("audit: database.restore recorded as row \(outcome.head.row); restore checkpoint appended to \(audit.file(database: database.db).path)")
    }
}
