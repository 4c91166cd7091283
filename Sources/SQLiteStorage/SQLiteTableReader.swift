import Foundation
import GRDB
import TrainingServer

/// Reads a whole SQLite database table by table, as engine-neutral values, from one consistent snapshot: what
/// `migrate-to` copies into another engine. The database is opened (and migrated to the current schema, as every
/// command does) through `Store`; the reads never write.
///
/// Table names are read from `sqlite_master` and never from the caller: `rows` accepts only a table the snapshot
/// listed, and quotes it, so no caller's text reaches the SQL.
public struct SQLiteTableReader: Sendable {
    public let store: Store

    /// Tables that are the engine's own bookkeeping, not the platform's data (besides SQLite's `sqlite_*` tables,
    /// never listed): GRDB's migration record. The other engine keeps its own.
    public static let engineTables: Set<String> = ["grdb_migrations"]

    public init(store: Store) { self.store = store }

    /// Opens the database file at `path` (migrated to the current schema, as every command opens it); `close()` when
    /// done.
    public static func open(path: String) throws -> SQLiteTableReader { SQLiteTableReader(store: try Store(path: path)) }

    public func close() throws { try store.close() }

    /// Runs `body` with a snapshot of the database (one read transaction): every table and row it reads is as of
    /// the same commit, whatever a server using the file writes meanwhile.
    public func read<T>(_ body: (SQLiteSnapshot) throws -> T) throws -> T {
        try store.read { db in try body(SQLiteSnapshot(db: db, tables: try Self.tables(db))) }
    }

    static func tables(_ db: Database) throws -> [StoredTable] {
        let names = try String.fetchAll(db, sql: """
            SELECT name FROM sqlite_master
            WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
            ORDER BY name
            """)
        return try names.filter { !engineTables.contains($0) }.map { name in
            let columns = try Row.fetchAll(db, sql: "SELECT name, upper(type) AS type, pk FROM pragma_table_info(?) ORDER BY cid",
                                           arguments: [name])
            let keys = try Row.fetchAll(db, sql: """
                SELECT "from", "table", "to" FROM pragma_foreign_key_list(?) ORDER BY id, seq
                """, arguments: [name])
            return StoredTable(name: name, columns: columns.map { $0["name"] }, declaredTypes: columns.map { $0["type"] },
                               primaryKey: columns.filter { ($0["pk"] as Int) > 0 }.sorted { ($0["pk"] as Int) < ($1["pk"] as Int) }
                                   .map { $0["name"] },
                               foreignKeys: keys.map { key in
                                   // A key naming no column refers to the other table's primary key.
                                   StoredTable.ForeignKey(column: key["from"], table: key["table"],
                                                          referencedColumn: (key["to"] as String?) ?? "id")
                               })
        }
    }
}

/// A consistent read of a SQLite database, valid only inside `SQLiteTableReader.read`.
public struct SQLiteSnapshot {
    let db: Database
    /// The platform's tables, by name.
    public let tables: [StoredTable]

    public enum Failure: Error, CustomStringConvertible {
        case unknownTable(String)

        public var description: String {
            switch self {
            case .unknownTable(let name): "the SQLite database has no table \(name)"
            }
        }
    }

    /// The highest number each AUTOINCREMENT table has handed out (`sqlite_sequence`), deleted rows included: a copy
    /// must not hand those numbers out again.
    public func handedOutNumbers() throws -> [String: Int64] {
        let exists = try Bool.fetchOne(db, sql: "SELECT count(*) > 0 FROM sqlite_master WHERE name = 'sqlite_sequence'") ?? false
        guard exists else { return [:] }
        var numbers: [String: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT name, seq FROM sqlite_sequence") {
            numbers[row["name"]] = row["seq"]
        }
        return numbers
    }

    /// The number of rows of `table`.
    public func count(_ table: String) throws -> Int {
        let table = try known(table)
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM \(quoted(table.name))") ?? 0
    }

    /// Every row of `table`, its values in `columns` order, handed to `body` in batches of at most `batchSize` rows
    /// (in the table's storage order: rowid order, or primary-key order for a WITHOUT ROWID table).
    public func rows(of table: String, batchSize: Int = 1000, _ body: ([[StorageValue]]) throws -> Void) throws {
        let table = try known(table)
        let columns = table.columns.map(quoted).joined(separator: ", ")
        let cursor = try Row.fetchCursor(db, sql: "SELECT \(columns) FROM \(quoted(table.name))")
        var batch: [[StorageValue]] = []
        batch.reserveCapacity(batchSize)
        while let row = try cursor.next() {
            batch.append((0..<table.columns.count).map { Self.value(row[$0] as DatabaseValue) })
            if batch.count == batchSize {
                try body(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { try body(batch) }
    }

    static func value(_ value: DatabaseValue) -> StorageValue {
        switch value.storage {
        case .null: .null
        case .int64(let integer): .integer(integer)
        case .double(let real): .real(real)
        case .string(let text): .text(text)
        case .blob(let data): .blob(data)
        }
    }

    private func known(_ name: String) throws -> StoredTable {
        guard let table = tables.first(where: { $0.name == name }) else { throw Failure.unknownTable(name) }
        return table
    }

    /// An identifier from `sqlite_master` as SQL: double-quoted, inner quotes doubled.
    private func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
