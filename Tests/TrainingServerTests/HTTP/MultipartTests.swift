import Foundation
import Testing
@testable import TrainingServer

@Suite struct MultipartTests {
    private func body(_ text: String) -> [UInt8] { Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8) }

    @Test func boundaryIsReadFromTheContentType() {
        #expect(Multipart.boundary(contentType: "multipart/form-data; boundary=abc") == "abc")
        #expect(Multipart.boundary(contentType: "multipart/form-data;boundary=\"a b:c\"") == "a b:c")
        #expect(Multipart.boundary(contentType: "multipart/form-data; charset=utf-8; BOUNDARY=xyz") == "xyz")
        #expect(Multipart.boundary(contentType: "multipart/form-data; boundary=" + String(repeating: "b", count: 70))
            == String(repeating: "b", count: 70))
    }

    @Test(arguments: [
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=\"\"",
        "multipart/form-data; boundary=" + String(repeating: "b", count: 71),
        "multipart/form-data; boundary=a\u{0}b",
        "boundary=abc",
    ])
    func invalidBoundariesAreRefused(_ contentType: String) {
        #expect(Multipart.boundary(contentType: contentType) == nil)
    }

    @Test func parsesFieldsAndFilesInOrder() throws {
        let parts = try Multipart.parse(body: body("""
            --XyZ
            Content-Disposition: form-data; name="title"

            第一单元
            --XyZ
            content-disposition: form-data; name="file"; filename="notes.txt"
            Content-Type: text/plain

            line one
            line two
            --XyZ
            Content-Disposition: form-data; name="empty"

            
            --XyZ--

            """), boundary: "XyZ")
        #expect(parts.count == 3)
        #expect(parts[0] == Multipart.Part(name: "title", filename: nil, contentType: nil, body: Array("第一单元".utf8)))
        #expect(parts[1].name == "file")
        #expect(parts[1].filename == "notes.txt")
        #expect(parts[1].contentType == "text/plain")
        #expect(parts[1].body == Array("line one\r\nline two".utf8))
        #expect(parts[2].name == "empty")
        #expect(parts[2].body.isEmpty)
    }

    @Test func binaryContentIsKeptByteForByte() throws {
        let payload: [UInt8] = [0, 255, 13, 10, 45, 45, 13, 13, 10, 0x80]
        let head = Array("--b\r\nContent-Disposition: form-data; name=\"blob\"; filename=\"x.bin\"\r\n\r\n".utf8)
        let parts = try Multipart.parse(body: head + payload + Array("\r\n--b--\r\n".utf8), boundary: "b")
        #expect(parts.map(\.body) == [payload])
    }

    @Test func aPreambleBeforeTheFirstDelimiterIsIgnored() throws {
        let parts = try Multipart.parse(body: body("""
            This is a preamble.
            --b
            Content-Disposition: form-data; name="a"

            1
            --b--
            """), boundary: "b")
        #expect(parts.map(\.name) == ["a"])
    }

    @Test func textThatOnlyStartsLikeTheBoundaryStaysInTheContent() throws {
        let parts = try Multipart.parse(body: body("""
            --abc
            Content-Disposition: form-data; name="a"

            --ab is not the boundary
            --abc--
            """), boundary: "abc")
        #expect(parts.first?.body == Array("--ab is not the boundary".utf8))
    }

    @Test func aSemicolonInAQuotedFilenameBelongsToTheName() throws {
        let parts = try Multipart.parse(body: body("""
            --b
            Content-Disposition: form-data; name="file"; filename="report;v2.pdf"

            %PDF
            --b--
            """), boundary: "b")
        #expect(parts.first?.filename == "report;v2.pdf")
    }

    @Test(arguments: [
        ("no delimiter at all", "just text"),
        ("no closing delimiter", "--b\nContent-Disposition: form-data; name=\"a\"\n\n1\n"),
        ("no blank line after headers", "--b\nContent-Disposition: form-data; name=\"a\"\n--b--"),
        ("part without a name", "--b\nContent-Disposition: form-data\n\n1\n--b--"),
        ("header without a colon", "--b\nContent-Disposition form-data; name=\"a\"\n\n1\n--b--"),
        ("garbage after a delimiter", "--bX\nContent-Disposition: form-data; name=\"a\"\n\n1\n--b--"),
        ("delimiter at the very end", "--b"),
    ])
    func malformedBodiesAreRefused(_ label: String, _ text: String) {
        #expect(throws: Multipart.Failure.malformed, "\(label)") { try Multipart.parse(body: body(text), boundary: "b") }
    }

    @Test func headersThatAreNotUTF8AreRefused() {
        let bytes = Array("--b\r\nContent-Disposition: form-data; name=\"".utf8) + [0xC0, 0xAF]
            + Array("\"\r\n\r\n1\r\n--b--".utf8)
        #expect(throws: Multipart.Failure.malformed) { try Multipart.parse(body: bytes, boundary: "b") }
    }

    @Test func anEmptyBodyWithOnlyTheCloseDelimiterHasNoParts() throws {
        #expect(try Multipart.parse(body: body("--b--\n"), boundary: "b").isEmpty)
    }
}
