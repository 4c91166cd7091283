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

    /// A stylesheet large enough that gzip makes it smaller.
    private static let stylesheet = Array(String(repeating: ".note { margin: 0 1rem; color: #1a1a1a; }\n", count: 50).utf8)
    /// The gzip form's ETag: the plain one's, `-gzip-` and a digest of the compressed bytes.
    private static let gzipETag = StaticAssets.Asset(bytes: stylesheet, contentType: "text/css; charset=utf-8", etag: "\"big1\"")
        .gzip?.etag ?? "none"
    private let compressible = StaticAssets(assets: [
        "big.css": StaticAssets.Asset(bytes: StaticAssetsTests.stylesheet, contentType: "text/css; charset=utf-8", etag: "\"big1\""),
    ])

    private func get(_ assets: StaticAssets, _ headers: [(String, String)]) throws -> Response {
        assets.response(for: "big.css", request: try Request(method: .get, target: "/assets/big.css", headers: HTTPHeaders(headers)))
    }

    @Test func aClientThatAcceptsGzipGetsTheCompressedFormWithItsOwnETag() throws {
        let response = try get(compressible, [("Accept-Encoding", "gzip, deflate, br")])
        #expect(response.status == .ok)
        #expect(response.headers["Content-Encoding"] == "gzip")
        let etag = try #require(response.headers["ETag"])
        #expect(etag == Self.gzipETag)
        #expect(etag.hasPrefix("\"big1-gzip-") && etag.hasSuffix("\"") && etag.count == "\"big1-gzip-12345678\"".count)
        #expect(response.headers["Vary"] == "Accept-Encoding")
        #expect(response.headers["Content-Type"] == "text/css; charset=utf-8")
        #expect(response.bodyBytes.count < Self.stylesheet.count)
        #expect(try GzipTests.gunzip(response.bodyBytes) == Self.stylesheet)

        let plain = try get(compressible, [])
        #expect(plain.headers["Content-Encoding"] == nil)
        #expect(plain.headers["ETag"] == "\"big1\"")
        #expect(plain.headers["Vary"] == "Accept-Encoding", "caches must keep the two forms apart")
        #expect(plain.bodyBytes == Self.stylesheet)
    }

    @Test func revalidationComparesWithTheETagOfTheFormAskedFor() throws {
        let gzip = ("Accept-Encoding", "gzip")
        let notModified = try get(compressible, [gzip, ("If-None-Match", Self.gzipETag)])
        #expect(notModified.status == .notModified && notModified.bodyBytes.isEmpty)
        #expect(notModified.headers["ETag"] == Self.gzipETag && notModified.headers["Vary"] == "Accept-Encoding")
        #expect(notModified.headers["Content-Encoding"] == nil)
        // The plain form's ETag does not validate the compressed form, nor the other way round.
        #expect(try get(compressible, [gzip, ("If-None-Match", "\"big1\"")]).status == .ok)
        #expect(try get(compressible, [("If-None-Match", Self.gzipETag)]).status == .ok)
        #expect(try get(compressible, [("If-None-Match", "\"big1\"")]).status == .notModified)
    }

    @Test func aFileThatGzipCannotShrinkHasNoCompressedForm() throws {
        let response = try get("app.css")
        #expect(assets.response(for: "app.css", request: try Request(method: .get, target: "/assets/app.css",
                                                                        headers: HTTPHeaders([("Accept-Encoding", "gzip")])))
            .headers["Content-Encoding"] == nil)
        #expect(response.headers["Vary"] == nil)
    }

    @Test(arguments: [
        ("gzip", true), ("GZIP", true), ("x-gzip", true), ("deflate, gzip;q=0.5", true), ("br;q=1.0, gzip ; q=0.001", true),
        ("*", true), ("identity, *;q=0.1", true), ("gzip;q=1, *;q=0", true),
        ("", false), ("identity", false), ("br, deflate", false), ("gzip;q=0", false), ("gzip; q=0.000", false),
        ("gzip;q=nonsense", false), ("*;q=0", false), ("gzip;q=0, *", false), ("gzipped", false), ("agzip", false),
        ("gzip;q = 0", false), ("gzip;q=2", false), ("gzip;q=0.0001", false), ("gzip;q=-1", false), ("gzip;q", false),
        ("gzip;q=", false), ("gzip;q=1.001", false), ("gzip;level=1", true), ("gzip;q=1.", true), ("gzip;Q=0.5", true),
    ])
    func acceptEncodingIsReadAsRFC9110Says(_ header: String, _ accepts: Bool) {
        var bytes = header
        #expect(bytes.withUTF8(StaticAssets.acceptsGzip) == accepts, "Accept-Encoding: \(header)")
    }

    @Test(arguments: [
        ("\"a1\"", true), ("W/\"a1\"", true), ("*", true), (" \"x\" , \"a1\" ", true), ("\"x\",\tW/\"a1\"", true), ("\"x\", *", true),
        ("", false), ("a1", false), ("\"a1", false), ("\"A1\"", false), ("w/\"a1\"", false), ("\"x\", \"y\"", false),
        ("\"a1\"x", false), (",", false), ("**", false),
    ])
    func ifNoneMatchNamesTheETagByWeakComparison(_ header: String, _ matches: Bool) {
        var value = header
        var etag = "\"a1\""
        #expect(value.withUTF8 { value in etag.withUTF8 { StaticAssets.matches(value, etag: $0) } } == matches,
                "If-None-Match: \(header)")
    }

    @Test func preparedAnswersAreFoundByRequestPathForEveryForm() throws {
        let prepared = compressible.prepared { PreparedResponse($0) }
        let ok = try #require(answer(prepared, "/assets/big.css", acceptEncoding: nil, ifNoneMatch: nil))
        #expect(ok.status == .ok && ok.bytes == Self.stylesheet)
        let gzip = try #require(answer(prepared, "/assets/big.css", acceptEncoding: "gzip", ifNoneMatch: nil))
        #expect(gzip.headers["Content-Encoding"] == "gzip" && gzip !== ok)
        #expect(answer(prepared, "/assets/big.css", acceptEncoding: "gzip", ifNoneMatch: "W/" + Self.gzipETag)?.status
            == .notModified)
        #expect(answer(prepared, "/assets/big.css", acceptEncoding: "br", ifNoneMatch: "\"big1\"")?.status
            == .notModified)
        for path in ["/assets/other.css", "/assets/big.css/", "/big.css", "/assets/BIG.css", "/assets/"] {
            #expect(answer(prepared, Substring(path), acceptEncoding: nil, ifNoneMatch: nil) == nil, "\(path)")
        }
        // Answers that were never prepared are not offered either.
        #expect(answer(compressible, "/assets/big.css", acceptEncoding: nil, ifNoneMatch: nil) == nil)
    }

    @Test func rootFilesAreAnsweredByTheirAssetOnTheQuickPath() throws {
        let icon = StaticAssets(assets: [
            "favicon.ico": StaticAssets.Asset(bytes: [0, 0, 1, 0, 1, 0], contentType: "image/x-icon", etag: "\"ico1\""),
        ]).prepared { PreparedResponse($0) }
        let root = try #require(answer(icon, "/favicon.ico", acceptEncoding: nil, ifNoneMatch: nil))
        #expect(root === answer(icon, "/assets/favicon.ico", acceptEncoding: nil, ifNoneMatch: nil))
        #expect(root.status == .ok && root.bytes == [0, 0, 1, 0, 1, 0] && root.headers["Content-Type"] == "image/x-icon")
        #expect(answer(icon, "/favicon.ico", acceptEncoding: nil, ifNoneMatch: "\"ico1\"")?.status == .notModified)
        for path in ["/favicon.ico/", "/favicon.ICO", "/assets/favicon.ico/x"] {
            #expect(answer(icon, Substring(path), acceptEncoding: nil, ifNoneMatch: nil) == nil, "\(path)")
        }
        // Without the asset there is no root file either.
        #expect(answer(compressible.prepared { PreparedResponse($0) }, "/favicon.ico", acceptEncoding: nil, ifNoneMatch: nil) == nil)
    }

    @Test func theShippedIconIsACacheableICOFile() throws {
        let response = StaticAssets.shipped().response(for: "favicon.ico", request: try Request(method: .get, target: "/favicon.ico"))
        #expect(response.status == .ok && response.headers["Content-Type"] == "image/x-icon")
        #expect(Array(response.bodyBytes.prefix(4)) == [0, 0, 1, 0])
        #expect(response.headers["Cache-Control"] == "public, max-age=86400" && response.headers["ETag"] != nil)
    }

    @Test func contentTypesFollowTheExtension() {
        #expect(StaticAssets.contentType(for: "a.js") == "text/javascript; charset=utf-8")
        #expect(StaticAssets.contentType(for: "a.svg") == "image/svg+xml")
        #expect(StaticAssets.contentType(for: "a.png") == "image/png")
        #expect(StaticAssets.contentType(for: "favicon.ico") == "image/x-icon")
        #expect(StaticAssets.contentType(for: "archive.tar.gz") == "application/octet-stream")
    }

    @Test("course media types, by extension in any case", arguments: [
        ("lecture.mp4", "video/mp4"), ("lecture.MP4", "video/mp4"), ("lecture.webm", "video/webm"),
        ("briefing.mp3", "audio/mpeg"), ("briefing.m4a", "audio/mp4"), ("lecture.zh.vtt", "text/vtt; charset=utf-8"),
        ("poster.jpg", "image/jpeg"), ("poster.JPEG", "image/jpeg"), ("lecture.en.md", "text/markdown; charset=utf-8"),
        ("mp4", "application/octet-stream"), ("lecture.mp4.part", "application/octet-stream"),
    ])
    func mediaContentTypes(name: String, type: String) {
        #expect(StaticAssets.contentType(for: name) == type)
    }
}

/// The prepared answer `StaticAssets.withPreparedAnswer` lends, with the header values given as text.
func answer(_ assets: StaticAssets, _ path: Substring, acceptEncoding: String?, ifNoneMatch: String?) -> PreparedResponse? {
    StaticAssets.withBytes(acceptEncoding) { acceptEncoding in
        StaticAssets.withBytes(ifNoneMatch) { ifNoneMatch in
            assets.withPreparedAnswer(path: path, acceptEncoding: acceptEncoding, ifNoneMatch: ifNoneMatch) { $0 }
        }
    }
}
