import Assessment
import Curriculum
import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// Regrading stored attempts (a real SQLite file) after the answer key learned to read answers as people type them.
@Suite("RegradeService")
struct RegradeServiceTests {
    let temporary: TemporaryStore
    let clock = ManualClock()
    let service: QuizService
    let attempts: SQLiteAttemptRepository

    init() throws {
        temporary = try TemporaryStore()
        attempts = SQLiteAttemptRepository(store: temporary.store)
        service = QuizService(attempts: attempts, learning: SQLiteLearningRepository(store: temporary.store),
                              calendar: StudyCalendar(timeZone: TimeZone(identifier: "Asia/Shanghai")!), clock: clock.function)
    }


    private func take(_ typed: [String: String], login: String, course: Course) throws -> (User, StoredAttempt) {
        let user = try LearningFixtures.user(temporary, clock: clock, login: login)
        let quiz = course.quizzes[0]
        var stored = try service.start(user: user, quiz: quiz, course: course, seed: 3)
        stored = try service.save(stored, responses: typed.map { (QuestionID($0.key), .text($0.value)) }, expectedSequence: nil,
                                  key: "save-\(login)", user: user, quiz: quiz, course: course)
        stored = try service.act(stored, action: .submit, key: "submit-\(login)", user: user, quiz: quiz, course: course)
        return (user, stored)
    }

    @Test func answersLike2018年AreMarkedRightOnceTheBankDeclaresTheirUnits() throws {
        let old = LearningFixtures.regradeCourse(formats: false, version: "v1")
        let (wang, failed) = try take(["year": "2018年", "article": "第31条"], login: "wang", course: old)
        let (li, passed) = try take(["year": "2018", "article": "31"], login: "li", course: old)
        #expect(failed.passed == false && failed.mark == 0)
        #expect(passed.passed == true)

        let fixed = LearningFixtures.regradeCourse(formats: true, version: "v2")
        let regrade = RegradeService(attempts: attempts, clock: clock.function)
        let report = try regrade.preview(course: fixed, quiz: fixed.quizzes[0])
        #expect(report.lines.count == 2, "both attempts move to the corrected version")
        #expect(report.nowPassing.map(\.stored.userID) == [wang.id])
        #expect(report.nowFailing.isEmpty)
        let line = try #require(report.affected.first)
        #expect(line.entry.before?.mark == 0 && line.entry.after?.mark == 2)
        #expect(try attempts.attempt(id: failed.attempt.id)?.passed == false, "a preview stores nothing")

        #expect(try regrade.apply(report, by: .commandLine) == [wang.id])
        #expect(try attempts.attempt(id: failed.attempt.id)?.passed == true)
        #expect(try attempts.attempt(id: failed.attempt.id)?.mark == 2)
        #expect(try attempts.attempt(id: passed.attempt.id)?.quizHash == "v2")
        #expect(li.id != wang.id)
        #expect(try regrade.preview(course: fixed, quiz: fixed.quizzes[0]).lines.isEmpty)
    }

    @Test func attemptsOnTheCurrentVersionShowWhenTheirRecordedMarksNoLongerHold() throws {
        let current = LearningFixtures.regradeCourse(formats: true, version: "v2")
        let (zhao, stored) = try take(["year": "二〇一八年", "article": "第 31 条"], login: "zhao", course: current)
        #expect(stored.passed == true && stored.mark == 2)
        // The marks as an earlier reader recorded them: both answers unreadable, 0 of 2, failed.
        let earlier = LearningFixtures.regradeCourse(formats: false, version: "v2").quizzes[0]
        let recordedState = try AttemptState(replaying: stored.attempt, against: earlier, now: clock.now)
        #expect(recordedState.mark == 0)
        try attempts.applyRegrade([(stored.attempt.id, AttemptStep(sequence: stored.attempt.nextSequence, time: clock.now,
                                                                   actor: .system, action: .note("marked by an earlier reader")),
                                    AttemptSummary(recordedState))],
                                  quizHash: "v2", audit: AuditEvent(action: "test.setup", subject: "attempt"), by: .system,
                                  at: clock.now)

        let regrade = RegradeService(attempts: attempts, clock: clock.function)
        let report = try regrade.preview(course: current, quiz: current.quizzes[0])
        #expect(report.nowPassing.map(\.stored.userID) == [zhao.id])
        #expect(try regrade.apply(report, by: .commandLine) == [zhao.id])
        #expect(try attempts.attempt(id: stored.attempt.id)?.passed == true)
        #expect(try regrade.preview(course: current, quiz: current.quizzes[0]).lines.isEmpty,
                "attempts whose recorded marks hold are left alone")
    }
}
