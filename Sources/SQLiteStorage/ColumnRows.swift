import GRDB
import GRDBSQLite
import TrainingServer

/// One result row of a statement, its columns read by index straight from SQLite (`sqlite3_column_*`), decoded as
/// GRDB decodes them (integers with `sqlite3_column_int64`, reals with `sqlite3_column_double`, text as a C string,
/// a Bool as an integer other than 0, NULL as nil for the optional forms). Only valid inside the closure it is
/// given to. The non-optional forms are for NOT NULL columns: they read NULL as 0, false or "".
///
/// What it saves over GRDB's `Row` on the hot reads: every `Row.fetchAll`/`fetchOne` builds a dictionary of the
/// statement's lower-cased column names, `fetchAll` copies each row into an array of `DatabaseValue`s, and a lookup
/// by name lower-cases the name (and, on a copied row, every column name before it).
struct ColumnRow {
    let statement: SQLiteStatement

    func isNull(_ index: Int32) -> Bool { sqlite3_column_type(statement, index) == SQLITE_NULL }

    func int(_ index: Int32) -> Int { Int(sqlite3_column_int64(statement, index)) }

    func optionalInt(_ index: Int32) -> Int? { isNull(index) ? nil : int(index) }

    func double(_ index: Int32) -> Double { sqlite3_column_double(statement, index) }

    func optionalDouble(_ index: Int32) -> Double? { isNull(index) ? nil : double(index) }

    func bool(_ index: Int32) -> Bool { sqlite3_column_int64(statement, index) != 0 }

    func optionalBool(_ index: Int32) -> Bool? { isNull(index) ? nil : bool(index) }

    func string(_ index: Int32) -> String {
        guard let text = sqlite3_column_text(statement, index) else { return "" }
        return String(cString: text)
    }

    func optionalString(_ index: Int32) -> String? { isNull(index) ? nil : string(index) }
}

extension Statement {
    /// Runs this statement (a SELECT) with `arguments` and decodes every row of its result, in order, through
    /// GRDB's statement execution (argument checks, its execution hooks and error reporting), without its `Row`.
    func rows<T>(_ arguments: StatementArguments, _ decode: (ColumnRow) throws -> T) throws -> [T] {
        try setArguments(arguments)
        let row = ColumnRow(statement: sqliteStatement)
        var decoded: [T] = []
        try StepCursor(self).forEach { try decoded.append(decode(row)) }
        return decoded
    }

    /// The first row of the result decoded, or nil when there is none. Runs the statement to its end (the queries
    /// it serves return at most one row), so the statement is never left half-read.
    func firstRow<T>(_ arguments: StatementArguments, _ decode: (ColumnRow) throws -> T) throws -> T? {
        try setArguments(arguments)
        let row = ColumnRow(statement: sqliteStatement)
        var first: T?
        try StepCursor(self).forEach { if first == nil { first = try decode(row) } }
        return first
    }
}

/// Steps a statement through GRDB's cursor machinery; the caller reads each row from the statement itself.
private final class StepCursor: DatabaseCursor {
    typealias Element = Void
    let _statement: Statement
    var _isDone = false

    init(_ statement: Statement) { _statement = statement }

    func _element(sqliteStatement: SQLiteStatement) throws {}
}
