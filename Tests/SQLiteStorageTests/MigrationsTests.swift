import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
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

    @Test func aPersonsDepartmentJoiningTimeFollowsCreationAndMoves() throws {
        let temporary = try TemporaryStore()
        let joined = try temporary.store.write { db -> [Double?] in
            try db.execute(sql: """
                INSERT INTO departments (id, name, id_path, created_at) VALUES (1, '省', '/1/', 0), (2, '局', '/1/2/', 0);
                INSERT INTO users (id, login, display_name, department_id, password_hash, created_at, updated_at)
                    VALUES (7, 'a', '甲', 1, 'x', 100, 100);
                UPDATE users SET display_name = '乙', updated_at = 150 WHERE id = 7;
                """)
            let afterRename = try Double.fetchOne(db, sql: "SELECT department_joined_at FROM users WHERE id = 7")
            try db.execute(sql: "UPDATE users SET department_id = 2, updated_at = 200 WHERE id = 7")
            let afterMove = try Double.fetchOne(db, sql: "SELECT department_joined_at FROM users WHERE id = 7")
            return [afterRename, afterMove]
        }
        #expect(joined == [100, 200])
        #expect(throws: DatabaseError.self) {
            try temporary.store.write { db in
                try db.execute(sql: """
                    INSERT INTO assignments (name, item_kind, item_id, required, audience, department_id, due_kind,
                                             created_at) VALUES ('x', 'course', 'c', 1, 'department', 1, 'fixed', 0)
                    """)
            }
        }
    }

    @Test func unreadAnnouncementsAreCountedForNoticesStoredBeforeTheCountExisted() throws {
        let temporary = try TemporaryStore()
        let path = temporary.path("older.sqlite")
        let queue = try DatabaseQueue(path: path)
        try Migrations.migrator.migrate(queue, upTo: "2026-12-08-notices-and-announcements")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO departments (id, name, id_path, created_at) VALUES (1, '省', '/1/', 0);
                INSERT INTO users (id, login, display_name, department_id, password_hash, created_at, updated_at)
                    VALUES (7, 'a', '甲', 1, 'x', 0, 0), (8, 'b', '乙', 1, 'x', 0, 0), (9, 'c', '丙', 1, 'x', 0, 0);
                INSERT INTO announcements (id, department_id, title, body, created_at) VALUES (1, 1, '一', '正文', 0),
                    (2, 1, '二', '正文', 0);
                INSERT INTO notices (user_id, kind, dedupe_key, announcement_id, created_at, read_at) VALUES
                    (7, 'announcement', 'announcement:1', 1, 0, NULL), (7, 'announcement', 'announcement:2', 2, 0, NULL),
                    (7, 'assignment.due_soon', 'assignment:4', NULL, 0, NULL),
                    (8, 'announcement', 'announcement:1', 1, 0, 5), (8, 'announcement', 'announcement:2', 2, 0, NULL);
                """)
        }
        try queue.close()
        let store = try Store(path: path)
        func counts() throws -> [[Int]] {
            try store.read { db in
                try Row.fetchAll(db, sql: "SELECT unread_notices, unread_announcements FROM users ORDER BY id")
                    .map { [$0[0] as Int, $0[1] as Int] }
            }
        }
        #expect(try counts() == [[3, 2], [1, 1], [0, 0]])
        // The replaced triggers keep both counts from then on.
        try store.write { db in
            try db.execute(sql: """
                INSERT INTO notices (user_id, kind, dedupe_key, announcement_id, created_at) VALUES (9, 'announcement', 'announcement:1', 1, 1);
                UPDATE notices SET read_at = 9 WHERE user_id = 7 AND announcement_id = 1;
                DELETE FROM notices WHERE user_id = 8 AND announcement_id = 2;
                """)
        }
        #expect(try counts() == [[2, 1], [0, 0], [1, 1]])
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
