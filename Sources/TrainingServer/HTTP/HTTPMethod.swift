/// The request methods the platform knows: each is routed (a path without a route for it answers 405 with `Allow`).
/// Any other method is refused before routing (see `Refusal`), with 405 and the path's `Allow` too.
public enum HTTPMethod: String, Sendable, Hashable, CaseIterable {
    case get = "GET"
    case head = "HEAD"
    case post = "POST"
    case put = "PUT"
    case patch = "PATCH"
    case delete = "DELETE"
    case options = "OPTIONS"
    case trace = "TRACE"

    /// Methods that never change state (CSRF checks skip them; handlers must not write for them).
    public var isSafe: Bool { self == .get || self == .head || self == .options || self == .trace }
}
