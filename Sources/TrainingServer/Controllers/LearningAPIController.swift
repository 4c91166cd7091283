import Assessment
import Curriculum

/// `/api/v1` for the learner flows: catalogue, my progress, start an attempt, save answers, submit, result.
/// Bearer-token or session auth; the same rules and the same review policy as the pages.
struct LearningAPIController {
    let context: ControllerContext

    func register(in router: inout Router) {
        router.get("/api/v1/catalogue") { request in
            _ = try context.requireUser(request)
            return Response.json(context.catalogue.catalogue.courses.map(APIModels.CourseSummary.init))
        }
        router.get("/api/v1/progress") { request in
            let user = try context.requireUser(request)
            let year = context.configuration.calendar.year(of: context.clock())
            let hours = try context.learning.ledger(userID: user.id).filter { $0.year == year }.reduce(0) { $0 + $1.hours }
            // The progress of the person's held study beat in place of its module's row, as the dashboard reads it:
            // what writing the beat first would show, without a durable write on a read (a held beat never completes
            // a module, so the hours are those of the ledger). Taken before the read: a beat written meanwhile gives
            // the same row.
            let held = context.learning.heldProgress(userID: user.id)
            let stored = try context.storage.learning.progress(userID: user.id)
            let progress = held.map { DashboardController.progress(stored, with: $0) } ?? stored
            let outcomes = try context.attempts.outcomes(userID: user.id)
            let courses = context.courseLines(progress: progress, outcomes: outcomes).map { line in
                APIModels.Progress.CourseProgress(
                    id: line.course.id.rawValue, state: line.status.state.rawValue,
                    modulesCompleted: line.status.modulesCompleted, modulesTotal: line.course.modules.count,
                    itemsCompleted: line.status.itemsCompleted, itemsTotal: line.status.itemsTotal,
                    fraction: line.status.fraction, completionQuizPassed: line.status.completionQuizPassed,
                    modules: line.course.modules.map { module in
                        let progress = line.status.progress[module.id.rawValue]
                        return .init(id: module.id.rawValue, seconds: progress?.seconds ?? 0,
                                     requiredSeconds: Double(module.minutes * 60), completed: progress?.isCompleted == true)
                    })
            }
            return Response.json(APIModels.Progress(year: year, hoursThisYear: hours,
                                                    requiredHours: user.requiredHours ?? context.configuration.yearlyRequiredHours,
                                                    courses: courses))
        }
        router.post("/api/v1/courses/:course/quizzes/:quiz/attempts") { request in
            let user = try context.requireUser(request)
            let course = try context.course(request)
            guard let quiz = course.quiz(QuizID(try request.parameter("quiz"))) else { throw HTTPError.notFound }
            do {
                let stored = try context.quizzes.start(user: user, quiz: quiz, course: course,
                                                       seed: UInt64.random(in: 0...UInt64.max))
                return try attemptResponse(stored, user: user, course: course, quiz: quiz, status: .created)
            } catch QuizService.Failure.refused(let refusal) {
                return Response.json(APIModels.Problem(error: "attempt refused", reason: Self.describe(refusal)), status: .conflict)
            }
        }
        router.get("/api/v1/attempts/:attempt") { request in
            let (user, stored, course, quiz) = try load(request)
            return try attemptResponse(stored, user: user, course: course, quiz: quiz, status: .ok)
        }
        router.post("/api/v1/attempts/:attempt/answers", bodyLimit: AnswerForm.bodyLimit) { request in
            let (user, stored, course, quiz) = try load(request)
            let body = try request.decodeJSON(APIModels.SaveRequest.self)
            let (current, state) = try context.quizzes.current(stored, quiz: quiz, course: course)
            var responses: [(QuestionID, Assessment.Response)] = []
            var answered = Set<Int>()
            for answer in body.answers {
                let number = answer.question
                guard answered.insert(number).inserted else { return Self.invalid("question \(number) is answered twice") }
                guard let question = state.questions.first(where: { $0.number == number }) else {
                    return Self.invalid("this attempt has no question \(number)")
                }
                guard answer.kindsGiven == 1, let presented = answer.response else {
                    return Self.invalid("the answer to question \(number) must give exactly one of choice, choices, bool, "
                                        + "text and matches")
                }
                guard let authored = question.slot.authoredResponse(fromPresented: presented) else {
                    return Self.invalid("the answer to question \(number) names an option that is not on this attempt's paper")
                }
                responses.append((question.question.id, authored))
            }
            do {
                let updated = try context.quizzes.save(current, responses: responses, expectedSequence: body.sequence,
                                                       key: body.key, user: user, quiz: quiz, course: course)
                return try attemptResponse(updated, user: user, course: course, quiz: quiz, status: .ok)
            } catch QuizService.Failure.rejected(.invalidResponse(let id, let problem)) {
                return Self.invalid(Self.describe(problem, number: state.question(id)?.number ?? 0))
            } catch QuizService.Failure.rejected(let rejection) {
                return Response.json(APIModels.Problem(error: "answer refused", reason: String(describing: rejection)),
                                     status: .conflict)
            }
        }
        router.post("/api/v1/attempts/:attempt/submit") { request in
            let (user, stored, course, quiz) = try load(request)
            let body = try request.decodeJSON(APIModels.SubmitRequest.self)
            do {
                let updated = try context.quizzes.act(stored, action: .submit, key: "submit:" + body.key, user: user,
                                                      quiz: quiz, course: course)
                return try attemptResponse(updated, user: user, course: course, quiz: quiz, status: .ok)
            } catch QuizService.Failure.rejected(let rejection) {
                return Response.json(APIModels.Problem(error: "submit refused", reason: String(describing: rejection)),
                                     status: .conflict)
            }
        }
    }

    private func load(_ request: Request) throws -> (User, StoredAttempt, Course, QuizDefinition) {
        try context.ownAttempt(request)
    }

    private func attemptResponse(_ stored: StoredAttempt, user: User, course: Course, quiz: QuizDefinition,
                                 status: HTTPStatus) throws -> Response {
        let (current, state) = try context.quizzes.current(stored, quiz: quiz, course: course)
        let passedBefore = try context.attempts.tally(userID: user.id, courseID: course.id.rawValue, quizID: quiz.id)
            .hasPassed
        let visibility = ReviewVisibility.forLearner(quiz: quiz, attempt: state, learnerHasPassed: passedBefore,
                                                     now: context.clock())
        _ = current
        return Response.json(APIModels.Attempt(LearnerAttemptView(state, visibility: visibility), course: course.id.rawValue,
                                               passed: state.passed), status: status)
    }

    /// A 422 in the API's error format: an answer that does not fit its question; nothing was stored.
    static func invalid(_ reason: String) -> Response {
        Response.json(APIModels.Problem(error: "invalid answer", reason: reason), status: .unprocessableContent)
    }

    /// Why an answer does not fit question `number`, for the API's `reason`.
    static func describe(_ problem: ResponseProblem, number: Int) -> String {
        switch problem {
        case .tooLong(let length, let limit):
            return "the answer to question \(number) is \(length) characters long; at most \(limit) are accepted"
        case .wrongKind(let expected):
            let field = switch expected {
            case "single": "choice"
            case "multiple": "choices"
            case "truefalse": "bool"
            case "matching": "matches"
            default: "text"
            }
            return "question \(number) is a \(expected) question: answer it with \"\(field)\""
        case .unknownOption:
            // Never the id itself: it is the authored one, which the learner must not learn.
            return "the answer to question \(number) names an option the question does not have"
        }
    }

    static func describe(_ refusal: StartRefusal) -> String {
        switch refusal {
        case .attemptLimitReached(let limit): return "attempt limit of \(limit) reached"
        case .attemptInProgress(let id): return "attempt \(id.rawValue) is still open"
        case .tooSoon(let at): return "next attempt possible at \(Int(at))"
        case .dailyLimitReached(let limit, let at):
            return "daily limit of \(limit) attempts reached; next attempt possible at \(Int(at))"
        case .quizClosed: return "the quiz is closed"
        case .invalidTimeFactor: return "invalid accommodation factor"
        }
    }
}
