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

/// The derived values of an attempt to cache beside its steps.
public struct AttemptSummary: Sendable, Hashable {
    public var closedAt: Double?
    public var mark: Double?
    public var maxMark: Double
    public var fraction: Double?
    public var passed: Bool?

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
    /// Applies one beat in one transaction: accrues time if this session holds the person's study focus and the
    /// gap is short enough, completes the module (crediting its hours) once the required time is reached, and
    /// moves the focus to this session and module. Returns the module's progress after the beat.
    func recordBeat(_ beat: StudyBeat) throws -> ModuleProgress
    /// Credits hours once per (person, source, course, item); a repeated credit changes nothing.
    func credit(userID: UserID, source: HoursSource, courseID: String, itemID: String, hours: Double, year: Int,
                at: Double) throws
    func ledger(userID: UserID) throws -> [LedgerEntry]
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
    /// In one IMMEDIATE transaction: loads the person's attempts, asks `decide` for a new one and stores it,
    /// so two concurrent starts cannot both pass the attempt limit.
    func start(userID: UserID, courseID: String, quizID: QuizID, quizHash: String,
               decide: ([StoredAttempt]) throws -> (Attempt, AttemptSummary)) throws -> StoredAttempt
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
