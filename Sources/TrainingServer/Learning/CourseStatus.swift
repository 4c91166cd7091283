import Assessment
import Curriculum

/// Where a person stands in one course, computed from the catalogue, their module progress and attempts.
///
/// This is the one definition of "course completed" (every module completed and the completion quiz passed) that
/// the dashboard, the catalogue, the course page, the API and the certification evidence all use, so they cannot
/// disagree: a course whose modules are all done but whose final exam is not passed is in progress everywhere.
public struct CourseStatus: Sendable {
    public enum State: String, Sendable {
        case notStarted = "not_started"
        case inProgress = "in_progress"
        case completed
    }

    /// What the person should do next in the course.
    public enum Step: Sendable {
        /// Study this module (`started`: they have opened it before).
        case module(Module, started: Bool)
        /// Every module is done: take the completion quiz.
        case completionQuiz(QuizDefinition)
    }

    public var course: Course
    public var progress: [String: ModuleProgress]
    public var completionQuizPassed: Bool
    /// Whether the person has taken any quiz of the course.
    public var hasAttempts: Bool

    public init(course: Course, progress: [ModuleProgress], attempts: [StoredAttempt]) {
        self.init(course: course, progress: progress, outcomes: attempts.map {
            QuizOutcome(courseID: $0.courseID, quizID: $0.attempt.quizID, passed: $0.passed == true)
        })
    }

    /// From the quizzes the person has attempted (any course) and whether they passed them.
    public init(course: Course, progress: [ModuleProgress], outcomes: [QuizOutcome]) {
        self.course = course
        self.progress = Dictionary(progress.filter { $0.courseID == course.id.rawValue }.map { ($0.moduleID, $0) },
                                   uniquingKeysWith: { first, _ in first })
        hasAttempts = outcomes.contains { $0.courseID == course.id.rawValue }
        let quiz = course.completion.quiz
        completionQuizPassed = quiz.map { quiz in
            outcomes.contains { $0.courseID == course.id.rawValue && $0.quizID == quiz && $0.passed }
        } ?? true
    }

    public var modulesCompleted: Int { course.modules.filter { progress[$0.id.rawValue]?.isCompleted == true }.count }
    public var allModulesCompleted: Bool { modulesCompleted == course.modules.count }

    public var state: State {
        if allModulesCompleted && completionQuizPassed { return .completed }
        if progress.isEmpty && !hasAttempts { return .notStarted }
        return .inProgress
    }

    /// The steps of the course: every module and, when the course has one, its completion quiz.
    public var itemsTotal: Int { Self.itemsTotal(of: course) }

    /// The steps done: completed modules, and the completion quiz once passed.
    public var itemsCompleted: Int { modulesCompleted + (course.completion.quiz != nil && completionQuizPassed ? 1 : 0) }

    /// 0...1: `itemsCompleted` of `itemsTotal`, modules and the completion quiz counting as equal steps.
    public var fraction: Double {
        guard itemsTotal > 0 else { return 1 }
        return Double(itemsCompleted) / Double(itemsTotal)
    }

    /// The first module not completed yet, in study order.
    public var nextModule: Module? { course.modules.first { progress[$0.id.rawValue]?.isCompleted != true } }

    /// What to do next: the first module not completed, else the completion quiz not passed yet; nil once the
    /// course is completed (or when its completion quiz is missing from the catalogue, which lint reports).
    public var nextStep: Step? {
        if let module = nextModule { return .module(module, started: progress[module.id.rawValue] != nil) }
        guard !completionQuizPassed, let quiz = course.completionQuiz else { return nil }
        return .completionQuiz(quiz)
    }

    /// The latest moment the person studied the course (module activity only), 0 before any study.
    public var lastActivity: Double { progress.values.map(\.lastActivityAt).max() ?? 0 }

    /// Modules plus the completion quiz, if any.
    public static func itemsTotal(of course: Course) -> Int {
        course.modules.count + (course.completion.quiz == nil ? 0 : 1)
    }

    /// Hours the completion quiz credits when passed: the course's hours beyond its modules' hours.
    public static func quizHours(of course: Course) -> Double {
        max(0, course.studyHours - course.modules.reduce(0) { $0 + $1.hours })
    }

    /// When the last of the course's modules was completed; nil while one is not.
    public static func modulesCompletedAt(_ course: Course, progress: [ModuleProgress]) -> Double? {
        var last = 0.0
        for module in course.modules {
            guard let done = progress.first(where: { $0.courseID == course.id.rawValue && $0.moduleID == module.id.rawValue })?
                .completedAt else { return nil }
            last = max(last, done)
        }
        return last
    }

    /// The course's completions as certification evidence, by the same rule as `state`: every module completed
    /// and the completion quiz passed, one completion per passing attempt (a renewal passes it again), at the
    /// later of the pass and the last module; a course without a completion quiz completes with its last module.
    /// `passes` are the person's passing attempts (any course and quiz) with the instant each closed.
    public static func completions(of course: Course, progress: [ModuleProgress],
                                   passes: [(courseID: String, quizID: String, at: Double)])
        -> [CertificationEvidence.Completion] {
        guard let lastModule = modulesCompletedAt(course, progress: progress) else { return [] }
        guard let quiz = course.completion.quiz else { return [.init(course: course.id, at: lastModule)] }
        return passes.filter { $0.courseID == course.id.rawValue && $0.quizID == quiz.rawValue }.map { pass in
            .init(course: course.id, at: max(pass.at, lastModule), quizPassedAt: pass.at)
        }
    }
}
