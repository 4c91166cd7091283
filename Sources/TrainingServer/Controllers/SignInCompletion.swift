import Foundation
import Logging

/// What every way of signing in ends with: the browser's old session (if any) ends, a new one begins for the
/// person, the sign-in is recorded with how it happened, and the browser goes where it was heading.
extension ControllerContext {
    func beginSession(_ request: Request, user: User, method: SignInMethod, secondFactor: Bool = false,
                      providerSession: String? = nil, next: String) throws -> Response {
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
        logger.info("login succeeded user=\(user.id) method=\(method.rawValue)")
        var response = Response.redirect(to: next)
        response.headers.add("Set-Cookie", cookie(sessionCookieName, token))
        return response
    }

    /// Accounts for people a directory or identity platform vouches for (created or matched, kept up to date).
    var provisioner: IdentityProvisioner {
        .sqlite(store: store, users: users, departments: departments, audit: audit, throttle: configuration.loginThrottle,
                clock: clock)
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
                                    options: signInOptions)
        return Response.html(html.rendered, status: status)
    }
}
