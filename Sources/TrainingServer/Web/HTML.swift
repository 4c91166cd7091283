/// HTML that is safe to send: literal parts come from our code, every interpolated `String` is escaped.
/// Building markup any other way than through this type is not possible in the page code.
public struct HTML: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringInterpolation {
    public private(set) var rendered: String

    public init(stringLiteral value: String) { rendered = value }
    public init(stringInterpolation: StringInterpolation) { rendered = stringInterpolation.text }
    /// Markup produced by a trusted renderer (cmark-gfm in safe mode, the SVG writer). Never use it for input.
    public init(trusted: String) { rendered = trusted }

    public var description: String { rendered }
    public static let empty: HTML = ""

    public static func + (lhs: HTML, rhs: HTML) -> HTML { HTML(trusted: lhs.rendered + rhs.rendered) }

    /// Joins fragments.
    public static func join(_ parts: [HTML], separator: HTML = .empty) -> HTML {
        HTML(trusted: parts.map(\.rendered).joined(separator: separator.rendered))
    }

    /// Escapes text for element content and quoted attribute values. Text without any of the five characters (most
    /// text) comes back as it is, without a copy.
    public static func escape(_ text: String) -> String {
        guard needsEscaping(text) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 32)
        for byte in text.utf8 {
            switch byte {
            case 0x26: bytes.append(contentsOf: "&amp;".utf8)
            case 0x3C: bytes.append(contentsOf: "&lt;".utf8)
            case 0x3E: bytes.append(contentsOf: "&gt;".utf8)
            case 0x22: bytes.append(contentsOf: "&quot;".utf8)
            case 0x27: bytes.append(contentsOf: "&#39;".utf8)
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The five characters `escape` replaces, as bits of a mask indexed by byte value (all are below 64).
    private static let escapedBytes: UInt64 = 1 << 0x26 | 1 << 0x3C | 1 << 0x3E | 1 << 0x22 | 1 << 0x27

    /// Whether `text` holds any of the five characters `escape` replaces. Scans the bytes in one pass without a
    /// branch per byte (most text has none, so the whole text is read either way).
    static func needsEscaping(_ text: String) -> Bool {
        if let found = text.utf8.withContiguousStorageIfAvailable({ needsEscaping($0) }) { return found }
        return text.utf8.contains { $0 < 64 && escapedBytes >> UInt64($0) & 1 != 0 }
    }

    static func needsEscaping(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var found: UInt64 = 0
        for byte in bytes {
            // Bytes of 64 and above shift the mask by their value modulo 64; `below` masks them out.
            let below: UInt64 = byte < 64 ? 1 : 0
            found |= escapedBytes >> UInt64(byte & 63) & below
        }
        return found != 0
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var text = ""
        public init(literalCapacity: Int, interpolationCount: Int) { text.reserveCapacity(literalCapacity * 2) }
        public mutating func appendLiteral(_ literal: String) { text += literal }
        public mutating func appendInterpolation(_ value: String) { text += HTML.escape(value) }
        public mutating func appendInterpolation(_ value: String?) { text += HTML.escape(value ?? "") }
        public mutating func appendInterpolation(_ html: HTML) { text += html.rendered }
        public mutating func appendInterpolation(_ parts: [HTML]) { for part in parts { text += part.rendered } }
        public mutating func appendInterpolation(_ value: Int) { text += String(value) }
        public mutating func appendInterpolation(_ value: Double) { text += HTML.escape(String(value)) }
    }
}

/// A part of pages the server keeps (built once, sent on many pages), with its DEFLATE data made once (see
/// `Gzip.Deflated`): a page written through `PageWriter` from kept parts has a gzip form put together from their
/// compressed data, without compressing them again. The markup is `HTML`, so it is escaped by construction.
public struct KeptHTML: Sendable {
    public let html: HTML
    let deflated: Gzip.Deflated

    public init(_ html: HTML) {
        self.html = html
        deflated = Gzip.Deflated(Array(html.rendered.utf8))
    }

    public static let empty = KeptHTML(.empty)
}

/// A page's pieces written once into a buffer of their size, with where its kept parts are (`Gzip.Parts`), for its
/// gzip form.
struct PageWriter {
    private enum Piece {
        case fresh(String)
        case kept(KeptHTML)
    }

    private var pieces: [Piece] = []
    private var count = 0

    init(capacity: Int = 32) { pieces.reserveCapacity(capacity) }

    /// Markup written for this page.
    mutating func append(_ html: HTML) { append(html.rendered) }

    /// Markup (already escaped) written for this page.
    mutating func append(_ text: String) {
        count += text.utf8.count
        pieces.append(.fresh(text))
    }

    /// A kept part.
    mutating func append(_ kept: KeptHTML) {
        count += kept.deflated.count
        pieces.append(.kept(kept))
    }

    /// The page's bytes and where its kept parts are in them.
    var written: (bytes: [UInt8], parts: Gzip.Parts) {
        var parts: Gzip.Parts? = Gzip.Parts()
        parts?.pieces.reserveCapacity(pieces.count)
        let bytes = write(recording: &parts)
        return (bytes, parts ?? Gzip.Parts())
    }

    /// The page's bytes (for pages sent without parts: the dashboard's).
    var bytes: [UInt8] {
        var none: Gzip.Parts?
        return write(recording: &none)
    }

    /// The pieces' bytes in one buffer of their size; each piece also recorded in `parts` unless it is nil.
    private func write(recording parts: inout Gzip.Parts?) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        for piece in pieces {
            switch piece {
            case .fresh(let text):
                bytes.append(contentsOf: text.utf8)
                parts?.fresh(text.utf8.count)
            case .kept(let kept):
                bytes.append(contentsOf: kept.html.rendered.utf8)
                parts?.kept(kept.deflated)
            }
        }
        return bytes
    }

    /// The page as an HTML answer that carries its kept parts for its gzip form.
    var response: Response {
        let (bytes, parts) = written
        var response = Response.html(bytes: bytes)
        response.gzipParts = parts
        return response
    }
}
