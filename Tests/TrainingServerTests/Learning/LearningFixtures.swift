import Assessment
import Curriculum
import Foundation
@testable import TrainingServer

/// A small course built in code: two modules and a timed exam with a fixed pool, for the learning tests.
enum LearningFixtures {
    static func question(_ id: String, right: String = "a") -> Question {
        Question(id: QuestionID(id), text: LocalizedText(zh: "题目 \(id)", en: "Question \(id)"),
                 kind: .singleChoice(options: ["a", "b", "c"].map { option in
                     ChoiceOption(id: option, text: LocalizedText(both: "option \(option)"), fraction: option == right ? 1 : 0)
                 }), explanation: LocalizedText(both: "because"), contentHash: "h-\(id)-\(right)")
    }

    static func exam(rightAnswerOfQ1: String = "a", maxAttempts: Int? = 2, delay: Int = 600, timeLimit: Int? = 1200) -> QuizDefinition {
        QuizDefinition(id: QuizID("final-exam"), title: LocalizedText(both: "Exam"), behaviour: .deferredFeedback,
                       passMark: 0.5, timeLimit: timeLimit, maxAttempts: maxAttempts, attemptDelay: delay,
                       shuffleQuestions: false, shuffleOptions: false,
                       review: ReviewPolicy(show: [.score], when: .immediately),
                       pools: [QuestionPool(id: "core", questions: [question("q1", right: rightAnswerOfQ1), question("q2")])],
                       contentHash: "exam-\(rightAnswerOfQ1)")
    }

    static func module(_ id: String, minutes: Int = 10, hours: Double = 1) -> Module {
        let text = ModuleText(language: .zh, title: id, objectives: ["o"], summary: "s", body: "# \(id)\n", bodyLine: 1,
                              source: SourceReference(file: "modules/\(id).zh.md", line: 1))
        return Module(id: ModuleID(id), number: 1, minutes: minutes, hours: hours, zh: text, en: nil)
    }

    static func course(quiz: QuizDefinition = exam()) -> Course {
        Course(id: CourseID("ethics"), version: 1, title: LocalizedText(both: "Ethics"), summary: LocalizedText(both: "s"),
               audience: nil, studyHours: 4, modules: [module("m1"), module("m2")], quizzes: [quiz],
               completion: CompletionRule(quiz: quiz.id), folder: "ethics", mediaFiles: [])
    }

    /// A person to take quizzes as.
    static func user(_ temporary: TemporaryStore, clock: ManualClock, login: String = "learner") throws -> User {
        let departments = SQLiteDepartmentRepository(store: temporary.store, clock: clock.function)
        let department = try departments.ensure(path: ["省", "局"], by: .system)
        return try SQLiteUserRepository(store: temporary.store, clock: clock.function)
            .create(NewUser(login: login, displayName: login, departmentID: department.id, passwordHash: "!", roles: [.learner]),
                    by: .system)
    }
}
