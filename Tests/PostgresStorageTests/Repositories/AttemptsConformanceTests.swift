import Assessment
import Curriculum
import Foundation
import PostgresStorage
import Testing
import SQLiteStorage
import TrainingServer

/// Quiz attempts give the same answers on SQLite and PostgreSQL, taken through `QuizService` as the server takes
/// them (the cases of `SQLiteAttemptRepositoryTests` that concern storage, plus starts, versions and regrades).
@Suite struct AttemptsConformanceTests {
    static func question(_ id: String, right: String = "a") -> Question {
        Question(id: QuestionID(id), text: LocalizedText(zh: "题目 \(id)", en: "Question \(id)"),
                 kind: .singleChoice(options: ["a", "b", "c"].map { option in
                     ChoiceOption(id: option, text: LocalizedText(both: "option \(option)"), fraction: option == right ? 1 : 0)
                 }), explanation: LocalizedText(both: "because"), contentHash: "h-\(id)-\(right)")
    }

    static func exam(right: String = "a", maxAttempts: Int? = nil, timeLimit: Int? = 1200,
                     perDay: Int? = nil) -> QuizDefinition {
        QuizDefinition(id: QuizID("final-exam"), title: LocalizedText(both: "Exam"), behaviour: .deferredFeedback,
                       passMark: 0.5, timeLimit: timeLimit, maxAttempts: maxAttempts, attemptDelay: 0,
                       shuffleQuestions: false, shuffleOptions: false,
                       review: ReviewPolicy(show: [.score], when: .immediately),
                       pools: [QuestionPool(id: "core", questions: [question("q1", right: right), question("q2")])],
                       contentHash: "exam-\(right)", attemptsPerDay: perDay)
    }

    static func course(_ quiz: QuizDefinition) -> Course {
        Course(id: CourseID("ethics"), version: 1, title: LocalizedText(both: "Ethics"), summary: LocalizedText(both: "s"),
               audience: nil, studyHours: 4, modules: [], quizzes: [quiz], completion: CompletionRule(allModules: false, quiz: quiz.id),
               folder: "ethics", mediaFiles: [])
    }

    static func service(_ storage: StorageFixture, attempts: (any AttemptRepository)? = nil) -> QuizService {
        QuizService(attempts: attempts ?? storage.attempts, learning: storage.learning,
                    calendar: StudyCalendar(timeZone: TimeZone(identifier: "Asia/Shanghai")!), clock: storage.clock.function)
    }

    /// Starts an attempt, answers both questions with `q1` and submits it (unless told not to).
    @discardableResult
    static func take(_ storage: StorageFixture, _ user: User, _ course: Course, q1: String, submit: Bool = true,
                     seed: UInt64) throws -> StoredAttempt {
        let service = service(storage)
        let quiz = course.quizzes[0]
        var stored = try service.start(user: user, quiz: quiz, course: course, seed: seed)
        stored = try service.save(stored, responses: [(QuestionID("q1"), .choice(q1)), (QuestionID("q2"), .choice(q1))],
                                  expectedSequence: nil, key: "save-\(seed)", user: user, quiz: quiz, course: course)
        if submit {
            stored = try service.act(stored, action: .submit, key: "submit-\(seed)", user: user, quiz: quiz, course: course)
        }
        storage.clock.advance(by: 10)
        return stored
    }

    @Test(arguments: StorageKind.enabled)
    func closedOpenAndExpiredAttemptsSayWhatTheirStepsSay(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("li", in: try storage.department("省", "局"))
            let course = Self.course(Self.exam())
            let quiz = course.quizzes[0]
            let service = Self.service(storage)
            try Self.take(storage, user, course, q1: "b", seed: 1)
            try Self.take(storage, user, course, q1: "a", seed: 2)
            let expiring = try Self.take(storage, user, course, q1: "a", submit: false, seed: 3)
            // Time runs out: stored, the attempt is still open; it is closed when the person's attempts are read.
            storage.clock.advance(by: 2000)
            #expect(try storage.attempts.openAttempts(userID: user.id, courseID: nil, quizID: nil).map(\.attempt.id)
                    == [expiring.attempt.id])
            #expect(try storage.attempts.headers(userID: user.id).first { $0.id == expiring.attempt.id }?.isClosed == false)
            let history = try service.history(user: user, quiz: quiz, course: course)
            #expect(history.openAttempt == nil)
            #expect(history.recent.map(\.number) == [1, 2, 3] && history.recent.allSatisfy(\.isClosed))
            #expect(try storage.attempts.openAttempts(userID: user.id, courseID: nil, quizID: nil).isEmpty)
            let open = try Self.take(storage, user, course, q1: "b", submit: false, seed: 4)
            #expect(try service.history(user: user, quiz: quiz, course: course).openAttempt == open.attempt.id)
            #expect(try storage.attempts.openAttempts(userID: user.id, courseID: course.id.rawValue, quizID: quiz.id)
                .map(\.attempt.id) == [open.attempt.id])
            // Every header says what replaying its steps says, and is the stored attempt's header.
            let headers = try storage.attempts.headers(userID: user.id)
            #expect(headers.map(\.number) == [4, 3, 2, 1], "newest first")
            for header in headers {
                let stored = try #require(try storage.attempts.attempt(id: header.id))
                let state = try AttemptState(replaying: stored.attempt, against: quiz, now: storage.clock.current)
                #expect(header.summary == AttemptSummary(state), "attempt \(header.number)")
                #expect(header == stored.header)
            }
            #expect(try storage.attempts.attempts(userID: user.id).map(\.attempt.number) == [4, 3, 2, 1])
            #expect(try storage.attempts.attempts(userID: user.id, courseID: course.id.rawValue, quizID: quiz.id)
                .map(\.attempt.number) == [1, 2, 3, 4])
            #expect(try storage.attempts.attempts(courseID: course.id.rawValue, quizID: quiz.id).map(\.attempt.number)
                    == [1, 2, 3, 4])
            // The latest few, oldest first, with the figures of all of them.
            let (tally, latest) = try storage.attempts.history(userID: user.id, courseID: course.id.rawValue,
                                                               quizID: quiz.id, limit: 2)
            #expect(latest.map(\.number) == [3, 4])
            #expect(tally.count == 4 && tally.lastPassNumber == 3 && tally.countedTowardsLimit == 1)
            #expect(tally == (try storage.attempts.tally(userID: user.id, courseID: course.id.rawValue, quizID: quiz.id)))
            #expect(try storage.attempts.outcomes(userID: user.id)
                    == [QuizOutcome(courseID: "ethics", quizID: quiz.id, passed: true)])
            #expect(try storage.attempts.attempt(id: AttemptID("nope")) == nil)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func aRepeatedRequestAppendsNothingAndUnknownAttemptsAreNotFound(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("li", in: try storage.department("处"))
            let course = Self.course(Self.exam())
            let quiz = course.quizzes[0]
            let service = Self.service(storage)
            let started = try service.start(user: user, quiz: quiz, course: course, seed: 7)
            let once = try service.save(started, responses: [(QuestionID("q1"), .choice("a"))], expectedSequence: nil,
                                        key: "form-1", user: user, quiz: quiz, course: course)
            // The same form sent again (a double click, a retried request) from the page before the first save.
            let again = try service.act(started, action: .submit, key: "submit", user: user, quiz: quiz, course: course)
            let repeated = try service.act(started, action: .submit, key: "submit", user: user, quiz: quiz, course: course)
            #expect(once.attempt.steps.count == 2 && again.attempt.steps.count == 3)
            #expect(repeated.attempt.steps == again.attempt.steps)
            #expect(try storage.attempts.attempt(id: started.attempt.id)?.attempt.steps.map(\.sequence) == [0, 1, 2])
            #expect(try storage.count("attempt_steps") == 3)
            let missing = #expect(throws: StoreError.self) {
                try storage.attempts.append(attemptID: AttemptID("missing")) { _ in ([], nil) }
            }
            #expect(missing.map { "\($0)" } == "\(StoreError.notFound("attempt"))")
        }
    }

    @Test(arguments: StorageKind.enabled)
    func theDaysStartsAndTheOverviewAreReadTogether(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("li", in: try storage.department("处"))
            let course = Self.course(Self.exam(perDay: 2))
            let quiz = course.quizzes[0]
            let dayStart = storage.clock.current
            try Self.take(storage, user, course, q1: "b", seed: 1)
            let open = try Self.take(storage, user, course, q1: "b", submit: false, seed: 2)
            let starts = try storage.attempts.starts(userID: user.id, courseID: "ethics", quizID: quiz.id, since: dayStart)
            #expect(starts == AttemptStarts(started: 2, hasOpen: true))
            #expect(try storage.attempts.starts(userID: user.id, courseID: "ethics", quizID: quiz.id,
                                                since: storage.clock.current) == AttemptStarts(started: 0, hasOpen: true))
            let overview = try storage.attempts.overview(userID: user.id, courseID: "ethics", quizID: quiz.id, limit: 1,
                                                         startsSince: dayStart)
            #expect(overview.open.map(\.attempt.id) == [open.attempt.id] && overview.open.first?.attempt.steps.count == 3)
            #expect(overview.tally.count == 2 && overview.recent.map(\.number) == [2] && overview.starts == starts)
            let bare = try storage.attempts.overview(userID: user.id, courseID: "ethics", quizID: quiz.id, limit: 0,
                                                     startsSince: nil)
            #expect(bare.recent.isEmpty && bare.starts == nil)
            // The daily cap: the open attempt is continued, a third start is refused with nothing stored.
            _ = try Self.service(storage).act(open, action: .submit, key: "s", user: user, quiz: quiz, course: course)
            #expect(throws: QuizService.Failure.self) {
                try Self.service(storage).start(user: user, quiz: quiz, course: course, seed: 3)
            }
            #expect(try storage.count("quiz_attempts") == 2)
        }
    }

    /// The refusal a start meets, nil when it starts.
    static func refusal(_ start: () throws -> StoredAttempt) throws -> StartRefusal? {
        do {
            _ = try start()
            return nil
        } catch QuizService.Failure.refused(let refusal) {
            return refusal
        }
    }

    @Test(arguments: StorageKind.enabled)
    func theDailyCapHoldsAtItsEdgeAndTheOverviewCountsEachAttemptOnce(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("li", in: try storage.department("处"))
            let course = Self.course(Self.exam(perDay: 2))
            let quiz = course.quizzes[0]
            let service = Self.service(storage)
            let dayStart = storage.clock.current
            func overview(limit: Int, since: Double?) throws -> AttemptOverview {
                try storage.attempts.overview(userID: user.id, courseID: "ethics", quizID: quiz.id, limit: limit,
                                              startsSince: since)
            }
            // No attempt yet: empty figures, nothing open, nothing recent.
            let empty = try overview(limit: 5, since: dayStart)
            #expect(empty.open.isEmpty && empty.recent.isEmpty)
            #expect(empty.tally == AttemptTally(count: 0, lastPassNumber: nil, lastClose: nil))
            #expect(empty.starts == AttemptStarts(started: 0, hasOpen: false))
            // One below the cap, the second start is allowed; the open attempt is both open and among the recent.
            let passed = try Self.take(storage, user, course, q1: "a", seed: 1)
            let open = try Self.take(storage, user, course, q1: "b", submit: false, seed: 2)
            let both = try overview(limit: 5, since: dayStart)
            #expect(both.open.map(\.attempt.id) == [open.attempt.id] && both.open.first?.attempt.steps.count == 3)
            #expect(both.recent.map(\.number) == [1, 2] && both.recent.map(\.isClosed) == [true, false])
            #expect(both.tally == AttemptTally(count: 2, lastPassNumber: 1, lastClose: passed.closedAt))
            #expect(both.starts == AttemptStarts(started: 2, hasOpen: true))
            let (tally, recent) = try storage.attempts.history(userID: user.id, courseID: "ethics", quizID: quiz.id,
                                                               limit: 10)
            #expect(tally == both.tally && recent == both.recent)
            let later = try overview(limit: 1, since: open.attempt.steps[0].time + 1)
            #expect(later.starts == AttemptStarts(started: 0, hasOpen: true) && later.recent.map(\.number) == [2])
            // At the cap with one open: the open one is continued, and no start is stored.
            #expect(try Self.refusal { try service.start(user: user, quiz: quiz, course: course, seed: 3) }
                    == .attemptInProgress(open.attempt.id))
            _ = try service.act(open, action: .submit, key: "s", user: user, quiz: quiz, course: course)
            // At the cap, all closed: refused until the next day.
            guard case .dailyLimitReached(limit: 2, _)? = try Self.refusal({
                try service.start(user: user, quiz: quiz, course: course, seed: 4)
            }) else {
                Issue.record("a third start on the same day was not refused for the daily cap")
                return
            }
            #expect(try storage.count("quiz_attempts") == 2)
            storage.clock.advance(by: 86_400)
            #expect(try service.start(user: user, quiz: quiz, course: course, seed: 5).attempt.number == 3)
            #expect(try overview(limit: 0, since: storage.clock.current - 1).starts
                    == AttemptStarts(started: 1, hasOpen: true))
        }
    }

    @Test(arguments: StorageKind.enabled)
    func versionsAreKeptOnceAndRegradesWriteNotesSummariesAndOneAuditRow(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("li", in: try storage.department("处"))
            let course = Self.course(Self.exam(right: "a"))
            let quiz = course.quizzes[0]
            let first = try Self.take(storage, user, course, q1: "b", seed: 1)
            #expect(first.passed == false)
            #expect(try storage.attempts.version(courseID: "ethics", quizID: quiz.id, contentHash: "exam-a") == quiz)
            // The same hash is the same content: the first stored stays.
            var changed = quiz
            changed.passMark = 0.9
            try storage.attempts.saveVersion(courseID: "ethics", quiz: changed, at: storage.clock.current)
            #expect(try storage.attempts.version(courseID: "ethics", quizID: quiz.id, contentHash: "exam-a") == quiz)
            #expect(try storage.attempts.version(courseID: "ethics", quizID: quiz.id, contentHash: "exam-b") == nil)
            // The key was wrong: regrading against "b" passes the attempt.
            let regraded = Self.exam(right: "b")
            try storage.attempts.saveVersion(courseID: "ethics", quiz: regraded, at: storage.clock.current)
            let note = AttemptStep(sequence: first.attempt.steps.count, time: storage.clock.current,
                                   actor: Actor(role: .admin, id: "cli"), action: .note("regraded: key \"b\" / 第 1 题"))
            let state = try AttemptState(replaying: first.attempt.appending(note), against: regraded,
                                         now: storage.clock.current)
            try storage.attempts.applyRegrade([(first.attempt.id, note, AttemptSummary(state))], quizHash: "exam-b",
                                              audit: AuditEvent(action: "quiz.regrade", subject: "quiz:ethics/final-exam"),
                                              by: .commandLine, at: storage.clock.current)
            let stored = try #require(try storage.attempts.attempt(id: first.attempt.id))
            #expect(stored.passed == true && stored.quizHash == "exam-b" && stored.attempt.steps.last == note)
            #expect(try storage.integer("SELECT count(*) FROM audit_log WHERE action = 'quiz.regrade'", []) == 1)
            #expect(try storage.audit.verify() == .intact(rows: try storage.count("audit_log")))
            #expect(try storage.attempts.outcomes(userID: user.id).map(\.passed) == [true])
        }
    }

    @Test func bothEnginesStoreTheSameStepsAndPapers() throws {
        guard StorageKind.enabled.count == 2 else { return }
        func texts(_ kind: StorageKind) throws -> [String] {
            try StorageFixture.with(kind) { storage in
                let user = try storage.user("li", in: try storage.department("处"))
                let course = Self.course(Self.exam())
                let quiz = course.quizzes[0]
                let service = Self.service(storage)
                var stored = try service.start(user: user, quiz: quiz, course: course, seed: 42)
                stored = try service.save(stored, responses: [(QuestionID("q1"), .choice("a"))],
                                          expectedSequence: nil, key: "k/1 \u{1}😀", user: user, quiz: quiz, course: course)
                _ = try service.act(stored, action: .submit, key: "submit", user: user, quiz: quiz, course: course)
                var rows: [String] = []
                for sequence in 0..<3 {
                    rows.append(try Self.text(storage, "SELECT step FROM attempt_steps WHERE sequence = ?", sequence))
                }
                rows.append(try Self.text(storage, "SELECT paper FROM quiz_attempts WHERE number = ?", 1))
                rows.append(try Self.text(storage, "SELECT definition FROM quiz_versions WHERE 1 = ?", 1))
                return rows
            }
        }
        #expect(try texts(.postgres) == texts(.sqlite))
    }

    static func text(_ storage: StorageFixture, _ sql: String, _ value: Int) throws -> String {
        try #require(try storage.text(sql, [.int(Int64(value))]))
    }
}

extension AttemptsConformanceTests {
    /// Rows of attempts as `start` numbers them (1, 2, 3… per person and quiz): `count` at each (course, quiz), the
    /// last one open, the numbers in `passes` passed.
    static func insertAttempts(_ storage: StorageFixture, _ user: User,
                               _ quizzes: [(course: String, quiz: String, count: Int, passes: Set<Int>)]) throws {
        for (course, quiz, count, passes) in quizzes {
            for number in 1...count {
                let open = number == count
                try storage.execute("""
                    INSERT INTO quiz_attempts (id, user_id, course_id, quiz_id, number, quiz_hash, paper, started_at,
                                               closed_at, mark, max_mark, fraction, passed)
                    VALUES (?, ?, ?, ?, ?, 'h', '{}', ?, ?, 1, 2, 0.5, ?)
                    """, [.text("\(user.id.rawValue)/\(course)/\(quiz)/\(number)"), .int(user.id.rawValue),
                          .text(course), .text(quiz), .int(Int64(number)), .double(Double(number)),
                          open ? .null : .double(Double(number) + 0.5),
                          open ? .null : .int(passes.contains(number) ? 1 : 0)])
            }
        }
    }

    /// The figures (the count as the highest number, the last pass, the last close) and the outcomes (one per quiz,
    /// walked quiz by quiz) of a long history at several quizzes and courses, in bytewise order, on both engines.
    @Test(arguments: StorageKind.enabled)
    func figuresAndOutcomesOfALongHistoryAtSeveralQuizzes(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let department = try storage.department("省", "局")
            let user = try storage.user("li", in: department)
            let other = try storage.user("wang", in: department)
            try Self.insertAttempts(storage, user, [
                (course: "ethics", quiz: "final", count: 120, passes: [7, 30]),
                (course: "ethics", quiz: "b-quiz", count: 3, passes: []),
                (course: "Ethics", quiz: "z", count: 2, passes: [1]),
                (course: "课程", quiz: "测验", count: 2, passes: [1]),
                (course: "ethics", quiz: "final-2", count: 1, passes: []),
                (course: "ethics", quiz: "B", count: 4, passes: [3]),
            ])
            try Self.insertAttempts(storage, other, [(course: "ethics", quiz: "other", count: 2, passes: [1])])

            let tally = try storage.attempts.tally(userID: user.id, courseID: "ethics", quizID: QuizID("final"))
            #expect(tally.count == 120 && tally.lastPassNumber == 30 && tally.lastClose == 119.5)
            let history = try storage.attempts.history(userID: user.id, courseID: "ethics", quizID: QuizID("final"),
                                                       limit: 3)
            #expect(history.0 == tally && history.1.map(\.number) == [118, 119, 120])
            #expect(try storage.attempts.starts(userID: user.id, courseID: "ethics", quizID: QuizID("final"), since: 100)
                    == AttemptStarts(started: 21, hasOpen: true))
            let none = try storage.attempts.tally(userID: user.id, courseID: "ethics", quizID: QuizID("never"))
            #expect(none.count == 0 && none.lastPassNumber == nil && none.lastClose == nil)

            let outcomes = try storage.attempts.outcomes(userID: user.id)
            #expect(outcomes.map { "\($0.courseID)/\($0.quizID.rawValue)/\($0.passed)" } == [
                "Ethics/z/true", "ethics/B/true", "ethics/b-quiz/false", "ethics/final/true", "ethics/final-2/false",
                "课程/测验/true",
            ])
            #expect(try storage.attempts.outcomes(userID: other.id).map(\.passed) == [true])
            let snapshot = try storage.node.dashboard.snapshot(of: user.id, announcementsOn: nil)
            #expect(snapshot.records.outcomes == outcomes)
            #expect(snapshot.records.passes.map(\.at) == [1.5, 1.5, 3.5, 7.5, 30.5],
                    "passes by close time, then id")
            #expect(try storage.node.dashboard.courseRecords(of: user.id).outcomes == outcomes)
            let records = try storage.certifications.learnerRecords(userID: user.id)
            #expect(snapshot.records.passes.map { "\($0.courseID)/\($0.quizID)/\($0.at)" }
                    == records.passes.map { "\($0.courseID)/\($0.quizID)/\($0.at)" })
        }
    }
}
