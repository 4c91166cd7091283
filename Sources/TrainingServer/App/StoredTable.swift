import Foundation

/// One stored value, independent of the engine it came from: what a table copy carries between engines.
public enum StorageValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
}

/// One table of a SQLite database as a copy sees it: its name, its columns in their declared order, each column's
/// declared type (upper-cased; "" for a column declared without one), its primary key and its foreign keys.
public struct StoredTable: Sendable, Equatable {
    public struct ForeignKey: Sendable, Equatable {
        /// The column of this table, the table it refers to, and the column there.
        public let column: String
        public let table: String
        public let referencedColumn: String

        public init(column: String, table: String, referencedColumn: String) {
            self.column = column
            self.table = table
            self.referencedColumn = referencedColumn
        }
    }

    public let name: String
    public let columns: [String]
    public let declaredTypes: [String]
    /// The primary key's columns in key order (empty for a table without one).
    public let primaryKey: [String]
    public let foreignKeys: [ForeignKey]

    public init(name: String, columns: [String], declaredTypes: [String], primaryKey: [String], foreignKeys: [ForeignKey]) {
        self.name = name
        self.columns = columns
        self.declaredTypes = declaredTypes
        self.primaryKey = primaryKey
        self.foreignKeys = foreignKeys
    }

    /// The column that takes the next number by itself (`INTEGER PRIMARY KEY`, SQLite's rowid alias; `bigserial`
    /// on PostgreSQL), nil when the table has none.
    public var numberedColumn: String? {
        guard primaryKey.count == 1, let index = columns.firstIndex(of: primaryKey[0]),
              declaredTypes[index] == "INTEGER" else { return nil }
        return primaryKey[0]
    }
}
