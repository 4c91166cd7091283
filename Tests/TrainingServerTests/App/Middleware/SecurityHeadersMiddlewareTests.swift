import Foundation
import Testing
@testable import TrainingServer

@Suite struct SecurityHeadersMiddlewareTests {
    private func answer(secure: Bool, _ response: Response) throws -> Response {
        let handler = ([SecurityHeadersMiddleware(secure: secure)] as [any Middleware]).wrapping { _ in response }
        return try handler(Request(method: .get, target: "/"))
    }

    @Test func everyResponseGetsThePolicyHeaders() throws {
        // A handler's own policy (course media adds `sandbox`) stays; the platform's is added beside it, and a
        // browser enforces both, so a handler can only make the policy stricter.
        var given = Response.html("<p>")
        given.headers.add("Content-Security-Policy", "default-src 'none'; sandbox")
        let response = try answer(secure: false, given)
        #expect(response.headers.values("Content-Security-Policy")
            == ["default-src 'none'; sandbox", SecurityHeadersMiddleware.contentSecurityPolicy])
        #expect(SecurityHeadersMiddleware.contentSecurityPolicy.contains("script-src 'self'"))
        #expect(!SecurityHeadersMiddleware.contentSecurityPolicy.contains("unsafe-inline"))
        #expect(response.headers["X-Content-Type-Options"] == "nosniff")
        #expect(response.headers["Referrer-Policy"] == "same-origin")
        #expect(response.headers["X-Frame-Options"] == "DENY")
        #expect(response.headers["Cross-Origin-Opener-Policy"] == "same-origin")
        #expect(response.headers["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()")
        #expect(response.headers["Cache-Control"] == "no-store")
        #expect(response.headers["Strict-Transport-Security"] == nil)
    }

    @Test func hstsOnlyUnderTLSAndAnExplicitCachePolicyIsKept() throws {
        var given = Response.text("x")
        given.headers.add("Cache-Control", "public, max-age=60")
        let response = try answer(secure: true, given)
        #expect(response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains")
        #expect(response.headers.values("Cache-Control") == ["public, max-age=60"])
    }

    @Test func theIdentityPlatformsOriginMayReceiveFormRedirects() throws {
        // Signing out redirects the sign-out form to the OpenID Connect provider; browsers hold that to form-action.
        var settings = OIDCSettings(issuer: "https://sso.example.gov:8443/realms/staff", clientID: "a", clientSecret: "b")
        #expect(settings.origin == "https://sso.example.gov:8443")
        settings.issuer = "https://sso.example.gov"
        let middleware = SecurityHeadersMiddleware(secure: false, formActionOrigins: [settings.origin])
        let response = try ([middleware] as [any Middleware]).wrapping { _ in Response.html("<p>") }(Request(method: .get, target: "/"))
        let policy = try #require(response.headers["Content-Security-Policy"])
        #expect(policy.contains("form-action 'self' https://sso.example.gov;"))
        #expect(policy == SecurityHeadersMiddleware.contentSecurityPolicy.replacingOccurrences(
            of: "form-action 'self'", with: "form-action 'self' https://sso.example.gov"))
        #expect(try answer(secure: false, Response.html("<p>")).headers["Content-Security-Policy"]?.contains("form-action 'self';") == true)
    }
}
