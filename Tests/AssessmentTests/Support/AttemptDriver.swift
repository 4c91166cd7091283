@testable import Assessment

/// Drives one attempt through `AttemptRules` the way the server does: ask, and store only what is appended.
struct AttemptDriver {
    var attempt: Attempt
    var quiz: QuizDefinition
    let learner = Actor.learner("li.wei")

    init(quiz: QuizDefinition, seed: UInt64 = 1, at now: Double, timeFactor: Double = 1,
         grace: Double = AttemptRules.defaultGrace, number: Int = 1) throws {
        self.quiz = quiz
        attempt = try AttemptRules.start(id: AttemptID("attempt-\(number)"), quiz: quiz, previous: [], seed: seed,
                                         timeFactor: timeFactor, grace: grace, actor: .learner("li.wei"),
                                         now: now).get()
        attempt.number = number
    }

    @discardableResult
    mutating func request(_ action: AttemptAction, at now: Double, by actor: Actor? = nil, key: String? = nil,
                          expected: Int? = nil) -> StepDecision {
        let decision = AttemptRules.decide(StepRequest(actor: actor ?? learner, action: action, idempotencyKey: key,
                                                       expectedSequence: expected),
                                           on: attempt, quiz: quiz, now: now)
        if case .append(let step) = decision {
            attempt = attempt.appending(step)
        }
        return decision
    }

    @discardableResult
    mutating func save(_ id: QuestionID, _ response: Response, at now: Double, key: String? = nil) -> StepDecision {
        request(.save(question: id, response: response), at: now, key: key)
    }

    /// A submitted attempt that answered the true/false question with `answer`.
    static func closedAttempt(number: Int, quiz: QuizDefinition, startedAt: Double, submittedAt: Double,
                       answer: Bool = true) throws -> AttemptState {
        var driver = try AttemptDriver(quiz: quiz, seed: UInt64(number), at: startedAt, number: number)
        driver.save(Fixtures.trueFalse.id, .bool(answer), at: startedAt + 1)
        driver.request(.submit, at: submittedAt)
        return try driver.state(at: submittedAt)
    }

    func state(at now: Double) throws -> AttemptState {
        try AttemptState(replaying: attempt, against: quiz, now: now)
    }

    /// Appends a step without asking the rules, as a log written by an older or faulty server might hold it.
    mutating func force(_ action: AttemptAction, at time: Double) {
        attempt = attempt.appending(AttemptStep(sequence: attempt.nextSequence, time: time, actor: learner,
                                                action: action))
    }
}

extension StepDecision {
    var rejection: StepRejection? {
        if case .rejected(let rejection) = self { return rejection }
        return nil
    }

    var isAppended: Bool {
        if case .append = self { return true }
        return false
    }
}
