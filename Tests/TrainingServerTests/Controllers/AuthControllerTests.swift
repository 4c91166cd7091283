import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct AuthControllerTests {
    private static let password = "correct horse battery"

    // MARK: The sign-in page

    @Test func theLoginPageSetsACSRFCookieAndEchoesItInTheForm() throws {
        let app = try TestApplication()
        let response = try app.respond(.get, "/login")
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "text/html; charset=utf-8")
        let cookie = try #require(response.headers.values("Set-Cookie").first { $0.hasPrefix("csa_csrf=") })
        #expect(cookie.contains("; Path=/") && cookie.contains("; HttpOnly") && cookie.contains("; SameSite=Lax"))
        #expect(!cookie.contains("Secure"))
        let token = String(cookie.dropFirst("csa_csrf=".count).prefix { $0 != ";" })
        #expect(token.count == 87)
        #expect(Browser.hiddenField("csrf_token", in: response.bodyText) == token)
    }

    @Test func aBrowserKeepsItsCSRFCookieAcrossPages() throws {
        let browser = Browser(try TestApplication())
        let first = try browser.get("/login")
        let token = try #require(browser.cookies["csa_csrf"])
        let second = try browser.get("/login")
        #expect(second.headers.values("Set-Cookie").isEmpty)
        #expect(Browser.hiddenField("csrf_token", in: first.bodyText) == token)
        #expect(Browser.hiddenField("csrf_token", in: second.bodyText) == token)
    }

    @Test func aShortCSRFCookieIsReplaced() throws {
        let browser = Browser(try TestApplication())
        browser.cookies["csa_csrf"] = "short"
        _ = try browser.get("/login")
        #expect(browser.cookies["csa_csrf"]?.count == 87)
    }

    @Test func theReturnAddressIsKeptOnlyWhenLocal() throws {
        let app = try TestApplication()
        let local = try app.respond(.get, "/login?next=%2Fcourses%2F1%3Ftab%3Dall")
        #expect(Browser.hiddenField("next", in: local.bodyText) == "/courses/1?tab=all")
        let foreign = try app.respond(.get, "/login?next=https%3A%2F%2Fevil.example%2F")
        #expect(Browser.hiddenField("next", in: foreign.bodyText) == "/")
    }

    // MARK: Signing in

    @Test func signingInRedirectsWithASessionCookieAndTheHomePageKnowsThePerson() throws {
        let app = try TestApplication()
        try app.createUser(login: "li.ming", password: Self.password, displayName: "李明")
        let browser = Browser(app)
        let response = try browser.signIn(login: "li.ming", password: Self.password, next: "/courses")
        #expect(response.status == .seeOther)
        #expect(response.headers["Location"] == "/courses")
        let cookie = try #require(response.headers.values("Set-Cookie").first { $0.hasPrefix("csa_session=") })
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"))
        let token = try #require(browser.cookies["csa_session"])
        #expect(token.count == 43)
        // Only the digest is stored.
        let stored = try app.store.read { db in try String.fetchAll(db, sql: "SELECT token_hash FROM sessions") }
        #expect(stored == [Tokens.digest(token)])

        let home = try browser.get("/")
        #expect(home.status == .ok)
        #expect(home.bodyText.contains("李明"))
    }

    @Test func theLoginIsMatchedWithoutRegardToCaseAndSurroundingSpaces() throws {
        let app = try TestApplication()
        try app.createUser(login: "Wang.Fang", password: Self.password)
        let response = try Browser(app).signIn(login: "  wang.fang ", password: Self.password)
        #expect(response.status == .seeOther)
    }

    @Test func aWrongPasswordAndAnUnknownLoginLookTheSame() throws {
        let app = try TestApplication()
        try app.createUser(login: "known", password: Self.password)
        let browser = Browser(app)
        let wrong = try browser.signIn(login: "known", password: "not the password")
        let unknown = try browser.signIn(login: "unknwn", password: "not the password")
        #expect(wrong.status == .unauthorized)
        #expect(unknown.status == .unauthorized)
        #expect(wrong.bodyText.replacingOccurrences(of: "known", with: "LOGIN")
            == unknown.bodyText.replacingOccurrences(of: "unknwn", with: "LOGIN"))
        #expect(wrong.headers.map(\.name) == unknown.headers.map(\.name))
        #expect(wrong.bodyText.contains("登录名或密码不正确"))
        #expect(browser.cookies["csa_session"] == nil)
    }

    @Test func aDisabledAccountCannotSignInAndIsTreatedLikeAWrongPassword() throws {
        let app = try TestApplication()
        let user = try app.createUser(login: "gone", password: Self.password)
        try app.application.users.setDisabled(true, id: user.id, by: .system)
        let response = try Browser(app).signIn(login: "gone", password: Self.password)
        #expect(response.status == .unauthorized)
        #expect(response.bodyText.contains("登录名或密码不正确"))
    }

    @Test func emptyFieldsAreABadRequestWithTheLoginKept() throws {
        let browser = Browser(try TestApplication())
        let response = try browser.signIn(login: "li<b>", password: "")
        #expect(response.status == .badRequest)
        #expect(response.bodyText.contains("请输入登录名和密码"))
        #expect(response.bodyText.contains("value=\"li&lt;b&gt;\""))
    }

    @Test func repeatedFailuresAreThrottledEvenWithTheRightPassword() throws {
        let app = try TestApplication()
        try app.createUser(login: "target", password: Self.password)
        let browser = Browser(app)
        for _ in 0..<5 {
            #expect(try browser.signIn(login: "target", password: "guess guess guess").status == .unauthorized)
        }
        let held = try browser.signIn(login: "target", password: Self.password)
        #expect(held.status == .tooManyRequests)
        #expect(held.headers["Retry-After"] == "900")
        #expect(held.bodyText.contains("15 分钟"))
        app.clock.advance(by: 15 * 60 + 1)
        #expect(try browser.signIn(login: "target", password: Self.password).status == .seeOther)
    }

    @Test func theOwnerSignsInFromTheirUsualAddressAfterAnAttackersFailuresElsewhere() throws {
        let app = try TestApplication()
        try app.createUser(login: "target", password: Self.password)
        let owner = Browser(app)
        #expect(try owner.signIn(login: "target", password: Self.password).status == .seeOther)
        owner.cookies = [:]
        let attacker = Browser(app)
        var tried = 0
        for index in 0..<30 {
            attacker.clientAddress = "203.0.113.\(index)"
            let response = try attacker.signIn(login: "target", password: "guess guess guess")
            if response.status == .unauthorized { tried += 1 } else { #expect(response.status == .tooManyRequests) }
        }
        #expect(tried == 5)
        #expect(try owner.signIn(login: "target", password: Self.password).status == .seeOther)
        // From an address it never used, the owner is slowed, not locked out: told how long to wait.
        let elsewhere = Browser(app)
        elsewhere.clientAddress = "198.51.100.77"
        let slowed = try elsewhere.signIn(login: "target", password: Self.password)
        #expect(slowed.status == .tooManyRequests)
        let wait = try #require(slowed.headers["Retry-After"].flatMap(Int.init))
        app.clock.advance(by: Double(wait))
        #expect(try elsewhere.signIn(login: "target", password: Self.password).status == .seeOther)
    }

    @Test func behindATrustedProxyEachForwardedClientIsCountedOnItsOwn() throws {
        let app = try TestApplication { $0.trustedProxies = TrustedProxies([TrustedProxies.Network("192.0.2.10/32")!]) }
        for login in ["a1", "a2", "a3", "a4", "a5", "a6"] { try app.createUser(login: login, password: Self.password) }
        let proxy = Browser(app)
        // 20 failures from one forwarded client hold that client across accounts ...
        for index in 0..<20 {
            let response = try proxy.signIn(login: "nobody\(index)", password: "guess guess guess",
                                            headers: [("X-Forwarded-For", "203.0.113.50")])
            #expect(response.status == .unauthorized)
        }
        #expect(try proxy.signIn(login: "a1", password: Self.password, headers: [("X-Forwarded-For", "203.0.113.50")]).status
            == .tooManyRequests)
        // ... and nobody else behind the same proxy.
        #expect(try proxy.signIn(login: "a2", password: Self.password, headers: [("X-Forwarded-For", "203.0.113.51")]).status
            == .seeOther)
        // A client that is not the proxy cannot choose its address with the header.
        let direct = Browser(app)
        direct.clientAddress = "203.0.113.50"
        #expect(try direct.signIn(login: "a3", password: Self.password, headers: [("X-Forwarded-For", "198.51.100.1")]).status
            == .tooManyRequests)
    }

    // MARK: CSRF

    @Test func aLoginWithoutTheCSRFTokenIsForbidden() throws {
        let app = try TestApplication()
        let browser = Browser(app)
        _ = try browser.get("/login")
        let missing = try browser.post("/login", form: [("login", "a"), ("password", "b")])
        #expect(missing.status == .forbidden)
        #expect(missing.bodyText.contains("表单已过期"))
        let wrong = try browser.post("/login", form: [("csrf_token", String(repeating: "x", count: 43)), ("login", "a"),
                                                       ("password", "b")])
        #expect(wrong.status == .forbidden)
        // A token in the form with no cookie to match is no proof either.
        let stranger = Browser(app)
        let forged = try stranger.post("/login", form: [("csrf_token", try #require(browser.cookies["csa_csrf"])),
                                                         ("login", "a"), ("password", "b")])
        #expect(forged.status == .forbidden)
    }

    @Test func aCrossOriginPostIsForbiddenEvenWithAValidToken() throws {
        let app = try TestApplication()
        try app.createUser(login: "li", password: Self.password)
        let browser = Browser(app)
        let page = try browser.get("/login")
        let token = try #require(Browser.hiddenField("csrf_token", in: page.bodyText))
        let form = [("csrf_token", token), ("login", "li"), ("password", Self.password)]
        let crossOrigin = try browser.post("/login", form: form, headers: [("Origin", "https://evil.example")])
        #expect(crossOrigin.status == .forbidden)
        let otherScheme = try browser.post("/login", form: form, headers: [("Origin", "https://training.example")])
        #expect(otherScheme.status == .forbidden)
        #expect(browser.cookies["csa_session"] == nil)
        let sameOrigin = try browser.post("/login", form: form, headers: [("Origin", "http://training.example")])
        #expect(sameOrigin.status == .seeOther)
    }

    @Test func theCSRFTokenMayComeInAHeader() throws {
        let app = try TestApplication()
        let browser = Browser(app)
        _ = try browser.get("/login")
        let token = try #require(browser.cookies["csa_csrf"])
        let response = try browser.post("/login", form: [("login", ""), ("password", "")], headers: [("X-CSRF-Token", token)])
        #expect(response.status == .badRequest)
    }

    // MARK: Sessions

    @Test func signingInAgainRotatesTheSession() throws {
        let app = try TestApplication()
        try app.createUser(login: "li", password: Self.password)
        let browser = Browser(app)
        _ = try browser.signIn(login: "li", password: Self.password)
        let first = try #require(browser.cookies["csa_session"])
        // Signed in, the form is protected by the session's own secret, shown on every page.
        let home = try browser.get("/")
        let secret = try #require(Browser.hiddenField("csrf_token", in: home.bodyText))
        #expect(secret != browser.cookies["csa_csrf"])
        let again = try browser.post("/login", form: [("csrf_token", secret), ("login", "li"), ("password", Self.password)])
        #expect(again.status == .seeOther)
        let second = try #require(browser.cookies["csa_session"])
        #expect(second != first)
        #expect(try app.application.sessions.resume(tokenHash: Tokens.digest(first), now: app.clock.now, idleTimeout: 1_800) == nil)
        #expect(try browser.get("/").status == .ok)
    }

    @Test func aSignedInVisitorIsSentOnFromTheLoginPage() throws {
        let app = try TestApplication()
        try app.createUser(login: "li", password: Self.password)
        let browser = Browser(app)
        _ = try browser.signIn(login: "li", password: Self.password)
        let response = try browser.get("/login?next=%2Fcourses")
        #expect(response.status == .seeOther)
        #expect(response.headers["Location"] == "/courses")
    }

    @Test func signingOutEndsTheSession() throws {
        let app = try TestApplication()
        try app.createUser(login: "li", password: Self.password)
        let browser = Browser(app)
        _ = try browser.signIn(login: "li", password: Self.password)
        let token = try #require(browser.cookies["csa_session"])
        let secret = try #require(Browser.hiddenField("csrf_token", in: try browser.get("/").bodyText))

        let refused = try browser.post("/logout", form: [])
        #expect(refused.status == .forbidden)
        #expect(try browser.get("/").status == .ok)

        let response = try browser.post("/logout", form: [("csrf_token", secret)])
        #expect(response.status == .seeOther)
        #expect(response.headers["Location"] == "/login")
        #expect(response.headers.values("Set-Cookie").contains { $0.hasPrefix("csa_session=;") && $0.contains("Max-Age=0") })
        #expect(browser.cookies["csa_session"] == nil)

        // The old cookie, replayed, no longer signs anyone in.
        browser.cookies["csa_session"] = token
        let home = try browser.get("/")
        #expect(home.status == .seeOther)
        #expect(home.headers["Location"] == "/login?next=%2F")
    }

    @Test func anIdleSessionEndsAndTheVisitorIsSentToSignIn() throws {
        let app = try TestApplication()
        try app.createUser(login: "li", password: Self.password)
        let browser = Browser(app)
        _ = try browser.signIn(login: "li", password: Self.password)
        app.clock.advance(by: 29 * 60)
        #expect(try browser.get("/").status == .ok)
        app.clock.advance(by: 29 * 60)
        #expect(try browser.get("/").status == .ok)
        app.clock.advance(by: 30 * 60)
        let response = try browser.get("/?x=1")
        #expect(response.status == .seeOther)
        #expect(response.headers["Location"] == "/login?next=%2F%3Fx%3D1")
    }

    @Test func underTLSTheCookiesAreSecureAndHostPrefixed() throws {
        let app = try TestApplication { $0.secure = true }
        try app.createUser(login: "li", password: Self.password)
        let browser = Browser(app)
        let response = try browser.signIn(login: "li", password: Self.password)
        let cookies = response.headers.values("Set-Cookie")
        #expect(cookies.contains { $0.hasPrefix("__Host-csa_session=") && $0.contains("; Secure") })
        #expect(browser.cookies["csa_session"] == nil)
        #expect(try browser.get("/").status == .ok)
        #expect(try browser.get("/").headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains")
    }

    // MARK: Language switch

    @Test func theLanguageSwitchSetsACookieAndReturns() throws {
        let browser = Browser(try TestApplication())
        let response = try browser.get("/language/en?next=%2Flogin")
        #expect(response.status == .seeOther)
        #expect(response.headers["Location"] == "/login")
        #expect(response.headers.values("Set-Cookie").contains { $0.hasPrefix("csa_lang=en;") && $0.contains("Max-Age=31536000") })
        #expect(try browser.get("/login").bodyText.contains("<html lang=\"en\">"))
        _ = try browser.get("/language/zh")
        #expect(try browser.get("/login").bodyText.contains("<html lang=\"zh-CN\">"))
        #expect(try browser.get("/language/fr").status == .notFound)
        #expect(try browser.get("/language/en?next=%2F%2Fevil.example").headers["Location"] == "/")
    }

    // MARK: Return addresses

    @Test(arguments: [
        ("/courses/1?tab=2", "/courses/1?tab=2"),
        ("/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("evil", "/"),
        ("", "/"),
        ("/a\nSet-Cookie: x=1", "/"),
        ("/a\\b", "/"),
    ])
    func safeNextKeepsOnlyLocalPaths(_ next: String, _ expected: String) {
        #expect(ControllerContext.safeNext(next) == expected)
    }

    /// Browsers delete tabs and other ASCII control characters from URLs before resolving them, so `/<TAB>/host`
    /// is `//host`: another site.
    @Test func safeNextRefusesATabThatBrowsersStrip() {
        #expect(ControllerContext.safeNext("/\t/evil.example") == "/")
        #expect(ControllerContext.safeNext("/\t\t/evil.example/path") == "/")
    }

    @Test func theLanguageSwitchDoesNotRedirectToAnotherSiteThroughATab() throws {
        let response = try Browser(try TestApplication()).get("/language/en?next=%2F%09%2Fevil.example")
        #expect(response.status == .seeOther)
        #expect(response.headers["Location"] == "/")
    }

    @Test func safeNextOfNothingIsHome() {
        #expect(ControllerContext.safeNext(nil) == "/")
    }
}
