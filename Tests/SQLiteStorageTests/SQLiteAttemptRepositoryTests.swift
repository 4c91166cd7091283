import Assessment
import Curriculum
import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Synchronization
import Testing
@testable import TrainingServer

/// The attempt headers, figures and outcomes read from the summaries stored beside the steps (a real SQLite file):
/// they must say what replaying the steps says, for closed, open, expired and regraded attempts.
@Suite("SQLiteAttemptRepository")
struct SQLiteAttemptRepositoryTests {
    let temporary: TemporaryStore
    let clock = ManualClock()
    let attempts: SQLiteAttemptRepository
    let service: QuizService

    init() throws {
        temporary = try TemporaryStore()
        attempts = SQLiteAttemptRepository(store: temporary.store)
        service = Self.service(attempts, temporary: temporary, clock: clock)
    }

    static func service(_ attempts: any AttemptRepository, temporary: TemporaryStore, clock: ManualClock) -> QuizService {
        QuizService(attempts: attempts, learning: SQLiteLearningRepository(store: temporary.store),
                    calendar: StudyCalendar(timeZone: TimeZone(identifier: "Asia/Shanghai")!), clock: clock.function)
    }

    private func take(_ user: User, _ course: Course, q1: String, submit: Bool = true, seed: UInt64) throws -> StoredAttempt {
        let quiz = course.quizzes[0]
        var stored = try service.start(user: user, quiz: quiz, course: course, seed: seed)
        stored = try service.save(stored, responses: [(QuestionID("q1"), .choice(q1)), (QuestionID("q2"), .choice(q1))],
                                  expectedSequence: nil, key: "save-\(seed)", user: user, quiz: quiz, course: course)
        if submit {
            stored = try service.act(stored, action: .submit, key: "submit-\(seed)", user: user, quiz: quiz, course: course)
        }
        clock.advance(by: 10)
        return stored
    }

    /// Each header's summary against the replay of its steps (with the version it is graded against), and the
    /// figures against those of the replayed states.
    private func expectSummariesMatchReplay(_ user: User, _ course: Course) throws {
        let quiz = course.quizzes[0]
        let headers = try attempts.headers(userID: user.id)
        var states: [AttemptState] = []
        for header in headers.reversed() {
            let stored = try #require(try attempts.attempt(id: header.id))
            let state = try AttemptState(replaying: stored.attempt,
                                         against: try service.definition(for: stored, current: quiz), now: clock.now)
            #expect(header.summary == AttemptSummary(state), "attempt \(header.number)")
            #expect(header.isClosed == state.isClosed)
            #expect(header.startedAt == state.startedAt && header.deadline == state.deadline)
            #expect(header == stored.header)
            states.append(state)
        }
        let tally = try attempts.tally(userID: user.id, courseID: course.id.rawValue, quizID: quiz.id)
        #expect(tally.count == states.count)
        #expect(tally.lastPassNumber == states.last { $0.passed == true }?.number)
        #expect(tally.lastClose == states.compactMap(\.closedAt).max())
        #expect(PreviousAttempts(states) == PreviousAttempts(count: tally.count, lastClose: tally.lastClose,
                                                              openAttempt: states.first { !$0.isClosed }?.attemptID))
        let outcomes = try attempts.outcomes(userID: user.id)
        #expect(outcomes == [QuizOutcome(courseID: course.id.rawValue, quizID: quiz.id,
                                         passed: states.contains { $0.passed == true })])
    }

    @Test func closedOpenAndExpiredAttemptsSayWhatTheirStepsSay() throws {
        let user = try LearningFixtures.user(temporary, clock: clock)
        let course = LearningFixtures.course(quiz: LearningFixtures.exam(maxAttempts: nil, delay: 0, timeLimit: 1200))
        let quiz = course.quizzes[0]
        _ = try take(user, course, q1: "b", seed: 1)
        _ = try take(user, course, q1: "a", seed: 2)
        let expiring = try take(user, course, q1: "a", submit: false, seed: 3)
        // Time runs out: stored, the attempt is still open; it is closed when the person's attempts are read.
        clock.advance(by: 2000)
        #expect(try attempts.openAttempts(userID: user.id, courseID: nil, quizID: nil).map(\.attempt.id) == [expiring.attempt.id])
        #expect(try attempts.headers(userID: user.id).first { $0.id == expiring.attempt.id }?.isClosed == false)
        let history = try service.history(user: user, quiz: quiz, course: course)
        #expect(history.openAttempt == nil)
        #expect(history.recent.map(\.number) == [1, 2, 3])
        #expect(history.recent.allSatisfy { $0.isClosed })
        #expect(try attempts.openAttempts(userID: user.id, courseID: nil, quizID: nil).isEmpty)
        let open = try take(user, course, q1: "b", submit: false, seed: 4)
        #expect(try service.history(user: user, quiz: quiz, course: course).openAttempt == open.attempt.id)
        #expect(try attempts.openAttempts(userID: user.id, courseID: course.id.rawValue, quizID: quiz.id)
            .map(\.attempt.id) == [open.attempt.id])
        try expectSummariesMatchReplay(user, course)
        // The latest few, oldest first, with the figures of all of them.
        let (tally, latest) = try attempts.history(userID: user.id, courseID: course.id.rawValue, quizID: quiz.id, limit: 2)
        #expect(latest.map(\.number) == [3, 4])
        #expect(tally.count == 4 && tally.lastPassNumber == 3 && tally.countedTowardsLimit == 1)
    }

    @Test func decodedStepsAreCheckedAgainstTheDatabaseAndOnlyNewStepsAreRead() throws {
        let user = try LearningFixtures.user(temporary, clock: clock)
        let course = LearningFixtures.course(quiz: LearningFixtures.exam(maxAttempts: nil, delay: 0, timeLimit: 1200))
        let quiz = course.quizzes[0]
        let started = try service.start(user: user, quiz: quiz, course: course, seed: 9)
        let id = started.attempt.id
        #expect(attempts.decoded.attempt(id)?.steps.count == 1)
        // Another process (a second repository on the same file) appends steps: this one reads them.
        let other = SQLiteAttemptRepository(store: temporary.store)
        let otherService = Self.service(other, temporary: temporary, clock: clock)
        let saved = try otherService.save(started, responses: [(QuestionID("q1"), .choice("a"))], expectedSequence: nil,
                                          key: "elsewhere", user: user, quiz: quiz, course: course)
        #expect(saved.attempt.steps.count == 2)
        #expect(try attempts.attempt(id: id) == saved)
        #expect(attempts.decoded.attempt(id)?.steps.count == 2)
        // A step replaced at the same sequence (another time: a restored backup that went on elsewhere) is read
        // again, not served from memory.
        var replaced = started.attempt.steps[0]
        replaced.sequence = 1
        replaced.time += 1
        replaced.action = .save(question: QuestionID("q2"), response: .choice("b"))
        replaced.idempotencyKey = "restored"
        try temporary.store.write { db in
            // Steps are append-only in the schema; a restored file is the only way to lose one.
            try db.execute(sql: "DROP TRIGGER attempt_steps_no_delete")
            try db.execute(sql: "DELETE FROM attempt_steps WHERE attempt_id = ? AND sequence = 1", arguments: [id.rawValue])
            try SQLiteAttemptRepository.insert(replaced, attemptID: id, in: db)
        }
        #expect(try attempts.attempt(id: id)?.attempt.steps == [started.attempt.steps[0], replaced])
        // Steps no longer stored are not served either.
        try temporary.store.write { db in
            try db.execute(sql: "DELETE FROM attempt_steps WHERE attempt_id = ? AND sequence = 1", arguments: [id.rawValue])
        }
        #expect(try attempts.attempt(id: id)?.attempt.steps == [started.attempt.steps[0]])
        let fresh = SQLiteAttemptRepository(store: temporary.store)
        #expect(try fresh.attempt(id: id) == attempts.attempt(id: id))
        #expect(try fresh.attempts(userID: user.id) == attempts.attempts(userID: user.id))
    }

    @Test func stepsAreStoredAsTheJSONEncoderWritesThem() throws {
        // Texts with everything JSON escapes (quotes, backslashes, slashes, every control character), CJK,
        // fullwidth forms and characters outside the basic plane.
        var texts = ["", "a", "第 31 条", "Ａrt. 5", "\"quoted\" \\ back/slash", "😀 emoji", "line\nbreak\ttab\r"]
        texts += (0..<0x20).map { "x" + String(UnicodeScalar(UInt8($0))) + "y" }
        texts.append(String((0..<0x80).map { Character(UnicodeScalar(UInt8($0))) }))
        var generator = SeededGenerator(seed: 11)
        func text() -> String { texts.randomElement(using: &generator)! }
        func number() -> Double {
            switch Int.random(in: 0..<6, using: &generator) {
            case 0: 0
            case 1: Double(Int.random(in: 0...2_000_000_000, using: &generator))
            case 2: Double.random(in: 1.7e9...1.8e9, using: &generator)
            case 3: Double.random(in: 0...3, using: &generator)
            case 4: 1e16 * Double(Int.random(in: 1...9, using: &generator))
            default: -Double.random(in: 0...1e6, using: &generator)
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for round in 0..<3_000 {
            let response: Assessment.Response = switch Int.random(in: 0..<5, using: &generator) {
            case 0: .choice(text())
            case 1: .choices(Set((0..<Int.random(in: 0...4, using: &generator)).map { _ in text() }))
            case 2: .bool(Bool.random(using: &generator))
            case 3: .text(text())
            default: .matches(Dictionary((0..<Int.random(in: 0...4, using: &generator)).map { _ in (text(), text()) },
                                         uniquingKeysWith: { first, _ in first }))
            }
            let action: AttemptAction = switch Int.random(in: 0..<7, using: &generator) {
            case 0: .start(seed: UInt64.random(in: 0...UInt64.max, using: &generator),
                           deadline: Bool.random(using: &generator) ? number() : nil, grace: number(), timeFactor: number())
            case 1: .check(question: QuestionID(text()))
            case 2: .submit
            case 3: .close
            case 4: .note(text())
            default: .save(question: QuestionID(text()), response: response)
            }
            let role: Assessment.Actor.Role = [.learner, .trainer, .admin, .system].randomElement(using: &generator)!
            let step = AttemptStep(sequence: Int.random(in: 0...10_000, using: &generator), time: number(),
                                   actor: Assessment.Actor(role: role, id: text()), action: action,
                                   idempotencyKey: Bool.random(using: &generator) ? text() : nil)
            let written = StepJSON.text(step)
            #expect(try JSONDecoder().decode(AttemptStep.self, from: Data(written.utf8)) == step, "round \(round)")
            // The same bytes as the encoder, except for the order of keys of matched pairs, which the encoder
            // sorts its own way (both read back the same).
            if case .save(_, .matches(let pairs)) = action, pairs.count > 1 { continue }
            #expect(written == String(decoding: try encoder.encode(step), as: UTF8.self), "round \(round)")
        }
    }

    @Test func aStoredQuizVersionIsLookedUpOnceAndWrittenOnce() throws {
        let course = LearningFixtures.course(quiz: LearningFixtures.exam(maxAttempts: nil, delay: 0, timeLimit: 1200))
        let quiz = course.quizzes[0]
        func count() throws -> Int {
            try temporary.store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM quiz_versions") ?? 0 }
        }
        try attempts.saveVersion(courseID: course.id.rawValue, quiz: quiz, at: 1)
        #expect(try count() == 1)
        #expect(attempts.storedVersions.contains(.init(courseID: course.id.rawValue, quizID: quiz.id.rawValue,
                                                       contentHash: quiz.contentHash)))
        try attempts.saveVersion(courseID: course.id.rawValue, quiz: quiz, at: 2)
        // Another repository on the same file finds it stored and remembers that.
        let other = SQLiteAttemptRepository(store: temporary.store)
        try other.saveVersion(courseID: course.id.rawValue, quiz: quiz, at: 3)
        #expect(other.storedVersions.contains(.init(courseID: course.id.rawValue, quizID: quiz.id.rawValue,
                                                    contentHash: quiz.contentHash)))
        #expect(try count() == 1)
        #expect(try attempts.version(courseID: course.id.rawValue, quizID: quiz.id, contentHash: quiz.contentHash) == quiz)
    }

    @Test func aRegradedAttemptSaysWhatTheCorrectedVersionSays() throws {
        let user = try LearningFixtures.user(temporary, clock: clock)
        let old = LearningFixtures.regradeCourse(formats: false, version: "v1")
        var stored = try service.start(user: user, quiz: old.quizzes[0], course: old, seed: 3)
        stored = try service.save(stored, responses: [(QuestionID("year"), .text("2018年")), (QuestionID("article"), .text("第31条"))],
                                  expectedSequence: nil, key: "save", user: user, quiz: old.quizzes[0], course: old)
        stored = try service.act(stored, action: .submit, key: "submit", user: user, quiz: old.quizzes[0], course: old)
        #expect(try attempts.outcomes(userID: user.id).map(\.passed) == [false])
        let fixed = LearningFixtures.regradeCourse(formats: true, version: "v2")
        let regrade = RegradeService(attempts: attempts, clock: clock.function)
        _ = try regrade.apply(try regrade.preview(course: fixed, quiz: fixed.quizzes[0]), by: .commandLine)
        #expect(try attempts.outcomes(userID: user.id).map(\.passed) == [true])
        try expectSummariesMatchReplay(user, fixed)
    }

    @Test func outcomesListEachQuizOnceWithWhetherItWasPassed() throws {
        let user = try LearningFixtures.user(temporary, clock: clock)
        let other = try LearningFixtures.user(temporary, clock: clock, login: "other")
        #expect(try attempts.outcomes(userID: user.id).isEmpty)
        let exam = LearningFixtures.course(quiz: LearningFixtures.exam(maxAttempts: nil, delay: 0))
        let quiz = exam.quizzes[0]
        let practice = Course(id: CourseID("audit"), version: 1, title: LocalizedText(both: "Audit"),
                              summary: LocalizedText(both: "s"), audience: nil, studyHours: 4,
                              modules: [LearningFixtures.module("m1")], quizzes: [quiz],
                              completion: CompletionRule(quiz: quiz.id), folder: "audit", mediaFiles: [])
        for seed in 1...3 { _ = try take(user, exam, q1: seed == 2 ? "a" : "b", seed: UInt64(seed)) }
        for seed in 4...5 { _ = try take(user, practice, q1: "b", seed: UInt64(seed)) }
        _ = try take(other, practice, q1: "a", seed: 6)
        #expect(try attempts.outcomes(userID: user.id) == [
            QuizOutcome(courseID: "audit", quizID: QuizID("final-exam"), passed: false),
            QuizOutcome(courseID: "ethics", quizID: QuizID("final-exam"), passed: true),
        ])
        #expect(try attempts.outcomes(userID: other.id) == [
            QuizOutcome(courseID: "audit", quizID: QuizID("final-exam"), passed: true),
        ])
    }

    /// Several quizzes of one course and of the next, each with several attempts: the walk from quiz to quiz
    /// (the next in the same course, then the first of the next course) finds each once, in order.
    @Test func outcomesWalkTheQuizzesOfACourseAndThenTheNextCourse() throws {
        let user = try LearningFixtures.user(temporary, clock: clock)
        var seed: UInt64 = 0
        func quiz(_ id: String) -> QuizDefinition {
            var quiz = LearningFixtures.exam(maxAttempts: nil, delay: 0)
            quiz.id = QuizID(id)
            return quiz
        }
        let ethics = ["a-check", "final-exam", "z-review"].map { LearningFixtures.course(quiz: quiz($0)) }
        var audit = LearningFixtures.course(quiz: quiz("b-check"))
        audit = Course(id: CourseID("zz-audit"), version: 1, title: LocalizedText(both: "Audit"),
                       summary: LocalizedText(both: "s"), audience: nil, studyHours: 4, modules: [LearningFixtures.module("m1")],
                       quizzes: audit.quizzes, completion: CompletionRule(quiz: audit.quizzes[0].id), folder: "zz-audit",
                       mediaFiles: [])
        for (course, answers) in [(ethics[1], ["b", "b", "a", "b"]), (audit, ["b", "b"]), (ethics[0], ["b", "b", "b"]),
                                  (ethics[2], ["a", "a"])] {
            for answer in answers {
                seed += 1
                _ = try take(user, course, q1: answer, seed: seed)
            }
        }
        #expect(try attempts.outcomes(userID: user.id) == [
            QuizOutcome(courseID: "ethics", quizID: QuizID("a-check"), passed: false),
            QuizOutcome(courseID: "ethics", quizID: QuizID("final-exam"), passed: true),
            QuizOutcome(courseID: "ethics", quizID: QuizID("z-review"), passed: true),
            QuizOutcome(courseID: "zz-audit", quizID: QuizID("b-check"), passed: false),
        ])
        for course in ethics + [audit] {
            let quiz = course.quizzes[0]
            let count = try attempts.attempts(userID: user.id, courseID: course.id.rawValue, quizID: quiz.id).count
            #expect(try attempts.tally(userID: user.id, courseID: course.id.rawValue, quizID: quiz.id).count == count)
        }
    }

    @Test func theAttemptLimitCountsFromTheLatestPassAsBefore() throws {
        let user = try LearningFixtures.user(temporary, clock: clock)
        let course = LearningFixtures.course(quiz: LearningFixtures.exam(maxAttempts: 2, delay: 0))
        let quiz = course.quizzes[0]
        _ = try take(user, course, q1: "b", seed: 1)
        _ = try take(user, course, q1: "a", seed: 2)
        // Passed at attempt 2: two more are allowed (renewal), then the limit holds.
        _ = try take(user, course, q1: "b", seed: 3)
        _ = try take(user, course, q1: "b", seed: 4)
        #expect(throws: QuizService.Failure.refused(.attemptLimitReached(limit: 4))) {
            try service.start(user: user, quiz: quiz, course: course, seed: 5)
        }
        #expect(try service.history(user: user, quiz: quiz, course: course).tally.countedTowardsLimit == 2)
    }

    /// With 300 earlier closed attempts, the start page's history and starting read the steps of none of them:
    /// only the attempt still open (none here) and the new one.
    @Test func theDaysStartsAreCountedFromAnIndexRangeNotTheWholeHistory() throws {
        let user = try LearningFixtures.user(temporary, clock: clock)
        let course = LearningFixtures.course(quiz: LearningFixtures.exam(maxAttempts: nil, delay: 0))
        let quiz = course.quizzes[0]
        let first = clock.now
        for number in 1...30 {
            _ = try take(user, course, q1: "a", seed: UInt64(number))
        }
        let since = first + 10 * 20  // when the 21st attempt started
        let starts = try attempts.starts(userID: user.id, courseID: course.id.rawValue, quizID: quiz.id, since: since)
        let expected = try attempts.headers(userID: user.id).filter { $0.startedAt >= since }.count
        #expect(starts.started == expected && expected == 10 && !starts.hasOpen)
        _ = try service.start(user: user, quiz: quiz, course: course, seed: 99)
        #expect(try attempts.starts(userID: user.id, courseID: course.id.rawValue, quizID: quiz.id, since: since).hasOpen)
        let plan = try temporary.store.read { db in
            try Row.fetchAll(db, sql: """
                EXPLAIN QUERY PLAN SELECT count(*) FROM quiz_attempts
                WHERE user_id = ?1 AND course_id = ?2 AND quiz_id = ?3 AND started_at >= ?4
                """, arguments: [user.id.rawValue, course.id.rawValue, quiz.id.rawValue, since])
                .map { $0["detail"] as String }.joined(separator: "\n")
        }
        #expect(plan.contains("quiz_attempts_starts") && plan.contains("started_at>?"), Comment(rawValue: plan))
    }

    @Test func startingAndTheHistoryReadNoStepsOfClosedAttempts() throws {
        let user = try LearningFixtures.user(temporary, clock: clock)
        let course = LearningFixtures.course(quiz: LearningFixtures.exam(maxAttempts: nil, delay: 0))
        let quiz = course.quizzes[0]
        for number in 1...300 {
            _ = try attempts.start(userID: user.id, courseID: course.id.rawValue, quizID: quiz.id,
                                   quizHash: quiz.contentHash) { tally, _ in
                let started = try AttemptRules.start(id: AttemptID("a\(number)"), quiz: quiz,
                                                     previous: PreviousAttempts(count: tally.count, lastClose: tally.lastClose,
                                                                                openAttempt: nil),
                                                     seed: UInt64(number), actor: .learner("1"), now: clock.now).get()
                let attempt = started.appending(AttemptStep(sequence: 1, time: clock.now, actor: .learner("1"), action: .submit))
                return (attempt, AttemptSummary(try AttemptState(replaying: attempt, against: quiz, now: clock.now)))
            }
            clock.advance(by: 1)
        }
        let counting = CountingAttempts(attempts)
        let service = Self.service(counting, temporary: temporary, clock: clock)
        let history = try service.history(user: user, quiz: quiz, course: course, recent: 20)
        #expect(history.tally.count == 300 && history.recent.count == 20 && history.recent.last?.number == 300)
        let started = try service.start(user: user, quiz: quiz, course: course, seed: 301)
        #expect(started.attempt.number == 301)
        _ = try service.history(user: user, quiz: quiz, course: course)
        _ = try counting.outcomes(userID: user.id)
        #expect(counting.closedStepsRead == 0)
        #expect(counting.attemptsRead <= 2, "only the open attempt, not its 300 predecessors")
    }
}

/// Hands every call to a real repository and counts the attempts (with steps) it returns, and the steps of those
/// already closed as stored: reading those is what made a long history slow.
final class CountingAttempts: AttemptRepository {
    let base: SQLiteAttemptRepository
    private let counts = Mutex((attempts: 0, closedSteps: 0))

    init(_ base: SQLiteAttemptRepository) { self.base = base }

    var attemptsRead: Int { counts.withLock { $0.attempts } }
    var closedStepsRead: Int { counts.withLock { $0.closedSteps } }

    private func seen(_ list: [StoredAttempt]) -> [StoredAttempt] {
        counts.withLock { counts in
            counts.attempts += list.count
            counts.closedSteps += list.filter { $0.closedAt != nil }.reduce(0) { $0 + $1.attempt.steps.count }
        }
        return list
    }

    func attempts(userID: UserID, courseID: String, quizID: QuizID) throws -> [StoredAttempt] {
        seen(try base.attempts(userID: userID, courseID: courseID, quizID: quizID))
    }
    func attempts(userID: UserID) throws -> [StoredAttempt] { seen(try base.attempts(userID: userID)) }
    func attempt(id: AttemptID) throws -> StoredAttempt? { seen(try base.attempt(id: id).map { [$0] } ?? []).first }
    func attempts(courseID: String, quizID: QuizID) throws -> [StoredAttempt] {
        seen(try base.attempts(courseID: courseID, quizID: quizID))
    }
    func history(userID: UserID, courseID: String, quizID: QuizID, limit: Int) throws -> (AttemptTally, [AttemptHeader]) {
        try base.history(userID: userID, courseID: courseID, quizID: quizID, limit: limit)
    }
    func tally(userID: UserID, courseID: String, quizID: QuizID) throws -> AttemptTally {
        try base.tally(userID: userID, courseID: courseID, quizID: quizID)
    }
    func headers(userID: UserID) throws -> [AttemptHeader] { try base.headers(userID: userID) }
    func openAttempts(userID: UserID, courseID: String?, quizID: QuizID?) throws -> [StoredAttempt] {
        seen(try base.openAttempts(userID: userID, courseID: courseID, quizID: quizID))
    }
    func overview(userID: UserID, courseID: String, quizID: QuizID, limit: Int,
                  startsSince: Double?) throws -> AttemptOverview {
        var overview = try base.overview(userID: userID, courseID: courseID, quizID: quizID, limit: limit,
                                         startsSince: startsSince)
        overview.open = seen(overview.open)
        return overview
    }
    func outcomes(userID: UserID) throws -> [QuizOutcome] { try base.outcomes(userID: userID) }
    func starts(userID: UserID, courseID: String, quizID: QuizID, since: Double) throws -> AttemptStarts {
        try base.starts(userID: userID, courseID: courseID, quizID: quizID, since: since)
    }
    func start(userID: UserID, courseID: String, quizID: QuizID, quizHash: String,
               decide: (AttemptTally, [StoredAttempt]) throws -> (Attempt, AttemptSummary)) throws -> StoredAttempt {
        try base.start(userID: userID, courseID: courseID, quizID: quizID, quizHash: quizHash) { tally, open in
            try decide(tally, seen(open))
        }
    }
    func append(attemptID: AttemptID, decide: (StoredAttempt) throws -> ([AttemptStep], AttemptSummary?)) throws -> StoredAttempt {
        try base.append(attemptID: attemptID) { try decide(seen([$0])[0]) }
    }
    func saveVersion(courseID: String, quiz: QuizDefinition, at: Double) throws {
        try base.saveVersion(courseID: courseID, quiz: quiz, at: at)
    }
    func version(courseID: String, quizID: QuizID, contentHash: String) throws -> QuizDefinition? {
        try base.version(courseID: courseID, quizID: quizID, contentHash: contentHash)
    }
    func applyRegrade(_ changes: [(AttemptID, AttemptStep, AttemptSummary)], quizHash: String, audit: AuditEvent,
                      by actor: AuditActor, at: Double) throws {
        try base.applyRegrade(changes, quizHash: quizHash, audit: audit, by: actor, at: at)
    }
}
