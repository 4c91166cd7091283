/// Reads RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF), as HR systems export it, in UTF-8, UTF-16 or
/// GB18030 (`TextFileDecoding`). Each record keeps the 1-based line it starts on, for error messages.
public enum CSVReader {
    public struct Record: Sendable, Equatable {
        public var line: Int
        public var fields: [String]
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case undecodable(line: Int, message: String)
        case unterminatedQuote(line: Int)

        public var line: Int {
            switch self {
            case .undecodable(let line, _), .unterminatedQuote(let line): line
            }
        }

        public var message: String {
            switch self {
            case .undecodable(_, let message): message
            case .unterminatedQuote: "a quoted field is never closed"
            }
        }

        public var description: String { "line \(line): \(message)" }
    }

    /// Decodes `bytes` (detecting the encoding unless `encoding` is given), then reads the records.
    public static func read(_ bytes: [UInt8], encoding: TextEncoding? = nil) throws(Failure) -> [Record] {
        let text: String
        do {
            text = try TextFileDecoding.decode(bytes, as: encoding).text
        } catch {
            throw .undecodable(line: error.line, message: error.message)
        }
        return try read(text: text)
    }

    public static func read(text: String) throws(Failure) -> [Record] {
        // A byte-order mark that survived decoding (GB18030 has one too) is not part of the first column's name.
        let text = text.unicodeScalars.first == "\u{FEFF}" ? String(text.unicodeScalars.dropFirst()) : text
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var fieldStarted = false
        var iterator = Array(text.unicodeScalars).makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let scalar = pending { pending = nil; return scalar }
            return iterator.next()
        }
        while let scalar = next() {
            if inQuotes {
                if scalar == "\"" {
                    if let following = next() {
                        if following == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; pending = following }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty:
                inQuotes = true
                fieldStarted = true
            case ",":
                fields.append(field)
                field = ""
                fieldStarted = true
            case "\r":
                continue
            case "\n":
                if fieldStarted || !field.isEmpty || !fields.isEmpty {
                    fields.append(field)
                    records.append(Record(line: recordLine, fields: fields))
                }
                fields = []
                field = ""
                fieldStarted = false
                line += 1
                recordLine = line
            default:
                field.unicodeScalars.append(scalar)
                fieldStarted = true
            }
        }
        if inQuotes { throw .unterminatedQuote(line: recordLine) }
        if fieldStarted || !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            records.append(Record(line: recordLine, fields: fields))
        }
        return records
    }
}
