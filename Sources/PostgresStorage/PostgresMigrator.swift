import Foundation
import Logging

/// One schema change: a name that never changes once released, and the SQL (one or more statements) it runs.
public struct PostgresMigration: Sendable, Equatable {
    public let name: String
    public let sql: String

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }
}

/// Brings a database's schema up to date with named, append-only migrations, recording each applied name in
/// `schema_migrations` (in the connection's schema).
///
/// Each migration runs in its own transaction together with its record, so a failing one leaves the database at
/// the one before it. Every transaction first takes the transaction-level advisory lock `lockKey`
/// (`pg_advisory_xact_lock`) and then reads which migrations are recorded, so servers starting at the same time
/// wait for each other and apply each migration exactly once. A database holding a migration this list does not
/// have was migrated by a newer server: `migrate` refuses to touch it.
///
/// A migration's SQL runs inside that transaction, so statements PostgreSQL refuses in a transaction block
/// (`CREATE INDEX CONCURRENTLY`, `VACUUM`) cannot be migrations. The lock is one for the whole database: servers
/// using different schemas of one database also take turns migrating.
public struct PostgresMigrator: Sendable {
    public let migrations: [PostgresMigration]
    /// The advisory lock the migrator holds while it works (the same in every version of the server).
    public static let lockKey: Int64 = 0x7472_6169_6e69_6e67  // "training"

    /// Migrations in the order they were written; names must be unique and non-empty.
    public init(_ migrations: [(name: String, sql: String)]) throws(PostgresMigrationError) {
        var seen: Set<String> = []
        for migration in migrations {
            guard !migration.name.trimmingCharacters(in: .whitespaces).isEmpty else { throw .emptyName }
            guard seen.insert(migration.name).inserted else { throw .duplicateName(migration.name) }
        }
        self.migrations = migrations.map { PostgresMigration(name: $0.name, sql: $0.sql) }
    }

    /// Applies the migrations the database has not recorded, in list order; returns the names applied now.
    @discardableResult
    public func migrate(_ connection: PostgresConnection, logger: Logger = Logger(label: "postgres")) throws -> [String] {
        let known = Set(migrations.map(\.name))
        // The table itself is created under the lock too: two concurrent CREATE TABLE IF NOT EXISTS can both find
        // it missing, and the second then fails on the catalogue's unique index.
        let recorded: [String] = try connection.transaction { connection in
            try lock(connection)
            try connection.executeScript("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    name text PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
            return try appliedNames(connection)
        }
        let unknown = recorded.filter { !known.contains($0) }
        if !unknown.isEmpty { throw PostgresMigrationError.unknownMigrations(unknown) }

        var applied: [String] = []
        for migration in migrations where !recorded.contains(migration.name) {
            let ran: Bool = try connection.transaction { connection in
                try lock(connection)
                // Another server may have applied it while this one waited for the lock.
                let done = try connection.query("SELECT 1 FROM schema_migrations WHERE name = $1", migration.name)
                if !done.isEmpty { return false }
                do {
                    try connection.executeScript(migration.sql)
                } catch {
                    throw PostgresMigrationError.failed(name: migration.name, error: error)
                }
                try connection.execute("INSERT INTO schema_migrations (name) VALUES ($1)", migration.name)
                return true
            }
            if ran {
                applied.append(migration.name)
                logger.info("applied PostgreSQL migration", metadata: ["migration": "\(migration.name)"])
            }
        }
        return applied
    }

    /// The recorded migration names, oldest first (an empty list before the first `migrate`).
    public func appliedNames(_ connection: PostgresConnection) throws -> [String] {
        let exists = try connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL")
        guard try exists[0].decode(Bool.self, at: 0) else { return [] }
        return try connection.query("SELECT name FROM schema_migrations ORDER BY applied_at, name")
            .map { try $0.decode(String.self, at: 0) }
    }

    private func lock(_ connection: PostgresConnection) throws {
        try connection.query("SELECT pg_advisory_xact_lock($1)", Self.lockKey)
    }
}

public enum PostgresMigrationError: Error, CustomStringConvertible {
    case emptyName
    case duplicateName(String)
    /// The database has migrations this server does not know: a newer server migrated it.
    case unknownMigrations([String])
    /// A migration's SQL failed; nothing of it was kept.
    case failed(name: String, error: any Error)

    public var description: String {
        switch self {
        case .emptyName:
            return "a PostgreSQL migration has an empty name"
        case .duplicateName(let name):
            return "the PostgreSQL migration '\(name)' is listed twice"
        case .unknownMigrations(let names):
            return "the database has migration(s) this server does not know: "
                + names.map { "'\($0)'" }.joined(separator: ", ")
                + ". A newer version of the server has migrated it; run that version (or a newer one) instead"
        case .failed(let name, let error):
            return "the PostgreSQL migration '\(name)' failed and was rolled back: \(error)"
        }
    }
}
