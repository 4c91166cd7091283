import Foundation
import Logging

/// Two-step sign-in (TOTP): the code asked after the password (`/login/second-factor`), the enrolment a role
/// requires before anything else (`/login/second-factor/setup`), and setting it up, renewing recovery codes and
/// turning it off from the profile (`/profile/second-factor`).
struct SecondFactorController {
    let context: ControllerContext

    private var factors: SecondFactors { context.secondFactors }

    func register(in router: inout Router) {
        router.get("/login/second-factor", pendingStep { request in
            guard let (_, pending, _) = try pendingSignIn(request) else { return expired(request) }
            if pending.purpose == .enrol, try !factors.status(of: pending.userID).isOn {
                return Response.redirect(to: "/login/second-factor/setup")
            }
            return codePage(request, errors: [], status: .ok)
        })
        router.post("/login/second-factor", pendingStep(checkCode))
        router.post("/login/second-factor/cancel") { request in
            if let token = request.cookies[context.pendingSignInCookieName] {
                try factors.store.deletePending(tokenHash: Tokens.digest(token))
            }
            var response = Response.redirect(to: "/login")
            response.headers.add("Set-Cookie", context.cookie(context.pendingSignInCookieName, "", maxAge: 0))
            return response
        }
        router.get("/login/second-factor/setup", pendingStep { request in
            guard let (_, pending, user) = try pendingSignIn(request) else { return expired(request) }
            guard pending.purpose == .enrol, let secret = try factors.enrolmentSecret(for: user.id) else {
                return Response.redirect(to: "/login/second-factor")
            }
            return setupPage(request, user: user, secret: secret, required: true, errors: [], status: .ok)
        })
        router.post("/login/second-factor/setup", pendingStep(confirmRequiredEnrolment))

        router.get("/profile/second-factor") { request in
            let user = try context.requireUser(request)
            if case .on(let left) = try factors.status(of: user.id) {
                return managePage(request, user: user, model: SecondFactorPages.Manage(
                    recoveryCodesLeft: left, asksPassword: try asksPassword(user), required: context.requiresSecondFactor(user)),
                                  status: .ok)
            }
            guard let secret = try factors.enrolmentSecret(for: user.id) else { throw HTTPError.notFound }
            return setupPage(request, user: user, secret: secret, required: false, errors: [], status: .ok)
        }
        router.post("/profile/second-factor/setup") { request in
            let user = try context.requireUser(request)
            let code = try request.form()["code"] ?? ""
            guard let codes = try factors.confirm(user.id, code: code, by: AuditActor(user)) else {
                if try factors.status(of: user.id).isOn { return Response.redirect(to: "/profile/second-factor") }
                context.logger.warning("second factor enrolment code wrong user=\(user.id)")
                guard let secret = try factors.enrolmentSecret(for: user.id) else { throw HTTPError.notFound }
                return setupPage(request, user: user, secret: secret, required: false,
                                 errors: [("code", context.page(request).t("second_factor.error.setup_code"))],
                                 status: .unprocessableContent)
            }
            context.logger.info("second factor enabled user=\(user.id)")
            let html = SecondFactorPages.recoveryCodes(codes, enabled: true, continuePath: "/profile",
                                                       context: secretPage(request), stylesheet: context.stylesheet)
            return noStore(Response.html(html.rendered))
        }
        router.post("/profile/second-factor/recovery-codes") { request in
            let user = try context.requireUser(request)
            if let refusal = try confirmIdentity(request, user: user, form: "codes") { return refusal }
            guard let codes = try factors.replaceRecoveryCodes(user.id, by: AuditActor(user)) else {
                return Response.redirect(to: "/profile/second-factor")
            }
            context.logger.info("second factor recovery codes replaced user=\(user.id)")
            let html = SecondFactorPages.recoveryCodes(codes, enabled: false, continuePath: "/profile/second-factor",
                                                       context: secretPage(request), stylesheet: context.stylesheet)
            return noStore(Response.html(html.rendered))
        }
        router.post("/profile/second-factor/off") { request in
            let user = try context.requireUser(request)
            guard !context.requiresSecondFactor(user) else {
                throw HTTPError(.forbidden, context.page(request).t("second_factor.manage.off_required"))
            }
            if let refusal = try confirmIdentity(request, user: user, form: "off") { return refusal }
            try factors.turnOff(user.id, by: AuditActor(user))
            context.logger.info("second factor turned off user=\(user.id)")
            return Response.redirect(to: "/profile?notice=second-factor-off")
        }
    }

    // MARK: The code after the password

    /// The browser's pending sign-in, its digest and its (still enabled) person; nil when there is none or it
    /// expired. An account disabled meanwhile ends it and is refused (`Disabled`).
    private func pendingSignIn(_ request: Request) throws -> (tokenHash: String, PendingSignIn, User)? {
        guard let token = request.cookies[context.pendingSignInCookieName] else { return nil }
        let hash = Tokens.digest(token)
        guard let pending = try factors.store.pending(tokenHash: hash, now: context.clock()) else { return nil }
        guard let user = try context.users.find(id: pending.userID), !user.disabled else {
            try factors.store.deletePending(tokenHash: hash)
            context.logger.warning("second factor refused: account disabled user=\(pending.userID) method=\(pending.method.rawValue)")
            throw Disabled()
        }
        return (hash, pending, user)
    }

    /// The pending sign-in's account was disabled after its password was checked.
    private struct Disabled: Error {}

    /// No pending sign-in (none, expired or ended): the login page with the reason.
    private func expired(_ request: Request) -> Response {
        refusal(request, message: context.page(request).t("second_factor.error.expired"), status: .unauthorized)
    }

    private func refusal(_ request: Request, message: String, status: HTTPStatus) -> Response {
        var response = context.signInRefused(request, message: message, status: status)
        response.headers.add("Set-Cookie", context.cookie(context.pendingSignInCookieName, "", maxAge: 0))
        return response
    }

    /// Runs a handler of the pending sign-in's pages, answering a disabled account with the login page and why.
    private func pendingStep(_ handler: @escaping Handler) -> Handler {
        { request in
            do {
                return try handler(request)
            } catch is Disabled {
                return refusal(request, message: context.page(request).t("second_factor.error.disabled"), status: .forbidden)
            }
        }
    }

    private func codePage(_ request: Request, errors: [(field: String, message: String)], status: HTTPStatus) -> Response {
        var page = context.page(request)
        page.user = nil
        return noStore(Response.html(SecondFactorPages.code(errors: errors, context: page, stylesheet: context.stylesheet).rendered,
                                     status: status))
    }

    /// A code or a recovery code for the pending sign-in, counted like passwords under the person's own key
    /// space ("2fa:" + login); the pending sign-in ends after a few wrong ones.
    private func checkCode(_ request: Request) throws -> Response {
        guard let (hash, pending, user) = try pendingSignIn(request) else { return expired(request) }
        let form = try request.form()
        let page = context.page(request)
        let code = (form["code"] ?? "").trimmingCharacters(in: .whitespaces)
        let recovery = (form["recovery_code"] ?? "").trimmingCharacters(in: .whitespaces)
        let field = code.isEmpty && !recovery.isEmpty ? "recovery_code" : "code"
        guard !(code.isEmpty && recovery.isEmpty) else {
            return codePage(request, errors: [(field, page.t("second_factor.error.missing"))], status: .badRequest)
        }
        guard try factors.status(of: user.id).isOn else {
            // Reset by an administrator meanwhile: the sign-in starts again.
            try factors.store.deletePending(tokenHash: hash)
            return expired(request)
        }
        let now = context.clock()
        let attempt: LoginThrottle.Attempt
        switch try context.throttle.admit(login: "2fa:" + user.login, address: request.clientAddress, now: now) {
        case .admitted(let admitted):
            attempt = admitted
        case .refused(let retryAfter):
            context.logger.warning("second factor throttled user=\(user.id) method=\(pending.method.rawValue) address=\(request.clientAddress)")
            var response = codePage(request, errors: [(field, page.t("login.error.throttled",
                                                                     ["minutes": String((retryAfter + 59) / 60)]))],
                                    status: .tooManyRequests)
            response.headers.add("Retry-After", String(retryAfter))
            return response
        }
        let accepted = field == "code" ? try factors.verify(user.id, code: code)
            : try factors.verifyRecoveryCode(user.id, code: recovery)
        guard accepted else {
            let failures = try factors.store.failPending(tokenHash: hash, limit: SecondFactors.pendingFailureLimit)
            context.logger.warning("second factor failed user=\(user.id) method=\(pending.method.rawValue) kind=\(field) failures=\(failures)")
            if failures >= SecondFactors.pendingFailureLimit {
                var response = context.signInRefused(request, message: page.t("second_factor.error.too_many"),
                                                     status: .unauthorized)
                response.headers.add("Set-Cookie", context.cookie(context.pendingSignInCookieName, "", maxAge: 0))
                return response
            }
            let message = page.t(field == "code" ? "second_factor.error.code" : "second_factor.error.recovery")
            return codePage(request, errors: [(field, message)], status: .unauthorized)
        }
        try context.throttle.succeeded(attempt, now: now)
        if field == "recovery_code" {
            context.logger.info("second factor recovery code used user=\(user.id)")
        }
        return try context.beginSession(request, user: user, method: pending.method, secondFactor: true, next: pending.next)
    }

    /// The enrolment a role requires: the first code turns two-step sign-in on, the session begins, and the
    /// recovery codes are shown once before the person goes on to where they were heading.
    private func confirmRequiredEnrolment(_ request: Request) throws -> Response {
        guard let (_, pending, user) = try pendingSignIn(request), pending.purpose == .enrol else { return expired(request) }
        let code = try request.form()["code"] ?? ""
        guard let codes = try factors.confirm(user.id, code: code, by: AuditActor(user)) else {
            if try factors.status(of: user.id).isOn { return Response.redirect(to: "/login/second-factor") }
            context.logger.warning("second factor enrolment code wrong user=\(user.id) method=\(pending.method.rawValue)")
            guard let secret = try factors.enrolmentSecret(for: user.id) else { return expired(request) }
            return setupPage(request, user: user, secret: secret, required: true,
                             errors: [("code", context.page(request).t("second_factor.error.setup_code"))],
                             status: .unprocessableContent)
        }
        context.logger.info("second factor enabled user=\(user.id) method=\(pending.method.rawValue)")
        let started = try context.beginSession(request, user: user, method: pending.method, secondFactor: true,
                                               next: pending.next)
        var page = secretPage(request)
        page.user = nil
        var response = noStore(Response.html(SecondFactorPages.recoveryCodes(codes, enabled: true, continuePath: pending.next,
                                                                             context: page, stylesheet: context.stylesheet).rendered))
        for cookie in started.headers.values("Set-Cookie") { response.headers.add("Set-Cookie", cookie) }
        return response
    }

    // MARK: Pages

    private func setupPage(_ request: Request, user: User, secret: [UInt8], required: Bool,
                           errors: [(field: String, message: String)], status: HTTPStatus) -> Response {
        var page = secretPage(request)
        if required { page.user = nil }
        let issuer = page.settings.organisationName(page.language) ?? page.t("product.name")
        let uri = TOTP.keyURI(secret: secret, issuer: issuer, account: user.login)
        let svg = (try? QRCode(encoding: uri).svg(label: page.t("second_factor.setup.qr_label"))) ?? ""
        let setup = SecondFactorPages.Setup(secret: TOTP.base32(secret), qrSVG: svg,
                                            action: required ? "/login/second-factor/setup" : "/profile/second-factor/setup",
                                            required: required)
        let html = SecondFactorPages.setup(setup, errors: errors, context: page, stylesheet: context.stylesheet)
        return noStore(Response.html(html.rendered, status: status))
    }

    private func managePage(_ request: Request, user: User, model: SecondFactorPages.Manage, status: HTTPStatus) -> Response {
        let html = SecondFactorPages.manage(model, context: context.page(request), stylesheet: context.stylesheet)
        return noStore(Response.html(html.rendered, status: status))
    }

    /// The frame of a page showing a secret or recovery codes: nothing from the request's query is reflected on it
    /// (the language switch's `next`), so compressed lengths cannot be probed with chosen text (BREACH).
    private func secretPage(_ request: Request) -> PageContext {
        var page = context.page(request)
        page.currentPath = request.path.hasPrefix("/login/") ? "/login/second-factor/setup" : "/profile/second-factor"
        return page
    }

    /// Secrets and recovery codes are not kept by the browser's cache.
    private func noStore(_ response: Response) -> Response {
        var response = response
        response.headers.set("Cache-Control", "no-store")
        return response
    }

    // MARK: Confirming it is the person

    /// Whether the profile's forms ask for the current password: not for an account without a usable one
    /// (made by a staff import or signed into through the directory or the identity platform).
    private func asksPassword(_ user: User) throws -> Bool {
        guard let hash = try context.users.passwordHash(of: user.id) else { return false }
        return !hash.hasPrefix("!")
    }

    /// The current password (throttled as on the login form) and a current code (throttled under "2fa:"); nil when
    /// both are right, otherwise the two-step page again with the problems.
    private func confirmIdentity(_ request: Request, user: User, form name: String) throws -> Response? {
        let form = try request.form()
        let page = context.page(request)
        let now = context.clock()
        var errors: [(field: String, message: String)] = []
        var tooMany: Int?
        let asksPassword = try asksPassword(user)
        if asksPassword {
            switch try context.throttle.admit(login: user.login, address: request.clientAddress, now: now) {
            case .admitted(let attempt):
                let stored = try context.users.passwordHash(of: user.id) ?? PasswordHasher.decoy
                if context.hasher.verify(form["\(name)_password"] ?? "", against: stored) {
                    try context.throttle.succeeded(attempt, now: now)
                } else {
                    errors.append(("\(name)_password", page.t("profile.password.error.current")))
                }
            case .refused(let retryAfter):
                tooMany = retryAfter
                errors.append(("\(name)_password", page.t("login.error.throttled", ["minutes": String((retryAfter + 59) / 60)])))
            }
        }
        // A code is checked (and so used up) only once the password is right.
        switch errors.isEmpty ? try context.throttle.admit(login: "2fa:" + user.login, address: request.clientAddress, now: now)
            : nil {
        case nil:
            break
        case .admitted(let attempt)?:
            if try factors.verify(user.id, code: form["\(name)_code"] ?? "") {
                try context.throttle.succeeded(attempt, now: now)
            } else {
                errors.append(("\(name)_code", page.t("second_factor.error.code")))
            }
        case .refused(let retryAfter)?:
            tooMany = max(tooMany ?? 0, retryAfter)
            errors.append(("\(name)_code", page.t("login.error.throttled", ["minutes": String((retryAfter + 59) / 60)])))
        }
        guard !errors.isEmpty else { return nil }
        context.logger.warning("second factor confirmation refused user=\(user.id) form=\(name)")
        let left: Int = if case .on(let left) = try factors.status(of: user.id) { left } else { 0 }
        var response = managePage(request, user: user, model: SecondFactorPages.Manage(
            recoveryCodesLeft: left, asksPassword: asksPassword, required: context.requiresSecondFactor(user),
            refused: name, errors: errors), status: tooMany == nil ? .unprocessableContent : .tooManyRequests)
        if let tooMany { response.headers.add("Retry-After", String(tooMany)) }
        return response
    }
}
