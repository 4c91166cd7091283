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
        /// inside the quotes, so servers whose zlib compresses differently never give different bytes one ETag.
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
    /// to. A class, so that finding it for a request copies one reference.
    final class Ready: Sendable {
        let etag: String
        let ok: PreparedResponse
        let notModified: PreparedResponse
        let gzip: (etag: String, ok: PreparedResponse, notModified: PreparedResponse)?

        init(etag: String, ok: PreparedResponse, notModified: PreparedResponse,
             gzip: (etag: String, ok: PreparedResponse, notModified: PreparedResponse)?) {
            self.etag = etag
            self.ok = ok
            self.notModified = notModified
            self.gzip = gzip
        }

        /// The prepared answer for `choice`.
        func answer(_ choice: Choice) -> PreparedResponse {
            if choice.gzip, let gzip { return choice.notModified ? gzip.notModified : gzip.ok }
            return choice.notModified ? notModified : ok
        }
    }

    private let assets: [String: Asset]
    /// The prepared answers by request path (`/assets/` and the name), for the server's quick path.
    private let readyByPath: [Substring: Ready]

    public init(assets: [String: Asset]) {
        self.assets = assets
        var readyByPath: [Substring: Ready] = [:]
        for (name, asset) in assets {
            if let ready = asset.ready { readyByPath[Substring("/assets/" + name)] = ready }
        }
        self.readyByPath = readyByPath
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

    static func contentType(for name: String) -> String {
        switch name.split(separator: ".").last {
        case "css": return "text/css; charset=utf-8"
        case "js": return "text/javascript; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "ico": return "image/x-icon"
        default: return "application/octet-stream"
        }
    }

    /// The URL to reference `name` with, versioned by its ETag.
    public func url(_ name: String) -> String {
        guard let asset = assets[name] else { return "/assets/\(name)" }
        return "/assets/\(name)?v=\(asset.etag.trimmingCharacters(in: CharacterSet(charactersIn: "\"")))"
    }

    /// These assets with their answers prepared once by `prepare` (which adds the security headers), so that
    /// the server sends the same response object every time.
    func prepared(with prepare: (Response) -> PreparedResponse) -> StaticAssets {
        var prepared = assets
        for (name, asset) in assets {
            prepared[name]?.ready = Ready(
                etag: asset.etag,
                ok: prepare(Self.answer(asset.bytes, etag: asset.etag, of: asset, encoding: nil, notModified: false)),
                notModified: prepare(Self.answer(asset.bytes, etag: asset.etag, of: asset, encoding: nil, notModified: true)),
                gzip: asset.gzip.map { gzip in
                    (etag: gzip.etag,
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
        return answer(asset, acceptEncoding: request.headers["Accept-Encoding"], ifNoneMatch: request.headers["If-None-Match"])
    }

    /// The prepared answer for a request path (`/assets/` and a name) if it names a prepared asset, else nil. Takes
    /// only the two header values the answer depends on, so the server's quick path can call it without decoding
    /// a whole request.
    func preparedAnswer(path: Substring, acceptEncoding: String?, ifNoneMatch: String?) -> PreparedResponse? {
        guard let ready = readyByPath[path] else { return nil }
        return ready.answer(Self.choose(plainETag: ready.etag, gzipETag: ready.gzip?.etag, acceptEncoding: acceptEncoding,
                                        ifNoneMatch: ifNoneMatch))
    }

    private func answer(_ asset: Asset, acceptEncoding: String?, ifNoneMatch: String?) -> Response {
        let choice = Self.choose(plainETag: asset.etag, gzipETag: asset.gzip?.etag, acceptEncoding: acceptEncoding,
                                 ifNoneMatch: ifNoneMatch)
        if let ready = asset.ready { return Response(prepared: ready.answer(choice)) }
        if choice.gzip, let compressed = asset.gzip {
            return Self.answer(compressed.bytes, etag: compressed.etag, of: asset, encoding: "gzip",
                               notModified: choice.notModified)
        }
        return Self.answer(asset.bytes, etag: asset.etag, of: asset, encoding: nil, notModified: choice.notModified)
    }

    /// Which form a request gets, gzip when the file has one and the client accepts it, and whether the client has
    /// that form already (its If-None-Match names the form's ETag).
    private static func choose(plainETag: String, gzipETag: String?, acceptEncoding: String?,
                               ifNoneMatch: String?) -> Choice {
        let gzip = gzipETag != nil && acceptEncoding.map(acceptsGzip) == true
        let etag = gzip ? gzipETag ?? plainETag : plainETag
        return Choice(gzip: gzip, notModified: ifNoneMatch.map { matches($0, etag: etag) } ?? false)
    }

    /// See `choose`.
    struct Choice {
        var gzip: Bool
        var notModified: Bool
    }

    /// Whether an If-None-Match value names `etag`. Weak comparison (RFC 9110 §13.1.2): `W/"x"` matches `"x"`;
    /// compressing proxies send the weak form.
    static func matches(_ ifNoneMatch: String, etag: String) -> Bool {
        ifNoneMatch.split(separator: ",").contains { candidate in
            let tag = candidate.trimmingWhitespace()
            return tag == "*" || (tag.hasPrefix("W/") ? tag.dropFirst(2) : tag) == etag
        }
    }

    /// Whether an Accept-Encoding value allows gzip (RFC 9110 §12.5.3): `gzip` or `x-gzip` named with a weight
    /// above zero, or else `*` with a weight above zero. A weight must be a qvalue (`0`, `0.5`, `1.000`, ...); one
    /// that is not (`q = 0`, `q=2`, `q=0.0001`) refuses, as does `q=0`. Read byte-wise, without allocating.
    static func acceptsGzip(_ header: String) -> Bool {
        var header = header
        return header.withUTF8 { bytes in
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
