/// Why a new attempt may not start.
public enum StartRefusal: Error, Sendable, Hashable {
    /// The learner has used every allowed attempt.
    case attemptLimitReached(limit: Int)
    /// Another attempt is still open; continue that one.
    case attemptInProgress(AttemptID)
    /// The minimum delay after the previous attempt has not passed.
    case tooSoon(availableAt: Double)
    /// The learner has started the quiz's daily number of attempts today (`QuizDefinition.attemptsPerDay`); the
    /// next may start at `availableAt`, the start of the next day in the platform's time zone.
    case dailyLimitReached(limit: Int, availableAt: Double)
    /// The quiz has closed.
    case quizClosed(at: Double)
    /// The accommodation factor is not a positive finite number.
    case invalidTimeFactor(Double)
}
