import Foundation
import Logging

/// What every way of signing in ends with: the browser's old session (if any) ends, a new one begins for the
/// person, the sign-in is recorded with how it happened, and the browser goes where it was heading.
extension ControllerContext {
    /// Begins the person's session. A password typed on this platform's form (local, or the directory's) is one factor: when the person has
    /// two-step sign-in on, or their role requires it (`--require-2fa`), no session begins yet. A pending sign-in
    /// (a random token in a cookie, its digest stored with the person, the method and `next`) sends the browser
    /// to the code page, or to the enrolment the role requires; the session begins when that step is done
    /// (`secondFactor: true`). CAS and OpenID Connect sign-ins are the identity platform's responsibility.
    func beginSession(_ request: Request, user: User, method: SignInMethod, secondFactor: Bool = false,
                      providerSession: String? = nil, next: String) throws -> Response {
        if !secondFactor && Self.secondStepMethods.contains(method) {
            if try secondFactors.status(of: user.id).isOn {
                return try pendSignIn(request, user: user, method: method, purpose: .code, next: next)
            }
            if requiresSecondFactor(user) {
                return try pendSignIn(request, user: user, method: method, purpose: .enrol, next: next)
            }
        }
        // Rotate: whatever session the browser had ends; a new token is issued.
        if let old = request.cookies[sessionCookieName] {
            try sessions.delete(tokenHash: Tokens.digest(old))
        }
        let token = Tokens.random()
        _ = try sessions.create(tokenHash: Tokens.digest(token), userID: user.id, csrfSecret: Tokens.random(),
                                now: clock(), idleTimeout: configuration.sessionIdleTimeout,
                                absoluteTimeout: configuration.sessionAbsoluteTimeout,
                                clientAddress: request.clientAddress, method: method, secondFactor: secondFactor,
                                providerSession: providerSession)
        logger.info("login succeeded user=\(user.id) method=\(method.rawValue) second_factor=\(secondFactor)")
        var response = Response.redirect(to: next)
        response.headers.add("Set-Cookie", cookie(sessionCookieName, token))
        if let pending = request.cookies[pendingSignInCookieName] {
            try secondFactors.store.deletePending(tokenHash: Tokens.digest(pending))
            response.headers.add("Set-Cookie", cookie(pendingSignInCookieName, "", maxAge: 0))
        }
        return response
    }

    /// Sign-in methods whose password is typed on this platform's form, and so get the second step.
    static let secondStepMethods: Set<SignInMethod> = [.password, .ldap]

    /// Two-step sign-in (TOTP) of the platform's people.
    var secondFactors: SecondFactors {
        SecondFactors(repository: storage.secondFactors,
                      sealPath: SecondFactorSeal.keyPath(forDatabase: configuration.databasePath), clock: clock)
    }

    /// The cookie carrying a pending sign-in's token: `__Host-` prefixed under TLS.
    var pendingSignInCookieName: String { configuration.secure ? "__Host-csa_2fa" : "csa_2fa" }

    /// Whether the person holds a role that must sign in with a second factor (`--require-2fa`).
    func requiresSecondFactor(_ user: User) -> Bool {
        let roles = configuration.identity.requireSecondFactor
        return user.grants.contains { roles.contains($0.role) }
    }

    /// The password was right; the second step is still to come. No session begins: the browser gets a pending
    /// sign-in's token and goes to the code page (or the required enrolment).
    private func pendSignIn(_ request: Request, user: User, method: SignInMethod, purpose: PendingSignIn.Purpose,
                            next: String) throws -> Response {
        let token = Tokens.random()
        let lifetime = purpose == .code ? SecondFactors.pendingCodeLifetime : SecondFactors.pendingEnrolmentLifetime
        let now = clock()
        if let old = request.cookies[pendingSignInCookieName] {
            try secondFactors.store.deletePending(tokenHash: Tokens.digest(old))
        }
        try secondFactors.store.createPending(
            tokenHash: Tokens.digest(token),
            PendingSignIn(userID: user.id, method: method, purpose: purpose, next: next, expiresAt: now + lifetime,
                          failures: 0),
            now: now)
        logger.info("login password accepted user=\(user.id) method=\(method.rawValue) second_factor=\(purpose.rawValue)")
        var response = Response.redirect(to: purpose == .code ? "/login/second-factor" : "/login/second-factor/setup")
        response.headers.add("Set-Cookie", cookie(pendingSignInCookieName, token, maxAge: Int(lifetime)))
        return response
    }

    /// Accounts for people a directory or identity platform vouches for (created or matched, kept up to date).
    var provisioner: IdentityProvisioner {
        IdentityProvisioner(storage: storage, users: users, departments: departments, audit: audit,
                            throttle: configuration.loginThrottle, clock: clock)
    }

    /// The sign-in methods the login page offers.
    var signInOptions: LoginPage.Options {
        LoginPage.Options(passwordForm: configuration.identity.passwordFormShown,
                          localPasswords: configuration.identity.localPasswords,
                          redirects: configuration.identity.redirectMethods)
    }

    /// A sign-in that came back from another site and cannot go on: the login page with the reason at the top
    /// (`message` is already in the page's language), answered with `status`.
    func signInRefused(_ request: Request, message: String, status: HTTPStatus, next: String = "/") -> Response {
        var pageContext = page(request)
        pageContext.user = nil
        let html = LoginPage.render(context: pageContext, stylesheet: stylesheet, login: "", next: next, error: message,
                                    errorAtForm: false, options: signInOptions)
        return Response.html(html.rendered, status: status)
    }
}
