import Assessment
import Curriculum
import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// The one course status the dashboard, course page, catalogue, API and certification evidence share.
@Suite struct CourseStatusTests {
    private let course = LearningFixtures.course()

    private func progress(_ module: String, completedAt: Double?, course: String = "ethics") -> ModuleProgress {
        ModuleProgress(courseID: course, moduleID: module, seconds: 60, startedAt: 10, lastActivityAt: completedAt ?? 50,
                       completedAt: completedAt)
    }

    private func attempt(passed: Bool?, quiz: QuizDefinition = LearningFixtures.exam(), course: String = "ethics") -> StoredAttempt {
        StoredAttempt(attempt: Attempt(id: AttemptID("a-\(UUID().uuidString)"), number: 1, paper: Paper(quiz: quiz, seed: 1),
                                       steps: []),
                      userID: UserID(rawValue: 1), courseID: course, quizHash: quiz.contentHash, closedAt: passed == nil ? nil : 100,
                      mark: nil, maxMark: 2, fraction: nil, passed: passed)
    }

    @Test func theFinalExamIsAStepFromTheStart() {
        let status = CourseStatus(course: course, progress: [], attempts: [])
        #expect(status.itemsTotal == 3 && status.itemsCompleted == 0 && status.fraction == 0)
        #expect(status.state == .notStarted)
        guard case .module(let module, let started) = status.nextStep else { Issue.record("no module next"); return }
        #expect(module.id.rawValue == "m1" && !started)
    }

    @Test func everyModuleDoneIsFourFifthsNotCompletedAndTheExamIsNext() {
        let status = CourseStatus(course: course, progress: [progress("m1", completedAt: 20), progress("m2", completedAt: 30)],
                                  attempts: [attempt(passed: false)])
        #expect(status.allModulesCompleted && !status.completionQuizPassed)
        #expect(status.itemsCompleted == 2 && status.itemsTotal == 3)
        #expect(abs(status.fraction - 2.0 / 3.0) < 1e-9)
        #expect(status.state == .inProgress)
        guard case .completionQuiz(let quiz) = status.nextStep else { Issue.record("the exam is not next"); return }
        #expect(quiz.id.rawValue == "final-exam")
    }

    @Test func aStartedModuleIsContinuedAndAPassedExamCompletes() {
        let started = CourseStatus(course: course, progress: [progress("m1", completedAt: 20), progress("m2", completedAt: nil)],
                                   attempts: [])
        guard case .module(let module, let isStarted) = started.nextStep else { Issue.record("no module next"); return }
        #expect(module.id.rawValue == "m2" && isStarted)
        #expect(started.lastActivity == 50)

        let done = CourseStatus(course: course, progress: [progress("m1", completedAt: 20), progress("m2", completedAt: 30)],
                                attempts: [attempt(passed: false), attempt(passed: true)])
        #expect(done.state == .completed && done.itemsCompleted == 3 && done.fraction == 1)
        #expect(done.nextStep == nil)
    }

    @Test func anotherCoursesProgressAndAttemptsDoNotCount() {
        let status = CourseStatus(course: course, progress: [progress("m1", completedAt: 20, course: "other")],
                                  attempts: [attempt(passed: true, course: "other")])
        #expect(status.state == .notStarted && status.itemsCompleted == 0)
    }

    @Test func aCourseWithoutAFinalExamCountsItsModules() {
        let plain = Course(id: CourseID("ethics"), version: 1, title: LocalizedText(both: "E"), summary: LocalizedText(both: "s"),
                           audience: nil, studyHours: 2, modules: [LearningFixtures.module("m1"), LearningFixtures.module("m2")],
                           quizzes: [], completion: CompletionRule(quiz: nil), folder: "e", mediaFiles: [])
        let status = CourseStatus(course: plain, progress: [progress("m1", completedAt: 20), progress("m2", completedAt: 30)],
                                  attempts: [])
        #expect(status.itemsTotal == 2 && status.itemsCompleted == 2 && status.state == .completed && status.nextStep == nil)
        #expect(CourseStatus.completions(of: plain, progress: [progress("m1", completedAt: 20), progress("m2", completedAt: 30)],
                                         passes: []) == [.init(course: plain.id, at: 30)])
    }

    @Test func completionsFollowTheSameRule() {
        let modules = [progress("m1", completedAt: 20), progress("m2", completedAt: 300)]
        let passes: [(courseID: String, quizID: String, at: Double)] = [("ethics", "final-exam", 100), ("ethics", "practice", 150),
                                                                         ("other", "final-exam", 160), ("ethics", "final-exam", 400)]
        // One completion per pass of the completion quiz, at the later of the pass and the last module.
        #expect(CourseStatus.completions(of: course, progress: modules, passes: passes) == [
            .init(course: course.id, at: 300, quizPassedAt: 100), .init(course: course.id, at: 400, quizPassedAt: 400),
        ])
        // A module not completed: no completion, however many passes.
        #expect(CourseStatus.completions(of: course, progress: [modules[0]], passes: passes).isEmpty)
        #expect(CourseStatus.modulesCompletedAt(course, progress: modules) == 300)
        #expect(CourseStatus.modulesCompletedAt(course, progress: [modules[0], progress("m2", completedAt: nil)]) == nil)
    }
}

extension CourseStatus.Step: Equatable {
    public static func == (lhs: CourseStatus.Step, rhs: CourseStatus.Step) -> Bool {
        switch (lhs, rhs) {
        case let (.module(a, x), .module(b, y)): a.id == b.id && x == y
        case let (.completionQuiz(a), .completionQuiz(b)): a.id == b.id
        default: false
        }
    }
}
