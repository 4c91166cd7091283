import Curriculum
import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Synchronization
import Testing
@testable import TrainingServer

/// `GET /media/:course/*file`: signed-in people only, files of the course's media/ folder only, answered from the open
/// file with ranges and validators.
@Suite struct CourseControllerTests {
    private static let password = "correct horse battery"

    /// An application whose catalogue has `course-001` with `media/clip.mp4` (4000 bytes, byte i is i % 251) and
    /// `media/sub/名单 1.vtt`, and a signed-in browser.
    private static func setUp() throws -> (TestApplication, Browser, [UInt8]) {
        let app = try TestApplication()
        let courses = app.temporary.directory.appendingPathComponent("Courses", isDirectory: true)
        try SyntheticCatalogue.write(to: courses, courses: 1, modules: 1)
        let media = courses.appendingPathComponent("course-001/media/sub", isDirectory: true)
        try FileManager.default.createDirectory(at: media, withIntermediateDirectories: true)
        let bytes = (0..<4000).map { UInt8($0 % 251) }
        try Data(bytes).write(to: media.deletingLastPathComponent().appendingPathComponent("clip.mp4"))
        try Data("WEBVTT\n".utf8).write(to: media.appendingPathComponent("名单 1.vtt"))
        #expect(app.application.catalogue.reload(now: app.clock.now, trigger: .signal, by: nil).taken)
        try app.createUser(login: "li", password: Self.password)
        let browser = Browser(app)
        #expect(try browser.signIn(login: "li", password: Self.password).status == .seeOther)
        return (app, browser, bytes)
    }

    /// The catalogue and a course page each read the person's progress and quiz outcomes in one read (one
    /// snapshot), and show the course.
    @Test func theCatalogueAndACoursePageReadOnce() throws {
        let (app, browser, _) = try Self.setUp()
        #expect(try browser.get("/courses").status == .ok, "the session is cached after its first page")
        for path in ["/courses", "/courses/course-001"] {
            var page = ""
            let before = app.store.readCount.load(ordering: .relaxed)
            page = try browser.get(path).bodyText
            #expect(app.store.readCount.load(ordering: .relaxed) - before == 1, "\(path)")
            #expect(page.contains("href=\"/courses/course-001"), "\(path)")
        }
    }

    @Test func signedOutRequestsGetTheSignInRedirectAndNoBytes() throws {
        let (app, _, _) = try Self.setUp()
        let response = try app.respond(.get, "/media/course-001/clip.mp4", headers: [("Range", "bytes=0-9")])
        #expect(response.status == .seeOther)
        #expect(response.headers["Location"]?.hasPrefix("/login?next=") == true)
        if case .file = response.body { Issue.record("no file body for a signed-out request") }
        #expect(response.bodyBytes.isEmpty)
    }

    @Test func theWholeFileARangeAndTheHeaders() throws {
        let (_, browser, bytes) = try Self.setUp()
        let whole = try browser.get("/media/course-001/clip.mp4")
        #expect(whole.status == .ok)
        #expect(try FileAnswerTests.sent(whole) == bytes)
        #expect(whole.headers["Content-Type"] == "video/mp4")
        #expect(whole.headers["Accept-Ranges"] == "bytes")
        #expect(whole.headers["Cache-Control"] == "private, max-age=3600")
        #expect(whole.headers["X-Content-Type-Options"] == "nosniff")
        #expect(whole.headers.values("Content-Security-Policy").contains { $0.hasSuffix("sandbox") })
        #expect(whole.headers["Content-Disposition"] == nil)
        #expect(whole.headers["Content-Encoding"] == nil)

        let range = try browser.get("/media/course-001/clip.mp4", headers: [("Range", "bytes=1000-1099")])
        #expect(range.status == .partialContent)
        #expect(range.headers["Content-Range"] == "bytes 1000-1099/4000")
        #expect(try FileAnswerTests.sent(range) == Array(bytes[1000...1099]))

        let head = try browser.send(.head, "/media/course-001/clip.mp4", headers: [], body: [])
        #expect(head.status == .ok && head.headers["ETag"] == whole.headers["ETag"])
    }

    @Test func unsatisfiableAndNotModified() throws {
        let (_, browser, _) = try Self.setUp()
        let outside = try browser.get("/media/course-001/clip.mp4", headers: [("Range", "bytes=4000-")])
        #expect(outside.status == .rangeNotSatisfiable)
        #expect(outside.headers["Content-Range"] == "bytes */4000")
        let etag = try #require(try browser.get("/media/course-001/clip.mp4").headers["ETag"])
        let cached = try browser.get("/media/course-001/clip.mp4", headers: [("If-None-Match", etag)])
        #expect(cached.status == .notModified)
        #expect(cached.bodyBytes.isEmpty)
        let stale = try browser.get("/media/course-001/clip.mp4", headers: [("Range", "bytes=0-9"), ("If-Range", "\"old\"")])
        #expect(stale.status == .ok)
    }

    @Test func aDownloadNamesTheFileInUTF8() throws {
        let (_, browser, _) = try Self.setUp()
        let response = try browser.get("/media/course-001/sub/%E5%90%8D%E5%8D%95%201.vtt?download=1")
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "text/vtt; charset=utf-8")
        #expect(response.headers["Content-Disposition"] == "attachment; filename*=UTF-8''%E5%90%8D%E5%8D%95%201.vtt")
        #expect(try FileAnswerTests.sent(response) == Array("WEBVTT\n".utf8))
    }

    @Test func aTextualFileIsNotCompressedOrCopied() throws {
        let (app, browser, _) = try Self.setUp()
        let captions = "WEBVTT\n\n" + String(repeating: "00:00.000 --> 00:01.000\n字幕\n\n", count: 100)
        try Data(captions.utf8).write(to: app.temporary.directory.appendingPathComponent("Courses/course-001/media/sub/名单 1.vtt"))
        let response = try browser.get("/media/course-001/sub/%E5%90%8D%E5%8D%95%201.vtt",
                                       headers: [("Accept-Encoding", "gzip")])
        #expect(response.status == .ok)
        #expect(response.headers["Content-Encoding"] == nil, "gzip leaves file bodies alone")
        guard case .file = response.body else {
            Issue.record("the body is the file, not bytes")
            return
        }
        #expect(try FileAnswerTests.sent(response) == Array(captions.utf8))
    }

    @Test("only files of the course's media folder", arguments: [
        "/media/course-001/missing.mp4", "/media/course-001/../course.yaml", "/media/course-001/%2e%2e/course.yaml",
        "/media/course-001/sub", "/media/course-999/clip.mp4", "/media/course-001/modules/01-module-01.zh.md",
    ])
    func onlyMediaFiles(target: String) throws {
        let (_, browser, _) = try Self.setUp()
        let response = try browser.get(target)
        #expect(response.status == .notFound || response.status == .badRequest, "\(target): \(response.status)")
        if case .file = response.body { Issue.record("\(target) sent a file") }
    }
}
