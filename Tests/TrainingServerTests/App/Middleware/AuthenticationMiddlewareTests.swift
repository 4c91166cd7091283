import Assessment
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// The anonymous CSRF cookie: only values the server issued are accepted.
@Suite struct AuthenticationMiddlewareTests {
    private static func setCookie(_ response: TrainingServer.Response, _ name: String) -> String? {
        response.headers.values("Set-Cookie").first { $0.hasPrefix(name + "=") }
    }

    @Test func aPlantedCookieWithAMatchingFormFieldIsRefusedAndReplaced() throws {
        let browser = Browser(try TestApplication())
        let planted = String(repeating: "p", count: 40)
        browser.cookies["csa_csrf"] = planted
        let refused = try browser.post("/login", form: [("csrf_token", planted), ("login", "someone"), ("password", "whatever it is")])
        #expect(refused.status == .forbidden)
        #expect(refused.bodyText.contains(Localization.shipped.text("error.403", .zh)))
        let fresh = try #require(browser.cookies["csa_csrf"])
        #expect(fresh != planted)
        #expect(Self.setCookie(refused, "csa_csrf") != nil)
        // The value the server just issued is accepted: the form reaches the password check.
        let accepted = try browser.post("/login", form: [("csrf_token", fresh), ("login", "someone"), ("password", "whatever it is")])
        #expect(accepted.status == .unauthorized)
        #expect(Self.setCookie(accepted, "csa_csrf") == nil)
    }

    @Test func theRefusalSpeaksThePersonsLanguage() throws {
        let browser = Browser(try TestApplication())
        browser.cookies["csa_lang"] = "en"
        browser.cookies["csa_csrf"] = String(repeating: "q", count: 64)
        let refused = try browser.post("/login", form: [("csrf_token", String(repeating: "q", count: 64))])
        #expect(refused.status == .forbidden)
        #expect(refused.bodyText.contains(Localization.shipped.text("error.403", .en)))
    }

    @Test func underTLSTheCookieIsHostPrefixedAndSecure() throws {
        let app = try TestApplication { $0.secure = true }
        let page = try app.respond(.get, "/login")
        let cookie = try #require(Self.setCookie(page, "__Host-csa_csrf"))
        #expect(cookie.contains("; Path=/") && cookie.contains("; Secure") && !cookie.contains("Domain"))
        #expect(Self.setCookie(page, "csa_csrf") == nil)
        let token = String(cookie.dropFirst("__Host-csa_csrf=".count).prefix { $0 != ";" })
        #expect(Browser.hiddenField("csrf_token", in: page.bodyText) == token)
        // The unprefixed name, which any sibling host can set, is not read under TLS.
        let unprefixed = try app.respond(.get, "/login", headers: [("Cookie", "csa_csrf=\(token)")])
        #expect(Self.setCookie(unprefixed, "__Host-csa_csrf") != nil)
        let kept = try app.respond(.get, "/login", headers: [("Cookie", "__Host-csa_csrf=\(token)")])
        #expect(Self.setCookie(kept, "__Host-csa_csrf") == nil)
    }

    @Test func twoApplicationsOnOneDatabaseAcceptEachOthersCookies() throws {
        let first = try TestApplication()
        let second = Application(configuration: first.application.configuration, store: first.store,
                                 catalogue: first.application.catalogue, issuer: first.application.issuer,
                                 logger: .silent, clock: first.clock.function)
        let page = try first.respond(.get, "/login")
        let token = try #require(Browser.hiddenField("csrf_token", in: page.bodyText))
        let again = second.respond(try Request(method: .get, target: "/login", headers: HTTPHeaders([("Cookie", "csa_csrf=\(token)")])))
        #expect(Self.setCookie(again, "csa_csrf") == nil)
        #expect(Browser.hiddenField("csrf_token", in: again.bodyText) == token)
    }
}
