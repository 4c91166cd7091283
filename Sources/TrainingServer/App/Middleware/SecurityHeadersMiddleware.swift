/// Adds the security headers to every response the application makes, and `no-store` to anything that is
/// not a public static asset.
struct SecurityHeadersMiddleware: Middleware {
    let secure: Bool

    static let contentSecurityPolicy = [
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
        "font-src 'none'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    func handle(_ request: Request, next: (Request) throws -> Response) throws -> Response {
        var response = try next(request)
        response.headers.set("Content-Security-Policy", Self.contentSecurityPolicy)
        response.headers.set("X-Content-Type-Options", "nosniff")
        response.headers.set("Referrer-Policy", "same-origin")
        response.headers.set("X-Frame-Options", "DENY")
        response.headers.set("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if secure { response.headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains") }
        if !response.headers.contains("Cache-Control") { response.headers.set("Cache-Control", "no-store") }
        return response
    }
}
