import Foundation
import Logging

/// Sign-in, sign-out and the language switch.
struct AuthController {
    let context: ControllerContext

    func register(in router: inout Router) {
        router.get("/login") { request in
            if request.context.user != nil, request.context.authentication == .session {
                return Response.redirect(to: ControllerContext.safeNext(request.query["next"]))
            }
            return page(request, login: "", next: ControllerContext.safeNext(request.query["next"]), error: nil, status: .ok)
        }
        router.post("/login", login)
        router.post("/logout") { request in
            if let token = request.cookies[context.sessionCookieName] {
                try context.sessions.delete(tokenHash: Tokens.digest(token))
            }
            var response = Response.redirect(to: context.signOutDestination(request.context.session))
            response.headers.add("Set-Cookie", context.cookie(context.sessionCookieName, "", maxAge: 0))
            return response
        }
        router.get("/language/:code") { request in
            let code: String = try request.parameter("code")
            guard code == "zh" || code == "en" else { throw HTTPError.notFound }
            var response = Response.redirect(to: ControllerContext.safeNext(request.query["next"]))
            response.headers.add("Set-Cookie", context.cookie("csa_lang", code, maxAge: 365 * 86_400))
            return response
        }
    }

    private func login(_ request: Request) throws -> Response {
        guard context.configuration.identity.passwordFormShown else {
            return page(request, login: "", next: "/", error: context.page(request).t("login.error.passwords_off"),
                        status: .forbidden)
        }
        let form = try request.form()
        let login = (form["login"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = form["password"] ?? ""
        let next = ControllerContext.safeNext(form["next"])
        let pageContext = context.page(request)
        guard !login.isEmpty, !password.isEmpty, login.count <= 100, password.count <= PasswordHasher.maximumLength else {
            return page(request, login: login, next: next, error: pageContext.t("login.error.missing"), status: .badRequest)
        }
        // Counted before the password is checked; a refusal costs no Argon2 work and no directory query.
        let attempt: LoginThrottle.Attempt
        switch try context.throttle.admit(login: login, address: request.clientAddress, now: context.clock()) {
        case .admitted(let admitted):
            attempt = admitted
        case .refused(let retryAfter):
            context.logger.warning("login throttled address=\(request.clientAddress)")
            var response = page(request, login: login, next: next,
                                error: pageContext.t("login.error.throttled", ["minutes": String((retryAfter + 59) / 60)]),
                                status: .tooManyRequests)
            response.headers.add("Retry-After", String(retryAfter))
            return response
        }
        if let ldap = context.configuration.identity.ldap {
            return try directorySignIn(request, ldap: ldap, login: login, password: password, next: next, attempt: attempt)
        }
        return try localSignIn(request, login: login, password: password, next: next, attempt: attempt)
    }

    /// The platform's own password decides (local passwords on). With the directory configured, accounts linked to
    /// a directory entry never sign in with a platform password: the directory alone decides for them (a person
    /// disabled there, or while it is down, does not get in through an old platform password).
    private func localSignIn(_ request: Request, login: String, password: String, next: String,
                             attempt: LoginThrottle.Attempt, directoryDown: Bool = false) throws -> Response {
        let pageContext = context.page(request)
        var user = try context.users.find(login: login)
        if context.configuration.identity.ldap != nil, let found = user,
           try context.storage.externalIdentities.subjects(of: found.id).contains(where: { $0.method == .ldap }) {
            user = nil
        }
        let stored = try user.flatMap { try context.users.passwordHash(of: $0.id) } ?? PasswordHasher.decoy
        let matches = context.hasher.verify(password, against: stored)
        guard let user, matches, !user.disabled else {
            if directoryDown { return directoryUnreachable(request, login: login, next: next) }
            context.logger.warning("login failed address=\(request.clientAddress) method=password")
            return page(request, login: login, next: next, error: pageContext.t("login.error.invalid"), status: .unauthorized)
        }
        try context.throttle.succeeded(attempt, now: context.clock())
        return try context.beginSession(request, user: user, method: .password, next: next)
    }

    /// The directory decides for the people it has; the others fall back to local passwords when those are on.
    private func directorySignIn(_ request: Request, ldap: LDAPSettings, login: String, password: String, next: String,
                                 attempt: LoginThrottle.Attempt) throws -> Response {
        let pageContext = context.page(request)
        let localPasswords = context.configuration.identity.localPasswords
        let outcome: LDAPAuthenticator.Outcome
        do {
            outcome = try LDAPAuthenticator(settings: ldap).authenticate(login: login, password: password)
        } catch {
            context.logger.error("directory unavailable address=\(request.clientAddress) method=ldap: \(error)")
            guard localPasswords else { return directoryUnreachable(request, login: login, next: next) }
            return try localSignIn(request, login: login, password: password, next: next, attempt: attempt,
                                   directoryDown: true)
        }
        let invalid = page(request, login: login, next: next, error: pageContext.t("login.error.invalid"), status: .unauthorized)
        let profile: ExternalProfile
        switch outcome {
        case .signedIn(let signedIn):
            profile = signedIn
        case .wrongPassword:
            context.logger.warning("login failed address=\(request.clientAddress) method=ldap")
            return invalid
        case .ambiguous:
            context.logger.error("login failed address=\(request.clientAddress) method=ldap: the user filter finds several entries for one login; fix --ldap-user-filter")
            return invalid
        case .notFound:
            guard localPasswords else {
                context.logger.warning("login failed address=\(request.clientAddress) method=ldap: not in the directory")
                return invalid
            }
            return try localSignIn(request, login: login, password: password, next: next, attempt: attempt)
        }
        switch try context.provisioner.account(for: profile, policy: ldap.provisioning,
                                               defaultDepartment: ldap.defaultDepartment) {
        case .success(let user):
            try context.throttle.succeeded(attempt, now: context.clock())
            return try context.beginSession(request, user: user, method: .ldap, next: next)
        case .failure(.noAccount):
            context.logger.warning("login refused address=\(request.clientAddress) method=ldap: no account on the platform")
            return page(request, login: login, next: next, error: pageContext.t("login.error.not_set_up"), status: .forbidden)
        case .failure(.disabled):
            context.logger.warning("login refused address=\(request.clientAddress) method=ldap: account disabled on the platform")
            return page(request, login: login, next: next, error: pageContext.t("login.error.account_disabled"),
                        status: .forbidden)
        case .failure(.invalid(let why)):
            context.logger.error("login refused address=\(request.clientAddress) method=ldap: the directory's details cannot make an account (\(why))")
            return page(request, login: login, next: next, error: pageContext.t("login.error.directory_details"),
                        status: .forbidden)
        }
    }

    private func directoryUnreachable(_ request: Request, login: String, next: String) -> Response {
        page(request, login: login, next: next, error: context.page(request).t("login.error.directory_unreachable"),
             status: .serviceUnavailable)
    }

    private func page(_ request: Request, login: String, next: String, error: String?, status: HTTPStatus) -> Response {
        var pageContext = context.page(request)
        pageContext.user = nil
        let html = LoginPage.render(context: pageContext, stylesheet: context.stylesheet, login: login, next: next, error: error,
                                    options: context.signInOptions)
        return Response.html(html.rendered, status: status)
    }
}
