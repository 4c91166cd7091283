import Assessment
import Curriculum
import Foundation
import Synchronization

/// Taking quizzes: the rules come from `Assessment.AttemptRules`, storage from `AttemptRepository`; this type
/// only connects them, closes expired attempts and credits hours for a passed completion quiz.
public struct QuizService: Sendable {
    public let attempts: any AttemptRepository
    public let learning: any LearningRepository
    public let calendar: StudyCalendar
    public let clock: @Sendable () -> Double
    /// Called after an attempt closes (certifications may change).
    public let onResultChange: @Sendable (UserID) -> Void
    /// Replays of attempts as stored, so the pages that follow one another need not replay the same steps again.
    let replays = AttemptReplays()
    /// Attempts as this service last read or stored them, so a save or submit need not read the attempt before
    /// its write (which reads it again and decides on what is stored then).
    let known = KnownAttempts()

    public init(attempts: any AttemptRepository, learning: any LearningRepository, calendar: StudyCalendar,
                clock: @escaping @Sendable () -> Double, onResultChange: @escaping @Sendable (UserID) -> Void = { _ in }) {
        self.attempts = attempts
        self.learning = learning
        self.calendar = calendar
        self.clock = clock
        self.onResultChange = onResultChange
    }

    public enum Failure: Error, Sendable, Equatable {
        case refused(StartRefusal)
        case rejected(StepRejection)
        case invalidResponse(QuestionID)
        case unreplayable
    }

    /// The quiz version `stored` was taken against (until a regrade moves it to a newer one); the current
    /// definition when that version is the current one or was never stored.
    public func definition(for stored: StoredAttempt, current quiz: QuizDefinition) throws -> QuizDefinition {
        guard stored.quizHash != quiz.contentHash else { return quiz }
        return try attempts.version(courseID: stored.courseID, quizID: quiz.id, contentHash: stored.quizHash) ?? quiz
    }

    /// The state of `stored` now; an attempt whose time ran out is closed (and the close stored) first.
    public func current(_ stored: StoredAttempt, quiz currentQuiz: QuizDefinition, course: Course) throws -> (StoredAttempt, AttemptState) {
        let quiz = try definition(for: stored, current: currentQuiz)
        let now = clock()
        let state = try storedReplay(stored.attempt, quiz: quiz, now: now)
        if AttemptRules.expiryStep(for: stored.attempt, state: state, now: now) != nil {
            var closedHere = false
            let updated = try attempts.append(attemptID: stored.attempt.id) { latest in
                guard let step = AttemptRules.expiryStep(for: latest.attempt, quiz: quiz, now: now) else { return ([], nil) }
                let state = try replay(latest.attempt.appending(step), quiz: quiz, now: now)
                closedHere = latest.closedAt == nil
                return ([step], AttemptSummary(state))
            }
            known.keep(updated)
            if closedHere { try afterClose(updated, quiz: quiz, course: course) }
            return (updated, try storedReplay(updated.attempt, quiz: quiz, now: now))
        }
        known.keep(stored)
        return (stored, state)
    }

    /// The attempt `id` as this service last read or stored it, if it still knows it: where a save or submit may
    /// start instead of reading the attempt, since its write reads the attempt again and decides on what is
    /// stored then (`perform`). Pages read the attempt: another server on the same database may have changed it.
    public func lastKnown(_ id: AttemptID) -> StoredAttempt? { known.attempt(id) }

    /// A person's attempts at a quiz as pages show them: the figures of all of them (from the summaries stored
    /// beside the steps) and the latest `recent` without steps, oldest first.
    public struct History: Sendable {
        public var tally: AttemptTally
        public var recent: [AttemptHeader]
        /// The attempt still open (its time not run out), if any.
        public var openAttempt: AttemptID?
        /// Why no attempt may start today, as `dailyRefusal` says it.
        public var dailyRefusal: StartRefusal?
    }

    /// The attempts of `user` at `quiz` not closed as stored, each brought up to date: one whose time ran out is
    /// closed (and the close stored). Closed attempts are not read: their stored summaries are current.
    @discardableResult
    public func closeExpired(user: User, quiz: QuizDefinition, course: Course) throws -> [(StoredAttempt, AttemptState)] {
        try attempts.openAttempts(userID: user.id, courseID: course.id.rawValue, quizID: quiz.id)
            .map { try current($0, quiz: quiz, course: course) }
    }

    /// The attempts of `user` at `quiz` after closing those whose time ran out: the figures of all of them and the
    /// latest `recent` ones. Costs the same however many attempts there are (no closed attempt is replayed).
    public func history(user: User, quiz: QuizDefinition, course: Course, recent: Int = 20) throws -> History {
        let (overview, open, today) = try attemptOverview(user: user, quiz: quiz, course: course, recent: recent)
        return history(overview, open: open, quiz: quiz, today: today)
    }

    /// The attempt `id` of `user` and their history at its quiz, read together (a result page); nil when there is no
    /// such attempt, it is someone else's, or `find` finds no course and quiz for it in the catalogue. An attempt
    /// whose time ran out is closed first, as `current` and `history` do.
    public func attemptWithHistory(_ id: AttemptID, user: User, recent: Int = 0,
                                   find: (StoredAttempt) -> (Course, QuizDefinition)?) throws
        -> (stored: StoredAttempt, state: AttemptState, course: Course, quiz: QuizDefinition, history: History)? {
        var found: (course: Course, quiz: QuizDefinition)?
        var today: (start: Double, end: Double)?
        guard let (stored, overview) = try attempts.attemptWithOverview(id: id, limit: recent, startsSince: { stored in
            guard stored.userID == user.id, let pair = find(stored) else { return nil }
            found = pair
            if pair.1.attemptsPerDay != nil { today = calendar.day(containing: clock()) }
            return today?.start
        }), stored.userID == user.id, let (course, quiz) = found else { return nil }
        let (current, state) = try current(stored, quiz: quiz, course: course)
        let (checked, open) = try bringUpToDate(overview, user: user, quiz: quiz, course: course, recent: recent,
                                                today: today, closedMeanwhile: current.closedAt != stored.closedAt)
        return (current, state, course, quiz, history(checked, open: open, quiz: quiz, today: today))
    }

    private func history(_ overview: AttemptOverview, open: [(StoredAttempt, AttemptState)], quiz: QuizDefinition,
                         today: (start: Double, end: Double)?) -> History {
        History(tally: overview.tally, recent: overview.recent, openAttempt: open.first { !$0.1.isClosed }?.0.attempt.id,
                dailyRefusal: dailyRefusal(quiz: quiz, starts: overview.starts, today: today))
    }

    /// The person's attempts at the quiz in one read (open ones, figures, the latest `recent`, today's starts
    /// when the quiz has a daily cap), with the open ones brought up to date: when one of them closes now (its
    /// time ran out), the figures are read again so that they count it closed.
    private func attemptOverview(user: User, quiz: QuizDefinition, course: Course,
                                 recent: Int) throws -> (AttemptOverview, [(StoredAttempt, AttemptState)], (start: Double, end: Double)?) {
        let today = quiz.attemptsPerDay == nil ? nil : calendar.day(containing: clock())
        let overview = try attempts.overview(userID: user.id, courseID: course.id.rawValue, quizID: quiz.id,
                                             limit: recent, startsSince: today?.start)
        let (checked, open) = try bringUpToDate(overview, user: user, quiz: quiz, course: course, recent: recent,
                                                today: today, closedMeanwhile: false)
        return (checked, open, today)
    }

    /// `overview` with its open attempts brought up to date; read again when one of them closed now (its time ran
    /// out) or `closedMeanwhile` (another attempt of the quiz was closed since it was read).
    private func bringUpToDate(_ overview: AttemptOverview, user: User, quiz: QuizDefinition, course: Course, recent: Int,
                               today: (start: Double, end: Double)?,
                               closedMeanwhile: Bool) throws -> (AttemptOverview, [(StoredAttempt, AttemptState)]) {
        var overview = overview
        let open = try overview.open.map { try current($0, quiz: quiz, course: course) }
        if closedMeanwhile || open.contains(where: { $0.0.closedAt != nil }) {
            overview = try attempts.overview(userID: user.id, courseID: course.id.rawValue, quizID: quiz.id,
                                             limit: recent, startsSince: today?.start)
        }
        return (overview, open)
    }

    /// Starts a new attempt, atomically with the check of the attempt rules.
    public func start(user: User, quiz: QuizDefinition, course: Course, seed: UInt64) throws -> StoredAttempt {
        // Close expired attempts first, so the rules see them closed.
        let (overview, _, today) = try attemptOverview(user: user, quiz: quiz, course: course, recent: 0)
        let now = clock()
        if let refusal = dailyRefusal(quiz: quiz, starts: overview.starts, today: today) { throw Failure.refused(refusal) }
        try attempts.saveVersion(courseID: course.id.rawValue, quiz: quiz, at: now)
        var replayed: AttemptState?
        let started = try attempts.start(userID: user.id, courseID: course.id.rawValue, quizID: quiz.id,
                                  quizHash: quiz.contentHash) { tally, open in
            // Closed attempts count through their stored summaries; one still open is replayed now (its time may
            // have run out since it was read).
            var lastPass = tally.lastPassNumber
            var lastClose = tally.lastClose
            var openAttempt: AttemptID?
            for stored in open {
                let state = try replay(stored.attempt, quiz: quiz, now: now)
                guard let closedAt = state.closedAt else {
                    if openAttempt == nil { openAttempt = stored.attempt.id }
                    continue
                }
                lastClose = max(lastClose ?? closedAt, closedAt)
                if state.passed == true { lastPass = max(lastPass ?? 0, stored.attempt.number) }
            }
            let previous = PreviousAttempts(count: tally.count, lastClose: lastClose, openAttempt: openAttempt)
            let id = AttemptID(Tokens.random(bytes: 16))
            // The attempt limit counts from the latest pass: renewing a certification years later must not be
            // blocked by the attempts of the first certification.
            var rules = quiz
            if let limit = quiz.maxAttempts, let lastPass {
                rules.maxAttempts = limit + lastPass
            }
            switch AttemptRules.start(id: id, quiz: rules, previous: previous, seed: seed,
                                      timeFactor: user.accommodationFactor, actor: .learner(String(user.id.rawValue)),
                                      now: now) {
            case .success(let attempt):
                let state = try replay(attempt, quiz: quiz, now: now)
                replayed = state
                return (attempt, AttemptSummary(state))
            case .failure(let refusal):
                throw Failure.refused(refusal)
            }
        }
        // Stored: the answer page that follows finds the replay made.
        if let replayed { replays.keep(replayed, of: started.attempt, quiz: quiz, now: now) }
        known.keep(started)
        return started
    }

    /// Saves responses (in authored ids) as one step per changed question. `expectedSequence` guards the first
    /// step against a stale page; `key` makes a repeated submission of the same form a no-op. `state`, when the
    /// caller has it, is what `current(stored, ...)` returned for `stored` (so the attempt is not replayed again).
    public func save(_ stored: StoredAttempt, state: AttemptState? = nil, responses: [(QuestionID, Assessment.Response)],
                     expectedSequence: Int?, key: String, user: User, quiz: QuizDefinition,
                     course: Course) throws -> StoredAttempt {
        try perform(stored, state: state, quiz: quiz, course: course) { latest, state, quiz, now in
            var requests: [StepRequest] = []
            for (question, response) in responses {
                guard state.question(question)?.response != response else { continue }
                requests.append(StepRequest(actor: .learner(String(user.id.rawValue)),
                                            action: .save(question: question, response: response),
                                            idempotencyKey: "\(key):\(question.rawValue)",
                                            expectedSequence: requests.isEmpty ? expectedSequence : nil))
            }
            guard !requests.isEmpty else { return [] }
            // No replay for the saves: they are judged on the replay just made (see `AttemptRules.decide` for a list).
            var steps: [AttemptStep] = []
            for decision in AttemptRules.decide(requests, on: latest.attempt, quiz: quiz, now: now, replayed: state) {
                switch decision {
                case .append(let step): steps.append(step)
                case .duplicate: continue
                case .rejected(let rejection): throw Failure.rejected(rejection)
                }
            }
            return steps
        }
    }

    /// A single step other than saving: check (immediate feedback) or submit.
    public func act(_ stored: StoredAttempt, action: AttemptAction, key: String, user: User, quiz: QuizDefinition,
                    course: Course) throws -> StoredAttempt {
        try perform(stored, quiz: quiz, course: course) { latest, state, quiz, now in
            let request = StepRequest(actor: .learner(String(user.id.rawValue)), action: action, idempotencyKey: key)
            switch AttemptRules.decide([request], on: latest.attempt, quiz: quiz, now: now, replayed: state).first {
            case .append(let step)?: return [step]
            case .duplicate?, nil: return []
            case .rejected(let rejection)?: throw Failure.rejected(rejection)
            }
        }
    }

    /// Appends the steps `steps` decides on the attempt as stored (`latest`), given its replay at `now`.
    private func perform(_ stored: StoredAttempt, state given: AttemptState? = nil, quiz currentQuiz: QuizDefinition,
                         course: Course,
                         steps: (StoredAttempt, AttemptState, QuizDefinition, Double) throws -> [AttemptStep]) throws -> StoredAttempt {
        let (current, currentState) = try given.map { (stored, $0) } ?? current(stored, quiz: currentQuiz, course: course)
        let quiz = try definition(for: current, current: currentQuiz)
        var closedHere = false
        var replayed: (state: AttemptState, now: Double)?
        let updated: StoredAttempt
        do {
            updated = try attempts.append(attemptID: current.attempt.id) { latest in
                // Moved to another quiz version (a regrade) since it was read: decided again on the attempt as stored.
                guard latest.quizHash == current.quizHash else { throw VersionMoved() }
                let now = clock()
                // The replay just made holds unless a step was stored since (steps are only appended, so the same
                // count is the same steps) or the cutoff passed in between (an open attempt would now be closed).
                let unchanged = latest.attempt.steps.count == current.attempt.steps.count
                    && (currentState.isClosed || currentState.cutoff.map { now <= $0 } ?? true)
                let state = unchanged ? currentState : try replay(latest.attempt, quiz: quiz, now: now)
                let new = try steps(latest, state, quiz, now)
                guard !new.isEmpty else { return ([], nil) }
                // Saves on an open attempt leave it open with the same figures (the maximum mark does not depend on
                // the responses, and the rest stays empty until it closes): when the row holds them already, the
                // attempt is neither replayed again nor its row rewritten.
                let onlySaves = new.allSatisfy { if case .save = $0.action { true } else { false } }
                if onlySaves, !state.isClosed, AttemptSummary(state) == latest.header.summary {
                    // The page that follows (the summary, the next answer page) finds the state after the saves,
                    // made from this replay by grading the questions saved anew.
                    replayed = state.appendingSaves(new, now: now).map { ($0, now) }
                    return (new, nil)
                }
                let after = try replay(new.reduce(latest.attempt) { $0.appending($1) }, quiz: quiz, now: now)
                replayed = (after, now)
                closedHere = latest.closedAt == nil && after.isClosed
                return (new, AttemptSummary(after))
            }
        } catch is VersionMoved {
            guard let fresh = try attempts.attempt(id: stored.attempt.id) else { throw StoreError.notFound("attempt") }
            return try perform(fresh, quiz: currentQuiz, course: course, steps: steps)
        }
        known.keep(updated)
        // Stored: the page that follows (the summary after a save, the result after a submit) finds the replay made.
        if let replayed, replayed.state.nextSequence == updated.attempt.nextSequence {
            replays.keep(replayed.state, of: updated.attempt, quiz: quiz, now: replayed.now)
        }
        if closedHere && updated.closedAt != nil { try afterClose(updated, quiz: quiz, course: course) }
        return updated
    }

    /// The attempt was moved to another quiz version between its read and the write that decides on it.
    private struct VersionMoved: Error {}

    /// Credits the course's quiz hours when its completion quiz has just been passed, and then re-evaluates the
    /// person's certifications. Nothing else of an attempt is evidence for a certification (a programme counts a
    /// course's completion, which needs its completion quiz passed, and credited hours), so other closes change
    /// none and are not followed by a re-evaluation (the periodic sweep still moves certifications with time).
    private func afterClose(_ stored: StoredAttempt, quiz: QuizDefinition, course: Course) throws {
        guard stored.passed == true, course.completion.quiz == quiz.id else { return }
        defer { onResultChange(stored.userID) }
        let now = clock()
        try learning.credit(userID: stored.userID, source: .quiz, courseID: course.id.rawValue, itemID: quiz.id.rawValue,
                            hours: CourseStatus.quizHours(of: course), year: calendar.year(of: now), at: now)
    }

    /// The replay of `attempt` as read from storage (all its steps stored): kept, and taken from `replays` when the
    /// same steps were replayed against the same quiz version before with the same outcome of the time check.
    private func storedReplay(_ attempt: Attempt, quiz: QuizDefinition, now: Double) throws -> AttemptState {
        if let state = replays.state(of: attempt, quiz: quiz, now: now) { return state }
        let state = try replay(attempt, quiz: quiz, now: now)
        replays.keep(state, of: attempt, quiz: quiz, now: now)
        return state
    }

    private func replay(_ attempt: Attempt, quiz: QuizDefinition, now: Double) throws -> AttemptState {
        do {
            return try AttemptState(replaying: attempt, against: quiz, now: now)
        } catch {
            throw Failure.unreplayable
        }
    }
}

/// Replays of stored attempts, by attempt: an entry is used only for the same steps (as many, the last one the
/// same; steps are only ever appended) replayed against the same quiz version (same id, content hash and pass
/// mark; a definition without a content hash is never kept), and only when `now` is on the same side of the
/// attempt's cutoff as when it was made, the only way the time enters a replay (`AttemptState.init(replaying:)`):
/// what it returns is what replaying again would give. The attempts used last, at most `2 × generationSize`
/// (`RecentEntries`).
final class AttemptReplays: Sendable {
    private struct Entry: Sendable {
        var stepCount: Int
        var lastStep: AttemptStep
        var quizID: QuizID
        var quizHash: String
        var passMark: Double
        var now: Double
        var state: AttemptState
    }

    /// An open attempt is used on every page of it, between which the other people taking quizzes use theirs:
    /// 512 keeps the attempts of several hundred people at once (two generations: at most 1,024 states).
    static let generationSize = 512
    private let entries = Mutex(RecentEntries<AttemptID, Entry>(generationSize: generationSize))

    func state(of attempt: Attempt, quiz: QuizDefinition, now: Double) -> AttemptState? {
        guard !quiz.contentHash.isEmpty, let last = attempt.steps.last,
              let entry = entries.withLock({ $0.value(attempt.id) }),
              entry.stepCount == attempt.steps.count, entry.lastStep == last, entry.quizID == quiz.id,
              entry.quizHash == quiz.contentHash, entry.passMark == quiz.passMark else { return nil }
        if let cutoff = entry.state.cutoff, (now > cutoff) != (entry.now > cutoff) { return nil }
        return entry.state
    }

    func keep(_ state: AttemptState, of attempt: Attempt, quiz: QuizDefinition, now: Double) {
        guard !quiz.contentHash.isEmpty, let last = attempt.steps.last else { return }
        let entry = Entry(stepCount: attempt.steps.count, lastStep: last, quizID: quiz.id, quizHash: quiz.contentHash,
                          passMark: quiz.passMark, now: now, state: state)
        entries.withLock { $0.keep(entry, for: attempt.id) }
    }

    /// How many attempts are kept (for tests).
    var count: Int { entries.withLock { $0.count } }
}

/// Attempts as stored when last read or written by this server, by id; the ones used last, at most
/// `2 × generationSize` (`RecentEntries`). Only a starting point for a write, which reads the attempt again inside
/// its transaction: never shown as is.
final class KnownAttempts: Sendable {
    /// As `AttemptReplays.generationSize`: the open attempts of several hundred people at once.
    static let generationSize = 512
    private let entries = Mutex(RecentEntries<AttemptID, StoredAttempt>(generationSize: generationSize))

    func attempt(_ id: AttemptID) -> StoredAttempt? { entries.withLock { $0.value(id) } }

    func keep(_ stored: StoredAttempt) {
        entries.withLock { $0.keep(stored, for: stored.attempt.id) }
    }

    /// How many attempts are kept (for tests).
    var count: Int { entries.withLock { $0.count } }
}

/// What `AttemptRepository.overview` reads in one snapshot.
public struct AttemptOverview: Sendable {
    /// The attempts not closed as stored, with their steps.
    public var open: [StoredAttempt]
    public var tally: AttemptTally
    /// The latest headers asked for, oldest first.
    public var recent: [AttemptHeader]
    /// The starts since the moment asked for; nil when none was.
    public var starts: AttemptStarts?

    public init(open: [StoredAttempt], tally: AttemptTally, recent: [AttemptHeader], starts: AttemptStarts?) {
        self.open = open
        self.tally = tally
        self.recent = recent
        self.starts = starts
    }
}
