import Testing
@testable import TrainingServer

@Suite struct StaticAssetsTests {
    private let assets = StaticAssets(assets: [
        "app.css": StaticAssets.Asset(bytes: Array("body{}".utf8), contentType: "text/css; charset=utf-8", etag: "\"abc123\""),
    ])

    private func get(_ name: String, ifNoneMatch: String? = nil) throws -> Response {
        let headers = ifNoneMatch.map { HTTPHeaders([("If-None-Match", $0)]) } ?? HTTPHeaders()
        return assets.response(for: name, request: try Request(method: .get, target: "/assets/\(name)", headers: headers))
    }

    @Test func servesAKnownAssetWithItsETagAndCaching() throws {
        let response = try get("app.css")
        #expect(response.status == .ok)
        #expect(response.bodyText == "body{}")
        #expect(response.headers["ETag"] == "\"abc123\"")
        #expect(response.headers["Content-Type"] == "text/css; charset=utf-8")
        #expect(response.headers["Cache-Control"] == "public, max-age=86400")
    }

    @Test func answersNotModifiedWhenTheClientHasIt() throws {
        for header in ["\"abc123\"", "\"old\", \"abc123\"", "*"] {
            let response = try get("app.css", ifNoneMatch: header)
            #expect(response.status == .notModified, "If-None-Match: \(header)")
            #expect(response.bodyBytes.isEmpty)
            #expect(response.headers["ETag"] == "\"abc123\"")
        }
        #expect(try get("app.css", ifNoneMatch: "\"old\"").status == .ok)
    }

    /// RFC 9110 §13.1.2: If-None-Match uses the weak comparison, so `W/"x"` (what a compressing proxy turns
    /// a strong ETag into) matches `"x"`.
    @Test func ifNoneMatchComparesWeakly() throws {
        #expect(try get("app.css", ifNoneMatch: "W/\"abc123\"").status == .notModified)
    }

    @Test func unknownNamesAreNotFound() throws {
        for name in ["missing.css", "../Package.swift", "APP.CSS", ""] {
            #expect(try get(name).status == .notFound, "\(name)")
        }
    }

    @Test func urlsCarryTheETagAsAVersion() {
        #expect(assets.url("app.css") == "/assets/app.css?v=abc123")
        #expect(assets.url("other.js") == "/assets/other.js")
    }

    @Test func theShippedStylesheetIsLoadedWithAContentHash() throws {
        let shipped = StaticAssets.shipped()
        let response = shipped.response(for: "style.css", request: try Request(method: .get, target: "/assets/style.css"))
        #expect(response.status == .ok)
        #expect(!response.bodyBytes.isEmpty)
        #expect(response.headers["Content-Type"] == "text/css; charset=utf-8")
        let etag = try #require(response.headers["ETag"])
        #expect(etag.count == 18 && etag.hasPrefix("\"") && etag.hasSuffix("\""))
        #expect(shipped.url("style.css") == "/assets/style.css?v=\(etag.dropFirst().dropLast())")
    }

    @Test func preparedAssetsAnswerWithTheSameResponsesEveryTime() throws {
        let marked = assets.prepared { response in
            var response = response
            response.headers.add("X-Prepared", "yes")
            return PreparedResponse(response)
        }
        let request = try Request(method: .get, target: "/assets/app.css")
        let first = marked.response(for: "app.css", request: request)
        let second = marked.response(for: "app.css", request: request)
        #expect(first.prepared != nil && first.prepared === second.prepared)
        #expect(first.status == .ok && first.bodyText == "body{}")
        #expect(first.headers["X-Prepared"] == "yes" && first.headers["ETag"] == "\"abc123\"")
        #expect(first.headers["Content-Type"] == "text/css; charset=utf-8")

        let conditional = try Request(method: .get, target: "/assets/app.css", headers: HTTPHeaders([("If-None-Match", "W/\"abc123\"")]))
        let notModified = marked.response(for: "app.css", request: conditional)
        #expect(notModified.status == .notModified && notModified.bodyBytes.isEmpty)
        #expect(notModified.prepared != nil && notModified.prepared !== first.prepared)
        #expect(notModified.headers["X-Prepared"] == "yes" && notModified.headers["ETag"] == "\"abc123\"")
        #expect(notModified.headers["Content-Type"] == nil)
        #expect(marked.response(for: "missing.css", request: request).status == .notFound)
        #expect(marked.url("app.css") == assets.url("app.css"))
    }

    @Test func contentTypesFollowTheExtension() {
        #expect(StaticAssets.contentType(for: "a.js") == "text/javascript; charset=utf-8")
        #expect(StaticAssets.contentType(for: "a.svg") == "image/svg+xml")
        #expect(StaticAssets.contentType(for: "a.png") == "image/png")
        #expect(StaticAssets.contentType(for: "favicon.ico") == "image/x-icon")
        #expect(StaticAssets.contentType(for: "archive.tar.gz") == "application/octet-stream")
    }
}
