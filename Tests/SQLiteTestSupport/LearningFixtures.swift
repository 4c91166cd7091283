import Assessment
import Curriculum
import Foundation
import SQLiteStorage
import TrainingServer

/// A small course built in code: two modules and a timed exam with a fixed pool, for the learning tests.
package enum LearningFixtures {
    package static func question(_ id: String, right: String = "a") -> Question {
        Question(id: QuestionID(id), text: LocalizedText(zh: "题目 \(id)", en: "Question \(id)"),
                 kind: .singleChoice(options: ["a", "b", "c"].map { option in
                     ChoiceOption(id: option, text: LocalizedText(both: "option \(option)"), fraction: option == right ? 1 : 0)
                 }), explanation: LocalizedText(both: "because"), contentHash: "h-\(id)-\(right)")
    }

    package static func exam(rightAnswerOfQ1: String = "a", maxAttempts: Int? = 2, delay: Int = 600, timeLimit: Int? = 1200) -> QuizDefinition {
        QuizDefinition(id: QuizID("final-exam"), title: LocalizedText(both: "Exam"), behaviour: .deferredFeedback,
                       passMark: 0.5, timeLimit: timeLimit, maxAttempts: maxAttempts, attemptDelay: delay,
                       shuffleQuestions: false, shuffleOptions: false,
                       review: ReviewPolicy(show: [.score], when: .immediately),
                       pools: [QuestionPool(id: "core", questions: [question("q1", right: rightAnswerOfQ1), question("q2")])],
                       contentHash: "exam-\(rightAnswerOfQ1)")
    }

    package static func module(_ id: String, minutes: Int = 10, hours: Double = 1) -> Module {
        let text = ModuleText(language: .zh, title: id, objectives: ["o"], summary: "s", body: "# \(id)\n", bodyLine: 1,
                              source: SourceReference(file: "modules/\(id).zh.md", line: 1))
        return Module(id: ModuleID(id), number: 1, minutes: minutes, hours: hours, zh: text, en: nil)
    }

    package static func course(quiz: QuizDefinition = exam()) -> Course {
        Course(id: CourseID("ethics"), version: 1, title: LocalizedText(both: "Ethics"), summary: LocalizedText(both: "s"),
               audience: nil, studyHours: 4, modules: [module("m1"), module("m2")], quizzes: [quiz],
               completion: CompletionRule(quiz: quiz.id), folder: "ethics", mediaFiles: [])
    }

    /// A person to take quizzes as.
    package static func user(_ temporary: TemporaryStore, clock: ManualClock, login: String = "learner") throws -> User {
        let departments = SQLiteDepartmentRepository(store: temporary.store, clock: clock.function)
        let department = try departments.ensure(path: ["省", "局"], by: .system)
        return try SQLiteUserRepository(store: temporary.store, clock: clock.function)
            .create(NewUser(login: login, displayName: login, departmentID: department.id, passwordHash: "!", roles: [.learner]),
                    by: .system)
    }

    /// An exam of two typed questions; `formats` adds the units and wrappers the corrected bank declares.
    package static func regradeCourse(formats: Bool, version: String) -> Course {
        let year = Question(id: QuestionID("year"), text: LocalizedText(zh: "哪一年修订？", en: "Which year?"),
                            kind: .numeric(answers: [NumericAnswer(target: .value(2018, tolerance: 0))]),
                            contentHash: "year-\(formats)",
                            answerFormat: formats ? AnswerFormat(units: [AnswerUnit("年")], chineseNumerals: true) : nil)
        let article = Question(id: QuestionID("article"), text: LocalizedText(zh: "第几条？", en: "Which article?"),
                               kind: .numeric(answers: [NumericAnswer(target: .value(31, tolerance: 0))]),
                               contentHash: "article-\(formats)",
                               answerFormat: formats ? AnswerFormat(wrappers: [AnswerWrapper(prefix: "第", suffix: "条")],
                                                                    chineseNumerals: true) : nil)
        let quiz = QuizDefinition(id: QuizID("final-exam"), title: LocalizedText(both: "Exam"), behaviour: .deferredFeedback,
                                  passMark: 0.5, shuffleQuestions: false, shuffleOptions: false,
                                  review: ReviewPolicy(show: [.score], when: .immediately),
                                  pools: [QuestionPool(id: "core", questions: [year, article])], contentHash: version)
        return course(quiz: quiz)
    }

    /// A media item of a module (a video unless `file` says otherwise).
    package static func mediaItem(_ id: String = "lecture", duration: Double = 100, file: String = "lecture.mp4", size: Int64 = 1000) -> MediaItem {
        MediaItem(id: id, kind: .video, container: .mp4, file: file, size: size, duration: duration,
                  title: LocalizedText(both: id), poster: nil, captions: [:], transcripts: [:], download: false)
    }

    /// A module's media: `items`, the share to watch and the seeking rule.
    package static func media(_ items: [MediaItem] = [mediaItem()], share: Double? = 0.9, seeking: ModuleMedia.Seeking = .free) -> ModuleMedia {
        ModuleMedia(items: items, watchShare: share, seeking: seeking,
                    source: SourceReference(file: "modules/01-m.media.yaml", line: 1))
    }
}
