/// A request the server answers before the application routes it: a body over the limit, a method the platform
/// does not know, a header or a target that cannot be decoded. The server hands it to its `HTTPServer.Refuser`, so
/// that the answer is shaped, logged and counted like every other one.
public struct Refusal: Error, Sendable {
    /// The request's method, or nil when it is none of `HTTPMethod`.
    public let method: HTTPMethod?
    /// The request target exactly as the client sent it.
    public let target: String
    /// The status, a message safe to show to the client, and any headers to send with them.
    public let error: HTTPError
    /// The request's id, as `Request.id` would have had.
    public let id: RequestID

    public init(method: HTTPMethod?, target: String, error: HTTPError, id: RequestID) {
        self.method = method
        self.target = target
        self.error = error
        self.id = id
    }
}
