import Foundation

/// Adds the security headers to every response the application makes, and `no-store` to anything that is
/// not a public static asset.
struct SecurityHeadersMiddleware: Middleware {
    let secure: Bool
    /// The policy sent: `contentSecurityPolicy`, with the identity platform's origin added to `form-action` when
    /// signing out redirects there (browsers hold a form's redirects to `form-action` too).
    let policy: String

    init(secure: Bool, formActionOrigins: [String] = []) {
        self.secure = secure
        policy = formActionOrigins.isEmpty ? Self.contentSecurityPolicy
            : Self.contentSecurityPolicy.replacingOccurrences(of: "form-action 'self'",
                                                              with: (["form-action 'self'"] + formActionOrigins).joined(separator: " "))
    }

    static let contentSecurityPolicy = [
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
        "font-src 'none'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    func handle(_ request: Request, next: (Request) throws -> Response) throws -> Response {
        var response = try next(request)
        apply(to: &response)
        return response
    }

    static let fixed: [(String, String)] = [
        ("Content-Security-Policy", contentSecurityPolicy), ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"), ("X-Frame-Options", "DENY"), ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ]

    /// Adds the headers (handlers never set these themselves, except Cache-Control for cacheable answers).
    /// Adds them once: a prepared answer (see `prepare`) has them already, even after later changes.
    func apply(to response: inout Response) {
        guard !response.hasSecurityHeaders else { return }
        response.hasSecurityHeaders = true
        // These, HSTS, Cache-Control, and room for what the layers outside add (compression, cookies).
        response.headers.reserveCapacity(adding: Self.fixed.count + 5)
        for (name, value) in Self.fixed { response.headers.add(name, name == "Content-Security-Policy" ? policy : value) }
        if secure { response.headers.add("Strict-Transport-Security", "max-age=31536000; includeSubDomains") }
        if !response.headers.contains("Cache-Control") { response.headers.add("Cache-Control", "no-store") }
    }

    /// `response` with the security headers, prepared once for the server to send as is (`PreparedResponse`).
    func prepare(_ response: Response) -> PreparedResponse {
        var response = response
        apply(to: &response)
        return PreparedResponse(response)
    }
}
