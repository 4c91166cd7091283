import Crypto
import Foundation

/// The platform's own static files (stylesheet, scripts), read once at start-up and served from memory by
/// exact name, so no request path can reach the file system. Each has a strong ETag; responses are cacheable
/// for a day, and URLs carry the ETag as a version so a new release is fetched at once.
public struct StaticAssets: Sendable {
    public struct Asset: Sendable {
        public var bytes: [UInt8]
        public var contentType: String
        public var etag: String
        /// The 200 and 304 answers, built once by `prepared(with:)`.
        var ready: (ok: PreparedResponse, notModified: PreparedResponse)?
    }

    private let assets: [String: Asset]

    public init(assets: [String: Asset]) { self.assets = assets }

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
            prepared[name]?.ready = (ok: prepare(Self.answer(asset, notModified: false)),
                                     notModified: prepare(Self.answer(asset, notModified: true)))
        }
        return StaticAssets(assets: prepared)
    }

    /// Answers GET /assets/{name}: the file, 304 when the client has it, 404 for unknown names.
    public func response(for name: String, request: Request) -> Response {
        guard let asset = assets[name] else { return Response.text("Not found\n", status: .notFound) }
        let notModified = request.headers["If-None-Match"].map { match in
            match.split(separator: ",").contains { candidate in
                // Weak comparison (RFC 9110 13.1.2): W/"x" matches "x"; compressing proxies send the weak form.
                let tag = candidate.trimmingWhitespace()
                return tag == "*" || (tag.hasPrefix("W/") ? tag.dropFirst(2) : tag) == asset.etag
            }
        } ?? false
        if let ready = asset.ready { return Response(prepared: notModified ? ready.notModified : ready.ok) }
        return Self.answer(asset, notModified: notModified)
    }

    private static func answer(_ asset: Asset, notModified: Bool) -> Response {
        var headers = HTTPHeaders()
        headers.add("ETag", asset.etag)
        headers.add("Cache-Control", "public, max-age=86400")
        if notModified { return Response(status: .notModified, headers: headers) }
        headers.add("Content-Type", asset.contentType)
        return Response(status: .ok, headers: headers, body: .bytes(asset.bytes))
    }
}
