import Foundation
import Logging

/// Sign-in through the identity platform over CAS 3.0 (`serve --cas-url`): the browser goes to the CAS server's
/// login page and comes back to the service URL with a ticket, which the platform validates with the CAS server
/// itself; the CAS server's single-logout requests, posted to the same URL, end the sessions begun with their
/// ticket. Every path answers 404 when CAS is not configured.
struct CASController {
    let context: ControllerContext

    /// The largest single-logout request body taken (a LogoutRequest is well under 1 KB).
    static let logoutBodyLimit = 16 * 1024

    func register(in router: inout Router) {
        router.get("/login/cas", start)
        router.get(CASSettings.callbackPath, callback)
        router.post(CASSettings.callbackPath, bodyLimit: Self.logoutBodyLimit, singleLogout)
    }

    private func settings() throws -> CASSettings {
        guard let settings = context.configuration.identity.cas else { throw HTTPError.notFound }
        return settings
    }

    /// `GET /login/cas?next=…`: off to the CAS server's login page.
    private func start(_ request: Request) throws -> Response {
        let settings = try settings()
        let next = ControllerContext.safeNext(request.query["next"])
        if request.context.user != nil, request.context.authentication == .session {
            return Response.redirect(to: next)
        }
        let service = CASSettings.serviceURL(publicURL: context.configuration.publicURL, next: next)
        return Response.redirect(to: settings.loginURL(service: service))
    }

    /// `GET /login/cas/callback?ticket=ST-…&next=…`: the ticket validated at the CAS server, the person's account
    /// found (or created), a session begun.
    private func callback(_ request: Request) throws -> Response {
        let settings = try settings()
        let next = ControllerContext.safeNext(request.query["next"])
        let texts = context.page(request)
        let address = request.clientAddress
        func refuse(_ reason: String, _ key: String, _ status: HTTPStatus) -> Response {
            context.logger.warning("login refused method=cas reason=\(reason) address=\(address)")
            return context.signInRefused(request, message: texts.t(key), status: status, next: next)
        }
        guard let ticket = request.query["ticket"], !ticket.isEmpty else {
            return refuse("no-ticket", "login.cas.error.no_ticket", .badRequest)
        }
        guard CASTicket.isWellFormed(ticket) else { return refuse("ticket-malformed", "login.cas.error.refused", .unauthorized) }
        let service = CASSettings.serviceURL(publicURL: context.configuration.publicURL, next: next)
        let success: CASServiceResponse.Success
        switch CASClient(settings: settings).validate(ticket: ticket, service: service) {
        case .valid(let valid):
            success = valid
        case .refused(let code, _):
            // The server's message is not logged: it usually repeats the ticket.
            return refuse("ticket-refused code=\(Self.loggable(code))", "login.cas.error.refused", .unauthorized)
        case .unreachable(let why):
            context.logger.error("CAS server unreachable method=cas: \(why)")
            return refuse("unreachable", "login.cas.error.unavailable", .serviceUnavailable)
        case .malformed(let why):
            context.logger.error("CAS server answer malformed method=cas: \(why)")
            return refuse("malformed-answer", "login.cas.error.malformed", HTTPStatus(rawValue: 502))
        }
        let profile = settings.profile(success)
        switch try context.provisioner.account(for: profile, policy: settings.provisioning,
                                               defaultDepartment: settings.defaultDepartment) {
        case .success(let user):
            return try context.beginSession(request, user: user, method: .cas, providerSession: Tokens.digest(ticket),
                                            next: next)
        case .failure(.noAccount):
            return refuse("no-account", "login.cas.error.no_account", .forbidden)
        case .failure(.disabled):
            return refuse("disabled", "login.cas.error.disabled", .forbidden)
        case .failure(.invalid(let why)):
            context.logger.warning("CAS profile unusable method=cas: \(why)")
            return refuse("invalid-profile", "login.cas.error.invalid", .forbidden)
        }
    }

    /// `POST /login/cas/callback` with `logoutRequest=<samlp:LogoutRequest …>`: the CAS server says the person
    /// signed out there; the sessions begun with that ticket end. Answers without calling anything back (the CAS
    /// server may be waiting for this answer before it serves anyone else). A request that does not parse ends
    /// nothing.
    private func singleLogout(_ request: Request) throws -> Response {
        _ = try settings()
        guard let form = try? request.form(), let xml = form["logoutRequest"],
              let ticket = CASLogoutRequest.sessionIndex(xml) else {
            context.logger.warning("single logout refused method=cas reason=malformed address=\(request.clientAddress)")
            return Response.text("Not a CAS logout request\n", status: .badRequest)
        }
        let ended = try context.sessions.delete(providerSession: Tokens.digest(ticket))
        context.logger.info("single logout method=cas sessions=\(ended)")
        return Response.text("OK\n")
    }

    /// A failure code as the log shows it: letters, digits and `_` only, at most 64.
    static func loggable(_ code: String) -> String {
        String(code.unicodeScalars.filter { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" }
            .prefix(64).map(Character.init))
    }
}
