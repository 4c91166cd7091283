import Assessment
import Curriculum
import Foundation
import Logging

/// The web application: repositories, routes and middleware, answering one decoded request at a time.
/// Holds no per-request state between requests, so several instances can serve one database.
public final class Application: Sendable {
    public let configuration: ApplicationConfiguration
    /// The database: every repository, and the health check, backups and change stamps (`StorageEngine`).
    public let storage: any StorageEngine
    public let users: any UserRepository
    public let departments: any DepartmentRepository
    public let sessions: any SessionRepository
    public let apiTokens: any APITokenRepository
    public let audit: any AuditLog
    public let throttle: LoginThrottle
    public let hasher: PasswordHasher
    public let strings: Localization
    public let assets: StaticAssets
    public let metrics: Metrics
    public let logger: Logger
    public let clock: @Sendable () -> Double
    public let catalogue: CatalogueHolder
    public let learning: any LearningRepository
    public let attempts: any AttemptRepository
    public let quizzes: QuizService
    public let reports: any ReportRepository
    public let certificationRepository: any CertificationRepository
    public let certification: CertificationService
    public let issuer: CertificateIssuer
    public let mail: MailService
    public let settings: SettingsService
    private let routes: Router
    private let quickAnswers: OpsController.Answers
    private let requestLog: RequestLog
    private let handler: Handler
    private let securityHeaders: SecurityHeadersMiddleware

    /// Brings derived data up to date with the configuration before serving: the reports' study-hours aggregate
    /// is counted against the configured yearly requirement (a full recount only when it changed).
    public func prepare() throws {
        try reports.prepareAggregates(requiredHours: configuration.yearlyRequiredHours)
        try AssignmentService(repository: storage.assignments, catalogue: { [catalogue] in catalogue.catalogue },
                              calendar: PlanCalendar(configuration.calendar), clock: clock).start()
    }

    /// The application on `storage`, whose repositories stamp what they write with the same `clock`.
    public init(configuration: ApplicationConfiguration, storage: any StorageEngine, catalogue: CatalogueHolder,
                issuer: CertificateIssuer, logger: Logger,
                clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.configuration = configuration
        self.storage = storage
        // Signed-in pages resume their session from a short-lived cache that this instance's changes keep current.
        let sessionCache = SessionCache(changes: storage.accountChanges, stampInterval: ChangeStampWatch.serverInterval)
        self.users = SessionCachingUserRepository(storage.users, cache: sessionCache)
        self.departments = storage.departments
        self.sessions = CachedSessionRepository(storage.sessions, cache: sessionCache)
        self.apiTokens = storage.apiTokens
        self.audit = storage.audit
        self.throttle = LoginThrottle(store: storage.loginFailures, policy: configuration.loginThrottle)
        self.hasher = PasswordHasher()
        self.strings = Localization.shipped
        let securityHeaders = SecurityHeadersMiddleware(secure: configuration.secure,
                                                        formActionOrigins: configuration.identity.formActionOrigins)
        self.securityHeaders = securityHeaders
        self.assets = StaticAssets.shipped().prepared(with: securityHeaders.prepare)
        let metrics = Metrics()
        self.metrics = metrics
        self.logger = logger
        self.requestLog = RequestLog(logger: logger, metrics: metrics)
        self.clock = clock
        self.catalogue = catalogue
        // Page views within a few seconds of the last written study beat are held, not written (same seconds).
        self.learning = CoalescingLearningRepository(storage.learning)
        self.attempts = storage.attempts
        // The platform's identity (/admin/settings); credentials and the issuer profile carry its issuer name.
        let settings = SettingsService(repository: storage.settings, changes: storage.settingsChanges,
                                       configuredIssuerName: issuer.profile.name,
                                       stampInterval: ChangeStampWatch.serverInterval, clock: clock)
        self.settings = settings
        let issuer = issuer.named { settings.current().credentialIssuerName }
        self.issuer = issuer
        self.certificationRepository = storage.certifications
        let certification = CertificationService(repository: certificationRepository, learning: learning, users: users,
                                                 catalogue: catalogue, issueCredential: issuer.sign, clock: clock)
        self.certification = certification
        let logger = logger
        self.quizzes = QuizService(attempts: attempts, learning: learning, calendar: configuration.calendar, clock: clock,
                                   onResultChange: { userID in
                                       do { try certification.refresh(userID: userID) } catch {
                                           logger.error("certification refresh failed for user \(userID): \(error)")
                                       }
                                   })
        self.reports = storage.reports
        let mail = MailService(settings: configuration.mail, storage: storage, counters: metrics.mail, logger: logger, clock: clock)
        let resets = PasswordResets(storage: storage, strings: strings, publicURL: configuration.publicURL,
                                    mailEnabled: mail.isConfigured, clock: clock)
        mail.addProducer { try resets.handleRequests() }
        WeeklyDigest.register(with: mail, configuration: configuration, storage: storage, strings: strings,
                              catalogue: catalogue, logger: logger, clock: clock)
        self.mail = mail

        var router = Router()
        let context = ControllerContext(configuration: configuration, storage: storage, users: users,
                                        departments: departments, sessions: sessions, apiTokens: apiTokens,
                                        audit: audit, throttle: throttle, hasher: hasher, strings: strings,
                                        assets: assets, metrics: metrics, logger: logger, clock: clock,
                                        catalogue: catalogue, learning: learning, attempts: attempts, quizzes: quizzes,
                                        reports: reports, certificationRepository: certificationRepository,
                                        certification: certification, issuer: issuer, mail: mail, settings: settings)
        let ops = OpsController(context: context)
        self.quickAnswers = ops.answers
        ops.register(in: &router)
        AuthController(context: context).register(in: &router)
        OIDCController(context: context).register(in: &router)
        CASController(context: context).register(in: &router)
        DashboardController(context: context).register(in: &router)
        CourseController(context: context).register(in: &router)
        StudyController(context: context).register(in: &router)
        MediaWatchController(context: context).register(in: &router)
        QuizController(context: context).register(in: &router)
        ProfileController(context: context).register(in: &router)
        TrainerController(context: context).register(in: &router)
        CertificateController(context: context).register(in: &router)
        ProgramController(context: context).register(in: &router)
        HRController(context: context).register(in: &router)
        AdminController(context: context).register(in: &router)
        PasswordController(context: context).register(in: &router)
        AdminSettingsController(context: context).register(in: &router)
        AdminPeopleController(context: context).register(in: &router)
        AdminAuditController(context: context).register(in: &router)
        AdminSystemController(context: context).register(in: &router)
        AdminDepartmentsController(context: context).register(in: &router)
        AdminStaffImportController(context: context).register(in: &router)
        AdminMailController(context: context).register(in: &router)
        PlanRequirementsController(context: context).register(in: &router)
        CalendarController(context: context).register(in: &router)
        NoticesController(context: context).register(in: &router)
        AnnouncementsController(context: context).register(in: &router)
        PlanMemberController(context: context).register(in: &router)
        PlanRequestsController(context: context).register(in: &router)
        DueController(context: context).register(in: &router)
        PlanProgressController(context: context).register(in: &router)
        HRAPIController(context: context).register(in: &router)
        AccountAPIController(context: context).register(in: &router)
        LearningAPIController(context: context).register(in: &router)
        PlanController(context: context).register(in: &router)
        PlanAPIController(context: context).register(in: &router)
        // Security headers sit outside the request log, which turns every error into a response, so no answer
        // (not even a bare 500) leaves without them.
        let middleware: [any Middleware] = [
            securityHeaders,
            RequestLogMiddleware(logger: logger, metrics: metrics, strings: strings),
            LanguageMiddleware(),
            AuthenticationMiddleware(context: context),
            ErrorPageMiddleware(context: context),
            CSRFMiddleware(),
        ]
        self.routes = router
        self.handler = middleware.wrapping { request in
            switch request.context.match {
            case .found(_, _, let handler): return try handler(request)
            case .methodNotAllowed(let allowed):
                throw HTTPError(.methodNotAllowed, "Method not allowed",
                                headers: ["Allow": allowed.map(\.rawValue).joined(separator: ", ")])
            case .notFound, nil:
                throw HTTPError.notFound
            }
        }
    }

    /// The short path for health checks, metrics and static files: no session lookup, language or CSRF.
    private func lightweight(_ request: Request, route: String, handler: Handler) -> Response {
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try handler(request)
        } catch let error as HTTPError {
            response = Response.text(error.message + "\n", status: error.status)
        } catch {
            response = Response.text("Internal Server Error (\(request.id))\n", status: .internalServerError)
        }
        securityHeaders.apply(to: &response)
        requestLog.finish(method: request.method.rawValue, id: request.id, route: route, status: response.status.rawValue,
                          since: start)
        return response
    }

    /// The quick path (`HTTPServer.QuickResponder`): health checks and static files answered with their prepared
    /// responses before the request is decoded, with the same log line and metrics as the short path above.
    /// Anything else (nil) goes the ordinary way.
    public func quickRespond(_ request: QuickRequest) -> QuickRequest.Sent? {
        let start = ContinuousClock.now
        return quickAnswers.withQuickAnswer(request) { route, answer in
            let sent = request.send(answer)
            requestLog.finish(method: request.method.rawValue, id: request.id, route: route, status: answer.status.rawValue,
                              since: start)
            return sent
        }
    }

    /// The route label of requests refused before routing (`refuse`), in the log and in `/metrics`.
    public static let unroutedRoute = "unrouted"

    /// Answers a request the server refused before routing (`HTTPServer.Refuser`): a body over the limit, an unknown
    /// method (405, with the methods the path does have in `Allow`), a target or header that does not decode. JSON
    /// under `/api/`, plain text elsewhere, with the security headers; logged and counted under the route `unrouted`
    /// (an unknown method as `OTHER`), like every answer.
    public func refuse(_ refusal: Refusal) -> Response {
        let start = ContinuousClock.now
        let id = refusal.id.description
        var response = RequestLogMiddleware.error(refusal.error.message, status: refusal.error.status,
                                                  target: refusal.target, id: id)
        for (name, value) in refusal.error.headers { response.headers.add(name, value) }
        if refusal.error.status == .methodNotAllowed && !response.headers.contains("Allow") {
            let pathPart = refusal.target.prefix { $0 != "?" }
            let path = (try? PercentDecoding.decode(pathPart, plusAsSpace: false)) ?? ""
            response.headers.add("Allow", routes.allowedMethods(path: path).map(\.rawValue).joined(separator: ", "))
        }
        securityHeaders.apply(to: &response)
        requestLog.finish(method: refusal.method?.rawValue ?? "OTHER", id: id, route: Self.unroutedRoute,
                          status: response.status.rawValue, since: start)
        return response
    }

    /// The largest body a request for `method` and raw `target` may have (`HTTPServer.BodyLimiter`): its route's
    /// limit, `Router.defaultBodyLimit` for a route without one and for a target that names no route or does not
    /// decode (it is refused without its body).
    public func bodyLimit(method: String, target: String) -> Int {
        guard let method = HTTPMethod(rawValue: method),
              let path = try? PercentDecoding.decode(target.prefix { $0 != "?" }, plusAsSpace: false) else {
            return Router.defaultBodyLimit
        }
        return routes.bodyLimit(method: method, path: path)
    }

    /// Answers a request; never throws (errors become error responses).
    public func respond(_ request: Request) -> Response {
        var request = request
        request.clientAddress = configuration.trustedProxies.clientAddress(peer: request.clientAddress,
                                                                           forwardedFor: request.headers.values("X-Forwarded-For"))
        var match = routes.match(method: request.method, path: request.path)
        // `/metrics` is not revealed to clients that may not read it: they get the answer of an unknown path.
        if case .found("/metrics", _, _) = match,
           OpsController.metricsAccess(request, token: configuration.metricsToken) == .hidden {
            match = .notFound
        }
        if case .found(let route, let parameters, _) = match {
            request.route = route
            request.parameters = parameters
        }
        request.context.match = match
        if case .found(let route, _, let handler) = match, routes.isLightweight(route) {
            return lightweight(request, route: route, handler: handler)
        }
        do {
            var response = try handler(request)
            Gzip.compressDynamic(&response, acceptEncoding: request.headers["Accept-Encoding"])
            return response
        } catch {
            // RequestLogMiddleware converts every error; this is the last line of defence.
            return Response.text("Internal Server Error\n", status: .internalServerError)
        }
    }
}

/// Everything a controller may use. Controllers receive this value, never the `Application`.
public struct ControllerContext: Sendable {
    public let configuration: ApplicationConfiguration
    /// The database's repositories and checks; the fields below are the ones most handlers use (some wrapped in
    /// caches: prefer them to the engine's own).
    public let storage: any StorageEngine
    public let users: any UserRepository
    public let departments: any DepartmentRepository
    public let sessions: any SessionRepository
    public let apiTokens: any APITokenRepository
    public let audit: any AuditLog
    public let throttle: LoginThrottle
    public let hasher: PasswordHasher
    public let strings: Localization
    public let assets: StaticAssets
    public let metrics: Metrics
    public let logger: Logger
    public let clock: @Sendable () -> Double
    public let catalogue: CatalogueHolder
    public let learning: any LearningRepository
    public let attempts: any AttemptRepository
    public let quizzes: QuizService
    public let reports: any ReportRepository
    public let certificationRepository: any CertificationRepository
    public let certification: CertificationService
    public let issuer: CertificateIssuer
    /// Mail delivery (off unless `serve --smtp-url` is given) and its outbox.
    public let mail: MailService
    /// The platform's identity: organisation, logo, accent colour, issuer name and seal, help contact.
    public let settings: SettingsService

    /// The session cookie's name: `__Host-` prefixed under TLS.
    public var sessionCookieName: String { configuration.secure ? "__Host-csa_session" : "csa_session" }
    public var stylesheet: String { assets.url("style.css") }

    /// The frame values for a page answering `request`.
    public func page(_ request: Request) -> PageContext {
        PageContext(language: request.context.language, user: request.context.user,
                    // A session's secret is masked afresh on every page (compression must not reveal it, see
                    // docs/security.md); an anonymous form's token is the visitor's own cookie, echoed as it is.
                    csrfToken: request.context.session == nil ? request.context.csrfToken
                        : Tokens.masked(request.context.csrfToken),
                    currentPath: request.target, strings: strings,
                    timeZone: request.context.user?.timeZone.flatMap(StudyCalendar.zone(named:)) ?? configuration.calendar.timeZone,
                    settings: settings.current())
    }

    /// A cookie header value with the platform's attributes.
    public func cookie(_ name: String, _ value: String, maxAge: Int? = nil, httpOnly: Bool = true) -> String {
        var parts = ["\(name)=\(value)", "Path=/", "SameSite=Lax"]
        if httpOnly { parts.append("HttpOnly") }
        if configuration.secure { parts.append("Secure") }
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        return parts.joined(separator: "; ")
    }

    /// The signed-in person, or an error that sends a browser to the login page (401 for the API).
    public func requireUser(_ request: Request) throws -> User {
        if let user = request.context.user { return user }
        if request.path.hasPrefix("/api/") { throw HTTPError.unauthorized }
        throw HTTPError(.seeOther, "", headers: ["Location": "/login?next=\(PercentDecoding.encode(request.target))"])
    }

    /// A local path to return to, or "/" when `next` is missing or points elsewhere.
    public static func safeNext(_ next: String?) -> String {
        // Browsers drop tabs and newlines from URLs, so "/<TAB>/evil.example" would become "//evil.example":
        // refuse every control character and backslash outright.
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"),
              !next.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "\\" }) else { return "/" }
        return next
    }
}
