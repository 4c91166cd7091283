/// A `Range` request header (RFC 9110 §14.2) read for a representation of a known size, and what the answer is.
///
/// The server answers one range only. A header it cannot read (another unit, bad syntax, a last position before the
/// first) is ignored, as RFC 9110 asks: the whole representation is sent with 200. So is a header with several ranges:
/// the RFC allows a server to ignore `Range`, and a media player asks for one range at a time; multipart/byteranges
/// would buy nothing for the clients this serves. A single range that lies wholly after the end is unsatisfiable (416).
/// For a representation of zero bytes every `first-last` or `first-` range is unsatisfiable; a suffix range (`-n`, n > 0)
/// is satisfiable but has no byte to send and no way to be written in `Content-Range`, so it is answered with the whole
/// (empty) representation.
public enum ByteRange: Equatable, Sendable {
    /// `first-last`: both inclusive; `last` may lie past the end (it is clipped).
    case closed(first: UInt64, last: UInt64)
    /// `first-`: from `first` to the end.
    case from(first: UInt64)
    /// `-length`: the last `length` bytes.
    case suffix(length: UInt64)

    /// What a `Range` header asks for, before the size is known.
    public enum Request: Equatable, Sendable {
        /// No header, or one that must be ignored (unknown unit, bad syntax).
        case ignored
        /// A well-formed header with more than one range (answered with the whole representation).
        case several(Int)
        case one(ByteRange)
    }

    /// The answer for a representation of a given size.
    public enum Answer: Equatable, Sendable {
        /// 200 with the whole representation.
        case whole
        /// 206 with `length` bytes from `offset`; `Content-Range: bytes offset-(offset+length-1)/size`.
        case partial(offset: UInt64, length: UInt64)
        /// 416 with `Content-Range: bytes */size`.
        case unsatisfiable
    }

    /// Reads a `Range` header value (nil: no header). Numbers too large for 64 bits are read as `UInt64.max`, which
    /// lies past the end of any file.
    public static func parse(_ header: String?) -> Request {
        guard let header else { return .ignored }
        let bytes = Array(header.utf8)
        guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")) else { return .ignored }
        let unit = bytes[..<equals]
        guard unit.count == 5, zip(unit, "bytes".utf8).allSatisfy({ $0 | 0x20 == $1 }) else { return .ignored }
        var ranges: [ByteRange] = []
        // range-set = 1#range-spec: elements separated by commas with optional spaces around, empty elements allowed.
        for element in bytes[(equals + 1)...].split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            let spec = trimmed(element)
            if spec.isEmpty { continue }
            guard let range = parseSpec(spec) else { return .ignored }
            ranges.append(range)
        }
        switch ranges.count {
        case 0: return .ignored
        case 1: return .one(ranges[0])
        default: return .several(ranges.count)
        }
    }

    /// What to answer for a `Range` header value (nil: none) on a representation of `size` bytes.
    public static func answer(_ header: String?, size: UInt64) -> Answer {
        guard case .one(let range) = parse(header) else { return .whole }
        return range.answer(size: size)
    }

    /// What to answer for this single range on a representation of `size` bytes.
    public func answer(size: UInt64) -> Answer {
        switch self {
        case .closed(let first, let last):
            guard first < size else { return .unsatisfiable }
            return .partial(offset: first, length: Swift.min(last, size - 1) - first + 1)
        case .from(let first):
            guard first < size else { return .unsatisfiable }
            return .partial(offset: first, length: size - first)
        case .suffix(let length):
            guard length > 0 else { return .unsatisfiable }
            guard size > 0 else { return .whole }
            let count = Swift.min(length, size)
            return .partial(offset: size - count, length: count)
        }
    }

    /// `first-last`, `first-` or `-length`, digits only.
    private static func parseSpec(_ spec: ArraySlice<UInt8>) -> ByteRange? {
        guard let dash = spec.firstIndex(of: UInt8(ascii: "-")) else { return nil }
        let before = spec[..<dash]
        let after = spec[(dash + 1)...]
        if before.isEmpty {
            return number(after).map { .suffix(length: $0) }
        }
        guard let first = number(before) else { return nil }
        if after.isEmpty { return .from(first: first) }
        guard let last = number(after), last >= first else { return nil }
        return .closed(first: first, last: last)
    }

    /// A non-empty run of ASCII digits, saturating at `UInt64.max`; nil for anything else.
    private static func number(_ digits: ArraySlice<UInt8>) -> UInt64? {
        guard !digits.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowAgain) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            value = overflow || overflowAgain ? .max : sum
        }
        return value
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var bytes = bytes
        while let first = bytes.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { bytes.removeFirst() }
        while let last = bytes.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { bytes.removeLast() }
        return bytes
    }
}
