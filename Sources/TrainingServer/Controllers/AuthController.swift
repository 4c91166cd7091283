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
        let now = context.clock()
        // Counted before the password is checked; a refusal costs no Argon2 work.
        let attempt: LoginThrottle.Attempt
        switch try context.throttle.admit(login: login, address: request.clientAddress, now: now) {
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
        let user = try context.users.find(login: login)
        let stored = try user.flatMap { try context.users.passwordHash(of: $0.id) } ?? PasswordHasher.decoy
        let matches = context.hasher.verify(password, against: stored)
        guard let user, matches, !user.disabled else {
            context.logger.warning("login failed address=\(request.clientAddress)")
            return page(request, login: login, next: next, error: pageContext.t("login.error.invalid"), status: .unauthorized)
        }
        try context.throttle.succeeded(attempt, now: now)
        return try context.beginSession(request, user: user, method: .password, next: next)
    }

    private func page(_ request: Request, login: String, next: String, error: String?, status: HTTPStatus) -> Response {
        var pageContext = context.page(request)
        pageContext.user = nil
        let html = LoginPage.render(context: pageContext, stylesheet: context.stylesheet, login: login, next: next, error: error,
                                    options: context.signInOptions)
        return Response.html(html.rendered, status: status)
    }
}
