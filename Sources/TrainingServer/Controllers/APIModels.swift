import Assessment
import Curriculum

/// The JSON shapes of `/api/v1` (documented in docs/openapi.yaml). Built from the same values the pages use,
/// so the API can show no more than the pages do.
enum APIModels {
    struct Text: Encodable {
        var zh: String?
        var en: String?
        init(_ text: LocalizedText) { zh = text.zh; en = text.en }
    }

    struct CourseSummary: Encodable {
        struct ModuleSummary: Encodable { var id: String; var title: Text; var minutes: Int; var hours: Double }
        struct QuizSummary: Encodable {
            var id: String
            var title: Text
            var mode: String
            var passMark: Double
            var timeLimitMinutes: Double?
            var maxAttempts: Int?
            var completesCourse: Bool
        }
        var id: String
        var version: Int
        var title: Text
        var summary: Text
        var studyHours: Double
        var modules: [ModuleSummary]
        var quizzes: [QuizSummary]

        init(_ course: Course) {
            id = course.id.rawValue
            version = course.version
            title = Text(course.title)
            summary = Text(course.summary)
            studyHours = course.studyHours
            modules = course.modules.map { ModuleSummary(id: $0.id.rawValue, title: Text($0.title), minutes: $0.minutes, hours: $0.hours) }
            quizzes = course.quizzes.map { quiz in
                QuizSummary(id: quiz.id.rawValue, title: Text(quiz.title),
                            mode: quiz.behaviour == .immediateFeedback ? "practice" : "exam", passMark: quiz.passMark,
                            timeLimitMinutes: quiz.timeLimit.map { Double($0) / 60 }, maxAttempts: quiz.maxAttempts,
                            completesCourse: course.completion.quiz == quiz.id)
            }
        }
    }

    struct Progress: Encodable {
        struct CourseProgress: Encodable {
            struct ModuleState: Encodable { var id: String; var seconds: Double; var requiredSeconds: Double; var completed: Bool }
            var id: String
            var state: String
            var modulesCompleted: Int
            var modulesTotal: Int
            /// Steps done and in all: the modules and the completion quiz (what `fraction` is counted from).
            var itemsCompleted: Int
            var itemsTotal: Int
            var fraction: Double
            var completionQuizPassed: Bool
            var modules: [ModuleState]
        }
        var year: Int
        var hoursThisYear: Double
        var requiredHours: Double
        var courses: [CourseProgress]
    }

    /// An answer in presented ids, tagged by kind.
    struct Answer: Codable {
        var question: Int
        var choice: String?
        var choices: [String]?
        var bool: Bool?
        var text: String?
        var matches: [String: String]?

        /// How many of the kinds' fields are set: an answer gives exactly one.
        var kindsGiven: Int {
            [choice != nil, choices != nil, bool != nil, text != nil, matches != nil].filter { $0 }.count
        }

        var response: Assessment.Response? {
            if let choice { return .choice(choice) }
            if let choices { return .choices(Set(choices)) }
            if let bool { return .bool(bool) }
            if let text { return .text(text) }
            if let matches { return .matches(matches) }
            return nil
        }
    }

    struct SaveRequest: Decodable {
        var sequence: Int?
        var key: String
        var answers: [Answer]
    }

    struct SubmitRequest: Decodable {
        var key: String
    }

    struct Attempt: Encodable {
        struct Score: Encodable { var mark: Double; var maxMark: Double; var fraction: Double; var passed: Bool }
        struct Choice: Encodable { var id: String; var text: Text }
        struct Question: Encodable {
            var number: Int
            var kind: String
            var text: Text
            var maxMark: Double
            var choices: [Choice]
            var prompts: [Choice]
            var response: Answer?
            var locked: Bool
            var state: String
            var mark: Double?
            var feedback: [Text]?
            var rightAnswer: RightAnswerJSON?
            var explanation: Text?
        }
        var id: String
        var number: Int
        var quiz: String
        var course: String
        var mode: String
        var startedAt: Double
        var deadline: Double?
        var closed: Bool
        var closedAt: Double?
        var passed: Bool?
        var sequence: Int
        var maxMark: Double
        var score: Score?
        var questions: [Question]

        init(_ view: LearnerAttemptView, course: String, passed: Bool?) {
            id = view.attemptID.rawValue
            number = view.number
            quiz = view.quizID.rawValue
            self.course = course
            mode = view.behaviour == .immediateFeedback ? "practice" : "exam"
            startedAt = view.startedAt
            deadline = view.deadline
            closed = view.isClosed
            closedAt = view.closedAt
            self.passed = view.isClosed ? passed : nil
            sequence = view.nextSequence
            maxMark = view.maxMark
            score = view.score.map { Score(mark: $0.mark, maxMark: $0.maxMark, fraction: $0.fraction, passed: $0.passed) }
            questions = view.questions.map { question in
                Question(number: question.number, kind: question.kind.rawValue, text: Text(question.text),
                         maxMark: question.maxMark,
                         choices: question.choices.map { Choice(id: $0.id, text: Text($0.text)) },
                         prompts: question.prompts.map { Choice(id: $0.id, text: Text($0.text)) },
                         response: question.response.map { Attempt.answer($0, number: question.number) },
                         locked: question.isLocked, state: question.state.rawValue, mark: question.mark,
                         feedback: question.feedback.isEmpty ? nil : question.feedback.map(Text.init),
                         rightAnswer: question.rightAnswer.map(RightAnswerJSON.init),
                         explanation: question.explanation.map(Text.init))
            }
        }

        static func answer(_ response: Assessment.Response, number: Int) -> Answer {
            var answer = Answer(question: number)
            switch response {
            case .choice(let id): answer.choice = id
            case .choices(let ids): answer.choices = ids.sorted()
            case .bool(let value): answer.bool = value
            case .text(let text): answer.text = text
            case .matches(let matches): answer.matches = matches
            }
            return answer
        }
    }

    struct RightAnswerJSON: Encodable {
        var choices: [String]?
        var bool: Bool?
        var text: String?
        var value: Double?
        var tolerance: Double?
        var min: Double?
        var max: Double?
        var matches: [String: String]?

        init(_ answer: RightAnswer) {
            switch answer {
            case .choices(let ids): choices = ids
            case .bool(let value): bool = value
            case .text(let text): self.text = text
            case .number(let value, let tolerance): self.value = value; self.tolerance = tolerance
            case .range(let low, let high): min = low; max = high
            case .matches(let pairs): matches = pairs
            }
        }
    }

    /// Every error under `/api/` (docs/openapi.yaml's `Error`): what went wrong, why when there is more to say, and
    /// the request's id for the log.
    struct Problem: Encodable {
        var error: String
        var reason: String? = nil
        var request: String? = nil
    }
}
