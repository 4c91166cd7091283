import Assessment
import Curriculum

/// Module pages and the study-time beats that measure time on them.
struct StudyController {
    let context: ControllerContext
    /// The fixed parts of module pages, for the running catalogue.
    let pages = ModulePage.Cache()

    struct BeatResult: Encodable {
        var seconds: Double
        var requiredSeconds: Double
        var completed: Bool
        var message: String
    }

    func register(in router: inout Router) {
        context.catalogue.onReload { [pages] _ in pages.invalidate() }
        router.get("/courses/:course/modules/:module") { [pages] request in
            // Taken before the catalogue is read, so that parts built from a catalogue a reload replaced are not kept.
            let kept = pages.snapshot()
            let user = try context.requireUser(request)
            let (course, module) = try locate(request)
            let page = context.page(request)
            guard let text = module.text(in: page.language) else { throw HTTPError.notFound }
            // Opening the page is itself a beat: without script, the time between loads counts (capped).
            let progress = try beat(request, user: user, course: course, module: module, gap: context.configuration.pageLoadGap)
            let practice = course.quizzes.first { $0.id.rawValue == "practice-\(module.id.rawValue)" }
            // The module's rendered text is read only when its page's fixed parts are built.
            var model = ModulePage.Model(course: course, module: module, text: text, bodyHTML: "",
                                         progress: progress, practiceQuiz: practice,
                                         transcripts: context.catalogue.transcripts(of: module, in: page.language, course: course.id),
                                         watched: module.media == nil ? [:] : try context.mediaWatch.state(
                                            userID: user.id, courseID: course.id.rawValue, moduleID: module.id.rawValue))
            let parts = pages.parts(course: course.id.rawValue, module: module.id.rawValue, language: page.language,
                                    from: kept) {
                model.bodyHTML = context.catalogue.html(of: text, course: course.id)
                return ModulePage.Parts(model, context: page)
            }
            return ModulePage.response(model, parts: parts, context: page, stylesheet: context.stylesheet,
                                       script: context.assets.url("study.js"), mediaScript: context.assets.url("media.js"))
        }
        router.post("/courses/:course/modules/:module/progress") { request in
            let user = try context.requireUser(request)
            let (course, module) = try locate(request)
            let fromScript = context.wantsJSON(request)
            let gap = fromScript ? context.configuration.heartbeatGap : context.configuration.pageLoadGap
            let progress = try beat(request, user: user, course: course, module: module, gap: gap)
            let page = context.page(request)
            let message = progress.isCompleted
                ? page.t("module.completed_note", ["hours": page.strings.number(module.hours)])
                : page.t("module.progress", ["done": String(Int(progress.seconds / 60)), "required": String(module.minutes)])
            if fromScript {
                return Response.json(BeatResult(seconds: progress.seconds, requiredSeconds: Double(module.minutes * 60),
                                                completed: progress.isCompleted, message: message))
            }
            return Response.redirect(to: "/courses/\(course.id.rawValue)/modules/\(module.id.rawValue)#study-status")
        }
    }

    private func locate(_ request: Request) throws -> (Course, Module) {
        let course = try context.course(request)
        guard let module = course.module(ModuleID(try request.parameter("module"))) else { throw HTTPError.notFound }
        return (course, module)
    }

    private func beat(_ request: Request, user: User, course: Course, module: Module, gap: Double) throws -> ModuleProgress {
        let now = context.clock()
        let progress = try context.learning.recordBeat(StudyBeat(
            userID: user.id, sessionKey: context.studySessionKey(request), courseID: course.id.rawValue,
            moduleID: module.id.rawValue, contentHash: module.contentHash, requiredSeconds: Double(module.minutes * 60),
            hours: module.hours, maximumGap: gap, now: now, year: context.configuration.calendar.year(of: now)))
        // Completing the last module can complete a course, and with it a certification.
        if progress.completedAt == now { try context.certification.refresh(userID: user.id) }
        return progress
    }
}
