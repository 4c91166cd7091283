/// A step a client asks for, before the rules have judged it.
public struct StepRequest: Sendable, Hashable {
    public var actor: Actor
    public var action: AttemptAction
    /// A key unique to this request (e.g. generated into the form); a retry sends the same key.
    public var idempotencyKey: String?
    /// The attempt's `nextSequence` as the client last saw it; a different value means the page is stale.
    /// Nil for steps the server takes on its own.
    public var expectedSequence: Int?

    public init(actor: Actor, action: AttemptAction, idempotencyKey: String? = nil, expectedSequence: Int? = nil) {
        self.actor = actor
        self.action = action
        self.idempotencyKey = idempotencyKey
        self.expectedSequence = expectedSequence
    }
}

/// The rules' verdict on a `StepRequest`.
public enum StepDecision: Sendable, Hashable {
    /// Store this step (sequence and time assigned).
    case append(AttemptStep)
    /// The request repeats an earlier one with the same idempotency key: store nothing, answer as before.
    case duplicate(of: AttemptStep)
    case rejected(StepRejection)
}
