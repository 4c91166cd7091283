import Assessment
import Curriculum
import Foundation
import Testing
@testable import TrainingServer

@Suite("QuizService")
struct QuizServiceTests {
    let temporary: TemporaryStore
    let clock = ManualClock()
    let service: QuizService
    let attempts: SQLiteAttemptRepository
    let learning: SQLiteLearningRepository

    init() throws {
        temporary = try TemporaryStore()
        attempts = SQLiteAttemptRepository(store: temporary.store)
        learning = SQLiteLearningRepository(store: temporary.store)
        service = QuizService(attempts: attempts, learning: learning,
                              calendar: StudyCalendar(timeZone: TimeZone(identifier: "Asia/Shanghai")!), clock: clock.function)
    }

    private func answers(_ q1: String, _ q2: String) -> [(QuestionID, Assessment.Response)] {
        [(QuestionID("q1"), .choice(q1)), (QuestionID("q2"), .choice(q2))]
    }

    @Test func passingTheCompletionQuizCreditsTheCourseHoursOnce() throws {
        let user = try LearningFixtures.user(temporary, clock: clock)
        let course = LearningFixtures.course()
        let quiz = course.quizzes[0]
        var stored = try service.start(user: user, quiz: quiz, course: course, seed: 7)
        stored = try service.save(stored, responses: answers("a", "a"), expectedSequence: 1, key: "form-1", user: user,
                                  quiz: quiz, course: course)
        stored = try service.act(stored, action: .submit, key: "submit-1", user: user, quiz: quiz, course: course)
        #expect(stored.passed == true)
        #expect(stored.mark == 2)
        // A repeated submit with the same key changes nothing and credits nothing twice.
        _ = try service.act(stored, action: .submit, key: "submit-1", user: user, quiz: quiz, course: course)
        let ledger = try learning.ledger(userID: user.id)
        #expect(ledger.count == 1)
        // The course is worth 4 hours, its modules 2: the exam credits the other 2.
        #expect(ledger.first?.hours == 2)
        #expect(ledger.first?.source == .quiz)
    }

    @Test func theAttemptLimitHoldsUnderConcurrentStarts() async throws {
        let user = try LearningFixtures.user(temporary, clock: clock)
        let course = LearningFixtures.course(quiz: LearningFixtures.exam(maxAttempts: 1, delay: 0))
        let quiz = course.quizzes[0]
        let service = self.service
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<12 {
                group.addTask {
                    (try? service.start(user: user, quiz: quiz, course: course, seed: UInt64(index))) != nil
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 1)
        #expect(try attempts.attempts(userID: user.id, courseID: "ethics", quizID: quiz.id).count == 1)
    }

    @Test func aSecondAttemptWaitsForTheDelay() throws {
        let user = try LearningFixtures.user(temporary, clock: clock)
        let course = LearningFixtures.course()
        let quiz = course.quizzes[0]
        var stored = try service.start(user: user, quiz: quiz, course: course, seed: 1)
        stored = try service.act(stored, action: .submit, key: "s", user: user, quiz: quiz, course: course)
        #expect(throws: QuizService.Failure.self) { try service.start(user: user, quiz: quiz, course: course, seed: 2) }
        clock.advance(by: 601)
        let second = try service.start(user: user, quiz: quiz, course: course, seed: 2)
        #expect(second.attempt.number == 2)
    }

    @Test func answersAfterTheDeadlineAreRefusedAndTheAttemptClosesWithWhatWasSaved() throws {
        let user = try LearningFixtures.user(temporary, clock: clock)
        let course = LearningFixtures.course()
        let quiz = course.quizzes[0]
        var stored = try service.start(user: user, quiz: quiz, course: course, seed: 3)
        stored = try service.save(stored, responses: [(QuestionID("q1"), .choice("a"))], expectedSequence: nil, key: "k1",
                                  user: user, quiz: quiz, course: course)
        clock.advance(by: 1200 + AttemptRules.defaultGrace + 1)
        #expect(throws: QuizService.Failure.self) {
            try service.save(stored, responses: [(QuestionID("q2"), .choice("a"))], expectedSequence: nil, key: "k2",
                             user: user, quiz: quiz, course: course)
        }
        let (closed, state) = try service.current(stored, quiz: quiz, course: course)
        #expect(state.isClosed)
        #expect(state.closeReason == .expired)
        #expect(closed.mark == 1)
    }

    @Test func aStalePageIsRefused() throws {
        let user = try LearningFixtures.user(temporary, clock: clock)
        let course = LearningFixtures.course()
        let quiz = course.quizzes[0]
        var stored = try service.start(user: user, quiz: quiz, course: course, seed: 4)
        stored = try service.save(stored, responses: [(QuestionID("q1"), .choice("b"))], expectedSequence: 1, key: "page-a",
                                  user: user, quiz: quiz, course: course)
        #expect(throws: QuizService.Failure.rejected(.staleSequence(current: 2, received: 1))) {
            try service.save(stored, responses: [(QuestionID("q1"), .choice("c"))], expectedSequence: 1, key: "page-b",
                             user: user, quiz: quiz, course: course)
        }
    }

    @Test func regradingMovesAttemptsToTheCorrectedKeyAndRecordsIt() throws {
        let user = try LearningFixtures.user(temporary, clock: clock)
        let old = LearningFixtures.course(quiz: LearningFixtures.exam(rightAnswerOfQ1: "a"))
        var stored = try service.start(user: user, quiz: old.quizzes[0], course: old, seed: 5)
        stored = try service.save(stored, responses: answers("b", "b"), expectedSequence: nil, key: "k", user: user,
                                  quiz: old.quizzes[0], course: old)
        stored = try service.act(stored, action: .submit, key: "s", user: user, quiz: old.quizzes[0], course: old)
        #expect(stored.passed == false)

        let fixed = LearningFixtures.course(quiz: LearningFixtures.exam(rightAnswerOfQ1: "b"))
        let regrade = RegradeService(attempts: attempts, clock: clock.function)
        let report = try regrade.preview(course: fixed, quiz: fixed.quizzes[0])
        #expect(report.nowPassing.count == 1)
        #expect(try attempts.attempt(id: stored.attempt.id)?.passed == false, "a preview stores nothing")
        let changed = try regrade.apply(report, by: .commandLine)
        #expect(changed == [user.id])
        let after = try #require(try attempts.attempt(id: stored.attempt.id))
        #expect(after.passed == true)
        #expect(after.quizHash == fixed.quizzes[0].contentHash)
        #expect((try regrade.preview(course: fixed, quiz: fixed.quizzes[0])).lines.isEmpty)
        let audit = SQLiteAuditLog(store: temporary.store, clock: clock.function)
        #expect(try audit.recent(limit: 1).first?.action == "quiz.regrade")
        #expect(try audit.verify() == .intact(rows: try audit.recent(limit: 100).count))
    }

    @Test func anAnswerThatDoesNotFitItsQuestionIsRefusedAndNothingOfTheSaveIsStored() throws {
        let user = try LearningFixtures.user(temporary, clock: clock)
        let course = LearningFixtures.course()
        let quiz = course.quizzes[0]
        let stored = try service.start(user: user, quiz: quiz, course: course, seed: 5)
        // A valid answer first in the same save: the whole save is refused, so it is not stored either.
        #expect(throws: QuizService.Failure.rejected(.invalidResponse(QuestionID("q2"), .wrongKind(expected: "single")))) {
            try service.save(stored, responses: [(QuestionID("q1"), .choice("a")), (QuestionID("q2"), .text("a"))],
                             expectedSequence: nil, key: "k", user: user, quiz: quiz, course: course)
        }
        #expect(throws: QuizService.Failure.rejected(.invalidResponse(QuestionID("q1"), .unknownOption("z")))) {
            try service.save(stored, responses: [(QuestionID("q1"), .choice("z"))], expectedSequence: nil, key: "k2",
                             user: user, quiz: quiz, course: course)
        }
        let after = try #require(try attempts.attempt(id: stored.attempt.id))
        #expect(after.attempt.steps.count == stored.attempt.steps.count)
    }
}
