import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct ColumnRowsTests {
    /// Every column form reads what GRDB's `Row` reads for the same row, NULL included.
    @Test func columnsReadAsGRDBReadsThem() throws {
        let temporary = try TemporaryStore()
        let sql = "SELECT 7, 2.5, 'text 文字', 1, NULL, 0, 3"
        let decoded = try temporary.store.read { db in
            try db.cachedStatement(sql: sql).rows([]) { row in
                [String(row.int(0)), String(row.double(1)), row.string(2), String(row.bool(3)),
                 String(describing: row.optionalInt(4)), String(describing: row.optionalDouble(4)),
                 String(describing: row.optionalString(4)), String(describing: row.optionalBool(4)),
                 String(describing: row.optionalBool(5)), String(row.double(6)), String(row.isNull(4))]
            }
        }
        let expected = try temporary.store.read { db in
            try Row.fetchAll(db, sql: sql).map { row -> [String] in
                [String(row[0] as Int), String(row[1] as Double), row[2] as String, String(row[3] as Bool),
                 String(describing: row[4] as Int?), String(describing: row[4] as Double?),
                 String(describing: row[4] as String?), String(describing: row[4] as Bool?),
                 String(describing: row[5] as Bool?), String(row[6] as Double), "true"]
            }
        }
        #expect(decoded == expected)
        #expect(decoded.count == 1)
    }

    /// `rows` gives every row in order and runs again with new arguments; `firstRow` gives the first row or nil.
    @Test func rowsAndFirstRowRunWithTheirArguments() throws {
        let temporary = try TemporaryStore()
        let store = temporary.store
        try store.write { db in
            for index in 0..<5 {
                try db.execute(sql: "INSERT INTO settings (key, value) VALUES (?, ?)", arguments: ["c\(index)", "\(index)"])
            }
        }
        let sql = "SELECT key, value FROM settings WHERE key LIKE 'c%' AND CAST(value AS INTEGER) >= ? ORDER BY key"
        let (all, some, first, none) = try store.read { db in
            let statement = try db.cachedStatement(sql: sql)
            return (try statement.rows([0]) { $0.string(0) }, try statement.rows([3]) { $0.string(1) },
                    try statement.firstRow([1]) { $0.string(0) }, try statement.firstRow([9]) { $0.string(0) })
        }
        #expect(all == ["c0", "c1", "c2", "c3", "c4"])
        #expect(some == ["3", "4"])
        #expect(first == "c1")
        #expect(none == nil)
        // Wrong arguments are GRDB's error, as with its own fetches.
        #expect(throws: DatabaseError.self) {
            try store.read { db in try db.cachedStatement(sql: sql).rows([]) { $0.string(0) } }
        }
    }
}
