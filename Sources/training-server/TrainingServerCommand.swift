import ArgumentParser
import Foundation
import Logging
import PostgresStorage
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

/// The database options every command shares: the SQLite file by default, or a PostgreSQL database shared by every
/// node with `--database`.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The SQLite database file. With --database, the node's own files are kept in its folder instead (the second-factor key, the issuer and audit keys, the audit checkpoints).",
        valueName: "file"))
    var db: String = "data/training.sqlite"
    @Option(name: .long, help: ArgumentHelp(
        "A PostgreSQL database for the platform's data instead of the SQLite file: postgres://user@host:port/database[?sslmode=…&schema=…].",
        valueName: "url"))
    var database: String?
    @Option(name: .long, help: ArgumentHelp(
        "A file whose first line is the PostgreSQL role's password (without it, libpq reads PGPASSFILE or ~/.pgpass).",
        valueName: "file"))
    var databasePasswordFile: String?
    @Option(name: .long, help: ArgumentHelp("Connections this process keeps open to PostgreSQL.", valueName: "n"))
    var databasePoolSize: Int = 8

    func validate() throws {
        if database == nil, databasePasswordFile != nil {
            throw ValidationError("--database-password-file is for a PostgreSQL --database")
        }
        guard (1...200).contains(databasePoolSize) else {
            throw ValidationError("--database-pool-size must be between 1 and 200")
        }
    }

    /// The PostgreSQL database given with --database (password from --database-password-file), nil for SQLite.
    func postgres(applicationName: String = "training-server") throws -> PostgresConfiguration? {
        try database.map { try postgresConfiguration($0, passwordFile: databasePasswordFile, applicationName: applicationName) }
    }

    /// Opens the database, creating it (and its folder) when missing: for commands that set a platform up. A
    /// PostgreSQL database must exist; its tables are made by the first process that opens it.
    func open() throws -> any StorageEngine { try openStorage(self, clock: now) }

    /// Opens a database that must exist already: a mistyped --db fails plainly instead of creating an empty one.
    func openExisting() throws -> any StorageEngine {
        guard database != nil || FileManager.default.fileExists(atPath: db) else {
            throw CommandFailure("database not found: \(db) (give the database file with --db)")
        }
        return try openStorage(self, clock: now)
    }

    /// Refuses a PostgreSQL --database for a command that works on the SQLite file itself, saying what to use.
    func requireSQLite(_ command: String, instead: String) throws {
        if database != nil { throw CommandFailure("\(command) works on the SQLite file given with --db; \(instead)") }
    }
}

/// The PostgreSQL database of a URL (password from `passwordFile`); a bad URL or file is a plain error.
func postgresConfiguration(_ url: String, passwordFile: String?, applicationName: String) throws -> PostgresConfiguration {
    do {
        var configuration = try PostgresConfiguration.parse(url)
        if let passwordFile { configuration = try configuration.withPassword(fromFile: passwordFile) }
        configuration.applicationName = applicationName
        return configuration
    } catch {
        throw CommandFailure("\(error)")
    }
}

/// The storage engine the options name, whose repositories stamp what they write with `clock`; with `serving`,
/// opened for a server (which logs its warnings there).
func openStorage(_ options: DatabaseOptions, clock: @escaping @Sendable () -> Double, serving logger: Logger? = nil) throws
    -> any StorageEngine {
    try openStorage(sqlite: options.db,
                    postgres: try options.postgres(applicationName: logger == nil ? "training-server" : "training-server serve"),
                    poolSize: options.databasePoolSize, clock: clock, serving: logger)
}

/// Every command opens its database here: the one place that picks the engine (PostgreSQL when `postgres` is given,
/// else the SQLite file `sqlite`).
func openStorage(sqlite path: String, postgres: PostgresConfiguration?, poolSize: Int = 8,
                 clock: @escaping @Sendable () -> Double, serving logger: Logger? = nil) throws -> any StorageEngine {
    if let postgres {
        do {
            return try PostgresEngine.open(configuration: postgres, poolSize: poolSize, clock: clock,
                                           logger: logger ?? Logger(label: "postgres"))
        } catch {
            throw CommandFailure("cannot open \(postgres): \(error)")
        }
    }
    if let logger { return try SQLiteEngine.openForServing(path: path, clock: clock, logger: logger) }
    return try SQLiteEngine.open(path: path, clock: clock)
}
