import Assessment

/// Finds who is asking: a session cookie or an `Authorization: Bearer` token. Anonymous browsers get a signed
/// CSRF cookie so that the login form can be protected too; a value the server did not issue is replaced.
struct AuthenticationMiddleware: Middleware {
    let context: ControllerContext
    private let anonymousCSRF: AnonymousCSRFKeyHolder

    init(context: ControllerContext) {
        self.context = context
        let keys = context.storage.serverKeys
        let clock = context.clock
        anonymousCSRF = AnonymousCSRFKeyHolder {
            try keys.key(named: "anonymous-csrf", now: clock(), make: AnonymousCSRFToken.newKey)
        }
    }

    func handle(_ request: Request, next: (Request) throws -> Response) throws -> Response {
        var request = request
        let now = context.clock()
        if let authorization = request.headers["Authorization"] {
            let scheme = authorization.prefix(7).lowercased()
            guard scheme == "bearer ",
                  let user = try context.apiTokens.user(tokenHash: Tokens.digest(String(authorization.dropFirst(7))), now: now) else {
                var refused = Response.json(["error": "invalid or missing bearer token", "request": request.id],
                                            status: .unauthorized)
                refused.headers.add("WWW-Authenticate", "Bearer")
                return refused
            }
            request.context.user = user
            request.context.authentication = .bearer
        } else if let token = request.cookies[context.sessionCookieName],
                  let (session, user) = try context.sessions.resume(tokenHash: Tokens.digest(token), now: now,
                                                                     idleTimeout: context.configuration.sessionIdleTimeout) {
            request.context.user = user
            request.context.session = session
            request.context.authentication = .session
            request.context.csrfToken = session.csrfSecret
        } else if let existing = request.cookies[context.csrfCookieName], try anonymousCSRF.token().isIssued(existing) {
            request.context.csrfToken = existing
        } else {
            // None yet, or one the server did not issue (planted by another host): a form echoing it is refused.
            let token = try anonymousCSRF.token().issue()
            request.context.csrfToken = token
            request.context.cookiesToSet.append(context.cookie(context.csrfCookieName, token))
        }
        if let user = request.context.user, request.cookies["csa_lang"] == nil,
           let preferred = user.language.flatMap(Language.init(rawValue:)) {
            request.context.language = preferred
        }
        var response = try next(request)
        for cookie in request.context.cookiesToSet where !response.headers.values("Set-Cookie").contains(where: { $0.hasPrefix(context.csrfCookieName + "=") }) {
            response.headers.add("Set-Cookie", cookie)
        }
        return response
    }
}

extension ControllerContext {
    /// The anonymous CSRF cookie's name: `__Host-` prefixed under TLS (so only this host can set it: `Secure`,
    /// `Path=/`, no `Domain`).
    var csrfCookieName: String { configuration.secure ? "__Host-csa_csrf" : "csa_csrf" }
}
