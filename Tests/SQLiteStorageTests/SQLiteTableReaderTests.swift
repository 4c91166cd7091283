import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// The reader `migrate-to` copies from: every platform table (not GRDB's record), its columns, keys and rows as
/// engine-neutral values, from one snapshot.
@Suite struct SQLiteTableReaderTests {
    @Test func listsThePlatformsTablesWithTheirColumnsAndKeys() throws {
        let temporary = try TemporaryStore()
        try SQLiteTableReader(store: temporary.store).read { snapshot in
            let names = snapshot.tables.map(\.name)
            #expect(names.contains("users") && names.contains("audit_log") && names.contains("certification_counts"))
            #expect(!names.contains("grdb_migrations") && !names.contains { $0.hasPrefix("sqlite_") })
            let users = try #require(snapshot.tables.first { $0.name == "users" })
            #expect(users.columns.prefix(3) == ["id", "login", "display_name"])
            #expect(users.declaredTypes.prefix(3) == ["INTEGER", "TEXT", "TEXT"])
            #expect(users.numberedColumn == "id")
            #expect(users.foreignKeys.contains(.init(column: "department_id", table: "departments", referencedColumn: "id")))
            let departments = try #require(snapshot.tables.first { $0.name == "departments" })
            #expect(departments.foreignKeys == [.init(column: "parent_id", table: "departments", referencedColumn: "id")])
            let counts = try #require(snapshot.tables.first { $0.name == "certification_counts" })
            #expect(counts.primaryKey == ["program_id", "department_id", "state"])
            #expect(counts.numberedColumn == nil)
            #expect(throws: SQLiteSnapshot.Failure.self) { try snapshot.count("users; DROP TABLE users") }
        }
    }

    @Test func readsEveryRowInBatchesAsStoredAndFromOneSnapshot() throws {
        let temporary = try TemporaryStore()
        let departments = SQLiteDepartmentRepository(store: temporary.store, clock: { 1_800_000_000.5 })
        for index in 0..<5 { _ = try departments.ensure(path: ["省政府", "处\(index)"], by: .system) }
        try temporary.store.write { db in
            try db.execute(sql: "INSERT INTO settings (key, value) VALUES ('blob', ?)", arguments: [Data([0, 1, 2])])
        }
        let reader = SQLiteTableReader(store: temporary.store)
        try reader.read { snapshot in
            var batches: [Int] = []
            var rows: [[StorageValue]] = []
            try snapshot.rows(of: "departments", batchSize: 4) { batch in
                batches.append(batch.count)
                rows += batch
            }
            #expect(batches == [4, 2])
            #expect(try snapshot.count("departments") == 6)
            let columns = try #require(snapshot.tables.first { $0.name == "departments" }).columns
            let root = try #require(rows.first { $0[columns.firstIndex(of: "parent_id")!] == .null })
            #expect(root[columns.firstIndex(of: "name")!] == .text("省政府"))
            #expect(root[columns.firstIndex(of: "created_at")!] == .real(1_800_000_000.5))
            #expect(root[columns.firstIndex(of: "id")!] == .integer(1))
            var settings: [[StorageValue]] = []
            try snapshot.rows(of: "settings") { settings += $0 }
            #expect(settings.contains { $0 == [.text("blob"), .blob(Data([0, 1, 2]))] })
            // A write committed meanwhile is not in this snapshot.
            _ = try departments.ensure(path: ["省政府", "后来"], by: .system)
            #expect(try snapshot.count("departments") == 6)
            #expect(try snapshot.handedOutNumbers()["audit_log"] == 6)
        }
    }
}
