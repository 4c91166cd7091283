/// One step around request handling: it may change the request, answer itself, or change the response.
public protocol Middleware: Sendable {
    func handle(_ request: Request, next: (Request) throws -> Response) throws -> Response
}

extension Array where Element == any Middleware {
    /// Wraps `endpoint` in these middlewares; the first element is the outermost.
    public func wrapping(_ endpoint: @escaping Handler) -> Handler {
        reversed().reduce(endpoint) { next, middleware in
            { @Sendable request in try middleware.handle(request, next: next) }
        }
    }
}
