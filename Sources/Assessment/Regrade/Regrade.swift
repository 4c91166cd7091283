/// What a corrected quiz definition (or a corrected way of reading answers) changes: every attempt replayed
/// against the old and the new definition, with marks and pass/fail before and after. "Before" is the result
/// recorded when the attempt was marked, when the caller has it, so a change in how answers are read (such as
/// "2018年" now read as 2018) shows even for attempts taken against the current definition. Pure; applying it (storing marks, writing the audit log,
/// re-evaluating certificates) is the caller's job, e.g. by appending `Entry.note(to:)` to each changed attempt.
public struct Regrade: Sendable, Hashable {
    /// A closed attempt's result under one definition.
    public struct Outcome: Sendable, Hashable, Codable {
        public var mark: Double
        public var maxMark: Double
        public var fraction: Double
        public var passed: Bool

        public init(mark: Double, maxMark: Double, fraction: Double, passed: Bool) {
            self.mark = mark
            self.maxMark = maxMark
            self.fraction = fraction
            self.passed = passed
        }
    }

    /// One question whose version or mark differs between the two definitions.
    public struct QuestionChange: Sendable, Hashable, Codable {
        public var questionID: QuestionID
        public var oldContentHash: String
        public var newContentHash: String
        /// Nil while the question is not graded yet.
        public var oldMark: Double?
        public var newMark: Double?
    }

    /// One attempt before and after.
    public struct Entry: Sendable, Hashable {
        public var attemptID: AttemptID
        public var number: Int
        /// Nil for an attempt that is still open (it will be graded with the new key when it closes).
        public var before: Outcome?
        public var after: Outcome?
        public var questions: [QuestionChange]

        /// Whether the mark differs.
        public var markChanged: Bool {
            abs((before?.mark ?? 0) - (after?.mark ?? 0)) > Grade.tolerance
                || abs((before?.maxMark ?? 0) - (after?.maxMark ?? 0)) > Grade.tolerance
        }

        /// Whether the learner passes under one definition and fails under the other.
        public var passChanged: Bool { before?.passed != after?.passed }

        /// Whether anything the learner or HR sees changes.
        public var isAffected: Bool { markChanged || passChanged || questions.contains { $0.oldMark != $0.newMark } }

        /// A note step's action recording this regrade in the attempt's log.
        public func note(to quizContentHash: String) -> AttemptAction {
            func describe(_ outcome: Outcome?) -> String {
                guard let outcome else { return "open" }
                return "\(outcome.mark)/\(outcome.maxMark) \(outcome.passed ? "passed" : "failed")"
            }
            return .note("regraded against quiz version \(quizContentHash): \(describe(before)) -> \(describe(after))")
        }
    }

    /// An attempt that cannot be replayed against one of the definitions.
    public struct Failure: Sendable, Hashable {
        public var attemptID: AttemptID
        public var error: ReplayError
    }

    /// Every attempt that could be replayed, in the order given.
    public var entries: [Entry]
    public var failures: [Failure]

    /// Replays each of `attempts` against `old` and `new` at `now`. An attempt's `recorded` outcome (the marks
    /// stored when it closed) stands for "before" in place of the replay against `old`.
    public init(attempts: [Attempt], from old: QuizDefinition, to new: QuizDefinition, now: Double,
                recorded: [AttemptID: Outcome] = [:]) {
        var entries: [Entry] = []
        var failures: [Failure] = []
        for attempt in attempts {
            do {
                let before = try AttemptState(replaying: attempt, against: old, now: now)
                let after = try AttemptState(replaying: attempt, against: new, now: now)
                let questions = zip(before.questions, after.questions).compactMap { old, new -> QuestionChange? in
                    guard old.question.contentHash != new.question.contentHash || old.mark != new.mark else {
                        return nil
                    }
                    return QuestionChange(questionID: new.question.id, oldContentHash: old.question.contentHash,
                                          newContentHash: new.question.contentHash, oldMark: old.mark,
                                          newMark: new.mark)
                }
                entries.append(Entry(attemptID: attempt.id, number: attempt.number,
                                     before: recorded[attempt.id] ?? Self.outcome(before),
                                     after: Self.outcome(after), questions: questions))
            } catch {
                failures.append(Failure(attemptID: attempt.id, error: error))
            }
        }
        self.entries = entries
        self.failures = failures
    }

    /// The entries whose marks or pass/fail change.
    public var affected: [Entry] { entries.filter(\.isAffected) }
    /// Attempts that failed before and pass now.
    public var nowPassing: [Entry] { entries.filter { $0.before?.passed == false && $0.after?.passed == true } }
    /// Attempts that passed before and fail now.
    public var nowFailing: [Entry] { entries.filter { $0.before?.passed == true && $0.after?.passed == false } }

    private static func outcome(_ state: AttemptState) -> Outcome? {
        guard let mark = state.mark, let fraction = state.fraction, let passed = state.passed else { return nil }
        return Outcome(mark: mark, maxMark: state.maxMark, fraction: fraction, passed: passed)
    }
}
