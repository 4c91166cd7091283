import Assessment
import Curriculum

/// Where a person stands in one course, computed from the catalogue, their module progress and attempts.
public struct CourseStatus: Sendable {
    public enum State: String, Sendable {
        case notStarted = "not_started"
        case inProgress = "in_progress"
        case completed
    }

    public var course: Course
    public var progress: [String: ModuleProgress]
    public var completionQuizPassed: Bool
    /// Whether the person has taken any quiz of the course.
    public var hasAttempts: Bool

    public init(course: Course, progress: [ModuleProgress], attempts: [StoredAttempt]) {
        self.course = course
        self.progress = Dictionary(progress.filter { $0.courseID == course.id.rawValue }.map { ($0.moduleID, $0) },
                                   uniquingKeysWith: { first, _ in first })
        hasAttempts = attempts.contains { $0.courseID == course.id.rawValue }
        let quiz = course.completion.quiz
        completionQuizPassed = quiz.map { quiz in
            attempts.contains { $0.courseID == course.id.rawValue && $0.attempt.quizID == quiz && $0.passed == true }
        } ?? true
    }

    public var modulesCompleted: Int { course.modules.filter { progress[$0.id.rawValue]?.isCompleted == true }.count }
    public var allModulesCompleted: Bool { modulesCompleted == course.modules.count }

    public var state: State {
        if allModulesCompleted && completionQuizPassed { return .completed }
        if progress.isEmpty && !hasAttempts { return .notStarted }
        return .inProgress
    }

    /// 0...1 counting modules and the completion quiz as equal steps.
    public var fraction: Double {
        let steps = course.modules.count + (course.completion.quiz == nil ? 0 : 1)
        guard steps > 0 else { return 1 }
        let done = modulesCompleted + (course.completion.quiz != nil && completionQuizPassed ? 1 : 0)
        return Double(done) / Double(steps)
    }

    /// The first module not completed yet, in study order.
    public var nextModule: Module? { course.modules.first { progress[$0.id.rawValue]?.isCompleted != true } }

    /// Hours the completion quiz credits when passed: the course's hours beyond its modules' hours.
    public static func quizHours(of course: Course) -> Double {
        max(0, course.studyHours - course.modules.reduce(0) { $0 + $1.hours })
    }
}
