import Foundation

/// The text encodings a staff file may come in: UTF-8 (what we ask for), UTF-16 with a byte-order mark (Excel's
/// "Unicode text"), and GB18030, a superset of GBK and GB2312 (what Excel in a Chinese locale writes for "CSV").
public enum TextEncoding: String, CaseIterable, Sendable {
    case utf8 = "utf-8"
    case utf16 = "utf-16"
    case gb18030

    public var displayName: String {
        switch self {
        case .utf8: "UTF-8"
        case .utf16: "UTF-16"
        case .gb18030: "GB18030"
        }
    }
}

/// Turns a text file's bytes into a string. Without a forced encoding: a UTF-8 byte-order mark means UTF-8, a
/// UTF-16 one (FF FE or FE FF) means UTF-16 in that byte order, bytes that are valid UTF-8 are UTF-8, and
/// anything else is tried as GB18030. When nothing fits, the failure names the first line that does not decode
/// in the encoding that got furthest, and every encoding tried.
public enum TextFileDecoding {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// Foundation's GB18030 (kCFStringEncodingGB_18030_2000 as an NSStringEncoding). Its decoder is strict: a byte
    /// sequence that is not GB18030 gives nil, never replacement characters.
    static let gb18030 = String.Encoding(rawValue: 0x8000_0632)

    public static func decode(_ bytes: [UInt8], as forced: TextEncoding? = nil) throws(Failure) -> (text: String, encoding: TextEncoding) {
        let data = bytes[...]
        if let forced {
            switch forced {
            case .utf8:
                let body = data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data
                guard let text = String(validating: body, as: UTF8.self) else {
                    throw Failure(line: firstBadUTF8Line(body), message: "the file is not valid UTF-8 text")
                }
                return (text, .utf8)
            case .utf16:
                return (try decodeUTF16(data), .utf16)
            case .gb18030:
                guard let text = decodeGB18030(data) else {
                    throw Failure(line: firstBadGB18030Line(data), message: "the file is not valid GB18030 text")
                }
                return (text, .gb18030)
            }
        }
        if data.starts(with: [0xEF, 0xBB, 0xBF]) {
            let body = data.dropFirst(3)
            guard let text = String(validating: body, as: UTF8.self) else {
                throw Failure(line: firstBadUTF8Line(body),
                              message: "the file starts with a UTF-8 byte-order mark but is not valid UTF-8 text")
            }
            return (text, .utf8)
        }
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) { return (try decodeUTF16(data), .utf16) }
        if let zero = data.firstIndex(of: 0) {
            // Spreadsheet CSV never holds NUL; UTF-16 without a byte-order mark does (every ASCII character).
            throw Failure(line: data[..<zero].count(where: { $0 == 10 }) + 1,
                          message: "the file holds zero bytes, as UTF-16 text without a byte-order mark does; "
                              + "give --encoding utf-16, or save the file as UTF-8 CSV")
        }
        if let text = String(validating: data, as: UTF8.self) { return (text, .utf8) }
        if mostlyUTF8(data) {
            // A UTF-8 file with a damaged line would also "decode" as GB18030, into nonsense: say what is wrong.
            throw Failure(line: firstBadUTF8Line(data), message: "this line is not valid UTF-8, though the rest of the file is; "
                              + "correct the line, or name the file's encoding with --encoding")
        }
        if let text = decodeGB18030(data) { return (text, .gb18030) }
        let utf8Line = firstBadUTF8Line(data)
        let gbLine = firstBadGB18030Line(data)
        let (line, furthest) = gbLine >= utf8Line ? (gbLine, TextEncoding.gb18030) : (utf8Line, .utf8)
        throw Failure(line: line, message: "this line is not valid \(furthest.displayName) (tried UTF-8, UTF-16 and GB18030); "
                          + "save the file as UTF-8 CSV, or name its encoding with --encoding")
    }

    /// UTF-16 after an optional byte-order mark (little-endian without one, as Windows writes it).
    static func decodeUTF16(_ data: ArraySlice<UInt8>) throws(Failure) -> String {
        var body = data
        var bigEndian = false
        if body.starts(with: [0xFF, 0xFE]) { body = body.dropFirst(2) } else if body.starts(with: [0xFE, 0xFF]) {
            body = body.dropFirst(2)
            bigEndian = true
        }
        var units: [UInt16] = []
        units.reserveCapacity(body.count / 2)
        var index = body.startIndex
        while index + 1 < body.endIndex {
            let first = UInt16(body[index]), second = UInt16(body[index + 1])
            units.append(bigEndian ? first << 8 | second : second << 8 | first)
            index += 2
        }
        var text = ""
        text.reserveCapacity(units.count)
        var line = 1
        var iterator = units.makeIterator()
        var decoder = UTF16()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar == "\n" { line += 1 }
                text.unicodeScalars.append(scalar)
            case .emptyInput: break loop
            case .error: throw Failure(line: line, message: "the file is not valid UTF-16 text (a broken surrogate pair)")
            }
        }
        if body.count % 2 != 0 { throw Failure(line: line, message: "the file is not valid UTF-16 text (an odd number of bytes)") }
        return text
    }

    static func decodeGB18030(_ data: ArraySlice<UInt8>) -> String? {
        if data.isEmpty { return "" }
        return String(bytes: data, encoding: gb18030)
    }

    /// True when at least as many lines hold valid non-ASCII UTF-8 as hold invalid UTF-8: a UTF-8 file with a few
    /// damaged lines. (Chinese GB18030 text is almost never valid UTF-8 by accident.)
    static func mostlyUTF8(_ data: ArraySlice<UInt8>) -> Bool {
        guard !data.isEmpty else { return false }
        var valid = 0, invalid = 0
        var start = data.startIndex
        for end in data.indices where data[end] == 10 || end == data.index(before: data.endIndex) {
            let line = data[start..<(data[end] == 10 ? end : data.endIndex)]
            start = end + 1
            guard line.contains(where: { $0 >= 0x80 }) else { continue }
            if String(validating: line, as: UTF8.self) != nil { valid += 1 } else { invalid += 1 }
        }
        return valid > 0 && valid >= invalid
    }

    /// Lines are split at byte 0x0A, which is never part of a multi-byte UTF-8 or GB18030 character.
    static func firstBadUTF8Line(_ data: ArraySlice<UInt8>) -> Int {
        firstBadLine(data) { String(validating: $0, as: UTF8.self) != nil }
    }

    static func firstBadGB18030Line(_ data: ArraySlice<UInt8>) -> Int {
        firstBadLine(data) { decodeGB18030($0) != nil }
    }

    private static func firstBadLine(_ data: ArraySlice<UInt8>, valid: (ArraySlice<UInt8>) -> Bool) -> Int {
        var line = 1
        var start = data.startIndex
        for index in data.indices where data[index] == 10 {
            if !valid(data[start..<index]) { return line }
            line += 1
            start = index + 1
        }
        return line
    }
}
