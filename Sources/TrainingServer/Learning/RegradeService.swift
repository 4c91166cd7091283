import Assessment
import Curriculum

/// Replays the attempts of a quiz with its current definition (a corrected answer key, or answers now read as
/// people type them), shows what changes against the marks recorded, and on request stores the new marks: a
/// note step per attempt, the new summaries and one audit-log row, in one transaction.
///
/// Every attempt taken against another version is moved to the current one. Attempts already on the current
/// version are included only when replaying them gives another mark or outcome than the one recorded (the
/// definition is the same, the reading of typed answers changed with an upgrade).
public struct RegradeService: Sendable {
    public let attempts: any AttemptRepository
    public let clock: @Sendable () -> Double

    public init(attempts: any AttemptRepository, clock: @escaping @Sendable () -> Double) {
        self.attempts = attempts
        self.clock = clock
    }

    /// One attempt before and after.
    public struct Line: Sendable {
        public var stored: StoredAttempt
        public var entry: Regrade.Entry
    }

    /// What a regrade would change.
    public struct Report: Sendable {
        public var course: Course
        public var quiz: QuizDefinition
        public var lines: [Line]
        /// Attempts that cannot be replayed (their old version is missing or no longer fits), with the reason.
        public var problems: [(AttemptID, String)]

        public var affected: [Line] { lines.filter(\.entry.isAffected) }
        public var nowPassing: [Line] { lines.filter { $0.entry.before?.passed == false && $0.entry.after?.passed == true } }
        public var nowFailing: [Line] { lines.filter { $0.entry.before?.passed == true && $0.entry.after?.passed == false } }
    }

    /// Compares every attempt at `quiz` with the current definition: those taken against another version, and
    /// those whose recorded marks the current definition no longer gives.
    public func preview(course: Course, quiz: QuizDefinition) throws -> Report {
        let now = clock()
        let all = try attempts.attempts(courseID: course.id.rawValue, quizID: quiz.id)
        var lines: [Line] = []
        var problems: [(AttemptID, String)] = []
        for (hash, group) in Dictionary(grouping: all, by: \.quizHash).sorted(by: { $0.key < $1.key }) {
            let current = hash == quiz.contentHash
            let stored = current ? quiz : try attempts.version(courseID: course.id.rawValue, quizID: quiz.id, contentHash: hash)
            guard let old = stored else {
                problems += group.map { ($0.attempt.id, "the quiz version \(hash.prefix(12)) it was taken with is not stored") }
                continue
            }
            var recorded: [AttemptID: Regrade.Outcome] = [:]
            for attempt in group {
                if let mark = attempt.mark, let fraction = attempt.fraction, let passed = attempt.passed {
                    recorded[attempt.attempt.id] = Regrade.Outcome(mark: mark, maxMark: attempt.maxMark, fraction: fraction,
                                                                   passed: passed)
                }
            }
            let regrade = Regrade(attempts: group.map(\.attempt), from: old, to: quiz, now: now, recorded: recorded)
            let byID = Dictionary(uniqueKeysWithValues: group.map { ($0.attempt.id, $0) })
            lines += regrade.entries.compactMap { entry in
                guard !current || entry.markChanged || entry.passChanged else { return nil }
                return byID[entry.attemptID].map { Line(stored: $0, entry: entry) }
            }
            problems += regrade.failures.map { ($0.attemptID, String(describing: $0.error)) }
        }
        return Report(course: course, quiz: quiz, lines: lines.sorted { $0.stored.attempt.id < $1.stored.attempt.id },
                      problems: problems)
    }

    /// Stores the report's new marks and moves its attempts to the current version. Returns the people whose
    /// results changed (their certifications need re-evaluating).
    @discardableResult
    public func apply(_ report: Report, by actor: AuditActor) throws -> Set<UserID> {
        let now = clock()
        try attempts.saveVersion(courseID: report.course.id.rawValue, quiz: report.quiz, at: now)
        var changes: [(AttemptID, AttemptStep, AttemptSummary)] = []
        for line in report.lines {
            let attempt = line.stored.attempt
            let note = AttemptStep(sequence: attempt.nextSequence, time: now, actor: .system,
                                   action: line.entry.note(to: report.quiz.contentHash))
            let state = try AttemptState(replaying: attempt.appending(note), against: report.quiz, now: now)
            changes.append((attempt.id, note, AttemptSummary(state)))
        }
        let event = AuditEvent(action: "quiz.regrade", subject: "quiz:\(report.course.id.rawValue)/\(report.quiz.id.rawValue)",
                               details: ["version": report.quiz.contentHash, "attempts": String(report.lines.count),
                                         "changed": String(report.affected.count),
                                         "now_passing": String(report.nowPassing.count),
                                         "now_failing": String(report.nowFailing.count)])
        try attempts.applyRegrade(changes, quizHash: report.quiz.contentHash, audit: event, by: actor, at: now)
        return Set(report.affected.map(\.stored.userID))
    }
}
