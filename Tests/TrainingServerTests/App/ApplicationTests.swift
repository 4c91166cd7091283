import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct ApplicationTests {
    private static let securityHeaders = ["Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy",
                                          "X-Frame-Options", "Cross-Origin-Opener-Policy", "Permissions-Policy"]

    private func expectSecurityHeaders(_ response: Response, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for name in Self.securityHeaders {
            #expect(response.headers.contains(name), "\(label): \(name)", sourceLocation: sourceLocation)
        }
        #expect(response.headers["X-Content-Type-Options"] == "nosniff", "\(label)", sourceLocation: sourceLocation)
        #expect(response.headers["Content-Security-Policy"]?.contains("frame-ancestors 'none'") == true, "\(label)",
                sourceLocation: sourceLocation)
        #expect(response.headers["Strict-Transport-Security"] == nil, "\(label): no HSTS without TLS",
                sourceLocation: sourceLocation)
    }

    @Test func htmlJSONAndErrorAnswersAllCarryTheSecurityHeaders() throws {
        let app = try TestApplication()
        let html = try app.respond(.get, "/login")
        expectSecurityHeaders(html, "HTML")
        #expect(html.headers["Cache-Control"] == "no-store")
        let json = try app.respond(.get, "/healthz")
        expectSecurityHeaders(json, "JSON")
        let missing = try app.respond(.get, "/no-such-page")
        #expect(missing.status == .notFound)
        #expect(missing.headers["Content-Type"] == "text/html; charset=utf-8")
        expectSecurityHeaders(missing, "404")
        let asset = try app.respond(.get, "/assets/style.css")
        expectSecurityHeaders(asset, "asset")
        #expect(asset.headers["Cache-Control"] == "public, max-age=86400")
    }

    @Test func aRefusedTokenIsAnsweredWithTheSecurityHeadersToo() throws {
        let app = try TestApplication()
        let response = try app.respond(.get, "/api/v1/me", headers: [("Authorization", "Bearer forged")])
        #expect(response.status == .unauthorized)
        expectSecurityHeaders(response, "401")
        #expect(response.headers["Cache-Control"] == "no-store")
    }

    @Test func aFailureOutsideTheHandlersIsAnsweredWithTheSecurityHeadersToo() throws {
        let app = try TestApplication()
        try app.store.close()
        let response = try app.respond(.get, "/", headers: [("Cookie", "csa_session=\(Tokens.random())")])
        #expect(response.status.rawValue >= 500)
        expectSecurityHeaders(response, "\(response.status)")
    }

    @Test func aRefusedTokenOnTheAPIIsAnsweredInJSON() throws {
        let app = try TestApplication()
        let response = try app.respond(.get, "/api/v1/me", headers: [("Authorization", "Bearer forged")])
        #expect(response.headers["Content-Type"] == "application/json; charset=utf-8")
    }

    @Test func theInternalRouteHeaderNeverLeaves() throws {
        let app = try TestApplication()
        for target in ["/login", "/healthz", "/nope", "/api/v1/me"] {
            #expect(try app.respond(.get, target).headers["X-Route"] == nil, "\(target)")
        }
    }

    @Test func aWrongMethodIs405WithAllowOnceTheRequestIsProvenSameSite() throws {
        let app = try TestApplication()
        let token = try #require(Browser.hiddenField("csrf_token", in: try app.respond(.get, "/login").bodyText))
        let headers = [("Cookie", "csa_csrf=\(token)"), ("X-CSRF-Token", token)]
        let put = try app.respond(.put, "/login", headers: headers)
        #expect(put.status == .methodNotAllowed)
        #expect(put.headers["Allow"] == "GET, HEAD, POST")
        let post = try app.respond(.post, "/healthz", headers: headers)
        #expect(post.status == .methodNotAllowed)
        #expect(post.headers["Allow"] == "GET, HEAD")
        // The CSRF check comes first: an unproven state-changing request learns nothing about routes.
        #expect(try app.respond(.delete, "/healthz").status == .forbidden)
    }

    @Test func aRequestRefusedBeforeRoutingIsAnsweredInItsKindAndCountedAsUnrouted() throws {
        let app = try TestApplication()
        let id = RequestID(prefix: 7, number: 9)
        let api = app.application.refuse(Refusal(method: .get, target: "/api/v1/hr/people?q=%FF",
                                                 error: .badRequest("The URL is bad"), id: id))
        #expect(api.status == .badRequest)
        #expect(api.headers["Content-Type"] == "application/json; charset=utf-8")
        #expect(api.bodyText == #"{"error":"The URL is bad","request":"\#(id)"}"#)
        expectSecurityHeaders(api, "API refusal")
        let page = app.application.refuse(Refusal(method: nil, target: "/login?x", error: HTTPError(.methodNotAllowed, "No"),
                                                  id: id))
        #expect(page.status == .methodNotAllowed)
        #expect(page.headers["Allow"] == "GET, HEAD, POST")
        #expect(page.headers["Content-Type"] == "text/plain; charset=utf-8")
        #expect(page.bodyText == "No (\(id))\n")
        expectSecurityHeaders(page, "page refusal")
        let metrics = app.application.metrics.render(databaseWaitSeconds: 0)
        #expect(metrics.contains(#"http_requests_total{method="GET",route="unrouted",status="400"} 1"#))
        #expect(metrics.contains(#"http_requests_total{method="OTHER",route="unrouted",status="405"} 1"#))
    }

    @Test func traceIsRoutedLikeAnyMethodAPathDoesNotOffer() throws {
        let app = try TestApplication()
        for headers in [[], [("Cookie", "csa_session=\(Tokens.random())")]] {
            let response = try app.respond(.trace, "/api/v1/me", headers: headers)
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers["Allow"] == "GET, HEAD")
            #expect(response.headers["Content-Type"] == "application/json; charset=utf-8")
        }
    }

    @Test func anAPIPostWithoutATokenIs401InJSON() throws {
        let app = try TestApplication()
        let response = try app.respond(.post, "/api/v1/attempts/x/submit", headers: [("Content-Type", "application/json")],
                                       body: Array(#"{"key":"k"}"#.utf8))
        #expect(response.status == .unauthorized)
        #expect(response.headers["WWW-Authenticate"] == "Bearer")
        #expect(response.headers["Content-Type"] == "application/json; charset=utf-8")
    }

    @Test func headIsAnsweredLikeGet() throws {
        let app = try TestApplication()
        let head = try app.respond(.head, "/healthz")
        #expect(head.status == .ok)
        #expect(head.headers["Content-Type"] == "application/json; charset=utf-8")
    }

    @Test func aSignInRequiredPageRedirectsBrowsersWithTheirReturnAddress() throws {
        let app = try TestApplication()
        let response = try app.respond(.get, "/?tab=1")
        #expect(response.status == .seeOther)
        #expect(response.headers["Location"] == "/login?next=%2F%3Ftab%3D1")
        #expect(response.bodyBytes.isEmpty)
    }

    @Test func errorPagesAreInThePersonsLanguage() throws {
        let app = try TestApplication()
        let english = try app.respond(.get, "/nope", headers: [("Accept-Language", "en-GB,en;q=0.9,zh;q=0.5")])
        #expect(english.bodyText.contains("This page does not exist."))
        #expect(english.bodyText.contains("<html lang=\"en\">"))
        let chinese = try app.respond(.get, "/nope")
        #expect(chinese.bodyText.contains("找不到此页面。"))
    }

    @Test func pageLanguageFollowsCookieThenProfileThenBrowser() throws {
        let app = try TestApplication()
        let user = try app.createUser(login: "li", password: "language test 1")
        #expect(try app.respond(.get, "/login", headers: [("Accept-Language", "en")]).bodyText.contains("lang=\"en\""))
        #expect(try app.respond(.get, "/login", headers: [("Accept-Language", "en"), ("Cookie", "csa_lang=zh")])
            .bodyText.contains("lang=\"zh-CN\""))
        #expect(try app.respond(.get, "/login", headers: [("Cookie", "csa_lang=xx")]).bodyText.contains("lang=\"zh-CN\""))

        try app.application.users.setLanguage("en", id: user.id)
        let browser = Browser(app)
        browser.headers.append(("Accept-Language", "zh-CN"))
        _ = try browser.signIn(login: "li", password: "language test 1")
        #expect(try browser.get("/").bodyText.contains("<html lang=\"en\">"))
        browser.cookies["csa_lang"] = "zh"
        #expect(try browser.get("/").bodyText.contains("<html lang=\"zh-CN\">"))
    }

    @Test func requestsCarryTheirAddressToTheThrottle() throws {
        let app = try TestApplication()
        for index in 0..<20 {
            _ = try app.application.throttle.admit(login: "nobody\(index)", address: "198.51.100.7", now: app.clock.now)
        }
        let browser = Browser(app)
        browser.clientAddress = "198.51.100.7"
        #expect(try browser.signIn(login: "fresh", password: "wrong password here").status == .tooManyRequests)
        browser.clientAddress = "198.51.100.8"
        #expect(try browser.signIn(login: "fresh", password: "wrong password here").status == .unauthorized)
        #expect(try app.application.throttle.admit(login: "other", address: "198.51.100.8", now: app.clock.now).isAdmitted)
    }
}
