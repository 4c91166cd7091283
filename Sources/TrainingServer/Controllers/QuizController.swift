import Assessment
import Curriculum
import Foundation
import Logging

/// Taking quizzes in the browser: start page, answering (all on one page or one per page), the
/// check-your-answers page, submitting and the result. All rules live in `Assessment`; answers keys never
/// reach the page before the review policy allows, because pages render `LearnerAttemptView` only.
struct QuizController {
    let context: ControllerContext

    struct SaveResult: Encodable {
        /// A question whose saved answer cannot be read: what the page shows beside it and in its list of problems.
        struct Unreadable: Encodable {
            var question: Int
            var message: String
            var summary: String
        }

        var saved: Bool
        var sequence: Int
        var formKey: String
        /// Every question whose saved answer cannot be read (it would score 0), so the page can say so at once.
        var unreadable: [Unreadable]
    }

    func register(in router: inout Router) {
        router.get("/courses/:course/quizzes/:quiz", startPage)
        router.post("/courses/:course/quizzes/:quiz/attempts", start)
        router.get("/attempts", history)
        router.get("/attempts/:attempt", answerPage)
        router.post("/attempts/:attempt/save", bodyLimit: AnswerForm.bodyLimit, save)
        router.get("/attempts/:attempt/summary", summary)
        router.post("/attempts/:attempt/submit", submit)
        router.get("/attempts/:attempt/result", result)
    }

    // MARK: Start

    private func startPage(_ request: Request) throws -> Response {
        let user = try context.requireUser(request)
        let course = try context.course(request)
        let quiz = try self.quiz(request, in: course)
        let page = context.page(request)
        let history = try context.quizzes.history(user: user, quiz: quiz, course: course,
                                                  recent: QuizStartPage.recentAttempts)
        let open = history.openAttempt
        let daily = open == nil ? history.dailyRefusal : nil
        let refusal = open == nil ? refusalText(quiz: quiz, tally: history.tally, page: page, daily: daily) : nil
        let model = QuizStartPage.Model(course: course, quiz: quiz, questionCount: questionCount(quiz),
                                        attempts: history.recent.map(line(for:)), totalAttempts: history.tally.count,
                                        openAttempt: open, refusal: refusal, timeFactor: user.accommodationFactor,
                                        attemptsLeft: attemptsLeft(quiz: quiz, tally: history.tally))
        return Response.html(QuizStartPage.render(model, context: page, stylesheet: context.stylesheet).rendered)
    }

    private func start(_ request: Request) throws -> Response {
        let user = try context.requireUser(request)
        let course = try context.course(request)
        let quiz = try self.quiz(request, in: course)
        do {
            let stored = try context.quizzes.start(user: user, quiz: quiz, course: course, seed: UInt64.random(in: 0...UInt64.max))
            return Response.redirect(to: "/attempts/\(stored.attempt.id.rawValue)")
        } catch QuizService.Failure.refused(.attemptInProgress(let id)) {
            return Response.redirect(to: "/attempts/\(id.rawValue)")
        } catch QuizService.Failure.refused {
            return Response.redirect(to: "/courses/\(course.id.rawValue)/quizzes/\(quiz.id.rawValue)")
        }
    }

    // MARK: Answering

    private func answerPage(_ request: Request) throws -> Response {
        let (user, stored, course, quiz) = try load(request)
        let (current, state) = try context.quizzes.current(stored, quiz: quiz, course: course)
        if state.isClosed { return Response.redirect(to: "/attempts/\(current.attempt.id.rawValue)/result") }
        let page = context.page(request)
        let view = LearnerAttemptView(state, visibility: .nothing)
        let pageNumber = request.query["page"].flatMap(Int.init).map { min(max(1, $0), max(1, view.questions.count)) }
        var notice: String?
        switch request.query["notice"] {
        case "saved": notice = page.t("attempt.saved")
        case "stale": notice = page.t("attempt.stale")
        default: break
        }
        _ = user
        let shown = Set(view.questions.map(\.number).filter { pageNumber == nil || $0 == pageNumber })
        let focus = request.query["focus"].flatMap(Int.init).flatMap { shown.contains($0) ? $0 : nil }
        let answerFirst = request.query["answer_first"].flatMap(Int.init).flatMap { shown.contains($0) ? $0 : nil }
        let model = AttemptPage.Model(course: course, quiz: quiz, view: view, page: pageNumber,
                                      formKey: Tokens.random(bytes: 12), notice: notice, now: context.clock(),
                                      focus: focus, answerFirst: answerFirst)
        return Response.html(AttemptPage.render(model, context: page, stylesheet: context.stylesheet,
                                                script: context.assets.url("quiz.js")).rendered)
    }

    private func save(_ request: Request) throws -> Response {
        let (user, stored, course, quiz) = try loadForWrite(request)
        let form = try request.form()
        let (current, state) = try context.quizzes.current(stored, quiz: quiz, course: course)
        let base = "/attempts/\(current.attempt.id.rawValue)"
        let json = context.wantsJSON(request)
        if state.isClosed {
            if json { throw HTTPError(.conflict, "The attempt has ended") }
            return Response.redirect(to: base + "/result")
        }
        let pageNumber = form["page"].flatMap(Int.init)
        let responses = try AnswerForm.responses(form, state: state, page: pageNumber)
        let key = form["form_key"].flatMap { $0.isEmpty ? nil : $0 } ?? Tokens.random(bytes: 12)
        let sequence = form["sequence"].flatMap(Int.init)
        let go = form["go"] ?? "save"
        // Typed answers on this form that cannot be read (they would score 0): the page says so beside them.
        let unreadable = responses.compactMap { id, response -> (number: Int, changed: Bool)? in
            guard let question = state.question(id), question.question.unreadable(response) != nil else { return nil }
            return (question.number, question.response != response)
        }
        let checked = go.hasPrefix("check:") ? Int(go.dropFirst(6)) : nil
        var updated: StoredAttempt
        do {
            updated = try context.quizzes.save(current, state: state, responses: responses, expectedSequence: sequence,
                                               key: key, user: user, quiz: quiz, course: course)
            if let number = checked, !unreadable.contains(where: { $0.number == number }),
               let slot = state.questions.first(where: { $0.number == number }) {
                updated = try context.quizzes.act(updated, action: .check(question: slot.question.id), key: key + ":check",
                                                  user: user, quiz: quiz, course: course)
            }
        } catch QuizService.Failure.rejected(.nothingToCheck(let id)) {
            // "Check" without an answer: say so beside the question, not that the page is out of date.
            if json { throw HTTPError(.conflict, "Answer the question first") }
            guard let number = state.question(id)?.number else { return Response.redirect(to: base) }
            return Response.redirect(to: base + problemTarget(state, number: number, page: pageNumber, answerFirst: true))
        } catch QuizService.Failure.rejected(.staleSequence(let current, let received)) {
            context.logger.info("stale attempt page: sequence \(received), current \(current) request=\(request.id)")
            if json { throw HTTPError(.conflict, "This page is out of date") }
            return Response.redirect(to: base + "?notice=stale")
        } catch QuizService.Failure.rejected(.attemptClosed), QuizService.Failure.rejected(.deadlinePassed) {
            if json { throw HTTPError(.conflict, "The attempt has ended") }
            return Response.redirect(to: base + "/result")
        } catch QuizService.Failure.rejected(.invalidResponse(let id, let problem)) {
            return refusedAnswers(request, form: form, state: state, course: course, quiz: quiz, page: pageNumber,
                                  question: id, problem: problem, json: json)
        } catch QuizService.Failure.rejected(let rejection) {
            context.logger.info("attempt step refused: \(rejection) request=\(request.id)")
            // A repeated press or a question checked meanwhile: show the attempt as it now stands.
            if json { throw HTTPError(.conflict, "This answer cannot be saved") }
            return Response.redirect(to: base + (pageNumber.map { "?page=\($0)&notice=stale" } ?? "?notice=stale"))
        }
        if json {
            let (_, after) = try context.quizzes.current(updated, quiz: quiz, course: course)
            let page = context.page(request)
            let problems = LearnerAttemptView(after, visibility: .nothing).questions.compactMap { question -> SaveResult.Unreadable? in
                guard question.typedAnswer?.problem != nil,
                      let message = QuestionRendering.message(question, problem: nil, context: page) else { return nil }
                return SaveResult.Unreadable(question: question.number, message: message,
                                             summary: page.t("attempt.invalid_answer", ["number": String(question.number)]))
            }
            return Response.json(SaveResult(saved: true, sequence: updated.attempt.nextSequence, formKey: Tokens.random(bytes: 12),
                                            unreadable: problems))
        }
        if go == "finish" { return Response.redirect(to: base + "/summary") }
        // An unreadable answer brings the learner back to it: after saving or checking always, when moving to
        // another question only the first time it is typed (the summary lists it again before submitting).
        if let number = checked, unreadable.contains(where: { $0.number == number }) {
            return Response.redirect(to: base + problemTarget(state, number: number, page: pageNumber, answerFirst: false))
        }
        let moving = go.hasPrefix("page:")
        if checked == nil, let first = unreadable.first(where: { !moving || $0.changed }) {
            return Response.redirect(to: base + problemTarget(state, number: first.number, page: pageNumber, answerFirst: false))
        }
        if go.hasPrefix("page:"), let target = Int(go.dropFirst(5)) { return Response.redirect(to: base + "?page=\(target)") }
        if go.hasPrefix("check:") {
            let anchor = go.dropFirst(6)
            return Response.redirect(to: base + (pageNumber.map { "?page=\($0)" } ?? "") + "#question-\(anchor)")
        }
        return Response.redirect(to: base + (pageNumber.map { "?page=\($0)&notice=saved" } ?? "?notice=saved"))
    }

    private func summary(_ request: Request) throws -> Response {
        let (_, stored, course, quiz) = try load(request)
        let (current, state) = try context.quizzes.current(stored, quiz: quiz, course: course)
        if state.isClosed { return Response.redirect(to: "/attempts/\(current.attempt.id.rawValue)/result") }
        let page = context.page(request)
        let html = SubmitSummaryPage.render(view: LearnerAttemptView(state, visibility: .nothing),
                                            quizTitle: quiz.title.t(page), formKey: Tokens.random(bytes: 12),
                                            context: page, stylesheet: context.stylesheet)
        return Response.html(html.rendered)
    }

    private func submit(_ request: Request) throws -> Response {
        let (user, stored, course, quiz) = try loadForWrite(request)
        let form = try request.form()
        let key = form["form_key"].flatMap { $0.isEmpty ? nil : $0 } ?? Tokens.random(bytes: 12)
        do {
            _ = try context.quizzes.act(stored, action: .submit, key: "submit:" + key, user: user, quiz: quiz, course: course)
        } catch QuizService.Failure.rejected(.attemptClosed), QuizService.Failure.rejected(.deadlinePassed) {
            // Already closed (a repeated submit, or time ran out): the result page says which.
        }
        return Response.redirect(to: "/attempts/\(stored.attempt.id.rawValue)/result")
    }

    private func result(_ request: Request) throws -> Response {
        // The attempt and the person's history at its quiz in one read; anyone else's attempt is not found.
        let user = try context.requireUser(request)
        let catalogue = context.catalogue.catalogue
        guard let (current, state, course, quiz, history) = try context.quizzes.attemptWithHistory(
            AttemptID(try request.parameter("attempt")), user: user, find: { stored in
                guard let course = catalogue.course(CourseID(stored.courseID)),
                      let quiz = course.quiz(stored.attempt.quizID) else { return nil }
                return (course, quiz)
            }) else { throw HTTPError.notFound }
        guard state.isClosed else { return Response.redirect(to: "/attempts/\(current.attempt.id.rawValue)") }
        let visibility = ReviewVisibility.forLearner(quiz: quiz, attempt: state, learnerHasPassed: history.tally.hasPassed,
                                                     now: context.clock())
        let page = context.page(request)
        var credited: Double?
        if state.passed == true, course.completion.quiz == quiz.id {
            credited = CourseStatus.quizHours(of: course)
        }
        let refusal = refusalText(quiz: quiz, tally: history.tally, page: page,
                                  daily: history.dailyRefusal)
        let canRetake = refusal == nil && state.passed != true
        let model = ResultPage.Model(course: course, quiz: quiz, view: LearnerAttemptView(state, visibility: visibility),
                                     passed: state.passed == true, expired: state.closeReason == .expired,
                                     hoursCredited: credited.flatMap { $0 > 0 ? $0 : nil }, canRetake: canRetake,
                                     retakeNote: state.passed == true ? nil : refusal,
                                     attemptsLeft: attemptsLeft(quiz: quiz, tally: history.tally))
        return Response.html(ResultPage.render(model, context: page, stylesheet: context.stylesheet).rendered)
    }

    private func history(_ request: Request) throws -> Response {
        let user = try context.requireUser(request)
        let page = context.page(request)
        let catalogue = context.catalogue.catalogue
        // Attempts whose time ran out are closed first; closed ones are listed from their stored summaries.
        for stored in try context.attempts.openAttempts(userID: user.id, courseID: nil, quizID: nil) {
            guard let course = catalogue.course(CourseID(stored.courseID)),
                  let quiz = course.quiz(stored.attempt.quizID) else { continue }
            _ = try context.quizzes.current(stored, quiz: quiz, course: course)
        }
        let lines = try context.attempts.headers(userID: user.id).compactMap { header -> AttemptsPage.Line? in
            guard let course = catalogue.course(CourseID(header.courseID)),
                  let quiz = course.quiz(header.quizID) else { return nil }
            return AttemptsPage.Line(courseTitle: course.title.t(page), quizTitle: quiz.title.t(page),
                                     attempt: line(for: header))
        }
        return Response.html(AttemptsPage.render(lines, context: page, stylesheet: context.stylesheet).rendered)
    }

    // MARK: Helpers

    /// A save refused because an answer does not fit its question (a typed answer over the length limit, ...):
    /// nothing was stored. The page comes back (422) with every answer as the learner gave it and the message
    /// beside the question and in the list of problems; the page script gets the message as JSON.
    private func refusedAnswers(_ request: Request, form: Parameters, state: AttemptState, course: Course,
                                quiz: QuizDefinition, page pageNumber: Int?, question id: QuestionID,
                                problem: ResponseProblem, json: Bool) -> Response {
        let page = context.page(request)
        let number = state.question(id)?.number ?? 0
        let problemText = QuestionRendering.refusedMessage(problem, context: page)
        if json {
            return Response.json(APIModels.Problem(error: problemText, request: request.id), status: .unprocessableContent)
        }
        var view = LearnerAttemptView(state, visibility: .nothing)
        let given = AnswerForm.given(form, state: state, page: pageNumber)
        for index in view.questions.indices {
            if let response = given[view.questions[index].number] { view.questions[index].response = response }
        }
        let model = AttemptPage.Model(course: course, quiz: quiz, view: view, page: pageNumber,
                                      formKey: Tokens.random(bytes: 12), notice: nil, now: context.clock(),
                                      focus: number, answerFirst: nil, refused: [number: problem])
        return Response.html(AttemptPage.render(model, context: page, stylesheet: context.stylesheet,
                                                script: context.assets.url("quiz.js")).rendered,
                             status: .unprocessableContent)
    }

    /// The answer page's address (query and fragment) that shows the problem with question `number` beside it
    /// and puts the focus on its first input.
    private func problemTarget(_ state: AttemptState, number: Int, page: Int?, answerFirst: Bool) -> String {
        var query = page.map { "page=\($0)&" } ?? ""
        query += "focus=\(number)"
        if answerFirst { query += "&answer_first=\(number)" }
        let question = LearnerAttemptView(state, visibility: .nothing).questions.first { $0.number == number }
        return "?" + query + (question.map { "#" + QuestionRendering.firstInputID($0) } ?? "")
    }

    /// The attempt in the path, if it belongs to the signed-in person (anyone else gets 404, not 403, so ids
    /// reveal nothing), with its course and quiz.
    private func load(_ request: Request) throws -> (User, StoredAttempt, Course, QuizDefinition) {
        try context.ownAttempt(request)
    }

    /// `load` for a save or submit: the attempt as this server last read or stored it when it still knows it (the
    /// write reads it again and decides on what is stored then, `QuizService.perform`), else read now. Who owns it,
    /// its course and quiz never change.
    private func loadForWrite(_ request: Request) throws -> (User, StoredAttempt, Course, QuizDefinition) {
        let user = try context.requireUser(request)
        if let stored = context.quizzes.lastKnown(AttemptID(try request.parameter("attempt"))), stored.userID == user.id,
           let course = context.catalogue.catalogue.course(CourseID(stored.courseID)),
           let quiz = course.quiz(stored.attempt.quizID) {
            return (user, stored, course, quiz)
        }
        return try load(request)
    }

    private func quiz(_ request: Request, in course: Course) throws -> QuizDefinition {
        guard let quiz = course.quiz(QuizID(try request.parameter("quiz"))) else { throw HTTPError.notFound }
        return quiz
    }

    private func questionCount(_ quiz: QuizDefinition) -> Int {
        quiz.pools.reduce(0) { $0 + min($1.draw ?? $1.questions.count, $1.questions.count) }
    }

    /// The start page's line for one attempt, from its stored summary: the review policy always shows the score
    /// of a closed attempt (`ReviewVisibility.forLearner`) and nothing of an open one.
    private func line(for header: AttemptHeader) -> QuizStartPage.AttemptLine {
        QuizStartPage.AttemptLine(id: header.id, number: header.number, startedAt: header.startedAt,
                                  isClosed: header.isClosed, scorePercent: header.isClosed ? header.summary.fraction : nil,
                                  passed: header.isClosed ? header.summary.passed : nil)
    }

    /// How many more attempts the limit allows; nil without a limit. The limit counts from the latest pass, as
    /// `QuizService.start` applies it.
    private func attemptsLeft(quiz: QuizDefinition, tally: AttemptTally) -> Int? {
        guard let limit = quiz.maxAttempts else { return nil }
        return max(0, limit - tally.countedTowardsLimit)
    }

    /// Why no new attempt can start now, in words; nil when one can.
    private func refusalText(quiz: QuizDefinition, tally: AttemptTally, page: PageContext,
                             daily: StartRefusal? = nil) -> String? {
        if let limit = quiz.maxAttempts, attemptsLeft(quiz: quiz, tally: tally) == 0 {
            return page.t("quiz.refused.limit", ["limit": String(limit)])
        }
        if case .dailyLimitReached(let limit, let at)? = daily {
            return page.t("quiz.refused.daily", ["limit": String(limit), "time": Components.dateTime(at, page)])
        }
        if let closes = quiz.closesAt, context.clock() >= closes { return page.t("quiz.refused.closed") }
        if let lastClose = tally.lastClose, context.clock() < lastClose + Double(quiz.attemptDelay) {
            return page.t("quiz.refused.too_soon", ["time": Components.dateTime(lastClose + Double(quiz.attemptDelay), page)])
        }
        return nil
    }
}
