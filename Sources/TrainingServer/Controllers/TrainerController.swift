import Assessment
import Curriculum

/// Course authoring for trainers and admins: catalogue status and reload, previews with answer keys.
struct TrainerController {
    let context: ControllerContext
    private let staff: Set<Role> = [.trainer, .admin]

    func register(in router: inout Router) {
        router.get("/trainer") { request in
            _ = try context.requireRole(request, staff)
            let status = context.catalogue.status
            let page = context.page(request)
            let notice: String? = request.query["notice"] == "reloaded" ? page.t("trainer.reload.ok") : nil
            let model = TrainerHomePage.Model(catalogue: context.catalogue.catalogue, loadedAt: status.loadedAt,
                                              diagnostics: status.diagnostics, lastReloadFailed: status.lastReloadFailed,
                                              notice: notice, lastReload: status.lastReload)
            return Response.html(TrainerHomePage.render(model, context: page, stylesheet: context.stylesheet).rendered)
        }
        router.post("/trainer/reload") { request in
            let user = try context.requireRole(request, staff)
            let outcome = try context.reloadCatalogue(by: user)
            return Response.redirect(to: outcome.taken ? "/trainer?notice=reloaded" : "/trainer")
        }
        router.get("/trainer/courses/:course/modules/:module") { request in
            _ = try context.requireRole(request, staff)
            let course = try context.course(request)
            guard let module = course.module(ModuleID(try request.parameter("module"))) else { throw HTTPError.notFound }
            let page = context.page(request)
            guard let text = module.text(in: page.language) else { throw HTTPError.notFound }
            let model = ModulePage.Model(course: course, module: module, text: text,
                                         bodyHTML: context.catalogue.html(of: text, course: course.id), progress: nil,
                                         practiceQuiz: nil, isPreview: true,
                                         transcripts: context.catalogue.transcripts(of: module, in: page.language, course: course.id))
            // Previews record no study time: the learner's page, without the study script.
            return Response.html(ModulePage.render(model, context: page, stylesheet: context.stylesheet, script: nil).rendered)
        }
        router.get("/trainer/courses/:course/quizzes/:quiz") { request in
            _ = try context.requireRole(request, staff)
            let course = try context.course(request)
            guard let quiz = course.quiz(QuizID(try request.parameter("quiz"))) else { throw HTTPError.notFound }
            return Response.html(QuizPreviewPage.render(course: course, quiz: quiz, context: context.page(request),
                                                        stylesheet: context.stylesheet).rendered)
        }
        router.get("/trainer/courses/:course/quizzes/:quiz/statistics") { request in
            _ = try context.requireRole(request, staff)
            let course = try context.course(request)
            guard let quiz = course.quiz(QuizID(try request.parameter("quiz"))) else { throw HTTPError.notFound }
            let now = context.clock()
            let scored = try context.attempts.attempts(courseID: course.id.rawValue, quizID: quiz.id).compactMap { stored in
                (try? AttemptState(replaying: stored.attempt, against: quiz, now: now)).flatMap(ScoredAttempt.init)
            }
            let statistics = ItemStatistics.compute(scored)
            return Response.html(ItemStatisticsPage.render(course: course, quiz: quiz, statistics: statistics,
                                                           attemptCount: scored.count, context: context.page(request),
                                                           stylesheet: context.stylesheet).rendered)
        }
    }
}
