/// An error that knows the status it should be answered with. Anything else thrown by a handler is a 500.
public struct HTTPError: Error, Sendable, Equatable {
    public var status: HTTPStatus
    /// A message safe to show to the client (no internals).
    public var message: String
    public var headers: [String: String]

    public init(_ status: HTTPStatus, _ message: String = "", headers: [String: String] = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    public static func badRequest(_ message: String) -> HTTPError { HTTPError(.badRequest, message) }
    public static let notFound = HTTPError(.notFound, "Not found")
    public static let forbidden = HTTPError(.forbidden, "Forbidden")
    /// Says, as HTTP asks of every 401, how to authenticate: with a bearer token.
    public static let unauthorized = HTTPError(.unauthorized, "Authentication required",
                                               headers: ["WWW-Authenticate": "Bearer"])
}
