/// A complete answer that is the same for everyone who gets it (a static file, its 304, a health answer), with
/// its final headers. The server turns it into its own response object once, when it is prepared, and sends
/// that object every time, instead of copying the body and adding each header for every request.
///
/// Make one with `SecurityHeadersMiddleware.prepare(_:)`, so that it carries the security headers: nothing is
/// added to a prepared answer on its way out.
public final class PreparedResponse: Sendable {
    public let status: HTTPStatus
    public let headers: HTTPHeaders
    public let bytes: [UInt8]
    let hasSecurityHeaders: Bool
    /// The server's form of the answer; nil if it could not be built (a header with a line break), in which
    /// case the server builds the response per request as usual and reports the problem then.
    let native: NativeResponse?

    /// A prepared form of `response`, which must have a body of bytes, not a stream.
    init(_ response: Response) {
        precondition(response.prepared == nil, "the response is prepared already")
        guard case .bytes(let bytes) = response.body else { preconditionFailure("only a body of bytes can be prepared") }
        status = response.status
        headers = response.headers
        self.bytes = bytes
        hasSecurityHeaders = response.hasSecurityHeaders
        native = NativeResponse(headers: response.headers, bytes: bytes)
    }
}
