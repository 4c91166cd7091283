import CLibPQ
import Foundation

/// A statement parameter, sent in text format: `$1` in the SQL, the value's text (or NULL) beside it, never spliced
/// into the SQL. The server converts the text to the column's type (write `$1::jsonb` where it cannot infer one).
public protocol PostgresBindable {
    /// The text PostgreSQL reads for this value, nil for NULL.
    var postgresText: String? { get }
}

extension String: PostgresBindable {
    public var postgresText: String? { self }
}

extension Substring: PostgresBindable {
    public var postgresText: String? { String(self) }
}

extension Int: PostgresBindable {
    public var postgresText: String? { String(self) }
}

extension Int64: PostgresBindable {
    public var postgresText: String? { String(self) }
}

extension Int32: PostgresBindable {
    public var postgresText: String? { String(self) }
}

extension Double: PostgresBindable {
    /// Swift's shortest round-trip form (`0.1`, `1e-05`), with PostgreSQL's spellings of infinity and NaN.
    public var postgresText: String? {
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        return String(self)
    }
}

extension Bool: PostgresBindable {
    public var postgresText: String? { self ? "true" : "false" }
}

extension Data: PostgresBindable {
    /// bytea in its hex text form, `\x` then two hex digits a byte.
    public var postgresText: String? {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var text = [UInt8](repeating: 0, count: 2 + count * 2)
        text[0] = UInt8(ascii: "\\")
        text[1] = UInt8(ascii: "x")
        var position = 2
        for byte in self {
            text[position] = digits[Int(byte >> 4)]
            text[position + 1] = digits[Int(byte & 0x0F)]
            position += 2
        }
        return String(decoding: text, as: UTF8.self)
    }
}

extension Optional: PostgresBindable where Wrapped: PostgresBindable {
    public var postgresText: String? {
        switch self {
        case .none: return nil
        case .some(let value): return value.postgresText
        }
    }
}

/// NULL as a parameter where no type is at hand (`nil` of a known type works as well).
public struct PostgresNull: PostgresBindable, Sendable {
    public init() {}
    public var postgresText: String? { nil }
}

/// A type a column's text can be read as.
public protocol PostgresDecodable {
    /// The value for the column's text, nil when the text is not a valid value of this type.
    init?(postgresText text: String, column: PostgresColumnInfo)
}

/// What a row accessor knows about the column it reads.
public struct PostgresColumnInfo: Sendable {
    public let name: String
    /// The column type's OID (`pg_type.oid`): 16 bool, 17 bytea, 20 int8, 23 int4, 25 text, 701 float8, …
    public let typeOID: UInt32
}

extension String: PostgresDecodable {
    public init?(postgresText text: String, column: PostgresColumnInfo) { self = text }
}

extension Int: PostgresDecodable {
    public init?(postgresText text: String, column: PostgresColumnInfo) { self.init(text) }
}

extension Int64: PostgresDecodable {
    public init?(postgresText text: String, column: PostgresColumnInfo) { self.init(text) }
}

extension Int32: PostgresDecodable {
    public init?(postgresText text: String, column: PostgresColumnInfo) { self.init(text) }
}

extension Double: PostgresDecodable {
    /// Also reads `Infinity`, `-Infinity` and `NaN` as PostgreSQL writes them.
    public init?(postgresText text: String, column: PostgresColumnInfo) { self.init(text) }
}

extension Bool: PostgresDecodable {
    /// PostgreSQL writes booleans as `t` and `f`.
    public init?(postgresText text: String, column: PostgresColumnInfo) {
        switch text {
        case "t", "true": self = true
        case "f", "false": self = false
        default: return nil
        }
    }
}

extension Data: PostgresDecodable {
    /// A bytea column's text (`\x…` hex, or the older escape format) decoded by libpq's `PQunescapeBytea`.
    public init?(postgresText text: String, column: PostgresColumnInfo) {
        guard column.typeOID == 17 else { return nil }
        var length = 0
        guard let bytes = text.withCString({ PQunescapeBytea(UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self), &length) })
        else { return nil }
        defer { PQfreemem(bytes) }
        self.init(bytes: bytes, count: length)
    }
}
