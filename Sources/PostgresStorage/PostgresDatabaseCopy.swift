import Foundation
import Logging
import SQLiteStorage
import TrainingServer

/// Copies a SQLite database (as `SQLiteTableReader` reads it) into an empty PostgreSQL database: `migrate-to`.
///
/// 1. The PostgreSQL database is migrated to the current schema (the same named migrations as SQLite's), then
///    checked empty: no table may hold a row, besides those the migrations themselves fill (`seededTables`).
///    Anything else is refused before a row is written, naming the tables that hold rows.
/// 2. One transaction copies every table of one SQLite snapshot: the migrations' own rows are replaced by the
///    SQLite database's, each table's user triggers are disabled while it is filled (the counters the triggers keep,
///    `department_people`, `certification_counts` and the others, are copied as they are rather than counted twice;
///    the append-only rules allow inserts anyway) and enabled again before the commit, tables are filled parents
///    first (foreign keys stay checked; a table referring to itself, the department tree, is filled parents first
///    too), and every `bigserial` sequence is set past the highest number SQLite handed out (`setval`; deleted rows'
///    numbers included, from `sqlite_sequence`), so new rows never reuse a number a certificate or log line bears.
///    A failure anywhere rolls everything back: the database is left migrated and empty.
/// 3. After the commit it verifies: each table's row count on PostgreSQL equals the snapshot's, and the audit
///    chain, walked from its first row, verifies on PostgreSQL.
///
/// Values are sent as text with bound parameters, converted for each column's type (SQLite's declared type, which
/// the schema test holds equal to PostgreSQL's): an integer column accepts integers (and reals without a fraction),
/// a bytea column blobs (or text, as its UTF-8).
public struct PostgresDatabaseCopy {
    /// Tables the migrations fill themselves (a fixed list of positions, the first version counters): emptied and
    /// replaced by the copy.
    public static let seededTables: Set<String> = ["change_versions", "search_positions"]

    public struct TableCount: Sendable, Equatable {
        public let table: String
        public let sqlite: Int
        public let postgres: Int
    }

    /// What was copied and what the verification found.
    public struct Report: Sendable {
        /// Each table's rows in the SQLite snapshot and on PostgreSQL after the commit, in copy order.
        public let counts: [TableCount]
        /// The migrations applied to the PostgreSQL database first.
        public let migrationsApplied: [String]
        /// The audit chain's rows, verified on PostgreSQL.
        public let auditRows: Int
        public let seconds: Double

        public var rows: Int { counts.reduce(0) { $0 + $1.sqlite } }
    }

    public enum Failure: Error, CustomStringConvertible, Equatable {
        /// The PostgreSQL database already holds data.
        case notEmpty(tables: [String])
        /// A table of the SQLite database that the PostgreSQL schema lacks.
        case missingTable(String)
        /// A table or column name that is not a plain lower-case identifier.
        case unexpectedName(String)
        /// A stored value the PostgreSQL column cannot take.
        case unconvertible(table: String, column: String, value: String)
        /// The verification after the commit found different counts or a broken chain.
        case verificationFailed(String)

        public var description: String {
            switch self {
            case .notEmpty(let tables):
                "the PostgreSQL database is not empty (rows in \(tables.joined(separator: ", "))): migrate-to copies "
                    + "only into an empty database; create a new one (createdb) or drop this one's data first"
            case .missingTable(let table):
                "the PostgreSQL schema has no table \(table): the SQLite database was written by a newer version"
            case .unexpectedName(let name):
                "the SQLite database has a table or column named '\(name)', which is not part of the platform's schema"
            case .unconvertible(let table, let column, let value):
                "\(table).\(column) holds \(value), which its PostgreSQL column cannot take; nothing was copied"
            case .verificationFailed(let reason):
                "the copy was committed but does not verify: \(reason)"
            }
        }
    }

    let reader: SQLiteTableReader
    let logger: Logger

    public init(from reader: SQLiteTableReader, logger: Logger = Logger(label: "migrate-to")) {
        self.reader = reader
        self.logger = logger
    }

    /// Migrates, checks emptiness, copies and verifies (see the type's comment); `progress` hears each table as it
    /// is copied, with its row count.
    public func run(on connection: PostgresConnection, progress: (String, Int) -> Void = { _, _ in }) throws -> Report {
        let started = Date()
        let applied = try PostgresSchema.migrator().migrate(connection, logger: logger)
        return try reader.read { snapshot in
            let tables = try Self.copyOrder(snapshot.tables)
            for table in tables {
                try ([table.name] + table.columns).forEach { name in
                    guard PostgresConfiguration.isPlainIdentifier(name) else { throw Failure.unexpectedName(name) }
                }
                let exists = try connection.query("SELECT to_regclass($1) IS NOT NULL", Self.quoted(table.name))[0]
                    .decode(Bool.self, at: 0)
                guard exists else { throw Failure.missingTable(table.name) }
            }
            let occupied = try tables.filter { table in
                try !Self.seededTables.contains(table.name)
                    && connection.query("SELECT EXISTS (SELECT 1 FROM \(Self.quoted(table.name)))")[0].decode(Bool.self, at: 0)
            }
            guard occupied.isEmpty else { throw Failure.notEmpty(tables: occupied.map(\.name)) }

            let handedOut = try snapshot.handedOutNumbers()
            var copied: [String: Int] = [:]
            try connection.transaction { connection in
                for table in tables {
                    try connection.executeScript("ALTER TABLE \(Self.quoted(table.name)) DISABLE TRIGGER USER")
                }
                for table in tables {
                    if Self.seededTables.contains(table.name) {
                        try connection.execute("DELETE FROM \(Self.quoted(table.name))")
                    }
                    copied[table.name] = try copy(table, from: snapshot, on: connection)
                    progress(table.name, copied[table.name] ?? 0)
                }
                for table in tables {
                    try connection.executeScript("ALTER TABLE \(Self.quoted(table.name)) ENABLE TRIGGER USER")
                    if let column = table.numberedColumn {
                        let highest = try connection.query("SELECT max(\(Self.quoted(column))) FROM \(Self.quoted(table.name))")[0]
                            .decodeIfPresent(Int64.self, at: 0) ?? 0
                        let next = max(highest, handedOut[table.name] ?? 0) + 1
                        // NULL (and nothing set) when the column has no sequence behind it.
                        try connection.query("SELECT setval(pg_get_serial_sequence($1, $2), $3, false)",
                                             Self.quoted(table.name), column, next)
                    }
                }
            }

            var counts: [TableCount] = []
            for table in tables {
                let postgres = try connection.query("SELECT count(*) FROM \(Self.quoted(table.name))")[0].decode(Int.self, at: 0)
                counts.append(TableCount(table: table.name, sqlite: try snapshot.count(table.name), postgres: postgres))
            }
            let differing = counts.filter { $0.sqlite != $0.postgres || copied[$0.table] != $0.sqlite }
            guard differing.isEmpty else {
                throw Failure.verificationFailed(differing.map { "\($0.table): \($0.sqlite) rows in SQLite, \($0.postgres) in PostgreSQL" }
                    .joined(separator: "; "))
            }
            let auditRows: Int
            switch try PostgresAuditChain.verify(on: connection) {
            case .intact(let rows): auditRows = rows
            case .broken(let row, let reason):
                throw Failure.verificationFailed("the audit chain breaks at row \(row): \(reason)")
            }
            return Report(counts: counts, migrationsApplied: applied, auditRows: auditRows,
                          seconds: Date().timeIntervalSince(started))
        }
    }

    /// Copies one table's rows; returns how many.
    private func copy(_ table: StoredTable, from snapshot: SQLiteSnapshot, on connection: PostgresConnection) throws -> Int {
        let kinds = table.declaredTypes.map(ColumnKind.init)
        // At most 7,000 parameters a statement: libpq takes a server message over 30,000 bytes of a kind it does
        // not expect to be long, the parameter description (4 bytes a parameter) among them, for a lost connection.
        let rowsPerStatement = max(1, min(500, 7_000 / max(1, table.columns.count)))
        let columnList = table.columns.map(Self.quoted).joined(separator: ", ")
        var count = 0
        func insert(_ rows: ArraySlice<[StorageValue]>) throws {
            var parameters: [(any PostgresBindable)?] = []
            parameters.reserveCapacity(rows.count * table.columns.count)
            var tuples: [String] = []
            for row in rows {
                var placeholders: [String] = []
                for (index, value) in row.enumerated() {
                    parameters.append(try kinds[index].text(for: value, table: table.name, column: table.columns[index]))
                    placeholders.append("$\(parameters.count)")
                }
                tuples.append("(" + placeholders.joined(separator: ", ") + ")")
            }
            try connection.execute("INSERT INTO \(Self.quoted(table.name)) (\(columnList)) VALUES \(tuples.joined(separator: ", "))",
                                   parameters)
            count += rows.count
        }
        func insertAll(_ rows: [[StorageValue]]) throws {
            var start = 0
            while start < rows.count {
                let end = min(rows.count, start + rowsPerStatement)
                try insert(rows[start..<end])
                start = end
            }
        }
        let selfReferences = table.foreignKeys.filter { $0.table == table.name }
        if selfReferences.isEmpty {
            try snapshot.rows(of: table.name, batchSize: rowsPerStatement) { try insertAll($0) }
        } else {
            var all: [[StorageValue]] = []
            try snapshot.rows(of: table.name) { all.append(contentsOf: $0) }
            try insertAll(Self.parentsFirst(all, table: table, references: selfReferences))
        }
        return count
    }

    /// Rows ordered so that a row another row of the same table refers to comes before it (a tree's parents before
    /// their children). Rows in a cycle (which a foreign key forbids anyway) keep their order at the end.
    static func parentsFirst(_ rows: [[StorageValue]], table: StoredTable,
                             references: [StoredTable.ForeignKey]) -> [[StorageValue]] {
        let links = references.compactMap { key -> (from: Int, to: Int)? in
            guard let from = table.columns.firstIndex(of: key.column),
                  let to = table.columns.firstIndex(of: key.referencedColumn) else { return nil }
            return (from, to)
        }
        var placed: [Set<StorageValueKey>] = links.map { _ in [] }
        var ordered: [[StorageValue]] = []
        ordered.reserveCapacity(rows.count)
        var waiting = rows
        while !waiting.isEmpty {
            var next: [[StorageValue]] = []
            for row in waiting {
                let ready = links.enumerated().allSatisfy { index, link in
                    row[link.from] == .null || placed[index].contains(StorageValueKey(row[link.from]))
                }
                if ready {
                    ordered.append(row)
                    for (index, link) in links.enumerated() { placed[index].insert(StorageValueKey(row[link.to])) }
                } else {
                    next.append(row)
                }
            }
            if next.count == waiting.count {
                ordered.append(contentsOf: next)
                break
            }
            waiting = next
        }
        return ordered
    }

    /// The tables in an order where each comes after the tables it refers to (by name among equals).
    static func copyOrder(_ tables: [StoredTable]) throws -> [StoredTable] {
        var remaining = tables.sorted { $0.name < $1.name }
        var done: Set<String> = []
        var ordered: [StoredTable] = []
        while !remaining.isEmpty {
            let names = Set(tables.map(\.name))
            guard let index = remaining.firstIndex(where: { table in
                table.foreignKeys.allSatisfy { key in
                    key.table == table.name || done.contains(key.table) || !names.contains(key.table)
                }
            }) else {
                throw Failure.verificationFailed("the tables' foreign keys form a cycle: "
                    + remaining.map(\.name).joined(separator: ", "))
            }
            let table = remaining.remove(at: index)
            done.insert(table.name)
            ordered.append(table)
        }
        return ordered
    }

    static func quoted(_ identifier: String) -> String { "\"\(identifier)\"" }
}

/// A value as a set member (for the parent look-up); reals compare by their bits.
struct StorageValueKey: Hashable {
    let text: String

    init(_ value: StorageValue) {
        switch value {
        case .null: text = "n"
        case .integer(let integer): text = "i\(integer)"
        case .real(let real): text = Int64(exactly: real).map { "i\($0)" } ?? "r\(real.bitPattern)"
        case .text(let string): text = "t" + string
        case .blob(let data): text = "b" + data.base64EncodedString()
        }
    }
}

/// A PostgreSQL column's type as the copy converts values for it, from SQLite's declared type.
enum ColumnKind {
    case integer, real, text, bytea

    init(_ declared: String) {
        switch declared {
        case "INTEGER": self = .integer
        case "REAL": self = .real
        case "BLOB": self = .bytea
        default: self = .text
        }
    }

    /// The parameter text for `value` in a column of this kind; throws for a value the column cannot take.
    func text(for value: StorageValue, table: String, column: String) throws -> CopiedValue {
        func refuse() -> PostgresDatabaseCopy.Failure {
            .unconvertible(table: table, column: column, value: "\(value)")
        }
        switch (self, value) {
        case (_, .null): return CopiedValue(text: nil)
        case (.integer, .integer(let integer)), (.real, .integer(let integer)), (.text, .integer(let integer)):
            return CopiedValue(text: String(integer))
        case (.integer, .real(let real)):
            guard let integer = Int64(exactly: real) else { throw refuse() }
            return CopiedValue(text: String(integer))
        case (.real, .real(let real)), (.text, .real(let real)):
            return CopiedValue(text: real.postgresText)
        case (.integer, .text(let text)):
            guard Int64(text) != nil else { throw refuse() }
            return CopiedValue(text: text)
        case (.real, .text(let text)):
            guard Double(text) != nil else { throw refuse() }
            return CopiedValue(text: text)
        case (.text, .text(let text)):
            return CopiedValue(text: text)
        case (.bytea, .blob(let data)):
            return CopiedValue(text: data.postgresText)
        case (.bytea, .text(let text)):
            return CopiedValue(text: Data(text.utf8).postgresText)
        case (.text, .blob(let data)):
            guard let text = String(data: data, encoding: .utf8) else { throw refuse() }
            return CopiedValue(text: text)
        case (.integer, .blob), (.real, .blob), (.bytea, .integer), (.bytea, .real):
            throw refuse()
        }
    }
}

/// A copied value's parameter text (nil for NULL).
struct CopiedValue: PostgresBindable {
    let text: String?
    var postgresText: String? { text }
}
