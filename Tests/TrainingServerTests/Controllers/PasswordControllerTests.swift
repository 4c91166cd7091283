import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct PasswordControllerTests {
    private func csrf(_ browser: Browser, _ path: String) throws -> String {
        try #require(Browser.hiddenField("csrf_token", in: try browser.get(path).bodyText))
    }

    @Test func withoutMailTheForgotPageNamesTheHelpContactAndTakesNoRequests() throws {
        let app = try TestApplication()
        let browser = Browser(app)
        let page = try browser.get("/password/forgot")
        #expect(page.status == .ok)
        #expect(page.bodyText.contains("请联系本单位的管理员或平台服务台"))
        #expect(!page.bodyText.contains("name=\"identifier\""))
        let token = try #require(browser.cookies["csa_csrf"])
        let refused = try browser.post("/password/forgot", form: [("csrf_token", token), ("identifier", "zhang")])
        #expect(refused.status == .notFound)
    }

    @Test func withMailARequestIsRecordedAndAnsweredTheSameWhetherOrNotAnAccountMatches() throws {
        let app = try TestApplication { $0.mail = MailSettings(url: "smtp://127.0.0.1:1", from: "academy@example.gov") }
        try app.createUser(login: "zhang")
        let browser = Browser(app)
        var answers: [String] = []
        for identifier in ["zhang", "nobody"] {
            let answer = try browser.post("/password/forgot", form: [("csrf_token", try csrf(browser, "/password/forgot")),
                                                                     ("identifier", identifier)])
            #expect(answer.status == .seeOther)
            answers.append(answer.headers["Location"] ?? "")
        }
        #expect(answers == ["/password/forgot?sent=1", "/password/forgot?sent=1"])
        let waiting = try SQLitePasswordResetStore(store: app.store).waitingRequests(limit: 10)
        #expect(waiting.map(\.identifier) == ["zhang", "nobody"])
        #expect(try app.application.mail.outbox.counts().isEmpty, "nothing is looked up or queued by the request")
        let empty = try browser.post("/password/forgot", form: [("csrf_token", try csrf(browser, "/password/forgot")),
                                                                ("identifier", " ")])
        #expect(empty.status == .unprocessableContent)
    }

    @Test func aLinkSetsThePasswordSignsInAndThenIsGone() throws {
        let app = try TestApplication()
        let user = try app.createUser(login: "zhang", password: "Lantern-Orchard-Quietly-47")
        let resets = PasswordResets(store: app.store, strings: .shipped, publicURL: "http://training.example",
                                    mailEnabled: false, clock: app.clock.function)
        let link = try resets.issue(for: user, origin: .admin, by: .commandLine)
        let path = String(link.url.dropFirst("http://training.example".count))
        let browser = Browser(app)
        #expect(try browser.get(path).status == .ok)
        let weak = try browser.post(path, form: [("csrf_token", try csrf(browser, path)), ("new_password", "short"),
                                                 ("confirm_password", "short")])
        #expect(weak.status == .unprocessableContent)
        let done = try browser.post(path, form: [("csrf_token", try csrf(browser, path)),
                                                 ("new_password", "Harbour-Lantern-Meadow-93"),
                                                 ("confirm_password", "Harbour-Lantern-Meadow-93")])
        #expect(done.status == .seeOther && done.headers["Location"] == "/profile?notice=password")
        #expect(try browser.get("/profile").status == .ok, "signed in")
        #expect(try Browser(app).get(path).status == .gone)
        #expect(app.application.hasher.verify("Harbour-Lantern-Meadow-93",
                                              against: try #require(try app.application.users.passwordHash(of: user.id))))
    }
}
