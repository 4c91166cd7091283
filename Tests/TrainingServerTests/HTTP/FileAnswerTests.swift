import Foundation
import Testing
@testable import TrainingServer

/// Answers for a real file on disk: validators, conditional requests, ranges and If-Range.
@Suite struct FileAnswerTests {
    /// A file of `count` bytes (byte i is i % 251) in a fresh folder, opened.
    static func file(_ count: Int) throws -> (OpenFile, [UInt8], URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("file-answer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("clip.mp4")
        let bytes = (0..<count).map { UInt8($0 % 251) }
        try Data(bytes).write(to: url)
        return (try #require(OpenFile(path: url.path)), bytes, directory)
    }

    /// The bytes a response's body would send: its byte body, or its file region read with pread.
    static func sent(_ response: Response) throws -> [UInt8] {
        guard case .file(let region) = response.body else { return response.bodyBytes }
        return try region.file.withDescriptor { fd in
            let fd = try #require(fd)
            var buffer = [UInt8](repeating: 0, count: Int(region.length))
            let read = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, Int(region.length), off_t(region.offset)) }
            #expect(read == Int(region.length))
            return buffer
        }
    }

    static func answer(_ file: OpenFile, _ headers: [(String, String)], method: HTTPMethod = .get) -> Response {
        FileAnswer.response(for: file, method: method, headers: HTTPHeaders(headers), contentType: "video/mp4",
                            cacheControl: "private, max-age=3600")
    }

    @Test func theWholeFileWithValidators() throws {
        let (file, bytes, directory) = try Self.file(3000)
        defer { try? FileManager.default.removeItem(at: directory) }
        let response = Self.answer(file, [])
        #expect(response.status == .ok)
        #expect(try Self.sent(response) == bytes)
        #expect(response.headers["Accept-Ranges"] == "bytes")
        #expect(response.headers["Content-Type"] == "video/mp4")
        #expect(response.headers["Cache-Control"] == "private, max-age=3600")
        let etag = try #require(response.headers["ETag"])
        #expect(etag.hasPrefix("\"") && etag.hasSuffix("\"") && !etag.hasPrefix("W/"))
        #expect(etag == file.status.etag)
        #expect(response.headers["Last-Modified"] == HTTPDate.format(file.status.modifiedSeconds))
        #expect(response.headers["Content-Range"] == nil)
    }

    @Test func rangesAreAnsweredWithExactlyThoseBytes() throws {
        let (file, bytes, directory) = try Self.file(3000)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (header, first, last) in [("bytes=0-0", 0, 0), ("bytes=1000-1999", 1000, 1999), ("bytes=2999-", 2999, 2999),
                                      ("bytes=-100", 2900, 2999), ("bytes=2500-9999", 2500, 2999)] {
            let response = Self.answer(file, [("Range", header)])
            #expect(response.status == .partialContent, "\(header)")
            #expect(response.headers["Content-Range"] == "bytes \(first)-\(last)/3000", "\(header)")
            #expect(try Self.sent(response) == Array(bytes[first...last]), "\(header)")
        }
    }

    @Test func unsatisfiableRangesSayTheSize() throws {
        let (file, _, directory) = try Self.file(3000)
        defer { try? FileManager.default.removeItem(at: directory) }
        for header in ["bytes=3000-", "bytes=-0", "bytes=5000-6000"] {
            let response = Self.answer(file, [("Range", header)])
            #expect(response.status == .rangeNotSatisfiable, "\(header)")
            #expect(response.headers["Content-Range"] == "bytes */3000")
        }
    }

    @Test func invalidAndMultipleRangesGetTheWholeFile() throws {
        let (file, bytes, directory) = try Self.file(3000)
        defer { try? FileManager.default.removeItem(at: directory) }
        for header in ["bytes=5-1", "lines=0-9", "bytes=0-1,5-9"] {
            let response = Self.answer(file, [("Range", header)])
            #expect(response.status == .ok, "\(header)")
            #expect(try Self.sent(response) == bytes)
        }
    }

    @Test func headIgnoresRangeAndKeepsTheHeaders() throws {
        let (file, _, directory) = try Self.file(3000)
        defer { try? FileManager.default.removeItem(at: directory) }
        let head = Self.answer(file, [("Range", "bytes=0-9")], method: .head)
        #expect(head.status == .ok)
        #expect(head.headers["ETag"] == file.status.etag && head.headers["Accept-Ranges"] == "bytes")
    }

    @Test func conditionalRequestsAnswerNotModified() throws {
        let (file, _, directory) = try Self.file(100)
        defer { try? FileManager.default.removeItem(at: directory) }
        let etag = file.status.etag
        let date = HTTPDate.format(file.status.modifiedSeconds)
        let earlier = HTTPDate.format(file.status.modifiedSeconds - 10)
        #expect(Self.answer(file, [("If-None-Match", etag)]).status == .notModified)
        #expect(Self.answer(file, [("If-None-Match", "\"other\", W/\(etag)")]).status == .notModified, "weak comparison")
        #expect(Self.answer(file, [("If-None-Match", "*")]).status == .notModified)
        #expect(Self.answer(file, [("If-None-Match", "\"other\"")]).status == .ok)
        let notModified = Self.answer(file, [("If-Modified-Since", date)])
        #expect(notModified.status == .notModified)
        #expect(notModified.headers["ETag"] == etag && notModified.bodyBytes.isEmpty)
        #expect(Self.answer(file, [("If-Modified-Since", earlier)]).status == .ok)
        #expect(Self.answer(file, [("If-Modified-Since", "yesterday")]).status == .ok, "an unreadable date is ignored")
        #expect(Self.answer(file, [("If-None-Match", "\"other\""), ("If-Modified-Since", date)]).status == .ok,
                "If-Modified-Since is ignored when If-None-Match is sent")
    }

    @Test func ifRangeSendsTheRangeOnlyForTheCurrentVersion() throws {
        let (file, bytes, directory) = try Self.file(3000)
        defer { try? FileManager.default.removeItem(at: directory) }
        let range = ("Range", "bytes=10-19")
        let current = Self.answer(file, [range, ("If-Range", file.status.etag)])
        #expect(current.status == .partialContent)
        #expect(try Self.sent(current) == Array(bytes[10...19]))
        #expect(Self.answer(file, [range, ("If-Range", HTTPDate.format(file.status.modifiedSeconds))]).status == .partialContent)
        let stale = Self.answer(file, [range, ("If-Range", "\"1-2-3\"")])
        #expect(stale.status == .ok)
        #expect(try Self.sent(stale) == bytes)
        #expect(Self.answer(file, [range, ("If-Range", "W/\(file.status.etag)")]).status == .ok, "a weak tag never matches")
        #expect(Self.answer(file, [range, ("If-Range", HTTPDate.format(file.status.modifiedSeconds - 1))]).status == .ok)
        #expect(Self.answer(file, [("Range", "bytes=5000-"), ("If-Range", "\"1-2-3\"")]).status == .ok,
                "a stale If-Range ignores even an unsatisfiable range")
    }

    @Test func aZeroLengthFile() throws {
        let (file, _, directory) = try Self.file(0)
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = Self.answer(file, [])
        #expect(whole.status == .ok && whole.bodyBytes.isEmpty)
        #expect(Self.answer(file, [("Range", "bytes=0-")]).status == .rangeNotSatisfiable)
        #expect(Self.answer(file, [("Range", "bytes=0-")]).headers["Content-Range"] == "bytes */0")
        #expect(Self.answer(file, [("Range", "bytes=-5")]).status == .ok)
    }
}
