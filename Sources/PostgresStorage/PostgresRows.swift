import CLibPQ

/// The rows a query returned, read in place from libpq's result (freed when the last `PostgresRows` or
/// `PostgresRow` of it goes away).
///
/// `@unchecked Sendable`: a PGresult is never changed after libpq hands it over, and libpq documents reading one
/// from several threads as safe; this class only reads it and frees it in `deinit`.
public final class PostgresRows: @unchecked Sendable, RandomAccessCollection {
    let result: OpaquePointer
    public let columns: [PostgresColumnInfo]
    private let columnIndexes: [String: Int]
    public let count: Int
    /// The rows a command changed (`PQcmdTuples`: INSERT, UPDATE, DELETE, MERGE, SELECT, MOVE, FETCH, COPY), else 0.
    public let affectedRows: Int

    init(result: OpaquePointer) {
        self.result = result
        let columnCount = Int(PQnfields(result))
        var columns: [PostgresColumnInfo] = []
        var indexes: [String: Int] = [:]
        for index in 0..<columnCount {
            let name = PQfname(result, Int32(index)).map { String(cString: $0) } ?? ""
            columns.append(PostgresColumnInfo(name: name, typeOID: PQftype(result, Int32(index))))
            if indexes[name] == nil { indexes[name] = index }
        }
        self.columns = columns
        self.columnIndexes = indexes
        self.count = Int(PQntuples(result))
        self.affectedRows = PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0
    }

    deinit { PQclear(result) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
    public subscript(position: Int) -> PostgresRow { PostgresRow(rows: self, index: position) }

    /// The column's position for a name (the first column of that name).
    public func columnIndex(named name: String) throws(PostgresError) -> Int {
        guard let index = columnIndexes[name] else { throw .noSuchColumn(name) }
        return index
    }
}

/// One row. Columns are read by position (0-based) or by name, as a `PostgresDecodable` type; `decode` refuses NULL,
/// `decodeIfPresent` reads it as nil.
public struct PostgresRow: Sendable {
    public let rows: PostgresRows
    public let index: Int

    public func isNull(at column: Int) throws(PostgresError) -> Bool {
        try check(column)
        return PQgetisnull(rows.result, Int32(index), Int32(column)) == 1
    }

    public func isNull(named name: String) throws(PostgresError) -> Bool {
        try isNull(at: rows.columnIndex(named: name))
    }

    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, at column: Int) throws(PostgresError) -> T {
        guard let value = try decodeIfPresent(type, at: column) else {
            throw .unexpectedNull(column: rows.columns[column].name)
        }
        return value
    }

    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, named name: String) throws(PostgresError) -> T {
        try decode(type, at: rows.columnIndex(named: name))
    }

    public func decodeIfPresent<T: PostgresDecodable>(_ type: T.Type = T.self, at column: Int) throws(PostgresError) -> T? {
        try check(column)
        let row = Int32(index), field = Int32(column)
        if PQgetisnull(rows.result, row, field) == 1 { return nil }
        let text = String(cString: PQgetvalue(rows.result, row, field))
        let info = rows.columns[column]
        guard let value = T(postgresText: text, column: info) else {
            throw .typeMismatch(column: info.name, expected: String(describing: T.self), text: text)
        }
        return value
    }

    public func decodeIfPresent<T: PostgresDecodable>(_ type: T.Type = T.self, named name: String) throws(PostgresError) -> T? {
        try decodeIfPresent(type, at: rows.columnIndex(named: name))
    }

    private func check(_ column: Int) throws(PostgresError) {
        guard column >= 0, column < rows.columns.count else { throw .columnOutOfRange(column, count: rows.columns.count) }
    }
}
