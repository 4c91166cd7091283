import Crypto
import Foundation

/// The platform's own static files (stylesheet, scripts), read once at start-up and served from memory by
/// exact name, so no request path can reach the file system. Each has a strong ETag; responses are cacheable
/// for a day, and URLs carry the ETag as a version so a new release is fetched at once.
///
/// Each file is also compressed once with gzip: a client whose `Accept-Encoding` allows gzip (every browser)
/// gets that form, with its own ETag, and both forms say `Vary: Accept-Encoding` so shared caches keep them apart.
public struct StaticAssets: Sendable {
    public struct Asset: Sendable {
        public let bytes: [UInt8]
        public let contentType: String
        public let etag: String
        /// The gzip form, when compressing makes the file smaller.
        public let gzip: Encoded?
        /// The answers, built once by `prepared(with:)`.
        var ready: Ready?

        /// An asset and its gzip form (if that is smaller). A different representation needs a different strong
        /// ETag (RFC 9110 §8.8.3): the gzip form's is `etag` with `-gzip-` and a digest of the compressed bytes added
        /// inside the quotes, so servers whose compressor works differently never give different bytes one ETag.
        public init(bytes: [UInt8], contentType: String, etag: String) {
            self.bytes = bytes
            self.contentType = contentType
            self.etag = etag
            if let compressed = Gzip.compress(bytes), compressed.count < bytes.count {
                let digest = SHA256.hash(data: compressed).prefix(4).map { String(format: "%02x", $0) }.joined()
                let base = etag.hasSuffix("\"") ? String(etag.dropLast()) : etag
                gzip = Encoded(bytes: compressed, etag: base + "-gzip-" + digest + (etag.hasSuffix("\"") ? "\"" : ""))
            } else {
                gzip = nil
            }
        }
    }

    /// A file's bytes in a content coding, with the ETag of that form.
    public struct Encoded: Sendable {
        public var bytes: [UInt8]
        public var etag: String
    }

    /// The prepared 200 and 304 answers of one asset, plain and (if it has one) gzip, with the ETags they answer
    /// to. A class, so that a request reaches it through one reference. The fields are flat and the ETags kept as
    /// bytes, so that choosing an answer reads them in place, copying nothing.
    final class Ready: Sendable {
        let etag: [UInt8]
        let ok: PreparedResponse
        let notModified: PreparedResponse
        let hasGzip: Bool
        /// The gzip form's, or the plain form's again when there is no gzip form.
        let gzipETag: [UInt8]
        let gzipOK: PreparedResponse
        let gzipNotModified: PreparedResponse

        /// A form's ETag and answers.
        struct Form {
            let etag: String
            let ok: PreparedResponse
            let notModified: PreparedResponse
        }

        init(plain: Form, gzip: Form?) {
            etag = Array(plain.etag.utf8)
            ok = plain.ok
            notModified = plain.notModified
            hasGzip = gzip != nil
            gzipETag = Array((gzip ?? plain).etag.utf8)
            gzipOK = (gzip ?? plain).ok
            gzipNotModified = (gzip ?? plain).notModified
        }

        /// Calls `body` with the answer for a request with these `Accept-Encoding` and `If-None-Match` values. (Lent
        /// rather than returned, so that no thread has to count a reference to the answer every one of them sends.)
        func withAnswer<R>(acceptEncoding: UnsafeBufferPointer<UInt8>?, ifNoneMatch: UnsafeBufferPointer<UInt8>?,
                           _ body: (PreparedResponse) -> R) -> R {
            let choice = etag.withUnsafeBufferPointer { plain in
                gzipETag.withUnsafeBufferPointer { gzip in
                    StaticAssets.choose(hasGzip: hasGzip, plainETag: plain, gzipETag: gzip, acceptEncoding: acceptEncoding,
                                        ifNoneMatch: ifNoneMatch)
                }
            }
            switch (choice.gzip, choice.notModified) {
            case (true, true): return body(gzipNotModified)
            case (true, false): return body(gzipOK)
            case (false, true): return body(notModified)
            case (false, false): return body(ok)
            }
        }
    }

    private let assets: [String: Asset]
    /// The request paths (`/assets/` and the name) of the prepared answers in `ready`, for the server's quick path.
    /// Searched in order: the platform has a handful of files, and comparing a few bytes costs less than hashing.
    private let readyPaths: [[UInt8]]
    private let ready: [Ready]
    /// Each asset's versioned URL (see `url`), built once: pages ask for the stylesheet's on every request.
    private let urls: [String: String]

    /// Files browsers ask for at the site's root rather than under `/assets/` (the icon of a tab or bookmark): the
    /// request path and the asset that answers it, on the quick path like every other asset.
    public static let rootFiles: [(path: String, name: String)] = [("/favicon.ico", "favicon.ico")]

    public init(assets: [String: Asset]) {
        self.assets = assets
        let prepared = assets.compactMap { name, asset in asset.ready.map { (path: Array("/assets/\(name)".utf8), ready: $0) } }
            + Self.rootFiles.compactMap { root in assets[root.name]?.ready.map { (path: Array(root.path.utf8), ready: $0) } }
        readyPaths = prepared.map(\.path)
        ready = prepared.map(\.ready)
        urls = Dictionary(uniqueKeysWithValues: assets.map { name, asset in
            (name, "/assets/\(name)?v=" + asset.etag.drop { $0 == "\"" }.reversed().drop { $0 == "\"" }.reversed())
        })
    }

    /// Loads every file of `Resources/Public`.
    public static func shipped() -> StaticAssets {
        var assets: [String: Asset] = [:]
        guard let directory = Bundle.module.url(forResource: "Resources/Public", withExtension: nil),
              let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else {
            return StaticAssets(assets: [:])
        }
        for name in names {
            guard let data = try? Data(contentsOf: directory.appendingPathComponent(name)) else { continue }
            let digest = SHA256.hash(data: data).prefix(8).map { String(format: "%02x", $0) }.joined()
            assets[name] = Asset(bytes: Array(data), contentType: contentType(for: name), etag: "\"\(digest)\"")
        }
        return StaticAssets(assets: assets)
    }

    /// The Content-Type of a file by its extension (any case): the public assets' types and course media's (images,
    /// video, audio, WebVTT captions, Markdown transcripts); `application/octet-stream` for anything else.
    static func contentType(for name: String) -> String {
        let dot = name.lastIndex(of: ".")
        switch dot.map({ name[name.index(after: $0)...].lowercased() }) {
        case "css": return "text/css; charset=utf-8"
        case "js": return "text/javascript; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "ico": return "image/x-icon"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "webp": return "image/webp"
        case "mp4": return "video/mp4"
        case "webm": return "video/webm"
        case "mp3": return "audio/mpeg"
        case "m4a": return "audio/mp4"
        case "vtt": return "text/vtt; charset=utf-8"
        case "md": return "text/markdown; charset=utf-8"
        default: return "application/octet-stream"
        }
    }

    /// The URL to reference `name` with, versioned by its ETag.
    public func url(_ name: String) -> String {
        urls[name] ?? "/assets/\(name)"
    }

    /// These assets with their answers prepared once by `prepare` (which adds the security headers), so that
    /// the server sends the same response object every time.
    func prepared(with prepare: (Response) -> PreparedResponse) -> StaticAssets {
        var prepared = assets
        for (name, asset) in assets {
            prepared[name]?.ready = Ready(
                plain: Ready.Form(
                    etag: asset.etag,
                    ok: prepare(Self.answer(asset.bytes, etag: asset.etag, of: asset, encoding: nil, notModified: false)),
                    notModified: prepare(Self.answer(asset.bytes, etag: asset.etag, of: asset, encoding: nil, notModified: true))),
                gzip: asset.gzip.map { gzip in
                    Ready.Form(
                        etag: gzip.etag,
                        ok: prepare(Self.answer(gzip.bytes, etag: gzip.etag, of: asset, encoding: "gzip", notModified: false)),
                        notModified: prepare(Self.answer(gzip.bytes, etag: gzip.etag, of: asset, encoding: "gzip",
                                                         notModified: true)))
                })
        }
        return StaticAssets(assets: prepared)
    }

    /// Answers GET /assets/{name}: the file (gzip-compressed if the client accepts that), 304 when the client has
    /// it, 404 for unknown names.
    public func response(for name: String, request: Request) -> Response {
        guard let asset = assets[name] else { return Response.text("Not found\n", status: .notFound) }
        return Self.withBytes(request.headers["Accept-Encoding"]) { acceptEncoding in
            Self.withBytes(request.headers["If-None-Match"]) { ifNoneMatch in
                answer(asset, acceptEncoding: acceptEncoding, ifNoneMatch: ifNoneMatch)
            }
        }
    }

    /// Calls `body` with the prepared answer for a request path (`/assets/` and a name) if it names a prepared asset
    /// (see `Ready.withAnswer`); nil otherwise. Takes only the two header values the answer depends on, as bytes, so
    /// the server's quick path can call it without decoding a whole request.
    func withPreparedAnswer<R>(path: Substring, acceptEncoding: UnsafeBufferPointer<UInt8>?,
                               ifNoneMatch: UnsafeBufferPointer<UInt8>?, _ body: (PreparedResponse) -> R) -> R? {
        let length = path.utf8.count
        for index in readyPaths.indices where readyPaths[index].count == length && path.utf8.elementsEqual(readyPaths[index]) {
            return ready[index].withAnswer(acceptEncoding: acceptEncoding, ifNoneMatch: ifNoneMatch, body)
        }
        return nil
    }

    private func answer(_ asset: Asset, acceptEncoding: UnsafeBufferPointer<UInt8>?,
                        ifNoneMatch: UnsafeBufferPointer<UInt8>?) -> Response {
        if let ready = asset.ready {
            return ready.withAnswer(acceptEncoding: acceptEncoding, ifNoneMatch: ifNoneMatch) { Response(prepared: $0) }
        }
        // Not prepared (an application that has not started yet): the same choice, the response built now.
        var plainETag = asset.etag
        var gzipETag = asset.gzip?.etag ?? asset.etag
        let choice = plainETag.withUTF8 { plain in
            gzipETag.withUTF8 { gzip in
                Self.choose(hasGzip: asset.gzip != nil, plainETag: plain, gzipETag: gzip, acceptEncoding: acceptEncoding,
                            ifNoneMatch: ifNoneMatch)
            }
        }
        let form = choice.gzip ? asset.gzip : nil
        return Self.answer(form?.bytes ?? asset.bytes, etag: form?.etag ?? asset.etag, of: asset,
                           encoding: form == nil ? nil : "gzip", notModified: choice.notModified)
    }

    /// Which form a request gets, gzip when the file has one and the client accepts it, and whether the client has
    /// that form already (its If-None-Match names the form's ETag). The one choice for prepared and unprepared files.
    static func choose(hasGzip: Bool, plainETag: UnsafeBufferPointer<UInt8>, gzipETag: UnsafeBufferPointer<UInt8>,
                       acceptEncoding: UnsafeBufferPointer<UInt8>?, ifNoneMatch: UnsafeBufferPointer<UInt8>?) -> Choice {
        let gzip = hasGzip && acceptEncoding.map(acceptsGzip) == true
        return Choice(gzip: gzip, notModified: ifNoneMatch.map { matches($0, etag: gzip ? gzipETag : plainETag) } ?? false)
    }

    /// See `choose`.
    struct Choice {
        var gzip: Bool
        var notModified: Bool
    }

    /// Calls `body` with `text`'s UTF-8 bytes, or nil without text.
    static func withBytes<R>(_ text: String?, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        guard var text else { return body(nil) }
        return text.withUTF8 { body($0) }
    }

    /// Whether an If-None-Match value names `etag`. Weak comparison (RFC 9110 §13.1.2): `W/"x"` matches `"x"`;
    /// compressing proxies send the weak form. Read byte-wise, without allocating.
    static func matches(_ ifNoneMatch: UnsafeBufferPointer<UInt8>, etag: UnsafeBufferPointer<UInt8>) -> Bool {
        var rest = ifNoneMatch[...]
        while !rest.isEmpty {
            let end = rest.firstIndex(of: UInt8(ascii: ",")) ?? rest.endIndex
            var tag = trimmed(rest[..<end])
            rest = rest[(end == rest.endIndex ? end : end + 1)...]
            if tag.count == 1 && tag.first == UInt8(ascii: "*") { return true }
            if tag.count >= 2 && tag[tag.startIndex] == UInt8(ascii: "W") && tag[tag.startIndex + 1] == UInt8(ascii: "/") {
                tag = tag.dropFirst(2)
            }
            if tag.elementsEqual(etag) { return true }
        }
        return false
    }

    /// Whether an Accept-Encoding value allows gzip (RFC 9110 §12.5.3): `gzip` or `x-gzip` named with a weight
    /// above zero, or else `*` with a weight above zero. A weight must be a qvalue (`0`, `0.5`, `1.000`, ...); one
    /// that is not (`q = 0`, `q=2`, `q=0.0001`) refuses, as does `q=0`. Read byte-wise, without allocating.
    static func acceptsGzip(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var gzip: Bool?
        var any: Bool?
        var rest = bytes[...]
        while !rest.isEmpty {
            let end = rest.firstIndex(of: UInt8(ascii: ",")) ?? rest.endIndex
            var element = rest[..<end]
            rest = rest[(end == rest.endIndex ? end : end + 1)...]
            let codingEnd = element.firstIndex(of: UInt8(ascii: ";")) ?? element.endIndex
            let coding = trimmed(element[..<codingEnd])
            let isGzip = equalsIgnoringCase(coding, "gzip") || equalsIgnoringCase(coding, "x-gzip")
            let isAny = coding.count == 1 && coding.first == UInt8(ascii: "*")
            guard isGzip || isAny else { continue }
            var allowed = true
            element = element[codingEnd...]
            while !element.isEmpty {
                element = element.dropFirst()  // the ";"
                let parameterEnd = element.firstIndex(of: UInt8(ascii: ";")) ?? element.endIndex
                let parameter = trimmed(element[..<parameterEnd])
                element = element[parameterEnd...]
                let nameEnd = parameter.firstIndex(of: UInt8(ascii: "=")) ?? parameter.endIndex
                let name = trimmed(parameter[..<nameEnd])
                guard name.count == 1, name[name.startIndex] | 0x20 == UInt8(ascii: "q") else { continue }
                // `q=` exactly, then the value; a bare `q`, or spaces around the `=`, is not a weight.
                allowed = nameEnd < parameter.endIndex && nameEnd == parameter.startIndex + 1
                    && Self.isPositiveQValue(parameter[(nameEnd + 1)...])
            }
            if isGzip { gzip = (gzip ?? false) || allowed } else { any = allowed }
        }
        return gzip ?? any ?? false
    }

    /// Whether `bytes` is a qvalue above zero: `0` or `1`, then optionally `.` and up to three digits (only zeros
    /// after a `1`).
    private static func isPositiveQValue(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard let first = bytes.first, first == UInt8(ascii: "0") || first == UInt8(ascii: "1") else { return false }
        let rest = bytes.dropFirst()
        if rest.isEmpty { return first == UInt8(ascii: "1") }
        let decimals = rest.dropFirst()
        guard rest.first == UInt8(ascii: "."), decimals.count <= 3,
              decimals.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return false }
        if first == UInt8(ascii: "1") { return decimals.allSatisfy { $0 == UInt8(ascii: "0") } }
        return decimals.contains { $0 != UInt8(ascii: "0") }
    }

    private static func trimmed(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Slice<UnsafeBufferPointer<UInt8>> {
        var bytes = bytes
        while let first = bytes.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { bytes.removeFirst() }
        while let last = bytes.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { bytes.removeLast() }
        return bytes
    }

    /// ASCII case-insensitive comparison with a lower-case word.
    private static func equalsIgnoringCase(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, _ word: StaticString) -> Bool {
        guard bytes.count == word.utf8CodeUnitCount else { return false }
        return word.withUTF8Buffer { expected in
            zip(bytes, expected).allSatisfy { byte, letter in
                byte == letter || (letter >= UInt8(ascii: "a") && letter <= UInt8(ascii: "z") && byte == letter - 0x20)
            }
        }
    }

    private static func answer(_ body: [UInt8], etag: String, of asset: Asset, encoding: String?, notModified: Bool) -> Response {
        var headers = HTTPHeaders()
        headers.add("ETag", etag)
        headers.add("Cache-Control", "public, max-age=86400")
        if asset.gzip != nil { headers.add("Vary", "Accept-Encoding") }
        if notModified { return Response(status: .notModified, headers: headers) }
        headers.add("Content-Type", asset.contentType)
        if let encoding { headers.add("Content-Encoding", encoding) }
        return Response(status: .ok, headers: headers, body: .bytes(body))
    }
}
