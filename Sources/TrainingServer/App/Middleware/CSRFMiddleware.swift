/// Refuses state-changing requests that do not prove they come from our own pages: the form field
/// `csrf_token` (or the `X-CSRF-Token` header) must match the session's secret, or for anonymous forms the anonymous
/// CSRF cookie (`csa_csrf`, `__Host-csa_csrf` under TLS), which `AuthenticationMiddleware` has already replaced when
/// the server did not issue its value: a planted value is refused like a missing one. Requests authenticated with a
/// bearer token carry no cookies and need no token.
/// A cross-origin `Origin` header is refused outright.
///
/// An `/api/` request without a session is not checked either: no cookie authenticates it, so there is nothing to
/// forge, and the API answers it 401 (API clients have no form to take a token from).
struct CSRFMiddleware: Middleware {
    func handle(_ request: Request, next: (Request) throws -> Response) throws -> Response {
        guard !request.method.isSafe, request.context.authentication != .bearer else { return try next(request) }
        if request.path.hasPrefix("/api/") && request.context.authentication != .session { return try next(request) }
        // One-click unsubscribe (RFC 8058): mail clients post without cookies; the link's own token is the authority.
        if request.route == "/mail/unsubscribe/:token" { return try next(request) }
        // CAS single logout: the CAS server posts its logoutRequest server to server; the ticket it names is the
        // authority, and the handler only ends the sessions that ticket began.
        if request.route == CASSettings.callbackPath { return try next(request) }
        if let origin = request.headers["Origin"], origin != "null", let host = request.headers["Host"] {
            let expected = (request.isSecure ? "https://" : "http://") + host
            guard origin == expected else { throw HTTPError(.forbidden, "Cross-origin request refused") }
        }
        // The form is parsed once: the handler gets it with the request.
        var request = request
        let sent = request.headers["X-CSRF-Token"] ?? (try? request.keepForm())?["csrf_token"] ?? ""
        let expected = request.context.csrfToken
        // Pages carry the secret masked (a different string on every page; see `Tokens.masked`).
        guard !expected.isEmpty,
              Tokens.constantTimeEquals(sent, expected)
                || Tokens.constantTimeEquals(Tokens.unmasked(sent) ?? "", expected) else {
            throw HTTPError(.forbidden, "The form has expired or did not come from this site")
        }
        return try next(request)
    }
}
