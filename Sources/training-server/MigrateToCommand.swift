import ArgumentParser
import Foundation
import Logging
import PostgresStorage
import SQLiteStorage
import TrainingServer

/// `training-server migrate-to postgres://…`: copies the SQLite database into an empty PostgreSQL database.
struct MigrateToCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-to",
        abstract: "Copy the SQLite database into an empty PostgreSQL database, then verify the copy.",
        discussion: """
            Migrates the PostgreSQL database to the current schema, refuses it if it holds any data, then copies every \
            table of one snapshot of the SQLite file in one transaction (sequences set past the copied numbers). \
            Afterwards it compares each table's row count and walks the audit chain on PostgreSQL; exits 1 if either \
            differs. The password comes from --password-file, else libpq's PGPASSFILE (~/.pgpass); TLS through \
            ?sslmode=verify-full&sslrootcert=… in the URL. The SQLite file is only read: a server may keep running on \
            it, but what it writes after the snapshot is not copied, so stop it first.
            """)

    @Argument(help: ArgumentHelp("The PostgreSQL database: postgres://user@host:port/database[?sslmode=…].",
                                 valueName: "url"))
    var url: String
    @Option(help: ArgumentHelp("A file whose first line is the PostgreSQL role's password.", valueName: "file"))
    var passwordFile: String?
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try database.requireSQLite("migrate-to", instead: "give the PostgreSQL database as its argument")
        let configuration = try postgresConfiguration(url, passwordFile: passwordFile,
                                                      applicationName: "training-server migrate-to")
        guard FileManager.default.fileExists(atPath: database.db) else {
            throw CommandFailure("database not found: \(database.db) (give the SQLite database file with --db)")
        }
        do {
            let reader = try SQLiteTableReader.open(path: database.db)
            defer { try? reader.close() }
            let connection = try PostgresConnection(configuration: configuration)
            let copy = PostgresDatabaseCopy(from: reader)
            let report = try copy.run(on: connection) { table, rows in print("copied \(table): \(rows) rows") }
            if !report.migrationsApplied.isEmpty {
                print("applied \(report.migrationsApplied.count) PostgreSQL migrations first")
            }
            print("verified: \(report.counts.count) tables, \(report.rows) rows, the same counts on both engines; "
                + "the audit chain's \(report.auditRows) rows verify on PostgreSQL")
            print(String(format: "done in %.1f s: %@", report.seconds, "\(configuration)"))
        } catch let failure as PostgresDatabaseCopy.Failure {
            if case .verificationFailed = failure {
                printError("Error: \(failure)")
                throw ExitCode(1)
            }
            throw CommandFailure(failure.description)
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}
