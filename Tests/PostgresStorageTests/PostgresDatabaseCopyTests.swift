import Foundation
import GRDB
@testable import PostgresStorage
import Testing
import SQLiteStorage
import TrainingServer

/// `migrate-to`'s copy: a SQLite database (the demo organisation, with a department moved under a later one and a
/// number handed out past the last row) into an empty PostgreSQL schema, verified, and refused into a non-empty one.
@Suite(.enabled(if: TestPostgres.isEnabled, "set SE_POSTGRES_URL (scripts/postgres.sh starts a cluster and prints it)"))
struct PostgresDatabaseCopyTests {
    /// A SQLite database in a folder of its own: the demo seeding, plus a department moved under one created after
    /// it (its parent then has the higher id) and audit numbers handed out past the last row (`sqlite_sequence`).
    final class Source {
        let folder: URL
        let store: Store
        let engine: SQLiteEngine

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("copy-\(UUID().uuidString)")
            store = try Store(path: folder.appendingPathComponent("training.sqlite").path)
            engine = SQLiteEngine(store: store, clock: { 1_800_000_000 })
            _ = try DemoSeed.seedIfNeeded(storage: engine, users: engine.users, departments: engine.departments,
                                          hasher: PasswordHasher())
            let early = try engine.departments.ensure(path: ["省人民政府", "早设处"], by: .system)
            let late = try engine.departments.ensure(path: ["省人民政府", "后设局"], by: .system)
            _ = try engine.departmentAdministration.move(early.id, under: late.id, by: .system)
            try store.write { db in
                // AUTOINCREMENT numbers handed out to rows since gone: they must not be handed out again.
                try db.execute(sql: "UPDATE sqlite_sequence SET seq = seq + 10 WHERE name = 'audit_log'")
            }
        }

        deinit { try? FileManager.default.removeItem(at: folder) }

        func count(_ table: String) throws -> Int {
            try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
        }
    }

    @Test func copiesEveryTableVerifiesAndLeavesThePostgreSQLDatabaseWorking() throws {
        let source = try Source()
        try TestPostgres.withSchema("copy") { configuration in
            let connection = try PostgresConnection(configuration: configuration)
            let report = try PostgresDatabaseCopy(from: SQLiteTableReader(store: source.store)).run(on: connection)
            #expect(report.migrationsApplied.count == PostgresSchema.migrations.count)
            #expect(report.counts.allSatisfy { $0.sqlite == $0.postgres })
            #expect(try report.counts.first { $0.table == "users" }?.postgres == source.count("users"))
            #expect(try report.counts.first { $0.table == "departments" }?.postgres == source.count("departments"))
            #expect(try report.auditRows == source.count("audit_log"))
            #expect(report.rows > 300)
            // Parents before children, whatever their ids.
            let order = report.counts.map(\.table)
            #expect(try #require(order.firstIndex(of: "departments")) < #require(order.firstIndex(of: "users")))

            // The PostgreSQL repositories read what SQLite holds.
            let pool = PostgresPool(configuration: configuration, size: 2)
            defer { pool.close() }
            let departments = PostgresDepartmentRepository(pool: pool, clock: { 1_800_000_100 })
            let sqliteTree = try source.engine.departments.all().map { "\($0.id.rawValue) \($0.namePath)" }.sorted()
            #expect(try departments.all().map { "\($0.id.rawValue) \($0.namePath)" }.sorted() == sqliteTree)
            let users = PostgresUserRepository(pool: pool, clock: { 1_800_000_100 })
            let learner = try #require(try users.find(login: "demo-learner"))
            #expect(try source.engine.users.find(login: "demo-learner")?.id == learner.id)

            // Sequences continue past the copied numbers (and past those SQLite handed out to rows since gone).
            let office = try #require(try departments.find(path: ["省人民政府", "省数据局", "综合处"]))
            let peopleBefore = try connection.query("SELECT people FROM department_people WHERE department_id = $1",
                                                    office.id.rawValue)[0].decode(Int.self, at: 0)
            let created = try users.create(NewUser(login: "after.copy", displayName: "新人", departmentID: office.id,
                                                   passwordHash: "x", roles: [.learner]), by: .commandLine)
            let highestUser = try source.store.read { db in try Int64.fetchOne(db, sql: "SELECT max(id) FROM users") ?? 0 }
            #expect(created.id.rawValue > highestUser)
            // The triggers work again: the new person is counted in the department's aggregate.
            #expect(try connection.query("SELECT people FROM department_people WHERE department_id = $1",
                                         office.id.rawValue)[0].decode(Int.self, at: 0) == peopleBefore + 1)
            let (handedOut, highestAudit) = try source.store.read { db in
                (try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'") ?? 0,
                 try Int64.fetchOne(db, sql: "SELECT max(id) FROM audit_log") ?? 0)
            }
            #expect(handedOut == highestAudit + 10)
            // The audit chain goes on from the copied head, with the next number SQLite would have given.
            try PostgresAuditLog(pool: pool, clock: { 1_800_000_200 })
                .append(AuditEvent(action: "test.after_copy", subject: "x"), by: .commandLine)
            let newest = try connection.query("SELECT max(id) FROM audit_log")[0].decode(Int64.self, at: 0)
            #expect(newest == handedOut + 2)  // the user created above, then this row
            #expect(try PostgresAuditLog(pool: pool, clock: { 1 }).verify() == .intact(rows: report.auditRows + 2))
        }
    }

    @Test func refusesADatabaseThatHoldsDataAndChangesNothing() throws {
        let source = try Source()
        try TestPostgres.withSchema("copyfull") { configuration in
            let connection = try PostgresConnection(configuration: configuration)
            _ = try PostgresDatabaseCopy(from: SQLiteTableReader(store: source.store)).run(on: connection)
            let before = try connection.query("SELECT count(*) FROM users")[0].decode(Int.self, at: 0)
            #expect {
                try PostgresDatabaseCopy(from: SQLiteTableReader(store: source.store)).run(on: connection)
            } throws: { error in
                guard case .notEmpty(let tables) = error as? PostgresDatabaseCopy.Failure else { return false }
                return tables.contains("users") && tables.contains("audit_log")
                    && !tables.contains("search_positions")
            }
            #expect(try connection.query("SELECT count(*) FROM users")[0].decode(Int.self, at: 0) == before)
        }
    }

    @Test func aValueThePostgreSQLColumnCannotTakeRollsEverythingBack() throws {
        let source = try Source()
        try source.store.write { db in
            // SQLite keeps text that does not look like a number in an INTEGER column.
            try db.execute(sql: "UPDATE users SET unread_notices = 'many' WHERE login = 'demo-admin'")
        }
        try TestPostgres.withSchema("copybad") { configuration in
            let connection = try PostgresConnection(configuration: configuration)
            #expect {
                try PostgresDatabaseCopy(from: SQLiteTableReader(store: source.store)).run(on: connection)
            } throws: { error in
                guard case .unconvertible(let table, _, _) = error as? PostgresDatabaseCopy.Failure else { return false }
                return table == "users"
            }
            for table in ["departments", "users", "audit_log"] {
                #expect(try connection.query("SELECT count(*) FROM \(table)")[0].decode(Int.self, at: 0) == 0)
            }
            // The triggers were not left disabled.
            let disabled = try connection.query("""
                SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                WHERE c.relnamespace = to_regnamespace($1) AND NOT t.tgisinternal AND t.tgenabled = 'D'
                """, configuration.schema ?? "public")[0].decode(Int.self, at: 0)
            #expect(disabled == 0)
            // Once the value is fixed the same database takes the copy.
            try source.store.write { db in
                try db.execute(sql: "UPDATE users SET unread_notices = 0 WHERE login = 'demo-admin'")
            }
            let report = try PostgresDatabaseCopy(from: SQLiteTableReader(store: source.store)).run(on: connection)
            #expect(report.counts.allSatisfy { $0.sqlite == $0.postgres })
        }
    }

    @Test func parentsComeBeforeTheirChildrenWhateverTheOrderOfTheRows() {
        let table = StoredTable(name: "departments", columns: ["id", "parent_id"], declaredTypes: ["INTEGER", "INTEGER"],
                                primaryKey: ["id"],
                                foreignKeys: [.init(column: "parent_id", table: "departments", referencedColumn: "id")])
        let rows: [[StorageValue]] = [[.integer(3), .integer(5)], [.integer(1), .null], [.integer(5), .integer(1)],
                                      [.integer(2), .integer(3)]]
        let ordered = PostgresDatabaseCopy.parentsFirst(rows, table: table, references: table.foreignKeys)
        #expect(ordered.map { $0[0] } == [.integer(1), .integer(5), .integer(3), .integer(2)])
    }
}
