import Foundation
import GRDB
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
        try app.store.pool.close()
        let response = try app.respond(.get, "/healthz")
        #expect(response.status == .serviceUnavailable)
        #expect(response.bodyText.contains(#""database":"failing""#))
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

    @Test func pagesLinkTheVersionedStylesheet() throws {
        let app = try TestApplication()
        let url = app.application.assets.url("style.css")
        #expect(url.hasPrefix("/assets/style.css?v="))
        #expect(try app.respond(.get, "/login").bodyText.contains("<link rel=\"stylesheet\" href=\"\(url)\">"))
        #expect(try app.respond(.get, url).status == .ok)
    }
}
