import Foundation

/// A body produced piece by piece while it is being sent (large exports); memory stays flat.
///
/// `next()` is called on a server thread, one call at a time, until it returns nil (the end).
/// Throwing aborts the transfer (the client sees a truncated chunked response).
public protocol ResponseStream: Sendable {
    func next() throws -> [UInt8]?
}

/// A response to send: status, headers and a body of bytes, a stream or a region of an open file.
public struct Response: Sendable {
    public enum Body: Sendable {
        case bytes([UInt8])
        case stream(any ResponseStream)
        /// Bytes of an open file, sent from the file by the server (see `FileRegion`); middleware leaves it alone.
        case file(FileRegion)
    }

    // Changing any of these drops `prepared`: the prepared form would no longer be this response.
    public var status: HTTPStatus { didSet { prepared = nil } }
    public var headers: HTTPHeaders { didSet { prepared = nil } }
    public var body: Body { didSet { prepared = nil; gzipParts = nil } }

    /// What a page's byte body was written from (fresh runs and kept parts with their compressed data), set by
    /// `PageWriter`; the gzip form is then put together from it (`Gzip.compressDynamic`). Dropped when the body changes.
    var gzipParts: Gzip.Parts?

    /// The same answer built once for the server (see `PreparedResponse`); the server sends it instead of
    /// building a new one. Set only by `init(prepared:)` and kept only while nothing above changes.
    public private(set) var prepared: PreparedResponse?
    /// Whether `SecurityHeadersMiddleware` has added its headers (it adds them once).
    var hasSecurityHeaders = false

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A prepared answer: status, headers and body as they were prepared.
    public init(prepared: PreparedResponse) {
        self.status = prepared.status
        self.headers = prepared.headers
        self.body = .bytes(prepared.bytes)
        self.prepared = prepared
        self.hasSecurityHeaders = prepared.hasSecurityHeaders
    }

    /// Body bytes when the body is bytes (tests and middleware use this); empty for a stream or a file.
    public var bodyBytes: [UInt8] {
        if case .bytes(let bytes) = body { return bytes }
        return []
    }

    public var bodyText: String { String(decoding: bodyBytes, as: UTF8.self) }

    public static func text(_ text: String, status: HTTPStatus = .ok) -> Response {
        Response(status: status, headers: HTTPHeaders([("Content-Type", "text/plain; charset=utf-8")]),
                 body: .bytes(Array(text.utf8)))
    }

    public static func html(_ html: String, status: HTTPStatus = .ok) -> Response {
        Response(status: status, headers: HTTPHeaders([("Content-Type", "text/html; charset=utf-8")]),
                 body: .bytes(Array(html.utf8)))
    }

    /// An HTML page already written as bytes (UTF-8), sent as they are.
    public static func html(bytes: [UInt8], status: HTTPStatus = .ok) -> Response {
        Response(status: status, headers: HTTPHeaders([("Content-Type", "text/html; charset=utf-8")]), body: .bytes(bytes))
    }

    /// A JSON response of an Encodable value (keys sorted so output is stable).
    public static func json<T: Encodable>(_ value: T, status: HTTPStatus = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: HTTPHeaders([("Content-Type", "application/json; charset=utf-8")]),
                        body: .bytes(Array(data)))
    }

    /// 303 See Other: after a POST, the browser GETs `location`.
    public static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: HTTPHeaders([("Location", location)]))
    }
}
