import Assessment
import Curriculum
import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Synchronization
import Testing
@testable import TrainingServer

/// The dashboard reads the database once per view (progress, records, assigned training and announcements in one
/// read) whatever the person has unread, and still shows exactly their unread announcements and the header's count.
@Suite struct DashboardControllerTests {
    private static let password = "correct horse battery"

    /// How many reads (each one read transaction) the store runs while `body` runs.
    private static func reads(_ store: Store, during body: () throws -> Void) throws -> Int {
        let before = store.readCount.load(ordering: .relaxed)
        try body()
        return store.readCount.load(ordering: .relaxed) - before
    }

    private func signedIn(_ app: TestApplication) throws -> Browser {
        let browser = Browser(app)
        #expect(try browser.signIn(login: "li", password: Self.password).status == .seeOther)
        #expect(try browser.get("/").status == .ok, "the session is cached after its first page")
        return browser
    }

    private static func unreadInHeader(_ html: String) -> String? {
        html.range(of: #"<span aria-hidden="true"> \((\d+)\)</span>"#, options: .regularExpression).map { String(html[$0]) }
    }

    @Test func aViewReadsOnceWithNothingUnread() throws {
        let app = try TestApplication()
        try app.createUser(login: "li", password: Self.password)
        let browser = try signedIn(app)
        var page = ""
        #expect(try Self.reads(app.store) { page = try browser.get("/").bodyText } == 1)
        #expect(Self.unreadInHeader(page) == nil)
        #expect(!page.contains("/notices/"), "no announcement to mark read")
    }

    /// A module page viewed again within the coalescing window holds its beat; the dashboard shows the held progress
    /// (the same page as after writing the beat) without writing it, so the next module page view is held too.
    @Test func aHeldStudyBeatIsShownWithoutWritingIt() throws {
        let app = try TestApplication()
        let courses = app.temporary.directory.appendingPathComponent("Courses", isDirectory: true)
        try SyntheticCatalogue.write(to: courses, courses: 2, modules: 2)
        #expect(app.application.catalogue.reload(now: app.clock.now, trigger: .signal, by: nil).taken)
        let li = try app.createUser(login: "li", password: Self.password)
        let browser = try signedIn(app)
        func stored() throws -> Double? {
            try app.store.read { db in
                try Double.fetchOne(db, sql: "SELECT seconds FROM module_progress WHERE user_id = ? AND module_id = 'topic-02'",
                                    arguments: [li.id.rawValue])
            }
        }
        func normalised(_ page: String) -> String {
            page.replacingOccurrences(of: #"value="[^"]*""#, with: #"value="-""#, options: .regularExpression)
        }
        // The second course's module is the latest activity, the first course's module studied before it.
        #expect(try browser.get("/courses/course-001/modules/topic-01").status == .ok)
        app.clock.advance(by: 30)
        let module = "/courses/course-002/modules/topic-02"
        #expect(try browser.get(module).status == .ok)
        app.clock.advance(by: 3)
        #expect(try browser.get(module).status == .ok)
        #expect(try stored() == 0, "the second view's beat is held")
        let page = try browser.get("/").bodyText
        #expect(page.contains("<a class=\"button\" href=\"/courses/course-002/modules/"), "continue with the course last studied")
        #expect(try stored() == 0, "the dashboard wrote nothing")
        #expect(app.application.learning.heldProgress(userID: li.id)?.seconds == 3, "the beat is still held")
        app.clock.advance(by: 1)
        #expect(try browser.get(module).status == .ok)
        #expect(try stored() == 0, "the next view of the module is held as well")
        #expect(app.application.learning.heldProgress(userID: li.id)?.seconds == 4)
        let shown = try browser.get("/").bodyText
        try app.application.learning.writeHeldBeats(userID: li.id)
        #expect(try stored() == 4)
        #expect(normalised(shown) == normalised(try browser.get("/").bodyText),
                "the same page as with the beat written")
    }

    @Test func unreadNoticesThatAreNotAnnouncementsCostNoReadOfTheirOwn() throws {
        let app = try TestApplication()
        let li = try app.createUser(login: "li", password: Self.password)
        _ = try app.store.write { db in
            try SQLiteNotices.insert(NewNotice(userID: li.id, kind: .assignmentDueSoon, parameters: ["name": "复训", "due": "2027-01-20"],
                                               link: "/due/4", dedupeKey: "assignment:4:due_soon:2027-01-20"), at: 1, in: db)
        }
        let browser = try signedIn(app)
        var page = ""
        #expect(try Self.reads(app.store) { page = try browser.get("/").bodyText } == 1)
        #expect(Self.unreadInHeader(page) == #"<span aria-hidden="true"> (1)</span>"#)
        #expect(!page.contains("/read\""), "no announcement to mark read")
    }

    @Test func unreadAnnouncementsAreShownUntilMarkedReadWithinTheSameRead() throws {
        let app = try TestApplication()
        try app.createUser(login: "li", password: Self.password)
        let department = try app.application.departments.ensure(path: ["省政府"], by: .system)
        let announcements = SQLiteAnnouncements(store: app.store)
        _ = try announcements.publish(.init(department: department, title: "年终考核安排", body: "材料交人事处。", endsOn: nil),
                                      by: .system, at: app.clock.now)
        let withdrawn = try announcements.publish(.init(department: department, title: "已撤回的通知", body: "正文", endsOn: nil),
                                                  by: .system, at: app.clock.now)
        #expect(try announcements.withdraw(id: withdrawn.id, by: .system, at: app.clock.now))
        let browser = try signedIn(app)
        var page = ""
        #expect(try Self.reads(app.store) { page = try browser.get("/").bodyText } == 1)
        #expect(page.contains("年终考核安排") && page.contains("<p>材料交人事处。</p>"))
        #expect(!page.contains("已撤回的通知"))
        #expect(Self.unreadInHeader(page) == #"<span aria-hidden="true"> (1)</span>"#)

        let action = try #require(page.range(of: #"/notices/\d+/read"#, options: .regularExpression).map { String(page[$0]) })
        let token = try #require(Browser.hiddenField("csrf_token", in: page))
        let marked = try browser.post(action, form: [("csrf_token", token), ("back", "dashboard")])
        #expect(marked.status == .seeOther && marked.headers["Location"] == "/")
        // Marking read ended the cached session (its counts changed): the next page reads it again, then one read.
        page = try browser.get("/").bodyText
        #expect(!page.contains("年终考核安排"))
        #expect(Self.unreadInHeader(page) == nil)
        #expect(try Self.reads(app.store) { _ = try browser.get("/") } == 1)
    }
}
