import Curriculum
import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// `GET /courses/:course/modules/:module`: the module page, whose fixed parts are kept per catalogue version.
@Suite struct StudyControllerTests {
    private static let password = "correct horse battery"

    /// An application with a synthetic catalogue of one course of two modules and a signed-in browser.
    private static func setUp() throws -> (TestApplication, Browser, URL) {
        let app = try TestApplication()
        let courses = app.temporary.directory.appendingPathComponent("Courses", isDirectory: true)
        try SyntheticCatalogue.write(to: courses, courses: 1, modules: 2)
        #expect(app.application.catalogue.reload(now: app.clock.now, trigger: .signal, by: nil).taken)
        try app.createUser(login: "li", password: Self.password, displayName: "李明")
        let browser = Browser(app)
        #expect(try browser.signIn(login: "li", password: Self.password).status == .seeOther)
        return (app, browser, courses)
    }

    /// A reload that changes a module's text and its neighbour's title shows on the next view of the page, in both
    /// languages, even after the page was viewed (and its fixed parts kept) before the reload.
    @Test func aReloadedCatalogueShowsOnTheNextView() throws {
        let (app, browser, courses) = try Self.setUp()
        let target = "/courses/course-001/modules/topic-01"
        let before = try browser.get(target)
        #expect(before.status == .ok)
        #expect(before.bodyText.contains("<h1>第1单元：政务信息处理</h1>"))
        #expect(try browser.get(target, headers: [("Cookie", "csa_lang=en")]).bodyText.contains("Unit 2: handling government information"))
        for (file, old, new) in [("01-topic-01.zh.md", "第1单元：政务信息处理", "第1单元：修订后的标题"),
                                 ("02-topic-02.en.md", "Unit 2: handling government information", "Unit 2: the revised neighbour")] {
            let url = courses.appendingPathComponent("course-001/modules/\(file)")
            let text = try String(contentsOf: url, encoding: .utf8)
            try Data(text.replacingOccurrences(of: old, with: new).utf8).write(to: url)
        }
        #expect(app.application.catalogue.reload(now: app.clock.now, trigger: .signal, by: nil).taken)
        let after = try browser.get(target).bodyText
        #expect(after.contains("<h1>第1单元：修订后的标题</h1>") && !after.contains("第1单元：政务信息处理"))
        let english = try browser.get(target, headers: [("Cookie", "csa_lang=en")]).bodyText
        #expect(english.contains("Unit 2: the revised neighbour") && !english.contains("Unit 2: handling"))
    }

    /// Two learners reading the same module get their own frame, token and progress from the same kept parts, and a
    /// page's token is a masked form of the viewer's session secret that the record form accepts.
    @Test func eachLearnerGetsTheirOwnPageFromTheKeptParts() throws {
        let (app, first, _) = try Self.setUp()
        try app.createUser(login: "wang", password: Self.password, displayName: "王芳")
        let second = Browser(app)
        #expect(try second.signIn(login: "wang", password: Self.password).status == .seeOther)
        let target = "/courses/course-001/modules/topic-02"
        let one = try first.get(target).bodyText
        let two = try second.get(target).bodyText
        #expect(one.contains("李明") && !one.contains("王芳"))
        #expect(two.contains("王芳") && !two.contains("李明"))
        let token = try #require(Browser.hiddenField("csrf_token", in: two))
        #expect(two.contains("data-csrf=\"\(token)\""))
        #expect(try second.post(target + "/progress", form: [("csrf_token", token)]).status == .seeOther)
        #expect(try first.post(target + "/progress", form: [("csrf_token", token)]).status == .forbidden)
    }
}
