import Assessment

/// A person's verified study of one module.
public struct ModuleProgress: Sendable, Hashable, Codable {
    public var courseID: String
    public var moduleID: String
    /// Seconds of verified study, never more than the module's declared minutes.
    public var seconds: Double
    public var startedAt: Double
    public var lastActivityAt: Double
    public var completedAt: Double?

    public var isCompleted: Bool { completedAt != nil }
}

/// Where study hours came from.
public enum HoursSource: String, Sendable, Hashable, Codable {
    case module
    case quiz
}

/// One credit of study hours.
public struct LedgerEntry: Sendable, Hashable, Codable {
    public var year: Int
    public var source: HoursSource
    public var courseID: String
    public var itemID: String
    public var hours: Double
    public var at: Double
}

/// One study beat: where the person is and which of their sessions is reporting.
public struct StudyBeat: Sendable {
    public var userID: UserID
    /// Identifies the browser session (a digest, never the token itself).
    public var sessionKey: String
    public var courseID: String
    public var moduleID: String
    public var contentHash: String
    /// Seconds the module requires; accrual stops there and the module completes.
    public var requiredSeconds: Double
    /// Hours credited when the module completes.
    public var hours: Double
    /// The largest gap between two beats that still counts as study.
    public var maximumGap: Double
    public var now: Double
    /// The calendar year `now` falls in (server time zone), for the ledger.
    public var year: Int
}

/// An attempt as stored, with who owns it and where it belongs.
public struct StoredAttempt: Sendable, Hashable {
    public var attempt: Attempt
    public var userID: UserID
    public var courseID: String
    public var quizHash: String
    /// Derived values cached at the last step (the steps are the truth).
    public var closedAt: Double?
    public var mark: Double?
    public var maxMark: Double
    public var fraction: Double?
    public var passed: Bool?
}

extension StoredAttempt {
    /// The attempt without its steps.
    public var header: AttemptHeader {
        var deadline: Double?
        if case .start(_, let limit, _, _)? = attempt.steps.first?.action { deadline = limit }
        return AttemptHeader(id: attempt.id, number: attempt.number, userID: userID, courseID: courseID,
                             quizID: attempt.quizID, quizHash: quizHash, startedAt: attempt.steps.first?.time ?? 0,
                             deadline: deadline, summary: summary)
    }

    /// The derived values cached at the last step, as one value (setting it is what storing a summary does).
    public var summary: AttemptSummary {
        get { AttemptSummary(closedAt: closedAt, mark: mark, maxMark: maxMark, fraction: fraction, passed: passed) }
        set {
            closedAt = newValue.closedAt
            mark = newValue.mark
            maxMark = newValue.maxMark
            fraction = newValue.fraction
            passed = newValue.passed
        }
    }
}

/// An attempt without its steps: whose it is, where it belongs, when it started and the summary kept in step
/// with its steps. Enough for every page that shows outcomes only (status, passes, counts, history tables).
public struct AttemptHeader: Sendable, Hashable {
    public var id: AttemptID
    /// 1 for the person's first attempt at the quiz.
    public var number: Int
    public var userID: UserID
    public var courseID: String
    public var quizID: QuizID
    public var quizHash: String
    public var startedAt: Double
    public var deadline: Double?
    public var summary: AttemptSummary

    public init(id: AttemptID, number: Int, userID: UserID, courseID: String, quizID: QuizID, quizHash: String,
                startedAt: Double, deadline: Double?, summary: AttemptSummary) {
        self.id = id
        self.number = number
        self.userID = userID
        self.courseID = courseID
        self.quizID = quizID
        self.quizHash = quizHash
        self.startedAt = startedAt
        self.deadline = deadline
        self.summary = summary
    }

    /// Closed as stored. An attempt not closed yet may still be past its deadline: replay it to know.
    public var isClosed: Bool { summary.closedAt != nil }
}

/// A quiz a person has attempted, and whether any of their attempts at it passed.
public struct QuizOutcome: Sendable, Hashable {
    public var courseID: String
    public var quizID: QuizID
    public var passed: Bool

    public init(courseID: String, quizID: QuizID, passed: Bool) {
        self.courseID = courseID
        self.quizID = quizID
        self.passed = passed
    }
}

/// A person's attempts at one quiz in figures, from the stored summaries.
public struct AttemptTally: Sendable, Hashable {
    /// Every attempt, open or closed.
    public var count: Int
    /// The number of the latest closed attempt that passed; nil when none did.
    public var lastPassNumber: Int?
    /// The latest close time of a closed attempt; nil when none is closed.
    public var lastClose: Double?

    public init(count: Int, lastPassNumber: Int?, lastClose: Double?) {
        self.count = count
        self.lastPassNumber = lastPassNumber
        self.lastClose = lastClose
    }

    /// Whether any attempt passed.
    public var hasPassed: Bool { lastPassNumber != nil }

    /// Attempts since the latest pass (all of them without one): what an attempt limit counts, so renewing a
    /// certification years later is not blocked by the attempts of the first one.
    public var countedTowardsLimit: Int { count - (lastPassNumber ?? 0) }
}

/// The derived values of an attempt to cache beside its steps.
public struct AttemptSummary: Sendable, Hashable {
    public var closedAt: Double?
    public var mark: Double?
    public var maxMark: Double
    public var fraction: Double?
    public var passed: Bool?

    public init(closedAt: Double?, mark: Double?, maxMark: Double, fraction: Double?, passed: Bool?) {
        self.closedAt = closedAt
        self.mark = mark
        self.maxMark = maxMark
        self.fraction = fraction
        self.passed = passed
    }

    public init(_ state: AttemptState) {
        closedAt = state.closedAt
        mark = state.mark
        maxMark = state.maxMark
        fraction = state.fraction
        passed = state.passed
    }
}

/// Study progress and the hours ledger.
public protocol LearningRepository: Sendable {
    func progress(userID: UserID) throws -> [ModuleProgress]
    /// Writes the person's beats held in memory, if any, so that the database holds the progress `progress(userID:)`
    /// would give (for a caller that reads the progress in a read of its own, with other records).
    func writeHeldBeats(userID: UserID) throws
    /// The progress the person's beat held in memory, if any, would write: what `progress(userID:)` gives for that
    /// module (for a caller that reads the progress in a read of its own and puts this in place of the module's row,
    /// instead of writing the held beat with `writeHeldBeats`). Nil when nothing is held.
    func heldProgress(userID: UserID) -> ModuleProgress?
    /// The person's module progress was changed by something other than a beat (a module completed by watching):
    /// whatever is kept in memory about it is dropped, so the next beat reads the database. Call it after
    /// the change.
    func forgetHeldProgress(userID: UserID) throws
    /// Applies one beat in one transaction: accrues time if this session holds the person's study focus and the
    /// gap is short enough, completes the module (crediting its hours) once the required time is reached, and
    /// moves the focus to this session and module. Returns the module's progress after the beat.
    func recordBeat(_ beat: StudyBeat) throws -> ModuleProgress
    /// Credits hours once per (person, source, course, item); a repeated credit changes nothing.
    func credit(userID: UserID, source: HoursSource, courseID: String, itemID: String, hours: Double, year: Int,
                at: Double) throws
    func ledger(userID: UserID) throws -> [LedgerEntry]
}

extension LearningRepository {
    /// A repository that writes every beat holds none.
    public func writeHeldBeats(userID: UserID) throws {}
    /// A repository that writes every beat holds none.
    public func heldProgress(userID: UserID) -> ModuleProgress? { nil }
    /// A repository that writes every beat keeps nothing to forget.
    public func forgetHeldProgress(userID: UserID) throws {}
}

/// Quiz attempts as append-only steps.
public protocol AttemptRepository: Sendable {
    /// Every attempt of a person at one quiz, oldest first.
    func attempts(userID: UserID, courseID: String, quizID: QuizID) throws -> [StoredAttempt]
    /// How many attempts a person started at one quiz at or after `since`, and whether any of theirs is still open.
    func starts(userID: UserID, courseID: String, quizID: QuizID, since: Double) throws -> AttemptStarts
    /// Every attempt of a person, newest first.
    func attempts(userID: UserID) throws -> [StoredAttempt]
    func attempt(id: AttemptID) throws -> StoredAttempt?
    /// Every attempt at a quiz (for regrading and statistics).
    func attempts(courseID: String, quizID: QuizID) throws -> [StoredAttempt]
    /// A person's attempts at one quiz without steps: the figures of all of them and the latest `limit` headers,
    /// oldest first, read together.
    func history(userID: UserID, courseID: String, quizID: QuizID, limit: Int) throws -> (AttemptTally, [AttemptHeader])
    /// The figures of a person's attempts at one quiz.
    func tally(userID: UserID, courseID: String, quizID: QuizID) throws -> AttemptTally
    /// What `openAttempts`, `history` and (with `startsSince`) `starts` give for a person at one quiz, read in one
    /// snapshot.
    func overview(userID: UserID, courseID: String, quizID: QuizID, limit: Int, startsSince: Double?) throws -> AttemptOverview
    /// The attempt `id` and what `overview` gives for its person and quiz (the starts since `startsSince(attempt)`),
    /// read in one snapshot; nil when there is no such attempt.
    func attemptWithOverview(id: AttemptID, limit: Int,
                             startsSince: (StoredAttempt) -> Double?) throws -> (StoredAttempt, AttemptOverview)?
    /// Every attempt of a person without steps, newest first.
    func headers(userID: UserID) throws -> [AttemptHeader]
    /// The attempts of a person not closed as stored, with their steps (one may need closing now that time ran
    /// out); with `courseID` and `quizID`, those at one quiz only.
    func openAttempts(userID: UserID, courseID: String?, quizID: QuizID?) throws -> [StoredAttempt]
    /// Every quiz a person has attempted and whether they passed it, without reading the attempts one by one.
    func outcomes(userID: UserID) throws -> [QuizOutcome]
    /// In one IMMEDIATE transaction: reads the figures of the person's attempts at the quiz and those still open
    /// (with their steps), asks `decide` for a new one and stores it, so two concurrent starts cannot both pass
    /// the attempt limit.
    func start(userID: UserID, courseID: String, quizID: QuizID, quizHash: String,
               decide: (AttemptTally, [StoredAttempt]) throws -> (Attempt, AttemptSummary)) throws -> StoredAttempt
    /// In one IMMEDIATE transaction: loads the attempt, asks `decide` for the steps to append (none for a
    /// duplicate) and the new summary, and stores them.
    func append(attemptID: AttemptID, decide: (StoredAttempt) throws -> ([AttemptStep], AttemptSummary?)) throws -> StoredAttempt
    /// Keeps `quiz` as the version with its content hash (first use wins; the same hash is the same content).
    func saveVersion(courseID: String, quiz: QuizDefinition, at: Double) throws
    /// The stored version of a quiz with `contentHash`.
    func version(courseID: String, quizID: QuizID, contentHash: String) throws -> QuizDefinition?
    /// Stores regraded summaries with a note step per attempt and one audit row, in one transaction.
    func applyRegrade(_ changes: [(AttemptID, AttemptStep, AttemptSummary)], quizHash: String, audit: AuditEvent,
                      by actor: AuditActor, at: Double) throws
}

extension AttemptRepository {
    /// In two reads, for repositories without a combined one.
    public func attemptWithOverview(id: AttemptID, limit: Int,
                                    startsSince: (StoredAttempt) -> Double?) throws -> (StoredAttempt, AttemptOverview)? {
        guard let stored = try attempt(id: id) else { return nil }
        return (stored, try overview(userID: stored.userID, courseID: stored.courseID, quizID: stored.attempt.quizID,
                                     limit: limit, startsSince: startsSince(stored)))
    }
}
