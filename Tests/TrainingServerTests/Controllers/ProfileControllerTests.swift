import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct ProfileControllerTests {
    private static let password = "correct horse battery"

    private func signedIn() throws -> (TestApplication, Browser, User) {
        let app = try TestApplication()
        let user = try app.createUser(login: "li", password: Self.password)
        let browser = Browser(app)
        #expect(try browser.signIn(login: "li", password: Self.password).status == .seeOther)
        return (app, browser, user)
    }

    private func changePassword(_ browser: Browser, current: String, new: String = "a brand new passphrase") throws -> Response {
        let page = try browser.get("/profile")
        let token = try #require(Browser.hiddenField("csrf_token", in: page.bodyText))
        return try browser.post("/profile/password", form: [("csrf_token", token), ("current_password", current),
                                                            ("new_password", new), ("confirm_password", new)])
    }

    @Test func guessingTheCurrentPasswordIsThrottledLikeSigningIn() throws {
        let (app, browser, _) = try signedIn()
        for _ in 0..<5 {
            #expect(try changePassword(browser, current: "guess guess guess").status == .badRequest)
        }
        let held = try changePassword(browser, current: Self.password)
        #expect(held.status == .tooManyRequests)
        #expect(held.headers["Retry-After"] == "900")
        #expect(held.bodyText.contains("15 分钟"))
        app.clock.advance(by: 15 * 60 + 1)
        #expect(try changePassword(browser, current: Self.password).status == .seeOther)
    }

    @Test func wrongCurrentPasswordsCountTowardsTheSignInLimit() throws {
        let (_, browser, _) = try signedIn()
        for _ in 0..<5 { _ = try changePassword(browser, current: "guess guess guess") }
        let other = Browser(browser.app)
        #expect(try other.signIn(login: "li", password: Self.password).status == .tooManyRequests)
    }

    @Test func aPasswordChangeRevokesTheAccountsAPITokens() throws {
        let (app, browser, user) = try signedIn()
        let secret = Tokens.random()
        try app.application.apiTokens.create(tokenHash: Tokens.digest(secret), userID: user.id, name: "script",
                                             now: app.clock.now, expiresAt: app.clock.now + 86_400, by: .commandLine)
        let before = try app.respond(.get, "/api/v1/me", headers: [("Authorization", "Bearer \(secret)")])
        #expect(before.status == .ok)
        #expect(try changePassword(browser, current: Self.password).status == .seeOther)
        let after = try app.respond(.get, "/api/v1/me", headers: [("Authorization", "Bearer \(secret)")])
        #expect(after.status == .unauthorized)
    }
}
