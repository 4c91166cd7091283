/// Why a step was refused.
public enum StepRejection: Error, Sendable, Hashable {
    /// The client saw an older state of the attempt (another tab or device took a step since).
    case staleSequence(current: Int, received: Int)
    /// The idempotency key was already used for a different step.
    case idempotencyKeyReused(sequence: Int)
    /// The attempt is closed (submitted, expired or closed by staff).
    case attemptClosed
    /// The deadline and its grace period have passed; the attempt counts with what was saved in time.
    case deadlinePassed(deadline: Double)
    /// The question is not on this attempt's paper.
    case unknownQuestion(QuestionID)
    /// The response does not fit the question (`Question.problem(with:)`): another kind, an option it does not
    /// have, a typed answer over `ResponseLimits.maxTypedLength`.
    case invalidResponse(QuestionID, ResponseProblem)
    /// Checking belongs to immediate feedback; this attempt defers feedback.
    case checkNotAvailable
    /// The question was checked already.
    case alreadyChecked(QuestionID)
    /// The question was checked; its response can no longer change.
    case questionLocked(QuestionID)
    /// The question has no gradable response to check yet.
    case nothingToCheck(QuestionID)
    /// An attempt is started only once, by `AttemptRules.start`.
    case alreadyStarted
    /// The actor's role may not take this step (learners submit; only staff and the server close or annotate;
    /// only the learner answers).
    case notPermitted
    /// The stored steps cannot be replayed against the quiz.
    case unreplayable(ReplayError)
}
