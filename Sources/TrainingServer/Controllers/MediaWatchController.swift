import Curriculum
import Logging

/// Watch reports from the module page's player: the intervals of a recording the browser played, turned into
/// watched time by `MediaWatch`'s rules, completing the module when every recording reaches the module's share.
struct MediaWatchController {
    let context: ControllerContext

    struct Answer: Encodable {
        var media: String
        var watchedSeconds: Double
        var duration: Double
        var share: Double
        var frontier: Double
        var completed: Bool
        var message: String
    }

    struct Refusal: Encodable {
        var error: String
        var message: String
    }

    func register(in router: inout Router) {
        router.post("/courses/:course/modules/:module/watch", report)
        // The distribution: trainers and admins see every learner, HR readers their departments' people.
        router.get("/trainer/watching") { request in
            _ = try context.requireRole(request, [.trainer, .admin])
            return Response.html(WatchDistributionPage.renderIndex(catalogue: context.catalogue.catalogue, audience: .trainer,
                                                                   context: context.page(request),
                                                                   stylesheet: context.stylesheet).rendered)
        }
        router.get("/trainer/courses/:course/modules/:module/watching") { request in
            _ = try context.requireRole(request, [.trainer, .admin])
            return try distribution(request, audience: .trainer, scope: nil)
        }
        router.get("/hr/watching") { request in
            _ = try context.hrReader(request)
            return Response.html(WatchDistributionPage.renderIndex(catalogue: context.catalogue.catalogue, audience: .hr,
                                                                   context: context.page(request),
                                                                   stylesheet: context.stylesheet).rendered)
        }
        router.get("/hr/courses/:course/modules/:module/watching") { request in
            let (_, viewer, _) = try context.hrReader(request)
            return try distribution(request, audience: .hr, scope: viewer.scope)
        }
    }

    private func distribution(_ request: Request, audience: WatchDistributionPage.Audience, scope: AccessScope?) throws -> Response {
        let course = try context.course(request)
        guard let module = course.module(ModuleID(try request.parameter("module"))), let media = module.media else {
            throw HTTPError.notFound
        }
        let distribution = try context.mediaWatch.distribution(courseID: course.id.rawValue, module: module, media: media,
                                                               scope: scope)
        let model = WatchDistributionPage.Model(course: course, module: module, media: media, distribution: distribution,
                                                audience: audience)
        return Response.html(WatchDistributionPage.render(model, context: context.page(request),
                                                          stylesheet: context.stylesheet).rendered)
    }

    private func report(_ request: Request) throws -> Response {
        // A script's request: a signed-out person gets 401, not the login page.
        guard let user = request.context.user else { throw HTTPError.unauthorized }
        let course = try context.course(request)
        guard let module = course.module(ModuleID(try request.parameter("module"))), let media = module.media else {
            throw HTTPError.notFound
        }
        let page = context.page(request)
        let form = try request.form()
        guard let id = form["media"], let item = media.item(id) else {
            return refuse("unknown_media", page.t("watch.error.unknown_media"), user: user, request: request)
        }
        let ranges: [WatchInterval]
        do {
            ranges = try MediaWatch.parse(form["ranges"] ?? "")
        } catch .tooManyRanges {
            return refuse("too_many_ranges", page.t("watch.error.too_many_ranges", ["count": String(MediaWatch.maximumRanges)]),
                          user: user, request: request)
        } catch {
            return refuse("malformed_ranges", page.t("watch.error.ranges"), user: user, request: request)
        }
        // A page view held in memory is written first: the allowance counts from it, and the module's progress
        // must be in the database before watching completes it.
        try context.learning.writeHeldBeats(userID: user.id)
        let now = context.clock()
        let result = try context.mediaWatch.repository.report(WatchReport(
            userID: user.id, courseID: course.id.rawValue, module: module, media: media, item: item, ranges: ranges,
            now: now, year: context.configuration.calendar.year(of: now)))
        // Completing the last module can complete a course, and with it a certification.
        if result.completedNow {
            // A page view kept in memory holds the progress from before: the next one must read the completion.
            try context.learning.forgetHeldProgress(userID: user.id)
            try context.certification.refresh(userID: user.id)
        }
        let state = result.state
        context.logger.info("""
            watch report user=\(user.id) course=\(course.id.rawValue) module=\(module.id.rawValue) media=\(item.id) \
            credited=\(MediaWatch.decimal(result.outcome.credited)) refused=\(MediaWatch.decimal(result.outcome.refused)) \
            share=\(Components.percent(state.share))% completed=\(result.moduleCompleted)\(result.completedNow ? " now" : "") \
            request=\(request.id)
            """)
        return Response.json(Answer(media: item.id, watchedSeconds: state.watchedSeconds, duration: state.duration,
                                    share: state.share, frontier: state.frontier, completed: result.moduleCompleted,
                                    message: Self.message(state: state, media: media, module: module,
                                                          completed: result.moduleCompleted, page: page)))
    }

    /// The status line under the player: the share watched and the share required, or the completion.
    static func message(state: MediaWatchState, media: ModuleMedia, module: Module, completed: Bool,
                        page: PageContext) -> String {
        if completed { return page.t("module.completed_note", ["hours": page.strings.number(module.hours)]) }
        let watched = page.t("percent", ["value": String(state.wholePercent)])
        guard let required = media.watchShare else { return page.t("watch.status.no_rule", ["watched": watched]) }
        return page.t("watch.status", ["watched": watched,
                                       "required": page.t("percent", ["value": Components.percent(required)])])
    }

    private func refuse(_ code: String, _ message: String, user: User, request: Request) -> Response {
        context.logger.info("watch report refused user=\(user.id) reason=\(code) request=\(request.id)")
        return Response.json(Refusal(error: code, message: message), status: .badRequest)
    }
}
