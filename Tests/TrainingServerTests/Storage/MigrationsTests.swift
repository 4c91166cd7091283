import Foundation
import GRDB
import Testing
@testable import TrainingServer

@Suite struct MigrationsTests {
    /// The foundation's tables; later migrations add more.
    private static let foundationTables: Set<String> = ["api_tokens", "audit_log", "departments", "login_failures",
                                                        "role_grants", "sessions", "settings", "users"]

    @Test func aFreshFileGetsEveryMigration() throws {
        let temporary = try TemporaryStore()
        let names = try temporary.store.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        #expect(Self.foundationTables.isSubset(of: Set(names)))
        let triggers = try temporary.store.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'")
        }
        #expect(Set(["audit_log_no_delete", "audit_log_no_update"]).isSubset(of: Set(triggers)))
        let applied = try temporary.store.read { db in try Migrations.migrator.appliedIdentifiers(db) }
        #expect(applied == Set(Migrations.migrator.migrations))
        #expect(Migrations.migrator.migrations.first == "2026-11-29-foundation")
    }

    @Test func reopeningAppliesNothingTwiceAndKeepsTheData() throws {
        let temporary = try TemporaryStore()
        let path = temporary.store.path
        let departments = SQLiteDepartmentRepository(store: temporary.store, clock: { 1 })
        let created = try departments.ensure(path: ["省政府"], by: .system)
        try temporary.store.pool.close()

        let reopened = try Store(path: path)
        let again = try Store(path: path)
        let applied = try reopened.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(applied.count == Migrations.migrator.migrations.count)
        #expect(Set(applied).count == applied.count)
        #expect(try SQLiteDepartmentRepository(store: again, clock: { 2 }).find(id: created.id)?.name == "省政府")
        #expect(try reopened.read { db in try Migrations.migrator.hasCompletedMigrations(db) })
        #expect(try SQLiteAuditLog(store: again, clock: { 3 }).verify() == .intact(rows: 1))
    }

    @Test func theDatabaseIsInWALModeWithForeignKeysOn() throws {
        let temporary = try TemporaryStore()
        let (journal, foreignKeys, synchronous) = try temporary.store.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
             try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(journal == "wal")
        #expect(foreignKeys == 1)
        #expect(synchronous == 2)
    }

    @Test func schemaChecksRefuseBadRows() throws {
        let temporary = try TemporaryStore()
        #expect(throws: DatabaseError.self) {
            try temporary.store.write { db in
                try db.execute(sql: "INSERT INTO departments (name, id_path, created_at) VALUES ('a/b', '/x/', 0)")
            }
        }
        #expect(throws: DatabaseError.self) {
            try temporary.store.write { db in
                try db.execute(sql: "INSERT INTO departments (name, id_path, created_at) VALUES ('', '/y/', 0)")
            }
        }
    }
}
