/// The rules of taking a quiz, as pure functions of the stored attempts, the quiz and the time `now`.
///
/// The server asks before storing anything: `start` for a new attempt, `decide` for every later step, and
/// `expiryStep` to record that time ran out.
///
/// Timing: the deadline is start + time limit × the learner's accommodation factor, no later than the quiz's
/// close time. Saves and submits are accepted until the deadline plus a short grace period, which absorbs the
/// delay between the browser's timer sending the last answers and the server receiving them (Moodle's
/// submission grace period); later saves are refused and, if stored anyway, ignored on replay. An attempt not
/// submitted by then closes at its deadline with what was saved in time.
public enum AttemptRules {
    /// Seconds after the deadline during which saves and submits are still accepted.
    public static let defaultGrace: Double = 30

    /// Opens attempt number `previous.count + 1` with the paper drawn from `seed`.
    ///
    /// - Parameters:
    ///   - previous: the learner's earlier attempts at this quiz, replayed at `now`.
    ///   - timeFactor: the learner's accommodation factor (1.5 = half as much time again), fixed in the start step.
    public static func start(id: AttemptID, quiz: QuizDefinition, previous: [AttemptState], seed: UInt64,
                             timeFactor: Double = 1, grace: Double = defaultGrace, actor: Actor,
                             now: Double) -> Result<Attempt, StartRefusal> {
        start(id: id, quiz: quiz, previous: PreviousAttempts(previous), seed: seed, timeFactor: timeFactor,
              grace: grace, actor: actor, now: now)
    }

    /// Opens attempt number `previous.count + 1`, judged on the figures of the earlier attempts (what the rules
    /// use of them: how many, the latest close and an open one), so callers need not replay them all.
    public static func start(id: AttemptID, quiz: QuizDefinition, previous: PreviousAttempts, seed: UInt64,
                             timeFactor: Double = 1, grace: Double = defaultGrace, actor: Actor,
                             now: Double) -> Result<Attempt, StartRefusal> {
        guard timeFactor.isFinite, timeFactor > 0 else { return .failure(.invalidTimeFactor(timeFactor)) }
        if let closesAt = quiz.closesAt, now >= closesAt { return .failure(.quizClosed(at: closesAt)) }
        if let open = previous.openAttempt { return .failure(.attemptInProgress(open)) }
        if let limit = quiz.maxAttempts, previous.count >= limit { return .failure(.attemptLimitReached(limit: limit)) }
        if let lastClose = previous.lastClose {
            let availableAt = lastClose + Double(quiz.attemptDelay)
            if now < availableAt { return .failure(.tooSoon(availableAt: availableAt)) }
        }
        let limitEnd = quiz.timeLimit.map { now + Double($0) * timeFactor }
        let deadline: Double? = switch (limitEnd, quiz.closesAt) {
        case let (end?, closes?): min(end, closes)
        case let (end?, nil): end
        case let (nil, closes?): closes
        case (nil, nil): nil
        }
        let step = AttemptStep(sequence: 0, time: now, actor: actor,
                               action: .start(seed: seed, deadline: deadline, grace: max(0, grace),
                                              timeFactor: timeFactor))
        return .success(Attempt(id: id, number: previous.count + 1, paper: Paper(quiz: quiz, seed: seed),
                                steps: [step]))
    }

    /// Judges `request` against `attempt` at `now`.
    ///
    /// The order of the checks matters: a repeated idempotency key is answered first (a retry carries an old
    /// sequence number but must get its original answer), then staleness, then the behaviour's rules.
    public static func decide(_ request: StepRequest, on attempt: Attempt, quiz: QuizDefinition,
                              now: Double) -> StepDecision {
        decide(request, on: attempt, quiz: quiz, now: now, replayed: nil)
    }

    /// Judges several requests as `decide` judges them one after another, each on the attempt with the steps
    /// decided before it appended (a rejection ends the list: the requests after it are not judged).
    ///
    /// Saves are judged on one replay of `attempt`: a stored save changes only a response, and nothing a save is
    /// judged on reads responses (whether the attempt is closed, its cutoff, whether the question is on the
    /// paper or checked, whether the response suits the question). Any other action is judged on a replay of
    /// the attempt as it stands then.
    ///
    /// `replayed`, when the caller has it, is the replay of `attempt` at `now` (`AttemptState(replaying: attempt,
    /// against: quiz, now: now)`): it is used instead of replaying again until a step is appended.
    public static func decide(_ requests: [StepRequest], on attempt: Attempt, quiz: QuizDefinition,
                              now: Double, replayed given: AttemptState? = nil) -> [StepDecision] {
        var attempt = attempt
        var replayed: Result<AttemptState, ReplayError>? = given.map { .success($0) }
        // Whether `replayed` is the replay of `attempt` as it stands (no step appended since).
        var replayedIsCurrent = given != nil
        var decisions: [StepDecision] = []
        for request in requests {
            let decision: StepDecision
            if case .save = request.action {
                if replayed == nil {
                    do throws(ReplayError) {
                        replayed = .success(try AttemptState(replaying: attempt, against: quiz, now: now))
                    } catch {
                        replayed = .failure(error)
                    }
                    replayedIsCurrent = true
                }
                decision = decide(request, on: attempt, quiz: quiz, now: now, replayed: replayed)
            } else {
                decision = decide(request, on: attempt, quiz: quiz, now: now, replayed: replayedIsCurrent ? replayed : nil)
                replayed = nil
                replayedIsCurrent = false
            }
            decisions.append(decision)
            switch decision {
            case .append(let step):
                attempt = attempt.appending(step)
                replayedIsCurrent = false
            case .duplicate: continue
            case .rejected: return decisions
            }
        }
        return decisions
    }

    /// `decide` with the attempt's replay at `now` when the caller has it.
    private static func decide(_ request: StepRequest, on attempt: Attempt, quiz: QuizDefinition, now: Double,
                               replayed: Result<AttemptState, ReplayError>?) -> StepDecision {
        if let key = request.idempotencyKey, let original = attempt.steps.first(where: { $0.idempotencyKey == key }) {
            let same = original.action == request.action && original.actor == request.actor
            return same ? .duplicate(of: original) : .rejected(.idempotencyKeyReused(sequence: original.sequence))
        }
        if let expected = request.expectedSequence, expected != attempt.nextSequence {
            return .rejected(.staleSequence(current: attempt.nextSequence, received: expected))
        }
        let state: AttemptState
        do throws(ReplayError) {
            if let replayed {
                state = try replayed.get()
            } else {
                state = try AttemptState(replaying: attempt, against: quiz, now: now)
            }
        } catch {
            return .rejected(.unreplayable(error))
        }
        if let rejection = rejection(of: request, state: state, now: now) {
            return .rejected(rejection)
        }
        return .append(AttemptStep(sequence: attempt.nextSequence, time: now, actor: request.actor,
                                   action: request.action, idempotencyKey: request.idempotencyKey))
    }

    /// The close step to store for an attempt whose deadline and grace period have passed by `now` and that has
    /// no close or submit yet; nil otherwise. Replay closes such an attempt anyway; storing the step makes the
    /// log say so.
    public static func expiryStep(for attempt: Attempt, quiz: QuizDefinition, now: Double) -> AttemptStep? {
        guard let state = try? AttemptState(replaying: attempt, against: quiz, now: now) else { return nil }
        return expiryStep(for: attempt, state: state, now: now)
    }

    /// `expiryStep` with the attempt's replay at `now` (`state`) when the caller has it.
    public static func expiryStep(for attempt: Attempt, state: AttemptState, now: Double) -> AttemptStep? {
        guard state.closeReason == .expired,
              !attempt.steps.contains(where: { $0.action == .close }) else { return nil }
        return AttemptStep(sequence: attempt.nextSequence, time: now, actor: .system, action: .close)
    }

    private static func rejection(of request: StepRequest, state: AttemptState, now: Double) -> StepRejection? {
        let isLearner = request.actor.role == .learner
        switch request.action {
        case .start:
            return .alreadyStarted
        case .note:
            return isLearner ? .notPermitted : nil
        case .close:
            if isLearner { return .notPermitted }
            return state.isClosed ? .attemptClosed : nil
        case .submit:
            return isLearner ? inputRejection(state: state, now: now) : .notPermitted
        case .save(let id, let response):
            guard isLearner else { return .notPermitted }
            if let rejection = inputRejection(state: state, now: now) { return rejection }
            guard let question = state.question(id) else { return .unknownQuestion(id) }
            if question.isChecked { return .questionLocked(id) }
            return question.question.problem(with: response).map { .invalidResponse(id, $0) }
        case .check(let id):
            guard isLearner else { return .notPermitted }
            if let rejection = inputRejection(state: state, now: now) { return rejection }
            guard state.behaviour == .immediateFeedback else { return .checkNotAvailable }
            guard let question = state.question(id) else { return .unknownQuestion(id) }
            if question.isChecked { return .alreadyChecked(id) }
            return question.grade.isGradable ? nil : .nothingToCheck(id)
        }
    }

    private static func inputRejection(state: AttemptState, now: Double) -> StepRejection? {
        if state.isClosed {
            return state.closeReason == .expired ? .deadlinePassed(deadline: state.deadline ?? now) : .attemptClosed
        }
        if let cutoff = state.cutoff, now > cutoff { return .deadlinePassed(deadline: state.deadline ?? cutoff) }
        return nil
    }
}
