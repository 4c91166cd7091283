@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct RequestHeaderCheckTests {
    /// The verdict on a header block given as (name, value) pairs, each line counted as "name: value\r\n" unless
    /// `extra` bytes are hidden after a value (as behind a NUL).
    private static func problem(_ fields: [(String, [UInt8])], requestLine: Int = 20, hidden: Int = 0) -> String? {
        var check = RequestHeaderCheck()
        var size = requestLine + 2 + hidden
        for (name, value) in fields {
            let nameBytes = Array(name.utf8)
            nameBytes.withUnsafeBufferPointer { name in
                value.withUnsafeBufferPointer { value in
                    check.add(name: name, value: value, valueOffset: name.count + 2)
                }
            }
            size += nameBytes.count + 2 + value.count + 2
        }
        return check.problem(requestLine: requestLine, headerSize: size)
    }

    private static func text(_ fields: [(String, String)], hidden: Int = 0) -> String? {
        problem(fields.map { ($0.0, Array($0.1.utf8)) }, hidden: hidden)
    }

    @Test func ordinaryHeadersPass() {
        #expect(Self.text([("Host", "a"), ("User-Agent", "Mozilla/5.0 (X11)\tx"), ("Cookie", "a=b; c=d"),
                           ("Content-Length", "12"), ("X-Empty", "")]) == nil)
        #expect(Self.problem([("X-Bytes", [0x80, 0xFF, 0x41])]) == nil)
    }

    @Test(arguments: [0x00, 0x01, 0x08, 0x0A, 0x0D, 0x1F, 0x7F] as [UInt8])
    func aControlCharacterInAValueIsRefused(_ byte: UInt8) {
        #expect(Self.problem([("Host", Array("a".utf8)), ("X-Foo", [0x61, byte, 0x62])]) != nil)
    }

    @Test(arguments: ["X Foo", "X-Foo ", "X\tFoo", "X(Foo)", "Ä", "X:Y", ""])
    func aNameWithACharacterOutsideTheTokenSetIsRefused(_ name: String) {
        #expect(Self.text([(name, "v")]) != nil)
    }

    @Test func bytesHiddenBehindANulAreFound() {
        #expect(Self.text([("Host", "a"), ("X-Foo", "a")], hidden: 2) != nil)
        #expect(Self.text([("Host", "a"), ("X-Foo", "a")], hidden: 0) == nil)
        // A bare LF makes the block shorter than CRLF lines would: refused too.
        #expect(Self.text([("Host", "a")], hidden: -1) != nil)
    }

    @Test func withoutTheSizesOnlyTheBytesAreChecked() {
        var check = RequestHeaderCheck()
        Array("Host".utf8).withUnsafeBufferPointer { name in
            Array("a".utf8).withUnsafeBufferPointer { check.add(name: name, value: $0, valueOffset: nil) }
        }
        #expect(check.problem(requestLine: 20, headerSize: 9_999) == nil)
        #expect(check.problem(requestLine: nil, headerSize: nil) == nil)
    }

    @Test func contentLengthMustBeOneNumber() {
        #expect(Self.text([("Host", "a"), ("Content-Length", "3"), ("content-length", "3")]) == nil)
        #expect(Self.text([("Host", "a"), ("Content-Length", "3"), ("Content-Length", "003")]) == nil)
        #expect(Self.text([("Host", "a"), ("Content-Length", "3"), ("CONTENT-LENGTH", "5")]) != nil)
        #expect(Self.text([("Host", "a"), ("Content-Length", "3, 3")]) != nil)
        #expect(Self.text([("Host", "a"), ("Content-Length", "-1")]) != nil)
        #expect(Self.text([("Host", "a"), ("Content-Length", "3"), ("Transfer-Encoding", "chunked")]) != nil)
        #expect(Self.text([("Host", "a"), ("Transfer-Encoding", "chunked")]) == nil)
    }

    @Test func hostMayBeGivenOnce() {
        #expect(Self.text([("Host", "a"), ("host", "a")]) != nil)
    }

    // MARK: Over a socket: what libmicrohttpd delivers

    private static func status(_ raw: [UInt8]) throws -> (Int, Bool) {
        let server = try LiveServer()
        let connection = try server.connect()
        try connection.send(raw)
        let response = try connection.readResponse()
        return (response.status, response.headers["Connection"]?.lowercased() == "close")
    }

    private static let start = Array("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n".utf8)

    @Test func aNulInAHeaderValueIs400() throws {
        for raw in [Array("GET /healthz HTTP/1.1\r\nHost: a\r\nX-Foo: a".utf8) + [0] + Array("bc\r\nX-Bar: 1\r\n\r\n".utf8),
                    Array("GET /login HTTP/1.1\r\nHost: a\r\nX-Foo: a".utf8) + [0] + Array("bc\r\n\r\n".utf8),
                    Array("GET /login HTTP/1.1\r\nHost: a\r\nCookie: csa_lang=en".utf8) + [0, 0x61] + Array("\r\n\r\n".utf8)] {
            let (status, closes) = try Self.status(raw)
            #expect(status == 400)
            #expect(closes)
        }
    }

    @Test func conflictingContentLengthsAre400AndIdenticalOnesAreRead() throws {
        let conflicting = try Self.status(Self.start + Array("Content-Length: 3\r\nContent-Length: 5\r\n\r\nabcde".utf8))
        #expect(conflicting.0 == 400)
        #expect(conflicting.1)
        let identical = try Self.status(Self.start + Array("Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc".utf8))
        #expect(identical.0 == 403) // read, then refused for want of a CSRF token
        let both = try Self.status(Self.start + Array("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n".utf8))
        #expect(both.0 == 400)
    }

    @Test func controlCharactersAndBareLineFeedsAre400() throws {
        #expect(try Self.status(Array("GET /healthz HTTP/1.1\r\nHost: a\r\nX-Foo: a\rb\r\n\r\n".utf8)).0 == 400)
        #expect(try Self.status(Array("GET /healthz HTTP/1.1\r\nHost: a\r\nX-Foo: a\u{1}b\r\n\r\n".utf8)).0 == 400)
        #expect(try Self.status(Array("GET /healthz HTTP/1.1\r\nHost: a\r\nX-Foo : b\r\n\r\n".utf8)).0 == 400)
        #expect(try Self.status(Array("GET /healthz HTTP/1.1\nHost: a\nX-Foo: b\n\n".utf8)).0 == 400)
        #expect(try Self.status(Array("GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n".utf8)).0 == 400)
        #expect(try Self.status(Array("GET /healthz HTTP/1.1\r\nHost: a\r\nX-Foo:  b  \r\nX-Bar:c\r\n\r\n".utf8)).0 == 200)
        #expect(try Self.status(Array("GET /healthz HTTP/1.0\r\n\r\n".utf8)).0 == 200)
    }
}
