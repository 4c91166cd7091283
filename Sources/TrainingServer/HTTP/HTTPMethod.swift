/// The request methods the platform answers; anything else is refused with 501 before routing.
public enum HTTPMethod: String, Sendable, Hashable, CaseIterable {
    case get = "GET"
    case head = "HEAD"
    case post = "POST"
    case put = "PUT"
    case patch = "PATCH"
    case delete = "DELETE"
    case options = "OPTIONS"

    /// Methods that never change state (CSRF checks skip them; handlers must not write for them).
    public var isSafe: Bool { self == .get || self == .head || self == .options }
}
