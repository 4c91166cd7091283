import Assessment

/// What middleware learns about a request before its handler runs.
public struct RequestContext: Sendable {
    /// The signed-in person, if any.
    public var user: User?
    /// The browser session (absent for API tokens and anonymous requests).
    public var session: SessionRecord?
    /// How the person authenticated.
    public var authentication: Authentication = .anonymous
    /// The language pages and messages use.
    public var language: Language = .zh
    /// The token forms must echo in `csrf_token`.
    public var csrfToken: String = ""
    /// Cookies the response must set (session rotation, anonymous CSRF cookie).
    public var cookiesToSet: [String] = []
    /// The router's verdict, found before the middleware runs so every layer knows the route.
    public var match: Router.Match?

    public enum Authentication: Sendable, Equatable {
        case anonymous
        case session
        case bearer
    }

    public init() {}
}
