import Assessment
import Foundation
import Logging

/// The person's own settings: language, time zone, e-mail, password and two-step sign-in.
struct ProfileController {
    let context: ControllerContext

    func register(in router: inout Router) {
        SecondFactorController(context: context).register(in: &router)
        router.get("/profile") { request in
            let user = try context.requireUser(request)
            let page = context.page(request)
            let notice: String? = switch request.query["notice"] {
            case "language": page.t("profile.language.saved")
            case "password": page.t("profile.password.saved")
            case "time-zone": page.t("profile.time_zone.saved")
            case "email": page.t("profile.email.saved")
            case "calendar-off": page.t("calendar.profile.removed")
            case "reminder-mail": page.t("notices.profile.saved")
            case "second-factor-off": page.t("second_factor.profile.turned_off")
            default: nil
            }
            return render(request, user: user, notice: notice, errors: [], status: .ok)
        }
        router.post("/profile/language") { request in
            let user = try context.requireUser(request)
            let choice = try request.form()["language"] ?? ""
            guard choice.isEmpty || Language(rawValue: choice) != nil else { throw HTTPError.badRequest("Unknown language") }
            try context.users.setLanguage(choice.isEmpty ? nil : choice, id: user.id)
            var response = Response.redirect(to: "/profile?notice=language")
            // The profile now decides; drop the language switch's cookie.
            response.headers.add("Set-Cookie", context.cookie("csa_lang", "", maxAge: 0))
            return response
        }
        router.post("/profile/time-zone") { request in
            let user = try context.requireUser(request)
            let choice = (try request.form()["time_zone"] ?? "").trimmingCharacters(in: .whitespaces)
            guard choice.isEmpty || StudyCalendar.zone(named: choice) != nil else {
                let message = context.page(request).t("profile.time_zone.error.unknown")
                return render(request, user: user, notice: nil, errors: [("time_zone", message)], status: .badRequest)
            }
            try context.users.setTimeZone(choice.isEmpty ? nil : choice, id: user.id)
            return Response.redirect(to: "/profile?notice=time-zone")
        }
        router.post("/profile/email", changeEmail)
        router.post("/profile/password") { request in
            let user = try context.requireUser(request)
            // Without local passwords, or without a password of the person's own, there is none to change here.
            guard context.configuration.identity.localPasswords, try hasOwnPassword(user) else {
                throw HTTPError(.forbidden, context.page(request).t("profile.password.unavailable"))
            }
            let form = try request.form()
            let page = context.page(request)
            let current = form["current_password"] ?? ""
            let new = form["new_password"] ?? ""
            var errors: [(field: String, message: String)] = []
            // The current password is guessed here as on the login form: the same counts, keyed by the account.
            let attempt: LoginThrottle.Attempt
            switch try context.throttle.admit(login: user.login, address: request.clientAddress, now: context.clock()) {
            case .admitted(let admitted):
                attempt = admitted
            case .refused(let retryAfter):
                context.logger.warning("password change throttled user=\(user.id) address=\(request.clientAddress)")
                errors.append(("current_password",
                               page.t("login.error.throttled", ["minutes": String((retryAfter + 59) / 60)])))
                var response = render(request, user: user, notice: nil, errors: errors, status: .tooManyRequests)
                response.headers.add("Retry-After", String(retryAfter))
                return response
            }
            let stored = try context.users.passwordHash(of: user.id) ?? PasswordHasher.decoy
            if context.hasher.verify(current, against: stored) {
                try context.throttle.succeeded(attempt, now: context.clock())
            } else {
                errors.append(("current_password", page.t("profile.password.error.current")))
            }
            errors += NewPasswordForm.problems(form, page: page)
            guard errors.isEmpty else { return render(request, user: user, notice: nil, errors: errors, status: .badRequest) }
            try context.users.setPasswordHash(try context.hasher.hash(new), id: user.id, by: AuditActor(user))
            // Every session ended with the change; this browser gets a fresh one.
            let token = Tokens.random()
            let now = context.clock()
            _ = try context.sessions.create(tokenHash: Tokens.digest(token), userID: user.id, csrfSecret: Tokens.random(),
                                            now: now, idleTimeout: context.configuration.sessionIdleTimeout,
                                            absoluteTimeout: context.configuration.sessionAbsoluteTimeout,
                                            clientAddress: request.clientAddress)
            var response = Response.redirect(to: "/profile?notice=password")
            response.headers.add("Set-Cookie", context.cookie(context.sessionCookieName, token))
            return response
        }
    }

    /// The person's own e-mail address (where reset links go), confirmed with the current password, which is
    /// throttled as on the sign-in form: whoever holds a session alone cannot redirect the account's mail.
    private func changeEmail(_ request: Request) throws -> Response {
        let user = try context.requireUser(request)
        let form = try request.form()
        let page = context.page(request)
        let typed = (form["email"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let address = typed.isEmpty ? nil : MailAddress.normalized(typed)
        var errors: [(field: String, message: String)] = []
        if !typed.isEmpty && address == nil { errors.append(("email", page.t("profile.email.error.invalid"))) }
        switch try emailConfirmation(user) {
        case .password: break
        case .notNeeded: return try saveEmail(address, errors: errors, request: request, user: user, typed: typed)
        case .administrator: throw HTTPError(.forbidden, page.t("profile.email.administrator"))
        }
        switch try context.throttle.admit(login: user.login, address: request.clientAddress, now: context.clock()) {
        case .admitted(let attempt):
            let stored = try context.users.passwordHash(of: user.id) ?? PasswordHasher.decoy
            if context.hasher.verify(form["email_password"] ?? "", against: stored) {
                try context.throttle.succeeded(attempt, now: context.clock())
            } else {
                errors.append(("email_password", page.t("profile.password.error.current")))
            }
        case .refused(let retryAfter):
            errors.append(("email_password", page.t("login.error.throttled", ["minutes": String((retryAfter + 59) / 60)])))
            var response = render(request, user: user, notice: nil, errors: errors, status: .tooManyRequests, email: typed)
            response.headers.add("Retry-After", String(retryAfter))
            return response
        }
        return try saveEmail(address, errors: errors, request: request, user: user, typed: typed)
    }

    private func saveEmail(_ address: String?, errors: [(field: String, message: String)], request: Request, user: User,
                           typed: String) throws -> Response {
        guard errors.isEmpty else {
            return render(request, user: user, notice: nil, errors: errors, status: .unprocessableContent, email: typed)
        }
        try context.mail.addresses.setEmail(address, id: user.id, by: AuditActor(user))
        return Response.redirect(to: "/profile?notice=email")
    }

    /// Whether the account has a password of its own: accounts a staff import made, or that the directory or the
    /// identity platform vouches for, hold an unusable "!" hash.
    private func hasOwnPassword(_ user: User) throws -> Bool {
        guard let hash = try context.users.passwordHash(of: user.id) else { return false }
        return !hash.hasPrefix("!")
    }

    /// How a change of e-mail address is confirmed. The address is where password reset links go, so whoever holds
    /// a session alone must not redirect it: with a password of their own people confirm with it. Without one,
    /// while local passwords are on, a reset link to a new address would give its holder a password for the
    /// account: an administrator changes it. With local passwords off no reset links exist: the address only
    /// receives notices, and the person changes it without a password.
    private func emailConfirmation(_ user: User) throws -> ProfilePage.EmailConfirmation {
        if try hasOwnPassword(user) { return .password }
        return context.configuration.identity.localPasswords ? .administrator : .notNeeded
    }

    private func render(_ request: Request, user: User, notice: String?, errors: [(field: String, message: String)],
                        status: HTTPStatus, email: String? = nil) -> Response {
        var model = ProfilePage.Model(user: user, notice: notice, errors: errors,
                                      serverTimeZone: context.configuration.calendar.timeZone, now: context.clock())
        model.email = email ?? (try? context.mail.addresses.email(of: user.id)) ?? nil
        model.calendar = ProfileCalendarSection.render((try? context.calendarFeeds.feeds.feed(of: user.id)) ?? nil,
                                                       context: context.page(request))
        model.reminderMail = (try? context.noticeService.notices.reminderMail(of: user.id)) ?? true
        model.passwordChange = context.configuration.identity.localPasswords && ((try? hasOwnPassword(user)) ?? false)
        model.emailConfirmation = (try? emailConfirmation(user)) ?? .administrator
        if let status = try? context.secondFactors.status(of: user.id) {
            model.secondFactor = SecondFactorPages.profileSection(status, required: context.requiresSecondFactor(user),
                                                                  context: context.page(request))
        }
        let html = ProfilePage.render(model,
                                      context: context.page(request), stylesheet: context.stylesheet)
        return Response.html(html.rendered, status: status)
    }
}
