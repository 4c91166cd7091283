import ArgumentParser
import Foundation
import Logging
import SQLiteStorage
import TrainingServer

/// `training-server`: the platform's one binary.
struct TrainingServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "training-server",
        abstract: "Civil Service Academy: e-learning and certification for civil servants.",
        version: ProductVersion.current,
        subcommands: [Serve.self, Users.self, Departments.self, Tokens.self, Backup.self, Restore.self, VerifyAudit.self, AuditCheckpointCommand.self,
                      RegradeCommand.self, ImportStaffCommand.self, LintCommand.self, ImportGIFTCommand.self,
                      ExportGIFTCommand.self, FuzzCommand.self, SyntheticCoursesCommand.self, LoadCoursesCommand.self,
                      ReportCommand.self, MailCommand.self, MigrateToCommand.self,
                      VerifyCredentialCommand.self, LDAPCheckCommand.self])
}

/// The database option every command shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "The SQLite database file.")
    var db: String = "data/training.sqlite"

    /// Opens the database, creating it (and its folder) when missing: for commands that set a platform up.
    func open() throws -> any StorageEngine { try openStorage(db, clock: now) }

    /// Opens a database that must exist already: a mistyped --db fails plainly instead of creating an empty one.
    func openExisting() throws -> any StorageEngine {
        guard FileManager.default.fileExists(atPath: db) else {
            throw CommandFailure("database not found: \(db) (give the database file with --db)")
        }
        return try openStorage(db, clock: now)
    }
}

/// The storage engine of `database`, whose repositories stamp what they write with `clock`; with `serving`, opened for
/// a server (which logs its warnings there). Every command opens its database here: the one place that picks the
/// engine (today a SQLite file, `database` being its path).
func openStorage(_ database: String, clock: @escaping @Sendable () -> Double, serving logger: Logger? = nil) throws
    -> any StorageEngine {
    if let logger { return try SQLiteEngine.openForServing(path: database, clock: clock, logger: logger) }
    return try SQLiteEngine.open(path: database, clock: clock)
}
