import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct AccountAPIControllerTests {
    private struct Me: Decodable, Equatable {
        var login: String
        var name: String
        var department: String
        var roles: [String]
        var language: String?
    }

    /// An application with one HR account and an API token for it; with `password` the account can sign in too.
    private func appWithToken(password: String? = nil) throws -> (TestApplication, User, String) {
        let app = try TestApplication()
        let user = try app.createUser(login: "hr.zhang", password: password, displayName: "张伟", roles: [.hr])
        let secret = Tokens.random()
        try app.application.apiTokens.create(tokenHash: Tokens.digest(secret), userID: user.id, name: "report",
                                             now: app.clock.now, expiresAt: app.clock.now + 86_400, by: .commandLine)
        return (app, user, secret)
    }

    @Test func aBearerTokenIdentifiesTheClient() throws {
        let (app, _, secret) = try appWithToken()
        let response = try app.respond(.get, "/api/v1/me", headers: [("Authorization", "Bearer \(secret)")])
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "application/json; charset=utf-8")
        let me = try JSONDecoder().decode(Me.self, from: Data(response.bodyBytes))
        #expect(me == Me(login: "hr.zhang", name: "张伟", department: "省政府 / 测试处", roles: ["learner", "hr"], language: nil))
    }

    @Test func theProfileLanguageIsReported() throws {
        let (app, user, secret) = try appWithToken()
        try app.application.users.setLanguage("en", id: user.id)
        let response = try app.respond(.get, "/api/v1/me", headers: [("Authorization", "Bearer \(secret)")])
        #expect(try JSONDecoder().decode(Me.self, from: Data(response.bodyBytes)).language == "en")
    }

    @Test func withoutCredentialsTheAPIAnswers401InJSON() throws {
        let app = try TestApplication()
        let response = try app.respond(.get, "/api/v1/me")
        #expect(response.status == .unauthorized)
        #expect(response.headers["Content-Type"] == "application/json; charset=utf-8")
        let body = try JSONDecoder().decode([String: String].self, from: Data(response.bodyBytes))
        #expect(body["error"] == "Authentication required")
        #expect(body["request"] == "-")
    }

    @Test(arguments: ["Bearer nope", "Bearer ", "Basic aGk6dGhlcmU=", "bearer x"])
    func aBadAuthorizationHeaderIsRefusedWithAChallenge(_ authorization: String) throws {
        let (app, _, _) = try appWithToken()
        let response = try app.respond(.get, "/api/v1/me", headers: [("Authorization", authorization)])
        #expect(response.status == .unauthorized)
        #expect(response.headers["WWW-Authenticate"] == "Bearer")
    }

    @Test func aDisabledAccountsTokenStopsWorking() throws {
        let (app, user, secret) = try appWithToken()
        try app.application.users.setDisabled(true, id: user.id, by: .system)
        let response = try app.respond(.get, "/api/v1/me", headers: [("Authorization", "Bearer \(secret)")])
        #expect(response.status == .unauthorized)
    }

    @Test func aBrowserSessionWorksForTheAPITooAndATokenNeedsNoCSRF() throws {
        let (app, _, secret) = try appWithToken(password: "hr password 2026")
        let browser = Browser(app)
        _ = try browser.signIn(login: "hr.zhang", password: "hr password 2026")
        #expect(try browser.get("/api/v1/me").status == .ok)
        // A bearer client posting to a GET-only route reaches the router (405), not the CSRF check (403).
        let post = try app.respond(.post, "/api/v1/me", headers: [("Authorization", "Bearer \(secret)")])
        #expect(post.status == .methodNotAllowed)
        #expect(post.headers["Allow"] == "GET, HEAD")
    }
}
