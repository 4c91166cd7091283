import Foundation
import PostgresStorage
import Testing

@Suite(.enabled(if: TestPostgres.isEnabled, "set SE_POSTGRES_URL (scripts/postgres.sh starts a cluster and prints it)"))
struct PostgresMigratorTests {
    /// Migrations that fail when applied twice (CREATE TABLE without IF NOT EXISTS) and leave a row per application.
    static let migrations: [(name: String, sql: String)] = [
        ("v1-people", "CREATE TABLE people (id bigserial PRIMARY KEY, name text NOT NULL); CREATE TABLE applied (migration text)"),
        ("v2-people-email", "ALTER TABLE people ADD COLUMN email text; INSERT INTO applied VALUES ('v2')"),
        ("v3-courses", "CREATE TABLE courses (id text PRIMARY KEY); INSERT INTO applied VALUES ('v3')"),
        ("v4-enrolments", """
            CREATE TABLE enrolments (person_id bigint REFERENCES people (id), course_id text REFERENCES courses (id));
            INSERT INTO applied VALUES ('v4')
            """),
    ]

    @Test func appliesEachMigrationOnceAndRecordsIt() throws {
        try TestPostgres.withSchema("migrate") { configuration in
            let connection = try PostgresConnection(configuration: configuration)
            let firstTwo = try PostgresMigrator(Array(Self.migrations.prefix(2)))
            #expect(try firstTwo.appliedNames(connection) == [])
            #expect(try firstTwo.migrate(connection) == ["v1-people", "v2-people-email"])
            #expect(try firstTwo.migrate(connection) == [])

            // A later version of the list applies only what is new.
            let all = try PostgresMigrator(Self.migrations)
            #expect(try all.migrate(connection) == ["v3-courses", "v4-enrolments"])
            #expect(try all.migrate(connection) == [])
            #expect(Set(try all.appliedNames(connection)) == Set(Self.migrations.map(\.name)))
            #expect(try connection.query("SELECT count(*) FROM applied")[0].decode(Int.self, at: 0) == 3)
            // The tables went into the connection's schema, the record with them.
            let table: String = try connection.query("SELECT to_regclass('schema_migrations')::text")[0].decode(at: 0)
            #expect(table == "schema_migrations")
            let tables = try TestPostgres.readingCatalogue(connection) {
                try connection.query("SELECT count(*) FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'enrolments'",
                                     configuration.schema)[0].decode(Int.self, at: 0)
            }
            #expect(tables == 1)
        }
    }

    @Test func twoServersStartingAtOnceApplyEachMigrationExactlyOnce() throws {
        try TestPostgres.withSchema("race") { configuration in
            let migrator = try PostgresMigrator(Self.migrations)
            let applied = LockedBox<[[String]]>([])
            let errors = LockedBox<[String]>([])
            let start = DispatchGroup()
            start.enter(); start.enter()
            runThreads(2) { _ in
                do {
                    let connection = try PostgresConnection(configuration: configuration)
                    start.leave()
                    start.wait()  // both connected: start migrating together
                    let names = try migrator.migrate(connection)
                    applied.update { $0.append(names) }
                } catch {
                    errors.update { $0.append("\(error)") }
                }
            }
            #expect(errors.current.isEmpty, "\(errors.current)")
            // Together the two applied every migration, and no migration twice.
            let all = applied.current.flatMap { $0 }
            #expect(all.sorted() == Self.migrations.map(\.name).sorted())
            let check = try PostgresConnection(configuration: configuration)
            #expect(try check.query("SELECT count(*) FROM schema_migrations")[0].decode(Int.self, at: 0) == 4)
            #expect(try check.query("SELECT count(*) FROM applied")[0].decode(Int.self, at: 0) == 3)
        }
    }

    @Test func refusesADatabaseANewerServerMigrated() throws {
        try TestPostgres.withSchema("newer") { configuration in
            let connection = try PostgresConnection(configuration: configuration)
            try PostgresMigrator(Self.migrations).migrate(connection)
            let older = try PostgresMigrator(Array(Self.migrations.prefix(3)))
            #expect { try older.migrate(connection) } throws: { error in
                guard case .unknownMigrations(let names) = error as? PostgresMigrationError else { return false }
                let message = "\(error)"
                return names == ["v4-enrolments"] && message.contains("'v4-enrolments'") && message.contains("newer version")
            }
        }
    }

    @Test func aFailingMigrationLeavesTheOnesBeforeItAndNothingOfItself() throws {
        try TestPostgres.withSchema("failing") { configuration in
            let connection = try PostgresConnection(configuration: configuration)
            let broken = try PostgresMigrator([
                Self.migrations[0],
                ("v2-broken", "CREATE TABLE half_done (id int); INSERT INTO people (no_such_column) VALUES (1)"),
                Self.migrations[2],
            ])
            #expect { try broken.migrate(connection) } throws: { error in
                guard case .failed(let name, let underlying) = error as? PostgresMigrationError else { return false }
                return name == "v2-broken" && (underlying as? PostgresError)?.sqlState == "42703"
                    && "\(error)".contains("v2-broken")
            }
            #expect(try broken.appliedNames(connection) == ["v1-people"])
            #expect(try connection.query("SELECT to_regclass('half_done') IS NULL")[0].decode(Bool.self, at: 0))
            #expect(try connection.query("SELECT to_regclass('courses') IS NULL")[0].decode(Bool.self, at: 0))
        }
    }

    @Test func refusesDuplicateOrEmptyNames() {
        #expect(throws: PostgresMigrationError.self) { try PostgresMigrator([("a", "SELECT 1"), ("a", "SELECT 2")]) }
        #expect(throws: PostgresMigrationError.self) { try PostgresMigrator([(" ", "SELECT 1")]) }
    }
}
