import Foundation

/// How an export is written: CSV for spreadsheets, JSON for programs, a tab-separated table for terminals.
public enum PeopleExportFormat: String, Sendable, CaseIterable {
    case csv, json, table

    public var contentType: String {
        switch self {
        case .csv: "text/csv; charset=utf-8"
        case .json: "application/json; charset=utf-8"
        case .table: "text/plain; charset=utf-8"
        }
    }

    public var fileExtension: String { self == .table ? "txt" : rawValue }

    /// What comes before the first row: the UTF-8 byte-order mark and header for CSV (spreadsheet programs need
    /// the mark to read Chinese text as UTF-8), "[" for JSON.
    public var prefix: [UInt8] { prefix(labels: .codes) }

    /// The prefix with the CSV header in `labels` (the other formats always use the codes).
    public func prefix(labels: ExportLabels) -> [UInt8] {
        switch self {
        case .csv: [0xEF, 0xBB, 0xBF] + Array((labels.peopleColumns.map(Self.csvField).joined(separator: ",") + "\r\n").utf8)
        case .json: Array("[".utf8)
        case .table: Array((ExportedPerson.columns.joined(separator: "\t") + "\n").utf8)
        }
    }

    /// What comes after the last row.
    public var suffix: [UInt8] {
        switch self {
        case .csv, .table: []
        case .json: Array("\n]\n".utf8)
        }
    }

    /// Rows in this format; `continuing` says rows were written before (JSON needs the comma).
    public func rows(_ people: [ExportedPerson], continuing: Bool) throws -> [UInt8] {
        var bytes: [UInt8] = []
        switch self {
        case .csv:
            for person in people {
                bytes += Array((person.fields.map(Self.csvField).joined(separator: ",") + "\r\n").utf8)
            }
        case .table:
            for person in people {
                bytes += Array((person.fields.map(Self.tableField).joined(separator: "\t") + "\n").utf8)
            }
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            for (index, person) in people.enumerated() {
                bytes += Array((continuing || index > 0 ? ",\n" : "\n").utf8)
                bytes += Array(try encoder.encode(person))
            }
        }
        return bytes
    }

    /// One CSV field (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled. A field
    /// that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) gets a
    /// leading apostrophe, so opening an export never runs anything a person typed into their name.
    public static func csvField(_ text: String) -> String {
        var value = text
        if let first = value.utf8.first, startsFormula(first) { value = "'" + value }
        guard value.utf8.contains(where: needsQuotes) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Whether `bytes` go into a CSV field as they are: no apostrophe, no quotes.
    static func isPlainCSV<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Bool {
        var first = true
        for byte in bytes {
            if first && startsFormula(byte) { return false }
            if needsQuotes(byte) { return false }
            first = false
        }
        return true
    }

    /// A first character a spreadsheet would run as a formula: = + - @, a tab or a carriage return.
    private static func startsFormula(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "=") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "@")
            || byte == 0x09 || byte == 0x0D
    }

    /// A byte that makes RFC 4180 quote the field: a comma, a quote or a line break.
    private static func needsQuotes(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 0x0A || byte == 0x0D
    }

    /// One table field: tabs and line breaks become spaces so every row stays one line.
    static func tableField(_ text: String) -> String {
        String(text.map { $0 == "\t" || $0.isNewline ? " " : $0 })
    }
}
