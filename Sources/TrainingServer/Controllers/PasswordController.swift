import Foundation
import Logging

/// Password reset links: asking for one (`/password/forgot`), using one (`/password/reset/{token}`) and an
/// administrator making one for a person in their scope (`POST /admin/people/{id}/password-reset`).
struct PasswordController {
    let context: ControllerContext

    private var resets: PasswordResets {
        PasswordResets(storage: context.storage, strings: context.strings, publicURL: context.configuration.publicURL,
                       mailEnabled: context.mail.isConfigured, clock: context.clock)
    }

    func register(in router: inout Router) {
        guard context.configuration.identity.localPasswords else {
            // Passwords live in the directory or identity platform: every reset route says so.
            for path in ["/password/forgot", "/password/reset/:token"] {
                router.get(path, managedElsewhere)
                router.add(.post, path, bodyLimit: 4096, managedElsewhere)
            }
            router.add(.post, "/admin/people/:id/password-reset", bodyLimit: 4096) { request in
                _ = try context.adminScope(request)  // still only for administrators
                return try managedElsewhere(request)
            }
            return
        }
        router.get("/password/forgot") { request in
            let state: PasswordForgotPage.State = !context.mail.isConfigured ? .noMail
                : request.query["sent"] == "1" ? .sent : .form(identifier: "", errors: [])
            return forgotPage(request, state, status: .ok)
        }
        router.add(.post, "/password/forgot", bodyLimit: 4096, forgot)
        router.get("/password/reset/:token") { request in
            let token: String = try request.parameter("token")
            guard let user = try resets.account(forToken: token) else { return unusable(request) }
            return resetPage(request, user: user, token: token, errors: [], status: .ok)
        }
        router.add(.post, "/password/reset/:token", bodyLimit: 4096, reset)
        router.add(.post, "/admin/people/:id/password-reset", bodyLimit: 4096, adminLink)
    }

    private func forgot(_ request: Request) throws -> Response {
        guard context.mail.isConfigured else { throw HTTPError.notFound }
        let identifier = (try request.form()["identifier"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let page = context.page(request)
        guard !identifier.isEmpty, identifier.count <= 254,
              !identifier.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            let message = page.t(identifier.isEmpty ? "password.forgot.error.missing" : "password.forgot.error.invalid")
            return forgotPage(request, .form(identifier: String(identifier.prefix(254)), errors: [("identifier", message)]),
                              status: .unprocessableContent)
        }
        switch try resets.request(identifier: identifier, clientAddress: request.clientAddress) {
        case .queued:
            context.mail.wake()
        case .ignored:
            break
        case .throttled(let retryAfter):
            context.logger.warning("password reset requests throttled address=\(request.clientAddress)")
            let message = page.t("login.error.throttled", ["minutes": String((retryAfter + 59) / 60)])
            var response = forgotPage(request, .form(identifier: identifier, errors: [("identifier", message)]),
                                      status: .tooManyRequests)
            response.headers.add("Retry-After", String(retryAfter))
            return response
        }
        return Response.redirect(to: "/password/forgot?sent=1")
    }

    private func reset(_ request: Request) throws -> Response {
        let token: String = try request.parameter("token")
        guard let user = try resets.account(forToken: token) else { return unusable(request) }
        let form = try request.form()
        let page = context.page(request)
        let new = form["new_password"] ?? ""
        let errors = NewPasswordForm.problems(form, page: page)
        guard errors.isEmpty else {
            return resetPage(request, user: user, token: token, errors: errors, status: .unprocessableContent)
        }
        // Used up between the check and now (another tab, a newer link): nothing changed.
        guard let userID = try resets.redeem(token: token, newHash: try context.hasher.hash(new)) else {
            return unusable(request)
        }
        context.logger.info("password reset user=\(userID)")
        // Signed in afresh as at sign-in (whatever session this browser had ends), the second step included: a
        // link in a mailbox is no way around two-step sign-in.
        guard let user = try context.users.find(id: userID) else { return unusable(request) }
        return try context.beginSession(request, user: user, method: .password, next: "/profile?notice=password")
    }

    private func adminLink(_ request: Request) throws -> Response {
        let scope = try context.adminScope(request)
        guard let id = Int64(try request.parameter("id") as String),
              let person = try context.users.find(id: UserID(rawValue: id)), scope.manages(person) else {
            throw HTTPError.notFound
        }
        let resets = resets
        let link: PasswordResets.IssuedLink
        do {
            link = try resets.issue(for: person, origin: .admin, by: AuditActor(scope.user))
        } catch PasswordResets.Failure.disabled {
            let html = AdminPasswordResetLinkPage.renderDisabled(person: person, context: context.page(request),
                                                                 stylesheet: context.stylesheet)
            return Response.html(html.rendered, status: .conflict)
        }
        context.logger.info("password reset link made user=\(person.id) by=\(scope.user.id)")
        let mailing: AdminPasswordResetLinkPage.Mailing
        if let address = link.mailedTo {
            mailing = .mailed(address)
            context.mail.wake()
        } else {
            mailing = context.mail.isConfigured ? .noAddress : .mailOff
        }
        let html = AdminPasswordResetLinkPage.render(person: person, link: link, mailing: mailing,
                                                     context: context.page(request), stylesheet: context.stylesheet)
        return Response.html(html.rendered)
    }

    private func managedElsewhere(_ request: Request) throws -> Response {
        Response.html(PasswordResetPage.renderManagedElsewhere(context: context.page(request),
                                                               stylesheet: context.stylesheet).rendered,
                      status: .gone)
    }

    private func forgotPage(_ request: Request, _ state: PasswordForgotPage.State, status: HTTPStatus) -> Response {
        Response.html(PasswordForgotPage.render(state, context: context.page(request), stylesheet: context.stylesheet).rendered,
                      status: status)
    }

    private func resetPage(_ request: Request, user: User, token: String, errors: [(field: String, message: String)],
                           status: HTTPStatus) -> Response {
        Response.html(PasswordResetPage.render(user: user, token: token, errors: errors, context: context.page(request),
                                               stylesheet: context.stylesheet).rendered, status: status)
    }

    private func unusable(_ request: Request) -> Response {
        Response.html(PasswordResetPage.renderUnusable(context: context.page(request), stylesheet: context.stylesheet,
                                                       mailConfigured: context.mail.isConfigured).rendered,
                      status: .gone)
    }
}
