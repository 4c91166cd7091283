import Assessment
import Curriculum
import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Synchronization
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

    @Test func certificationsAreReEvaluatedOnlyWhenACompletionQuizIsPassed() throws {
        let user = try LearningFixtures.user(temporary, clock: clock)
        let changes = Mutex<[UserID]>([])
        let service = QuizService(attempts: attempts, learning: learning,
                                  calendar: StudyCalendar(timeZone: TimeZone(identifier: "Asia/Shanghai")!),
                                  clock: clock.function, onResultChange: { user in changes.withLock { $0.append(user) } })
        let exam = LearningFixtures.exam(maxAttempts: nil, delay: 0)
        let completion = LearningFixtures.course(quiz: exam)
        let practice = Course(id: CourseID("ethics"), version: 1, title: completion.title, summary: completion.summary,
                              audience: nil, studyHours: 4, modules: completion.modules, quizzes: [exam],
                              completion: CompletionRule(quiz: nil), folder: "ethics", mediaFiles: [])
        func take(_ course: Course, right: Bool) throws -> StoredAttempt {
            var stored = try service.start(user: user, quiz: exam, course: course, seed: 7)
            stored = try service.save(stored, responses: answers(right ? "a" : "b", right ? "a" : "b"),
                                      expectedSequence: 1, key: "form-\(stored.attempt.number)", user: user, quiz: exam,
                                      course: course)
            return try service.act(stored, action: .submit, key: "submit-\(stored.attempt.number)", user: user, quiz: exam,
                                   course: course)
        }
        // A quiz that completes no course is evidence for no certification, passed or not.
        #expect(try take(practice, right: true).passed == true)
        #expect(try take(practice, right: false).passed == false)
        // A failed completion quiz adds no evidence either.
        #expect(try take(completion, right: false).passed == false)
        #expect(changes.withLock { $0 }.isEmpty)
        // A passed completion quiz completes the course (with its modules) and credits hours: re-evaluated once.
        #expect(try take(completion, right: true).passed == true)
        #expect(changes.withLock { $0 } == [user.id])
    }

    @Test func aKeptReplayIsWhatReplayingAgainGivesAndNotUsedOnceTimeRanOut() throws {
        let user = try LearningFixtures.user(temporary, clock: clock)
        let course = LearningFixtures.course(quiz: LearningFixtures.exam(maxAttempts: nil, delay: 0, timeLimit: 600))
        let quiz = course.quizzes[0]
        var stored = try service.start(user: user, quiz: quiz, course: course, seed: 3)
        #expect(service.replays.count == 1)
        func fresh(_ stored: StoredAttempt) throws -> AttemptState {
            try AttemptState(replaying: stored.attempt, against: quiz, now: clock.now)
        }
        let (_, first) = try service.current(stored, quiz: quiz, course: course)
        #expect(try first == fresh(stored))
        stored = try service.save(stored, state: first, responses: answers("a", "b"), expectedSequence: 1, key: "form-1",
                                  user: user, quiz: quiz, course: course)
        let (_, saved) = try service.current(stored, quiz: quiz, course: course)
        #expect(try saved == fresh(stored))
        #expect(saved.question(QuestionID("q1"))?.response == .choice("a"))
        // The same steps read again, at a later moment before the cutoff: the same state.
        clock.advance(by: 60)
        let again = try #require(try attempts.attempt(id: stored.attempt.id))
        #expect(try service.current(again, quiz: quiz, course: course).1 == fresh(again))
        // Past the deadline and grace, the kept open state is not used: the attempt closes as expired.
        clock.advance(by: 600)
        let (closed, expired) = try service.current(again, quiz: quiz, course: course)
        #expect(expired.closeReason == .expired)
        #expect(closed.closedAt != nil)
        #expect(try expired == fresh(closed))
        // The result after a submit is the replay made for it.
        var other = try service.start(user: user, quiz: quiz, course: course, seed: 4)
        other = try service.act(other, action: .submit, key: "submit", user: user, quiz: quiz, course: course)
        let (_, result) = try service.current(other, quiz: quiz, course: course)
        #expect(result.isClosed)
        #expect(try result == fresh(other))
    }

    /// How many read transactions begin while `body` runs (one thing at a time: the pool hands out the same
    /// reader connection, the one the trace is put on).
    /// How many reads (`Store.read` calls, each one transaction) `body` makes.
    private func reads(during body: () throws -> Void) throws -> Int {
        let before = temporary.store.readCount.load(ordering: .relaxed)
        try body()
        return temporary.store.readCount.load(ordering: .relaxed) - before
    }

    @Test func theFiguresOpenAttemptsAndTodaysStartsAreOneRead() throws {
        let user = try LearningFixtures.user(temporary, clock: clock)
        var exam = LearningFixtures.exam(maxAttempts: nil, delay: 0, timeLimit: 600)
        exam.attemptsPerDay = 2
        let course = LearningFixtures.course(quiz: exam)
        var history: QuizService.History?
        #expect(try reads { history = try service.history(user: user, quiz: exam, course: course, recent: 10) } == 1)
        #expect(history?.tally.count == 0 && history?.dailyRefusal == nil && history?.openAttempt == nil)
        let first = try service.start(user: user, quiz: exam, course: course, seed: 1)
        _ = try service.act(first, action: .submit, key: "submit-1", user: user, quiz: exam, course: course)
        let second = try service.start(user: user, quiz: exam, course: course, seed: 2)
        #expect(try reads { history = try service.history(user: user, quiz: exam, course: course, recent: 10) } == 1)
        #expect(history?.openAttempt == second.attempt.id && history?.recent.map(\.number) == [1, 2])
        // An open attempt is continued, never refused.
        #expect(history?.dailyRefusal == nil)
        #expect(try service.dailyRefusal(user: user, quiz: exam, course: course) == nil)
        // Its time runs out: it is closed, and the figures count it closed (read again after the close).
        clock.advance(by: 2_000)
        history = try service.history(user: user, quiz: exam, course: course, recent: 10)
        #expect(history?.openAttempt == nil && history?.tally.lastClose != nil)
        #expect(history?.recent.allSatisfy(\.isClosed) == true)
        // Two started today: the cap refuses a third, as the single check says.
        let refusal = try #require(history?.dailyRefusal)
        #expect(try service.dailyRefusal(user: user, quiz: exam, course: course) == refusal)
        #expect(throws: QuizService.Failure.refused(refusal)) {
            try service.start(user: user, quiz: exam, course: course, seed: 3)
        }
    }

    /// The result page's attempt and history come in one read, say what reading them apart says, are nobody
    /// else's, and count an attempt whose time ran out as closed.
    @Test func anAttemptWithItsHistoryIsOneReadAndOnlyItsOwners() throws {
        let user = try LearningFixtures.user(temporary, clock: clock)
        let someoneElse = try LearningFixtures.user(temporary, clock: clock, login: "someone-else")
        var exam = LearningFixtures.exam(maxAttempts: nil, delay: 0, timeLimit: 600)
        exam.attemptsPerDay = 2
        let course = LearningFixtures.course(quiz: exam)
        let find: (StoredAttempt) -> (Course, QuizDefinition)? = { _ in (course, exam) }
        let first = try service.start(user: user, quiz: exam, course: course, seed: 1)
        let submitted = try service.act(first, action: .submit, key: "submit-1", user: user, quiz: exam, course: course)
        var found: (stored: StoredAttempt, state: AttemptState, course: Course, quiz: QuizDefinition,
                    history: QuizService.History)?
        #expect(try reads { found = try service.attemptWithHistory(first.attempt.id, user: user, find: find) } == 1)
        let apart = try service.history(user: user, quiz: exam, course: course, recent: 0)
        #expect(found?.stored == submitted && found?.state.isClosed == true)
        #expect(found?.history.tally == apart.tally && found?.history.dailyRefusal == nil && found?.history.openAttempt == nil)
        #expect(try service.attemptWithHistory(first.attempt.id, user: someoneElse, find: find) == nil)
        #expect(try service.attemptWithHistory(AttemptID("missing"), user: user, find: find) == nil)
        #expect(try service.attemptWithHistory(first.attempt.id, user: user, find: { _ in nil }) == nil)
        // The second attempt's time runs out: shown closed, and the figures (two started today) count it closed.
        let second = try service.start(user: user, quiz: exam, course: course, seed: 2)
        clock.advance(by: 2_000)
        found = try service.attemptWithHistory(second.attempt.id, user: user, find: find)
        #expect(found?.state.closeReason == .expired && found?.stored.closedAt != nil)
        #expect(found?.history.tally.count == 2 && found?.history.tally.lastClose == found?.stored.closedAt)
        #expect(found?.history.dailyRefusal == (try service.history(user: user, quiz: exam, course: course)).dailyRefusal)
        #expect(found?.history.dailyRefusal != nil)
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

    /// A save or submit starts from the attempt as this service last knew it, without reading it first; the write
    /// reads it again and decides on what is stored, so steps another server stored meanwhile count.
    @Test func aSaveOrSubmitFromTheAttemptLastKnownDecidesOnWhatIsStored() throws {
        let user = try LearningFixtures.user(temporary, clock: clock)
        let course = LearningFixtures.course(quiz: LearningFixtures.exam(maxAttempts: nil, delay: 0))
        let quiz = course.quizzes[0]
        // Another server on the same database: its own repository and service.
        let other = QuizService(attempts: SQLiteAttemptRepository(store: temporary.store), learning: learning,
                                calendar: StudyCalendar(timeZone: TimeZone(identifier: "Asia/Shanghai")!), clock: clock.function)
        let started = try service.start(user: user, quiz: quiz, course: course, seed: 9)
        #expect(service.lastKnown(started.attempt.id) == started)
        #expect(other.lastKnown(started.attempt.id) == nil)
        let elsewhere = try #require(try attempts.attempt(id: started.attempt.id))
        _ = try other.save(elsewhere, responses: answers("a", "a"), expectedSequence: 1, key: "other", user: user,
                           quiz: quiz, course: course)
        // This server still knows the attempt with its start step only: a page made from that is out of date...
        let known = try #require(service.lastKnown(started.attempt.id))
        #expect(known.attempt.steps.count == 1)
        #expect(throws: QuizService.Failure.rejected(.staleSequence(current: 3, received: 1))) {
            try service.save(known, responses: answers("b", "b"), expectedSequence: 1, key: "here", user: user,
                             quiz: quiz, course: course)
        }
        // ... and a submit closes the attempt with the answers the other server saved.
        let submitted = try service.act(known, action: .submit, key: "submit", user: user, quiz: quiz, course: course)
        #expect(submitted.attempt.steps.count == 4)
        #expect(submitted.passed == true)
        #expect(submitted.mark == 2)
        #expect(service.lastKnown(started.attempt.id) == submitted)
        #expect(try attempts.attempt(id: started.attempt.id)?.passed == true)
    }

    /// An attempt moved to another quiz version (a regrade by another process) after this service last knew it:
    /// the write decides on the version it is stored against now, not the one known.
    @Test func aWriteAfterTheAttemptMovedToAnotherVersionUsesThatVersion() throws {
        let user = try LearningFixtures.user(temporary, clock: clock)
        let old = LearningFixtures.course(quiz: LearningFixtures.exam(rightAnswerOfQ1: "a", maxAttempts: nil, delay: 0))
        let fixed = LearningFixtures.course(quiz: LearningFixtures.exam(rightAnswerOfQ1: "b", maxAttempts: nil, delay: 0))
        var stored = try service.start(user: user, quiz: old.quizzes[0], course: old, seed: 5)
        stored = try service.save(stored, responses: answers("b", "a"), expectedSequence: 1, key: "k", user: user,
                                  quiz: old.quizzes[0], course: old)
        // Elsewhere: the corrected version is stored and the attempt moved to it, with a note.
        try attempts.saveVersion(courseID: fixed.id.rawValue, quiz: fixed.quizzes[0], at: clock.now)
        let note = AttemptStep(sequence: stored.attempt.nextSequence, time: clock.now, actor: .system, action: .note("moved"))
        let summary = AttemptSummary(try AttemptState(replaying: stored.attempt.appending(note), against: fixed.quizzes[0],
                                                      now: clock.now))
        try SQLiteAttemptRepository(store: temporary.store).applyRegrade(
            [(stored.attempt.id, note, summary)], quizHash: fixed.quizzes[0].contentHash,
            audit: AuditEvent(action: "quiz.regrade", subject: "test"), by: .commandLine, at: clock.now)
        // The catalogue here still has the old version; the submit starts from the attempt as last known.
        let known = try #require(service.lastKnown(stored.attempt.id))
        #expect(known.quizHash == old.quizzes[0].contentHash)
        let submitted = try service.act(known, action: .submit, key: "s", user: user, quiz: old.quizzes[0], course: old)
        #expect(submitted.quizHash == fixed.quizzes[0].contentHash)
        #expect(submitted.passed == true, "graded with the corrected key: b is right for q1")
        #expect(submitted.mark == 2)
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
