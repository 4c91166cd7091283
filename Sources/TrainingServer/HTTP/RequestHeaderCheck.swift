/// Checks a request's header block as libmicrohttpd parsed it, before the body is read, for what MHD 0.9.75 lets
/// through on its own:
///
/// - a header name with a character outside RFC 9110's `tchar` (whitespace before the colon, a control character);
///   MHD refuses a NUL in a name itself (the line then has no colon);
/// - a header value with a control character other than HTAB (a bare CR, DEL, ...);
/// - a NUL in a header value: MHD keeps the value only up to the NUL and drops the rest unseen, so the check counts
///   bytes instead. Every header line as MHD delivered it (name, colon and spaces up to the value, the value) plus
///   CRLF, with the request line and the final empty line, must add up to the size MHD received. Bytes hidden
///   behind a NUL, or a line ending in a bare LF, make the sums differ (RFC 9112 §2.2 lets a server refuse a bare
///   LF; §5.2 the obsolete line folding, which also shows up here);
/// - `Content-Length` that is not a plain number, or sent twice with different numbers (the same number twice is
///   accepted, as RFC 9110 §8.6 allows), or together with `Transfer-Encoding` (RFC 9112 §6.1);
/// - more than one `Host` (RFC 9112 §3.2).
///
/// The connection code feeds it each header in the order received and asks for the `problem`; nil means acceptable.
struct RequestHeaderCheck {
    private(set) var firstProblem: String?
    private var contentLength: Int?
    private var transferEncoding = false
    private var hosts = 0
    /// Bytes of the header lines seen so far, each counted with its CRLF; nil once one could not be counted.
    private var lineBytes: Int? = 0

    /// Adds one header: its name and value, and how far the value starts after the name's first byte (the name, the
    /// colon and the spaces after it), or nil when that is not known.
    mutating func add(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>, valueOffset: Int?) {
        guard firstProblem == nil else { return }
        guard !name.isEmpty, name.allSatisfy(Self.isTokenCharacter) else {
            firstProblem = "A header name contains a character that is not allowed"
            return
        }
        guard value.allSatisfy(Self.isValueByte) else {
            firstProblem = "A header value contains a control character"
            return
        }
        if let counted = lineBytes, let valueOffset, valueOffset > name.count {
            lineBytes = counted + valueOffset + value.count + 2
        } else {
            lineBytes = nil
        }
        if Self.equalsIgnoringCase(name, "content-length") {
            guard let number = Int(contentLength: value) else {
                firstProblem = "Content-Length is not a number"
                return
            }
            if let earlier = contentLength, earlier != number {
                firstProblem = "Content-Length is given twice with different values"
                return
            }
            contentLength = number
        } else if Self.equalsIgnoringCase(name, "transfer-encoding") {
            transferEncoding = true
        } else if Self.equalsIgnoringCase(name, "host") {
            hosts += 1
        }
    }

    /// What is wrong with the header block, or nil. `requestLine` is the request line's size with its line end (nil
    /// if unknown), `headerSize` the whole block's as received, empty line included (nil if unknown).
    func problem(requestLine: Int?, headerSize: Int?) -> String? {
        if let firstProblem { return firstProblem }
        if contentLength != nil && transferEncoding {
            return "A request may not have both Content-Length and Transfer-Encoding"
        }
        if hosts > 1 { return "Host is given more than once" }
        if let requestLine, let headerSize, let lineBytes, requestLine + lineBytes + 2 != headerSize {
            return "A header line is malformed (a NUL byte in a value, a line not ending in CRLF, or a folded line)"
        }
        return nil
    }

    /// RFC 9110 §5.6.2 `tchar`.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// RFC 9110 §5.5: visible characters, space, HTAB and obs-text (bytes from 0x80, checked as UTF-8 later).
    static func isValueByte(_ byte: UInt8) -> Bool {
        byte == 0x09 || (byte >= 0x20 && byte != 0x7F)
    }

    private static func equalsIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        return lowercase.withUTF8Buffer { expected in
            zip(bytes, expected).allSatisfy { ($0 | 0x20) == $1 || $0 == $1 }
        }
    }
}
