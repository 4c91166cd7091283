import Curriculum
import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// The watch route through the application: a course with one recorded lecture loaded from a folder, reports
/// answered in JSON, the allowance counted from a page view the study clock held in memory, completion with the
/// ledger, refusals, and the module page's state.
@Suite struct MediaWatchControllerTests {
    private static let password = "correct horse battery"
    private static let path = "/courses/watch-demo/modules/lecture"

    /// An MP4 header as the catalogue's probe reads it: `ftyp`, then `moov` with the running time and a video and
    /// a sound track.
    static func mp4(seconds: UInt64) -> [UInt8] {
        func be(_ value: UInt64, _ width: Int) -> [UInt8] {
            (0..<width).map { UInt8(truncatingIfNeeded: value >> UInt64(8 * (width - 1 - $0))) }
        }
        func box(_ type: String, _ content: [UInt8]) -> [UInt8] { be(UInt64(content.count + 8), 4) + Array(type.utf8) + content }
        func track(_ handler: String) -> [UInt8] {
            box("trak", box("mdia", box("hdlr", be(0, 4) + be(0, 4) + Array(handler.utf8) + be(0, 12) + [0])))
        }
        let mvhd = box("mvhd", [0, 0, 0, 0] + be(0, 4) + be(0, 4) + be(1000, 4) + be(seconds * 1000, 4)
                       + [UInt8](repeating: 0, count: 80))
        return box("ftyp", Array("isom".utf8) + be(512, 4) + Array("isomisom".utf8)) + box("moov", mvhd + track("vide") + track("soun"))
            + box("mdat", [UInt8](repeating: 0xAB, count: 64))
    }

    /// Writes the course `watch-demo` (module `lecture`, a 10 s video with a 90 % watch rule) into the
    /// application's course folder and reloads the catalogue.
    static func application() throws -> TestApplication {
        let app = try TestApplication()
        let root = URL(fileURLWithPath: app.temporary.path("Courses")).appendingPathComponent("watch-demo")
        func write(_ relative: String, _ bytes: [UInt8]) throws {
            let url = root.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        try write("course.yaml", Array("""
            id: watch-demo
            version: 1
            title: {zh: 录播演示, en: Recorded demo}
            summary: {zh: 一门录播课程, en: A recorded course}
            study_hours: 1
            modules: [lecture]
            completion:
              modules: all

            """.utf8))
        for language in ["zh", "en"] {
            try write("modules/01-lecture.\(language).md", Array("""
                ---
                id: lecture
                title: \(language == "zh" ? "讲座" : "Lecture")
                minutes: 30
                hours: 1
                objectives: [\(language == "zh" ? "看讲座" : "Watch the lecture")]
                summary: \(language == "zh" ? "看讲座。" : "Watch it.")
                ---

                \(language == "zh" ? "## 情景案例：一次讲座" : "## Scenario: a lecture")

                Text.

                """.utf8))
            try write("media/lecture.\(language).vtt", Array("WEBVTT\n\n00:00.000 --> 00:05.000\nOne\n\n00:05.000 --> 00:10.000\nTwo\n".utf8))
            try write("media/lecture.\(language).md", Array("What was said.\n".utf8))
        }
        try write("modules/01-lecture.media.yaml", Array("""
            watch: 90%
            items:
              - id: lecture
                video: media/lecture.mp4
                title: {zh: 讲座录像, en: Lecture video}
                captions: {zh: media/lecture.zh.vtt, en: media/lecture.en.vtt}
                transcript: {zh: media/lecture.zh.md, en: media/lecture.en.md}

            """.utf8))
        try write("media/lecture.mp4", mp4(seconds: 10))
        let outcome = app.application.catalogue.reload(now: app.clock.now, trigger: .signal, by: nil)
        #expect(outcome.taken, "the course loads: \(app.application.catalogue.status.diagnostics)")
        try #require(app.application.catalogue.catalogue.course(CourseID("watch-demo"))?.module(ModuleID("lecture"))?.media != nil)
        return app
    }

    private func signedIn(_ app: TestApplication) throws -> (Browser, String) {
        try app.createUser(login: "li", password: Self.password)
        let browser = Browser(app)
        #expect(try browser.signIn(login: "li", password: Self.password).status == .seeOther)
        let page = try browser.get(Self.path)
        #expect(page.status == .ok)
        return (browser, try #require(Browser.hiddenField("csrf_token", in: page.bodyText)))
    }

    private func report(_ browser: Browser, _ csrf: String?, media: String = "lecture", ranges: String,
                        path: String = path) throws -> (TrainingServer.Response, [String: Any]) {
        var headers = [("Accept", "application/json")]
        if let csrf { headers.append(("X-CSRF-Token", csrf)) }
        let response = try browser.post(path + "/watch", form: [("media", media), ("ranges", ranges), ("position", "0")],
                                        headers: headers)
        let json = (try? JSONSerialization.jsonObject(with: Data(response.bodyBytes))) as? [String: Any] ?? [:]
        return (response, json)
    }

    @Test func reportsAreAnsweredAndCompleteTheModuleWithItsHours() throws {
        let app = try Self.application()
        let (browser, csrf) = try signedIn(app)
        app.clock.advance(by: 1.5)
        var (response, json) = try report(browser, csrf, ranges: "0-10")
        #expect(response.status == .ok)
        #expect(json["watchedSeconds"] as? Double == 5, "2 × 1.5 s + 2 s since the page view")
        #expect(json["duration"] as? Double == 10 && json["frontier"] as? Double == 5 && json["share"] as? Double == 0.5)
        #expect(json["completed"] as? Bool == false && json["media"] as? String == "lecture")
        #expect(json["message"] as? String == "已观看 50%（需 90%）")
        let user = try #require(try app.application.users.find(login: "li"))
        let service = MediaWatchService(repository: SQLiteMediaWatchRepository(store: app.store), catalogue: app.application.catalogue)
        #expect(try service.state(userID: user.id, courseID: "watch-demo", moduleID: "lecture")
                == ["lecture": MediaWatchState(watchedSeconds: 5, duration: 10, frontier: 5)])

        app.clock.advance(by: 10)
        (response, json) = try report(browser, csrf, ranges: "0-10")
        #expect(json["completed"] as? Bool == true && json["watchedSeconds"] as? Double == 10)
        #expect(json["message"] as? String == "本模块已完成，已计入 1 学时。")
        #expect(try app.application.learning.ledger(userID: user.id).map(\.itemID) == ["lecture"])
        #expect(try app.application.learning.progress(userID: user.id).first?.completedAt == app.clock.now)
        app.clock.advance(by: 10)
        (response, json) = try report(browser, csrf, ranges: "0-10")
        #expect(json["completed"] as? Bool == true)
        #expect(try app.application.learning.ledger(userID: user.id).count == 1, "credited once")
    }

    @Test func theAllowanceCountsFromAPageViewHeldInMemory() throws {
        let app = try Self.application()
        let (browser, csrf) = try signedIn(app)
        app.clock.advance(by: 3)
        // Within the study clock's window: this view is held, not written, until the report writes it.
        #expect(try browser.get(Self.path).status == .ok)
        app.clock.advance(by: 1)
        let (_, json) = try report(browser, csrf, ranges: "0-10")
        #expect(json["watchedSeconds"] as? Double == 4, "2 × 1 s + 2 s since the latest page view, not the first")
    }

    @Test func badReportsAreRefusedAndChangeNothing() throws {
        let app = try Self.application()
        let (browser, csrf) = try signedIn(app)
        app.clock.advance(by: 60)
        var (response, json) = try report(browser, csrf, ranges: "10-2")
        #expect(response.status == .badRequest && json["error"] as? String == "malformed_ranges")
        (response, json) = try report(browser, csrf, media: "other", ranges: "0-2")
        #expect(response.status == .badRequest && json["error"] as? String == "unknown_media")
        #expect(try report(browser, csrf, ranges: "0-1", path: "/courses/watch-demo/modules/nope").0.status == .notFound)
        #expect(try report(browser, nil, ranges: "0-1").0.status == .forbidden)
        #expect(try app.store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM media_watch") } == 0)
        #expect(try report(browser, csrf, ranges: "").1["watchedSeconds"] as? Double == 0)
    }
}
