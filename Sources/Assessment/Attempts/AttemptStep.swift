/// One entry of an attempt's append-only log: the learner's (or staff's, or the server's) input, never a value
/// derived from it. Marks are derived by replaying the steps, so a corrected key regrades every attempt.
public struct AttemptStep: Sendable, Hashable, Codable {
    /// 0 for the start step, then 1, 2, ... without gaps.
    public var sequence: Int
    /// Seconds since 1970, on the server's clock when the step was accepted.
    public var time: Double
    public var actor: Actor
    public var action: AttemptAction
    /// Chosen by the client for each distinct request; a repeat of the same key has no second effect.
    public var idempotencyKey: String?

    public init(sequence: Int, time: Double, actor: Actor, action: AttemptAction, idempotencyKey: String? = nil) {
        self.sequence = sequence
        self.time = time
        self.actor = actor
        self.action = action
        self.idempotencyKey = idempotencyKey
    }
}

/// What a step does.
public enum AttemptAction: Sendable, Hashable, Codable {
    /// Opens the attempt. Everything timing depends on is fixed here, so replay needs no outside settings:
    /// the paper's seed, the deadline (start + time limit × `timeFactor`, no later than the quiz's close
    /// time; nil without either), the grace period in seconds and the accommodation factor applied.
    case start(seed: UInt64, deadline: Double?, grace: Double, timeFactor: Double)
    /// Saves the response to one question, in authored ids (see `PaperSlot.authoredResponse(fromPresented:)`).
    case save(question: QuestionID, response: Response)
    /// Immediate feedback only: grades one question now; its response is locked afterwards.
    case check(question: QuestionID)
    /// The learner hands the attempt in.
    case submit
    /// Staff or the server close the attempt (the server does so when the deadline and grace have passed).
    case close
    /// A remark kept in the log, e.g. that the attempt was regraded against a new key.
    case note(String)
}
