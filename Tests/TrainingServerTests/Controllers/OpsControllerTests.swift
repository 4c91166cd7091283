import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct OpsControllerTests {
    @Test func healthzReportsTheDatabaseAndVersion() throws {
        let app = try TestApplication()
        let response = try app.respond(.get, "/healthz")
        #expect(response.status == .ok)
        #expect(response.bodyText == #"{"database":"ok","status":"ok","version":"\#(ProductVersion.current)"}"#)
        #expect(response.headers["Cache-Control"] == "no-store")
    }

    @Test func healthzReportsAClosedDatabaseAsUnavailable() throws {
        let app = try TestApplication()
        #expect(try app.respond(.get, "/healthz").status == .ok)
        try app.store.close()
        let response = try app.respond(.get, "/healthz")
        #expect(response.status == .serviceUnavailable)
        #expect(response.bodyText == #"{"database":"failing","status":"unavailable","version":"\#(ProductVersion.current)"}"#)
        #expect(response.headers["Content-Type"] == "application/json; charset=utf-8")
        #expect(response.headers["Cache-Control"] == "no-store")
        #expect(response.headers["X-Content-Type-Options"] == "nosniff")
    }

    @Test func healthzAnswersArePreparedOnceWithTheSecurityHeaders() throws {
        let app = try TestApplication()
        let first = try app.respond(.get, "/healthz")
        let second = try app.respond(.get, "/healthz")
        let prepared = try #require(first.prepared)
        #expect(second.prepared === prepared)
        #expect(prepared.native != nil)
        #expect(first.headers.values("Content-Security-Policy") == [SecurityHeadersMiddleware.contentSecurityPolicy])
        #expect(first.headers.values("Cache-Control") == ["no-store"])
    }

    @Test func metricsCountAnsweredRequestsByRouteAndStatus() throws {
        let app = try TestApplication()
        for _ in 0..<3 { _ = try app.respond(.get, "/healthz") }
        _ = try app.respond(.get, "/no/such/page")
        _ = try app.respond(.head, "/login")
        let response = try app.respond(.get, "/metrics")
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8")
        let text = response.bodyText
        #expect(text.contains(#"http_requests_total{method="GET",route="/healthz",status="200"} 3"#))
        #expect(text.contains(#"http_requests_total{method="GET",route="unmatched",status="404"} 1"#))
        #expect(text.contains(#"http_requests_total{method="HEAD",route="/login",status="200"} 1"#))
        #expect(text.contains(#"http_request_duration_seconds_count{route="/healthz"} 3"#))
        #expect(text.contains("database_wait_seconds_total "))
        #expect(!text.contains("/metrics\""), "the request being answered is counted after it")
        let next = try app.respond(.get, "/metrics").bodyText
        #expect(next.contains(#"http_requests_total{method="GET",route="/metrics",status="200"} 1"#))
    }

    @Test func assetsAreServedWithValidation() throws {
        let app = try TestApplication()
        let response = try app.respond(.get, "/assets/style.css")
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "text/css; charset=utf-8")
        #expect(response.headers["Cache-Control"] == "public, max-age=86400")
        let etag = try #require(response.headers["ETag"])
        let again = try app.respond(.get, "/assets/style.css", headers: [("If-None-Match", etag)])
        #expect(again.status == .notModified)
        #expect(again.bodyBytes.isEmpty)
        #expect(try app.respond(.get, "/assets/nothing.css").status == .notFound)
        #expect(try app.respond(.get, "/assets/..%2F..%2FPackage.swift").status == .notFound)
        #expect(try app.respond(.get, "/assets/").status == .notFound)
    }

    @Test func assetAnswersArePreparedWithTheSecurityHeadersOnce() throws {
        let app = try TestApplication()
        let response = try app.respond(.get, "/assets/style.css")
        let prepared = try #require(response.prepared)
        #expect(prepared.native != nil)
        #expect(try app.respond(.head, "/assets/style.css").prepared === prepared)
        for name in ["Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options",
                     "Cross-Origin-Opener-Policy", "Permissions-Policy", "Cache-Control", "ETag", "Content-Type"] {
            #expect(response.headers.values(name).count == 1, "\(name)")
        }
        let etag = try #require(response.headers["ETag"])
        let notModified = try app.respond(.get, "/assets/style.css", headers: [("If-None-Match", etag)])
        #expect(notModified.prepared != nil && notModified.prepared !== prepared)
        #expect(notModified.headers["ETag"] == etag)
        #expect(notModified.headers["Content-Security-Policy"] == SecurityHeadersMiddleware.contentSecurityPolicy)
        #expect(notModified.headers["Content-Type"] == nil)
    }

    @Test func assetsCarryHSTSUnderTLS() throws {
        let app = try TestApplication { $0.secure = true }
        let response = try app.respond(.get, "/assets/style.css")
        #expect(response.prepared != nil)
        #expect(response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains")
    }

    @Test(arguments: [("127.0.0.1", true), ("127.8.9.10", true), ("::1", true), ("::ffff:127.0.0.1", true),
                      ("128.0.0.1", false), ("10.0.0.1", false), ("203.0.113.9", false), ("::2", false),
                      ("2001:db8::1", false), ("::ffff:10.0.0.1", false), ("unknown", false), ("", false)])
    func onlyLoopbackAddressesAreLoopback(_ address: String, _ expected: Bool) {
        #expect(OpsController.isLoopback(address) == expected, "\(address)")
    }

    @Test func pagesLinkTheVersionedStylesheet() throws {
        let app = try TestApplication()
        let url = app.application.assets.url("style.css")
        #expect(url.hasPrefix("/assets/style.css?v="))
        #expect(try app.respond(.get, "/login").bodyText.contains("<link rel=\"stylesheet\" href=\"\(url)\">"))
        #expect(try app.respond(.get, url).status == .ok)
    }
}
