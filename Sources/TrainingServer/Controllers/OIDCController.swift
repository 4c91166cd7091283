import Foundation
import Logging

/// Sign-in through an OpenID Connect provider: the authorization code flow with PKCE (S256), `state` and `nonce`.
///
/// `GET /login/oidc?next=…` stores a pending request (the state's digest, the nonce, the PKCE verifier) bound to
/// this browser by a short-lived cookie, and sends the browser to the provider. `GET /login/oidc/callback` takes the
/// request back (once; within ten minutes; only in the same browser), exchanges the code for tokens, checks the ID
/// token, maps its claims to a profile and signs the person in. Every refusal is the login page with the reason.
struct OIDCController {
    let context: ControllerContext

    /// The cookie binding pending requests to the browser that started them.
    var bindingCookieName: String { context.configuration.secure ? "__Host-csa_oidc" : "csa_oidc" }

    func register(in router: inout Router) {
        router.get("/login/oidc", start)
        router.get("/login/oidc/callback", callback)
    }

    private var requests: any OIDCRequestRepository { context.storage.oidcRequests }

    private func settings() throws -> OIDCSettings {
        guard let settings = context.configuration.identity.oidc else { throw HTTPError.notFound }
        return settings
    }

    private func start(_ request: Request) throws -> Response {
        let settings = try settings()
        let next = ControllerContext.safeNext(request.query["next"])
        let now = context.clock()
        let metadata: OIDCMetadata
        do {
            metadata = try OIDCProvider.shared(for: settings).metadata(now: now)
        } catch {
            return refuse(request, "login.oidc.error.unavailable", status: .serviceUnavailable, next: next, log: error.description)
        }
        let state = Tokens.random()
        let nonce = Tokens.random()
        let verifier = Tokens.random(bytes: 48)
        // One binding per browser, so sign-ins started in two tabs both come back.
        let binding = request.cookies[bindingCookieName].flatMap { $0.count == 43 ? $0 : nil } ?? Tokens.random()
        try requests.add(stateHash: Tokens.digest(state),
                         OIDCPendingRequest(browserHash: Tokens.digest(binding), nonce: nonce, codeVerifier: verifier,
                                            next: next, expiresAt: now + settings.requestLifetime),
                         now: now)
        let query = [("response_type", "code"), ("client_id", settings.clientID),
                     ("redirect_uri", OIDCSettings.redirectURI(publicURL: context.configuration.publicURL)),
                     ("scope", settings.scope), ("state", state), ("nonce", nonce),
                     ("code_challenge", OIDCProvider.challenge(for: verifier)), ("code_challenge_method", "S256")]
            .map { "\($0.0)=\(CurlHTTPClient.formEncode($0.1))" }.joined(separator: "&")
        let separator = metadata.authorizationEndpoint.contains("?") ? "&" : "?"
        var response = Response.redirect(to: metadata.authorizationEndpoint + separator + query)
        response.headers.add("Set-Cookie", context.cookie(bindingCookieName, binding, maxAge: Int(settings.requestLifetime)))
        response.headers.add("Cache-Control", "no-store")
        return response
    }

    private func callback(_ request: Request) throws -> Response {
        let settings = try settings()
        let now = context.clock()
        let state = request.query["state"] ?? ""
        // The request is taken (and so used up) whatever happens next: a state works once.
        let pending = state.isEmpty || state.count > 200 ? nil : try requests.take(stateHash: Tokens.digest(state))
        let binding = request.cookies[bindingCookieName].map(Tokens.digest)
        guard let pending, pending.expiresAt > now, binding == pending.browserHash else {
            let why = switch pending {
            case nil: "unknown or used state"
            case let expired? where expired.expiresAt <= now: "expired state"
            default: "state from another browser"
            }
            return refuse(request, "login.oidc.error.state", status: .badRequest, next: "/", log: why)
        }
        let next = pending.next
        if let error = request.query["error"] {
            let described = request.query["error_description"].map { "\(error): \($0)" } ?? error
            let reason = String(described.prefix(300))
            return refuse(request, "login.oidc.error.provider", ["reason": reason], status: .unauthorized, next: next,
                          log: "provider error \(String(error.prefix(100)))")
        }
        guard let code = request.query["code"], !code.isEmpty, code.count <= 2000 else {
            return refuse(request, "login.oidc.error.state", status: .badRequest, next: next, log: "no code")
        }
        let provider = OIDCProvider.shared(for: settings)
        let tokens: OIDCTokenResponse
        do {
            tokens = try provider.exchange(code: code, verifier: pending.codeVerifier, settings: settings,
                                           redirectURI: OIDCSettings.redirectURI(publicURL: context.configuration.publicURL),
                                           now: now)
        } catch .refused(let error, let description) {
            let reason = String((description.map { "\(error): \($0)" } ?? error).prefix(300))
            return refuse(request, "login.oidc.error.provider", ["reason": reason], status: .badRequest, next: next,
                          log: "token request refused \(String(error.prefix(100)))")
        } catch {
            return refuse(request, "login.oidc.error.unavailable", status: .serviceUnavailable, next: next, log: error.description)
        }
        var claims: OIDCClaims
        do {
            claims = try validate(tokens.idToken, provider: provider, settings: settings, nonce: pending.nonce, now: now)
        } catch let error as OIDCProviderError {
            return refuse(request, "login.oidc.error.unavailable", status: .serviceUnavailable, next: next, log: error.description)
        } catch {
            return refuse(request, "login.oidc.error.token", status: .unauthorized, next: next, log: "ID token refused: \(error)")
        }
        let loginClaim = settings.claims[.login] ?? OIDCSettings.defaultClaims[.login]!
        if claims.text(loginClaim) == nil, let accessToken = tokens.accessToken,
           let userinfo = try? provider.userinfo(accessToken: accessToken, now: now), userinfo.text("sub") == claims.text("sub") {
            // The userinfo answer fills in what the ID token left out; the ID token's own claims stay.
            claims.values.merge(userinfo.values) { idToken, _ in idToken }
        }
        guard let subject = claims.text("sub"), let login = claims.text(loginClaim) else {
            return refuse(request, "login.oidc.error.invalid", status: .unauthorized, next: next,
                          log: "no \(loginClaim) claim")
        }
        var map = settings.claims
        map[.login] = loginClaim
        let profile = map.profile(method: .oidc, subject: "\(settings.issuer) \(subject)", fallbackLogin: login,
                                  lookup: claims.text)
        switch try context.provisioner.account(for: profile, policy: settings.provisioning,
                                               defaultDepartment: settings.defaultDepartment) {
        case .success(let user):
            return try context.beginSession(request, user: user, method: .oidc, providerSession: tokens.idToken, next: next)
        case .failure(.noAccount):
            return refuse(request, "login.oidc.error.no_account", status: .forbidden, next: next, log: "no account for the subject")
        case .failure(.disabled):
            return refuse(request, "login.oidc.error.disabled", status: .forbidden, next: next, log: "account disabled")
        case .failure(.invalid(let why)):
            return refuse(request, "login.oidc.error.invalid", status: .forbidden, next: next, log: "profile refused: \(why)")
        }
    }

    /// Checks the ID token against the provider's keys; a token naming an unknown key makes the key set be fetched
    /// again (rate-limited by the provider) and is checked once more.
    private func validate(_ token: String, provider: OIDCProvider, settings: OIDCSettings, nonce: String,
                          now: Double) throws -> OIDCClaims {
        let validator = IDTokenValidator(issuer: settings.issuer, clientID: settings.clientID)
        do {
            return try validator.validate(token, keys: try provider.keys(now: now), nonce: nonce, now: now)
        } catch IDTokenError.signature(.unknownKey) {
            return try validator.validate(token, keys: try provider.keys(now: now, refresh: true), nonce: nonce, now: now)
        }
    }

    private func refuse(_ request: Request, _ key: String, _ arguments: [String: String] = [:], status: HTTPStatus,
                        next: String, log: String) -> Response {
        context.logger.warning("login refused method=oidc status=\(status.rawValue) reason=\(log) address=\(request.clientAddress)")
        // The page's own links (the language switch) lead back to the login page, not to the callback with its code.
        var shown = request
        shown.target = "/login?next=\(PercentDecoding.encode(next))"
        shown.path = "/login"
        return context.signInRefused(shown, message: context.page(shown).t(key, arguments), status: status, next: next)
    }
}

extension ControllerContext {
    /// Where signing out of a session begun at the OpenID Connect provider goes: the provider's end-session
    /// endpoint (RP-initiated logout) with the ID token as hint, which sends the browser back to the login page;
    /// the login page itself when the provider has no such endpoint or cannot be reached.
    func oidcSignOutDestination(_ session: SessionRecord?) -> String {
        guard let settings = configuration.identity.oidc,
              let metadata = try? OIDCProvider.shared(for: settings).metadata(now: clock()),
              let endpoint = metadata.endSessionEndpoint,
              // The sign-out form may only be redirected to the issuer's origin (the pages' form-action policy).
              endpoint.hasPrefix(settings.origin + "/") else { return "/login" }
        var query = [("post_logout_redirect_uri", configuration.publicURL + "/login"), ("client_id", settings.clientID)]
        if let idToken = session?.providerSession { query.insert(("id_token_hint", idToken), at: 0) }
        let separator = endpoint.contains("?") ? "&" : "?"
        return endpoint + separator + query.map { "\($0.0)=\(CurlHTTPClient.formEncode($0.1))" }.joined(separator: "&")
    }
}
