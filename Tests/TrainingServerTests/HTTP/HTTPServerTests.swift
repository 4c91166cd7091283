import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Synchronization
import Testing
@testable import TrainingServer

/// The daemon over real sockets: framing, limits, keep-alive, streaming and shutdown.
@Suite struct HTTPServerTests {
    @Test func twoRequestsShareOneKeptAliveConnection() throws {
        let server = try LiveServer()
        let connection = try server.connect()
        let first = try connection.request("GET", "/healthz")
        #expect(first.status == 200)
        #expect(first.text.contains(#""status":"ok""#))
        let second = try connection.request("GET", "/login")
        #expect(second.status == 200)
        #expect(second.text.contains("<form method=\"post\" action=\"/login\""))
        #expect(!connection.serverCloses(within: 200))
    }

    @Test func headHasTheHeadersOfGetAndNoBody() throws {
        let server = try LiveServer()
        let connection = try server.connect()
        let get = try connection.request("GET", "/healthz")
        let head = try connection.request("HEAD", "/healthz")
        #expect(head.status == 200)
        #expect(head.headers["Content-Type"] == "application/json; charset=utf-8")
        #expect(head.headers["Content-Length"] == get.headers["Content-Length"])
        #expect(head.headers["X-Content-Type-Options"] == "nosniff")
        // Had the server sent a body after HEAD, it would be read here as the next status line.
        let after = try connection.request("GET", "/healthz")
        #expect(after.status == 200)
        #expect(after.body == get.body)
    }

    @Test func aDeclaredBodyOverTheLimitIs413AndTheConnectionCloses() throws {
        let server = try LiveServer { $0.maxBodySize = 1_024 }
        let connection = try server.connect()
        try connection.send("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                            + "Content-Length: 5000\r\n\r\n")
        let response = try connection.readResponse()
        #expect(response.status == 413)
        #expect(response.headers["Connection"]?.lowercased() == "close")
        #expect(response.headers["X-Content-Type-Options"] == "nosniff")
        #expect(connection.serverCloses(within: 2_000))
    }

    @Test func aRoutesOwnBodyLimitRefusesALargerBodyBeforeReadingIt() throws {
        // The server's limit is the default 8 MiB; a form route takes 64 KiB and the answer routes 256 KiB.
        let server = try LiveServer()
        let login = try server.connect()
        try login.send("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                       + "Content-Length: \(Router.defaultBodyLimit + 1)\r\n\r\n")
        let refused = try login.readResponse()
        #expect(refused.status == 413)
        #expect(refused.text.contains("at most \(Router.defaultBodyLimit) bytes"))
        #expect(login.serverCloses(within: 2_000))

        let answers = try server.connect()
        try answers.send("POST /api/v1/attempts/a1/answers HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         + "Content-Type: application/json\r\nContent-Length: \(7 * 1024 * 1024)\r\n\r\n")
        let tooLarge = try answers.readResponse()
        #expect(tooLarge.status == 413)
        #expect(tooLarge.headers["Content-Type"]?.hasPrefix("application/json") == true)

        // Within the answer route's limit (over the default), the body is read and the request reaches the
        // application: 401 without a token.
        let within = try server.connect()
        let body = Array(repeating: UInt8(ascii: " "), count: Router.defaultBodyLimit * 2)
        let response = try within.request("POST", "/api/v1/attempts/a1/answers",
                                          headers: [("Content-Type", "application/json")], body: body)
        #expect(response.status == 401)

        // A chunked body, which declares no length, is cut off once it grows over the route's limit.
        let chunked = try server.connect()
        let chunk = String(repeating: "a", count: 40 * 1024)
        let hex = String(chunk.utf8.count, radix: 16)
        try chunked.send("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                         + "Transfer-Encoding: chunked\r\n\r\n\(hex)\r\n\(chunk)\r\n\(hex)\r\n\(chunk)\r\n0\r\n\r\n")
        #expect(try chunked.readResponse().status == 413)
    }

    @Test func aChunkedBodyThatGrowsOverTheLimitIs413() throws {
        let server = try LiveServer { $0.maxBodySize = 1_024 }
        let connection = try server.connect()
        let chunk = String(repeating: "a", count: 600)
        let hex = String(chunk.utf8.count, radix: 16)
        try connection.send("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n\(hex)\r\n\(chunk)\r\n\(hex)\r\n\(chunk)\r\n0\r\n\r\n")
        #expect(try connection.readResponse().status == 413)
    }

    @Test func aBodyWithinTheLimitReachesTheHandlerIntact() throws {
        let received = Mutex<[UInt8]>([])
        let server = try LiveServer(configure: { $0.maxBodySize = 64 * 1024 }) { request in
            received.withLock { $0 = request.body }
            return Response.text("\(request.body.count)")
        }
        let body = (0..<40_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let response = try server.connect().request("POST", "/upload", headers: [("Content-Type", "application/octet-stream")],
                                                    body: body)
        #expect(response.status == 200)
        #expect(response.text == "40000")
        #expect(received.withLock { $0 } == body)
    }

    @Test(arguments: ["/%zz", "/a%C0%AF", "/?q=%ED%A0%80", "/x%00y"])
    func aTargetThatDoesNotDecodeIs400(_ target: String) throws {
        let server = try LiveServer()
        let response = try server.connect().request("GET", target)
        #expect(response.status == 400)
        #expect(response.headers["X-Content-Type-Options"] == "nosniff")
        #expect(response.headers["Content-Security-Policy"] != nil)
    }

    @Test func anUnknownMethodIs405WithThePathsMethods() throws {
        let server = try LiveServer()
        let response = try server.connect().request("BREW", "/login")
        #expect(response.status == 405)
        #expect(response.headers["Allow"] == "GET, HEAD, POST")
        #expect(try server.connect().request("QUERY", "/api/v1/me").headers["Allow"] == "GET, HEAD")
    }

    @Test func requestsRefusedBeforeRoutingAreAnsweredByTheApplicationAndCountedAsUnrouted() throws {
        let server = try LiveServer { $0.maxBodySize = 1024 }
        let application = try #require(server.application)
        let connection = try server.connect()
        let page = try connection.request("GET", "/%FF")
        #expect(page.status == 400)
        #expect(page.headers["Content-Type"] == "text/plain; charset=utf-8")
        let api = try connection.request("GET", "/api/v1/hr/people?q=%FF")
        #expect(api.status == 400)
        #expect(api.headers["Content-Type"] == "application/json; charset=utf-8")
        #expect(api.headers["Content-Security-Policy"] == SecurityHeadersMiddleware.contentSecurityPolicy)
        #expect(try connection.request("BREW", "/api/v1/me").status == 405)
        #expect(try connection.request("TRACE", "/api/v1/me").status == 405)
        let tooLarge = try server.connect().request("POST", "/api/v1/attempts/a/submit", body: Array(repeating: 32, count: 2048))
        #expect(tooLarge.status == 413)
        #expect(tooLarge.headers["Connection"] == "close")
        #expect(tooLarge.headers["Content-Type"] == "application/json; charset=utf-8")
        let metrics = application.metrics.render(databaseWaitSeconds: 0)
        for series in [#"method="GET",route="unrouted",status="400"} 2"#, #"method="OTHER",route="unrouted",status="405"} 1"#,
                       #"method="TRACE",route="unmatched",status="405"} 1"#, #"method="POST",route="unrouted",status="413"} 1"#] {
            #expect(metrics.contains("http_requests_total{" + series), "\(series)")
        }
    }

    @Test func htmlJSONAndNotFoundCarryTheSecurityHeaders() throws {
        let server = try LiveServer()
        let connection = try server.connect()
        for (target, type, status) in [("/login", "text/html; charset=utf-8", 200),
                                       ("/healthz", "application/json; charset=utf-8", 200),
                                       ("/no-such-page", "text/html; charset=utf-8", 404)] {
            let response = try connection.request("GET", target)
            #expect(response.status == status, "\(target)")
            #expect(response.headers["Content-Type"] == type, "\(target)")
            #expect(response.headers["Content-Security-Policy"] == SecurityHeadersMiddleware.contentSecurityPolicy, "\(target)")
            #expect(response.headers["X-Content-Type-Options"] == "nosniff", "\(target)")
            #expect(response.headers["X-Frame-Options"] == "DENY", "\(target)")
            #expect(response.headers["Referrer-Policy"] == "same-origin", "\(target)")
            #expect(response.headers["Cache-Control"] == "no-store", "\(target)")
        }
    }

    @Test func aStaticAssetArrivesWithItsHeadersAndIsRevalidatedOnTheSameConnection() throws {
        let server = try LiveServer()
        let asset = try #require(server.application).assets.response(for: "style.css", request: try Request(method: .get, target: "/"))
        let connection = try server.connect()
        for _ in 0..<3 {
            let response = try connection.request("GET", "/assets/style.css")
            #expect(response.status == 200)
            #expect(response.body == asset.bodyBytes)
            #expect(response.headers["Content-Length"] == String(asset.bodyBytes.count))
            #expect(response.headers["Content-Type"] == "text/css; charset=utf-8")
            #expect(response.headers["Cache-Control"] == "public, max-age=86400")
            #expect(response.headers["ETag"] == asset.headers["ETag"])
            #expect(response.headers["Content-Security-Policy"] == SecurityHeadersMiddleware.contentSecurityPolicy)
            #expect(response.headers["X-Content-Type-Options"] == "nosniff")
            #expect(response.headers["Set-Cookie"] == nil)
        }
        let etag = try #require(asset.headers["ETag"])
        let notModified = try connection.request("GET", "/assets/style.css", headers: [("If-None-Match", etag)])
        #expect(notModified.status == 304)
        #expect(notModified.body.isEmpty)
        #expect(notModified.headers["ETag"] == etag)
        #expect(notModified.headers["X-Frame-Options"] == "DENY")
        let head = try connection.request("HEAD", "/assets/style.css")
        #expect(head.status == 200)
        #expect(head.headers["Content-Length"] == String(asset.bodyBytes.count))
        // Had the server sent a body after HEAD or 304, it would be read here as the next status line.
        #expect(try connection.request("GET", "/assets/nothing.css").status == 404)
        #expect(!connection.serverCloses(within: 200))
    }

    @Test func requestIDsShareTheProcessPrefixAndCountInBase36() throws {
        let server = HTTPServer(configuration: HTTPServerConfiguration()) { _ in Response.text("") }
        let ids = (0..<40).map { _ in server.nextRequestID().description }
        let prefix = try #require(ids.first?.split(separator: "-").first)
        #expect(!prefix.isEmpty && prefix.allSatisfy { $0.isLetter || $0.isNumber })
        #expect(ids == (1...40).map { "\(prefix)-\(String($0, radix: 36))" })
    }

    @Test func eachRequestTakesOneIdWhetherOrNotTheQuickPathDeclinesIt() throws {
        let server = try LiveServer(quickResponder: { _ in nil }) { request in Response.text(request.id) }
        let connection = try server.connect()
        let ids = try [("GET", "/page"), ("GET", "/page?x=1"), ("POST", "/form"), ("GET", "/%41"), ("HEAD", "/page")]
            .map { method, target in
                try connection.request(method, target, headers: [("X-Id", "1")], body: method == "POST" ? Array("a=1".utf8) : [])
            }
            .filter { !$0.body.isEmpty }
            .map { $0.text }
        let numbers = ids.compactMap { $0.split(separator: "-").last.flatMap { Int($0, radix: 36) } }
        #expect(numbers.count == 4)
        #expect(numbers == Array(numbers[0]..<numbers[0] + 4), "\(ids)")
    }

    @Test func twoStopsAtOnceStopTheServerOnce() async throws {
        let server = try LiveServer { _ in
            usleep(200_000)
            return Response.text("slow")
        }
        let port = server.port
        let client = Task.detached { try? RawHTTPConnection(port: port).request("GET", "/slow") }
        usleep(50_000)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<2 { group.addTask { server.server.stop(grace: 5) } }
        }
        _ = await client.value
        #expect(throws: (any Error).self) { try RawHTTPConnection(port: port).request("GET", "/") }
    }

    @Test func plainGetsAndHeadsMayBeAnsweredQuicklyAndEverythingElseGoesTheOrdinaryWay() throws {
        let quick = PreparedResponse(Response.text("quick"))
        let seen = Mutex<[String]>([])
        let server = try LiveServer(quickResponder: { request in
            guard request.path == "/quick" else { return nil }
            let encoding = request.withHeader("accept-ENCODING") { $0.map { String(decoding: $0, as: UTF8.self) } ?? "-" }
            let test = request.withHeader("X-Test") { $0.map { String(decoding: $0, as: UTF8.self) } ?? "-" }
            seen.withLock { $0.append("\(request.method.rawValue) \(test) \(encoding) \(request.id)") }
            return request.send(quick)
        }) { request in Response.text("ordinary \(request.method.rawValue) \(request.path)") }
        let connection = try server.connect()
        #expect(try connection.request("GET", "/quick").text == "quick")
        #expect(try connection.request("GET", "/quick?v=ab-1.2_~&x=y",
                                       headers: [("X-Test", "plain"), ("Accept-Encoding", "gzip, br")]).text == "quick")
        let head = try connection.request("HEAD", "/quick")
        #expect(head.status == 200 && head.body.isEmpty && head.headers["Content-Length"] == "5")
        // Anything that decodes to something else, has a body, another method or a header beyond ASCII.
        let ordinary: [(String, String, [(String, String)], [UInt8])] = [
            ("GET", "/qu%69ck", [], []), ("GET", "/quick?q=%41", [], []), ("GET", "/quick?a+b", [], []),
            ("GET", "/quick?a=b?c", [], []), ("GET", "/quick;x", [], []), ("GET", "/quick=", [], []),
            ("POST", "/quick", [], Array("a=1".utf8)), ("GET", "/quick", [], Array("abc".utf8)),
            ("GET", "/quick", [("X-Test", "值")], []), ("DELETE", "/quick", [], []),
        ]
        for (method, target, headers, body) in ordinary {
            let response = try connection.request(method, target, headers: headers, body: body)
            #expect(response.text.hasPrefix("ordinary \(method) /quick"), "\(method) \(target) \(headers)")
        }
        #expect(try connection.request("GET", "/other").text == "ordinary GET /other")
        let lines = seen.withLock { $0 }
        #expect(lines.count == 3)
        #expect(lines.first?.hasPrefix("GET - - ") == true && lines.dropFirst().first?.hasPrefix("GET plain gzip, br ") == true)
        #expect(lines.last?.hasPrefix("HEAD - - ") == true)
        #expect(Set(lines.map { $0.split(separator: " ").last.map(String.init) ?? "" }).count == 3, "each request has its own id")
        #expect(!connection.serverCloses(within: 200))
    }

    /// The quick path gives exactly what the application's ordinary answer would be, for every form of the request.
    @Test func quickAnswersEqualTheApplicationsOrdinaryAnswers() throws {
        let server = try LiveServer()
        let application = try #require(server.application)
        let plainETag = try #require(application.assets.response(for: "style.css", request: try Request(method: .get, target: "/"))
            .headers["ETag"])
        let gzipETag = try #require(answer(application.assets, "/assets/style.css", acceptEncoding: "gzip",
                                           ifNoneMatch: nil)?.headers["ETag"])
        #expect(gzipETag != plainETag)
        let cases: [(String, [(String, String)])] = [
            ("/healthz", []), ("/assets/style.css", []), ("/assets/style.css?v=1", [("Accept-Encoding", "gzip, deflate, br")]),
            ("/assets/style.css", [("Accept-Encoding", "gzip;q=0")]), ("/assets/quiz.js", [("Accept-Encoding", "*")]),
            ("/assets/style.css", [("If-None-Match", plainETag)]),
            ("/assets/style.css", [("Accept-Encoding", "gzip"), ("If-None-Match", gzipETag)]),
            ("/assets/style.css", [("Accept-Encoding", "gzip"), ("If-None-Match", plainETag)]),
        ]
        let connection = try server.connect()
        // Every header field, apart from those MHD writes itself.
        func fields(_ headers: HTTPHeaders) -> [String] {
            headers.filter { !["date", "content-length", "connection"].contains($0.name.lowercased()) }
                .map { "\($0.name.lowercased()): \($0.value)" }.sorted()
        }
        for (target, headers) in cases {
            for method in [HTTPMethod.get, .head] {
                let wire = try connection.request(method.rawValue, target, headers: headers)
                let ordinary = application.respond(try Request(method: method, target: target, headers: HTTPHeaders(headers)))
                let label = "\(method.rawValue) \(target) \(headers)"
                #expect(wire.status == ordinary.status.rawValue, "\(label)")
                #expect(wire.body == (method == .head ? [] : ordinary.bodyBytes), "\(label)")
                #expect(fields(wire.headers) == fields(ordinary.headers), "\(label)")
            }
        }
        #expect(server.quickAnswers.value.load(ordering: .relaxed) == cases.count * 2, "every case went the quick way")
        // Each case was answered twice, over the wire and by `respond`.
        let metrics = application.metrics.render(databaseWaitSeconds: 0)
        for method in ["GET", "HEAD"] {
            #expect(metrics.contains("http_requests_total{method=\"\(method)\",route=\"/assets/:name\",status=\"200\"} 10"))
            #expect(metrics.contains("http_requests_total{method=\"\(method)\",route=\"/assets/:name\",status=\"304\"} 4"))
            #expect(metrics.contains("http_requests_total{method=\"\(method)\",route=\"/healthz\",status=\"200\"} 2"))
        }
    }

    /// `/favicon.ico` goes the quick way too, with the ordinary path's answer and its own route in the metrics.
    @Test func theIconAtTheRootIsAQuickAnswerEqualToTheOrdinaryOne() throws {
        let server = try LiveServer()
        let application = try #require(server.application)
        let etag = try #require(application.assets.response(for: "favicon.ico", request: try Request(method: .get, target: "/"))
            .headers["ETag"])
        let connection = try server.connect()
        func fields(_ headers: HTTPHeaders) -> [String] {
            headers.filter { !["date", "content-length", "connection"].contains($0.name.lowercased()) }
                .map { "\($0.name.lowercased()): \($0.value)" }.sorted()
        }
        let cases: [[(String, String)]] = [[], [("Accept-Encoding", "gzip")], [("If-None-Match", etag)]]
        for headers in cases {
            for method in [HTTPMethod.get, .head] {
                let wire = try connection.request(method.rawValue, "/favicon.ico", headers: headers)
                let ordinary = application.respond(try Request(method: method, target: "/favicon.ico", headers: HTTPHeaders(headers)))
                #expect(wire.status == ordinary.status.rawValue && [200, 304].contains(wire.status), "\(method) \(headers)")
                #expect(wire.body == (method == .head ? [] : ordinary.bodyBytes), "\(method) \(headers)")
                #expect(fields(wire.headers) == fields(ordinary.headers), "\(method) \(headers)")
            }
        }
        #expect(server.quickAnswers.value.load(ordering: .relaxed) == cases.count * 2, "every request went the quick way")
        let metrics = application.metrics.render(databaseWaitSeconds: 0)
        #expect(metrics.contains("http_requests_total{method=\"GET\",route=\"/favicon.ico\",status=\"200\"} 4"))
        #expect(metrics.contains("http_requests_total{method=\"GET\",route=\"/favicon.ico\",status=\"304\"} 2"))
    }

    @Test func browsersGetTheStylesheetCompressed() throws {
        let server = try LiveServer()
        let plain = try #require(server.application).assets.response(for: "style.css", request: try Request(method: .get, target: "/"))
        let connection = try server.connect()
        let compressed = try connection.request("GET", "/assets/style.css", headers: [("Accept-Encoding", "gzip, deflate, br")])
        #expect(compressed.status == 200)
        #expect(compressed.headers["Content-Encoding"] == "gzip")
        #expect(compressed.headers["Vary"] == "Accept-Encoding")
        #expect(compressed.headers["Content-Length"] == String(compressed.body.count))
        #expect(compressed.body.count * 2 < plain.bodyBytes.count)
        #expect(try GzipTests.gunzip(compressed.body) == plain.bodyBytes)
        let etag = try #require(compressed.headers["ETag"])
        let revalidated = try connection.request("GET", "/assets/style.css", headers: [("Accept-Encoding", "gzip"), ("If-None-Match", etag)])
        #expect(revalidated.status == 304 && revalidated.headers["ETag"] == etag)
        let head = try connection.request("HEAD", "/assets/style.css", headers: [("Accept-Encoding", "gzip")])
        #expect(head.headers["Content-Length"] == String(compressed.body.count) && head.headers["Content-Encoding"] == "gzip")
        #expect(try connection.request("GET", "/healthz").status == 200)
    }

    @Test func healthzFollowsTheDatabaseOverTheWire() throws {
        let server = try LiveServer()
        let connection = try server.connect()
        #expect(try connection.request("GET", "/healthz").status == 200)
        try #require(server.application).storage.close()
        let failing = try connection.request("GET", "/healthz")
        #expect(failing.status == 503)
        #expect(failing.text.contains(#""database":"failing""#))
        #expect(failing.headers["Cache-Control"] == "no-store")
        #expect(failing.headers["Content-Security-Policy"] == SecurityHeadersMiddleware.contentSecurityPolicy)
    }

    @Test func repeatedResponseHeadersAllArrive() throws {
        let server = try LiveServer { _ in
            var response = Response.text("ok")
            response.headers.add("Set-Cookie", "a=1; Path=/")
            response.headers.add("Set-Cookie", "b=2; Path=/")
            return response
        }
        let response = try server.connect().request("GET", "/")
        #expect(response.headers.values("Set-Cookie") == ["a=1; Path=/", "b=2; Path=/"])
    }

    @Test func aHeaderValueWithALineBreakBecomesA500InsteadOfASplitResponse() throws {
        let server = try LiveServer { _ in
            var response = Response.text("ok")
            response.headers.add("Location", "/a\r\nSet-Cookie: injected=1")
            return response
        }
        let response = try server.connect().request("GET", "/")
        #expect(response.headers["Set-Cookie"] == nil)
        #expect(response.text == "Internal Server Error")
        #expect(response.status == 500)
    }

    @Test func aQuickAnswerWithALineBreakInAHeaderIsA500AsOnTheOrdinaryPath() throws {
        var response = Response.text("ok")
        response.headers.add("Location", "/a\r\nSet-Cookie: injected=1")
        let prepared = PreparedResponse(response)
        #expect(prepared.native == nil)
        let server = try LiveServer(quickResponder: { request in request.send(prepared) }) { _ in Response.text("ordinary") }
        let connection = try server.connect()
        let answer = try connection.request("GET", "/")
        #expect(answer.status == 500 && answer.text == "Internal Server Error")
        #expect(answer.headers["Set-Cookie"] == nil)
        #expect(try connection.request("GET", "/again").status == 500, "the connection stays usable")
    }

    @Test func theHandlerSeesTheDecodedRequest() throws {
        let seen = Mutex<[String]>([])
        let server = try LiveServer { request in
            seen.withLock {
                $0.append("\(request.method.rawValue) \(request.path) \(request.query["q"] ?? "-") \(request.clientAddress) "
                          + "\(request.headers["X-Test"] ?? "-") \(request.isSecure) \(request.id)")
            }
            return Response.text("ok")
        }
        let connection = try server.connect()
        _ = try connection.request("GET", "/%E6%B5%8B%E8%AF%95?q=a+b", headers: [("X-Test", "值")])
        _ = try connection.request("DELETE", "/x")
        let lines = seen.withLock { $0 }
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("GET /测试 a b 127.0.0.1 值 false ") == true)
        #expect(lines.last?.hasPrefix("DELETE /x - 127.0.0.1 - false ") == true)
        let ids = lines.map { $0.split(separator: " ").last.map(String.init) ?? "" }
        #expect(Set(ids).count == 2 && !ids.contains("-"))
    }

    @Test func aStreamedBodyArrivesCompleteAndChunked() throws {
        let server = try LiveServer { _ in
            Response(status: .ok, headers: HTTPHeaders([("Content-Type", "text/csv; charset=utf-8")]),
                     body: .stream(CountingStream(lines: 5_000)))
        }
        let connection = try server.connect()
        let response = try connection.request("GET", "/export.csv")
        #expect(response.status == 200)
        #expect(response.headers["Transfer-Encoding"]?.lowercased() == "chunked")
        #expect(response.headers["Content-Length"] == nil)
        #expect((response.chunkCount ?? 0) >= 2)
        #expect(response.text == CountingStream.expected(lines: 5_000))
        // The connection stays usable after a chunked body.
        #expect(try connection.request("GET", "/again").status == 200)
    }

    @Test func aStreamThatFailsCutsTheTransferShort() throws {
        let server = try LiveServer { _ in
            Response(status: .ok, body: .stream(FailingStream()))
        }
        let connection = try server.connect()
        #expect(throws: RawHTTPError.self) { try connection.request("GET", "/broken") }
    }

    @Test func stopWaitsForARequestInFlight() async throws {
        let started = Atomic<Bool>(false)
        let finished = Atomic<Bool>(false)
        let server = try LiveServer { request in
            started.store(true, ordering: .releasing)
            usleep(500_000)
            finished.store(true, ordering: .releasing)
            return Response.text("finished \(request.path)")
        }
        let port = server.port
        let client = Task.detached {
            try RawHTTPConnection(port: port).request("GET", "/slow", headers: [("Connection", "close")])
        }
        while !started.load(ordering: .acquiring) { usleep(1_000) }
        server.server.stop(grace: 10)
        let handlerDone = finished.load(ordering: .acquiring)
        #expect(handlerDone, "stop returned while the handler was still running")
        let response = try await client.value
        #expect(response.status == 200)
        #expect(response.text == "finished /slow")
    }

    @Test func afterStopThePortIsFreeAgain() throws {
        let first = HTTPServer(configuration: Self.loopback(port: 0)) { _ in Response.text("first") }
        try first.start()
        let port = first.port
        first.stop(grace: 1)
        #expect(throws: RawHTTPError.self, "nothing listens any more") { try RawHTTPConnection(port: port) }
        let second = HTTPServer(configuration: Self.loopback(port: port)) { _ in Response.text("second") }
        #expect(throws: Never.self) { try second.start() }
        second.stop(grace: 0)
    }

    private static func loopback(port: UInt16) -> HTTPServerConfiguration {
        var configuration = HTTPServerConfiguration()
        configuration.port = port
        configuration.threads = 1
        return configuration
    }

    @Test func startingTwiceIsHarmlessAndStopIsIdempotent() throws {
        let server = try LiveServer { _ in Response.text("ok") }
        let port = server.port
        #expect(port != 0)
        try server.server.start()
        #expect(server.port == port)
        #expect(try server.connect().request("GET", "/").status == 200)
        server.server.stop(grace: 0)
        server.server.stop(grace: 0)
    }

    @Test func aTakenPortIsReportedAsAStartFailure() throws {
        let first = try LiveServer { _ in Response.text("ok") }
        let second = HTTPServer(configuration: Self.loopback(port: first.port)) { _ in Response.text("second") }
        #expect(throws: HTTPServerError.self) { try second.start() }
    }
}

/// Lines "row N" produced one `next()` call at a time, in pieces of various sizes.
private final class CountingStream: ResponseStream {
    private let remaining: Mutex<Int>
    private let total: Int

    init(lines: Int) {
        total = lines
        remaining = Mutex(lines)
    }

    func next() throws -> [UInt8]? {
        remaining.withLock { remaining in
            guard remaining > 0 else { return nil }
            // Every tenth call yields a large piece so that MHD's buffer fills more than once.
            let count = min(remaining, (total - remaining).isMultiple(of: 10) ? 400 : 1)
            let first = total - remaining
            remaining -= count
            return Array((first..<first + count).map { "row \($0)\n" }.joined().utf8)
        }
    }

    static func expected(lines: Int) -> String { (0..<lines).map { "row \($0)\n" }.joined() }
}

/// Yields one piece, then fails.
private final class FailingStream: ResponseStream {
    private let calls = Atomic<Int>(0)

    func next() throws -> [UInt8]? {
        struct Broken: Error {}
        if calls.wrappingAdd(1, ordering: .relaxed).oldValue == 0 { return Array("partial".utf8) }
        throw Broken()
    }

    @Test("the open-file limit is raised for the connections, and a hard limit too low for them is reported")
    func theDescriptorLimitCoversTheConnections() throws {
        #expect(HTTPServer.ensureDescriptorLimit(connections: 16) == nil)
        var limit = rlimit()
        try #require(getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0)
        #expect(limit.rlim_cur >= 16 * 2 + rlim_t(HTTPServer.descriptorReserve))
        guard limit.rlim_max < rlim_t(Int.max / 4) else { return }  // an unlimited hard limit can always be met
        let tooMany = Int(limit.rlim_max)
        let warning = try #require(HTTPServer.ensureDescriptorLimit(connections: tooMany))
        #expect(warning.contains("open-file limit"))
        try #require(getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0)
        #expect(limit.rlim_cur == limit.rlim_max, "raised as far as the hard limit allows")
    }
}
