import GRDB
import Logging
@testable import SQLiteStorage
import SQLiteTestSupport
import Synchronization
import Testing
@testable import TrainingServer

@Suite struct RequestLogMiddlewareTests {
    private func answer(target: String = "/x?secret=1", _ endpoint: @escaping Handler, metrics: Metrics = Metrics()) throws
        -> Response {
        let handler = ([RequestLogMiddleware(logger: .silent, metrics: metrics, strings: .shipped)] as [any Middleware])
            .wrapping(endpoint)
        return try handler(Request(method: .get, target: target, id: "req-7"))
    }

    @Test func theLogLineNamesMethodRouteStatusMillisecondsAndTheRequestID() {
        let cases: [(RequestLog.Line<String>, String)] = [
            (.init(method: "GET", route: "/assets/:name", status: 200, seconds: 0.0000412, id: "k3-1"),
             "GET /assets/:name 200 0.04ms id=k3-1"),
            (.init(method: "POST", route: "/login", status: 303, seconds: 0, id: "x"), "POST /login 303 0.00ms id=x"),
            (.init(method: "HEAD", route: "/hr/people", status: 503, seconds: 0.0105, id: "a-b"),
             "HEAD /hr/people 503 10.50ms id=a-b"),
            (.init(method: "DELETE", route: "/路线", status: 1000, seconds: 1.234567, id: ""), "DELETE /路线 1000 1234.57ms id="),
        ]
        for (line, expected) in cases {
            #expect(line.text == expected)
            #expect(line.count == expected.utf8.count)
        }
        // A request id is written from its number, as its text reads.
        for id in [RequestID(prefix: 0, number: 1), RequestID(prefix: 46_655, number: 36), RequestID(prefix: .max, number: .max)] {
            let line = RequestLog.Line(method: "GET", route: "/healthz", status: 200, seconds: 0.001, id: id)
            #expect(line.text == "GET /healthz 200 1.00ms id=\(id.description)")
            #expect(line.count == line.text.utf8.count)
        }
        #expect(RequestID(prefix: 46_655, number: 36).description == "zzz-10")
        #expect(RequestID(prefix: .max, number: .max).description == "1z141z3-3w5e11264sgsf")
    }

    @Test func anHTTPErrorBecomesItsStatusWithItsHeaders() throws {
        let response = try answer { _ in throw HTTPError(.tooManyRequests, "Slow down", headers: ["Retry-After": "9"]) }
        #expect(response.status == .tooManyRequests)
        #expect(response.bodyText == "Slow down (req-7)\n")
        #expect(response.headers["Retry-After"] == "9")
    }

    @Test func underTheAPIEveryErrorIsJSON() throws {
        struct Secret: Error {}
        for (error, status) in [(HTTPError(.tooManyRequests, "Slow down") as any Error, HTTPStatus.tooManyRequests),
                                (Secret(), .internalServerError)] {
            let response = try answer(target: "/api/v1/me") { _ in throw error }
            #expect(response.status == status)
            #expect(response.headers["Content-Type"] == "application/json; charset=utf-8")
            #expect(response.bodyText.hasPrefix(#"{"error":"#) && response.bodyText.hasSuffix(#","request":"req-7"}"#))
        }
    }

    @Test func anyOtherErrorIsA500ThatNamesOnlyTheRequest() throws {
        struct Secret: Error { var detail = "password=hunter2" }
        let response = try answer { _ in throw Secret() }
        #expect(response.status == .internalServerError)
        #expect(response.bodyText == "Internal Server Error (req-7)\n")
    }

    @Test func aBusyDatabaseIsA503WithRetryAfter() throws {
        let response = try answer { _ in throw DatabaseError(resultCode: .SQLITE_BUSY, message: "database is locked") }
        #expect(response.status == .serviceUnavailable)
        #expect(response.headers["Retry-After"] == "5")
        #expect(response.bodyText.contains("req-7"))
        let constraint = try answer { _ in throw DatabaseError(resultCode: .SQLITE_CONSTRAINT, message: "UNIQUE") }
        #expect(constraint.status == .internalServerError)
    }

    @Test func theRouteLabelIsTheMatchedPatternNeverThePath() throws {
        let metrics = Metrics()
        let handler = ([RequestLogMiddleware(logger: .silent, metrics: metrics, strings: .shipped)] as [any Middleware])
            .wrapping { _ in Response.text("ok") }
        var request = try Request(method: .get, target: "/x/42?secret=1")
        request.route = "/x/:id"
        _ = try handler(request)
        _ = try handler(Request(method: .get, target: "/y/43"))
        let text = metrics.render(databaseWaitSeconds: 0)
        #expect(text.contains(#"http_requests_total{method="GET",route="/x/:id",status="200"} 1"#))
        #expect(text.contains(#"http_requests_total{method="GET",route="unmatched",status="200"} 1"#))
        // The paths never appear as labels (bare digits may, inside the latency sums).
        #expect(!text.contains("/x/42") && !text.contains("/y/43") && !text.contains("secret"))
    }

    @Test func theLogLineNamesMethodRouteStatusDurationAndRequest() throws {
        let recorder = LogRecorder()
        let logger = Logger(label: "test") { _ in recorder }
        let handler = ([RequestLogMiddleware(logger: logger, metrics: Metrics(), strings: .shipped)] as [any Middleware])
            .wrapping { _ in Response.text("ok") }
        var request = try Request(method: .get, target: "/x/42?secret=1", id: "req-9")
        request.route = "/x/:id"
        _ = try handler(request)
        let lines = recorder.lines
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(line.wholeMatch(of: #/info GET /x/:id 200 \d+\.\d\dms id=req-9/#) != nil, "\(line)")
    }
}

/// A log handler that keeps the level and message of each line.
private struct LogRecorder: LogHandler {
    private final class Lines: Sendable {
        let values = Mutex<[String]>([])
    }

    private let recorded = Lines()
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    var lines: [String] { recorded.values.withLock { $0 } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) { recorded.values.withLock { $0.append("\(event.level) \(event.message)") } }
}
