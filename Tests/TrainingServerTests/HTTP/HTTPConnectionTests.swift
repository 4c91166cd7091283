import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct HTTPConnectionTests {
    @Test(arguments: [
        ("0", 0), ("42", 42), ("0007", 7), ("9223372036854775807", Int.max), ("9223372036854775808", Int.max),
        ("99999999999999999999", Int.max), ("", nil), ("-1", nil), ("+5", nil), (" 5", nil), ("5 ", nil), ("1e3", nil),
        ("99999999999999999999x", nil),
    ] as [(String, Int?)])
    func aContentLengthIsReadAsDecimalDigitsOnlyAndATooLargeOneAsTheLargest(_ text: String, _ expected: Int?) {
        var text = text
        #expect(text.withUTF8 { Int(contentLength: $0) } == expected, "\(text)")
    }

    @Test(arguments: [
        ("/", "/"), ("/assets/style.css", "/assets/style.css"), ("/assets/style.css?v=ab12", "/assets/style.css"),
        ("/a?x=1&y=2", "/a"), ("/a?", "/a"), ("/~a-b_c.d", "/~a-b_c.d"),
    ])
    func aPlainTargetGivesItsPath(_ target: String, _ path: String) {
        #expect(QuickRequest.plainPath(target) == Substring(path))
    }

    @Test(arguments: ["", "a", "*", "/%41", "/a+b", "/a?b+c", "/a?b?c", "/a;b", "/a=b", "/a&b", "/é", "/a b", "/a?x=%20"])
    func anyOtherTargetIsNotPlain(_ target: String) {
        #expect(QuickRequest.plainPath(target) == nil)
    }

    /// How many of this process's descriptors are open on `path`.
    private static func openDescriptors(on path: String) -> Int {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return entries.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")) == path }.count
    }

    @Test("a file body is sent from the file: the region's bytes, HEAD without them, and the descriptor closed after")
    func aFileBodyIsSentFromTheFileAndItsDescriptorClosed() throws {
        let (_, bytes, directory) = try FileAnswerTests.file(300_000)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("clip.mp4").path
        let server = try LiveServer { request in
            guard let file = OpenFile(path: path) else { return .text("missing", status: .notFound) }
            return FileAnswer.response(for: file, method: request.method, headers: request.headers, contentType: "video/mp4",
                                       cacheControl: "private, max-age=3600")
        }
        let connection = try server.connect()
        try connection.send("GET /clip HTTP/1.1\r\nHost: x\r\nRange: bytes=1000-200999\r\n\r\n")
        let range = try connection.readResponse()
        #expect(range.status == 206)
        #expect(range.headers["Content-Length"] == "200000")
        #expect(range.headers["Content-Range"] == "bytes 1000-200999/300000")
        #expect(range.body == Array(bytes[1000...200999]))
        // The same connection stays usable (keep-alive) for the whole file and a HEAD.
        try connection.send("GET /clip HTTP/1.1\r\nHost: x\r\n\r\n")
        let whole = try connection.readResponse()
        #expect(whole.status == 200 && whole.body == bytes)
        try connection.send("HEAD /clip HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = try connection.readResponse(bodyless: true)
        #expect(head.status == 200 && head.headers["Content-Length"] == "300000" && head.body.isEmpty)
        try connection.send("GET /clip HTTP/1.1\r\nHost: x\r\nRange: bytes=300000-\r\n\r\n")
        #expect(try connection.readResponse().status == 416)
        connection.close()
        // MHD closes each descriptor when it destroys the response, once the connection is done with it.
        var open = Self.openDescriptors(on: path)
        for _ in 0..<200 where open > 0 {
            usleep(10_000)
            open = Self.openDescriptors(on: path)
        }
        #expect(open == 0, "every descriptor opened for the answers is closed")
    }
}
