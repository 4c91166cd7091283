/// What a learner may see of a closed attempt. Decided by `ReviewVisibility.forLearner`; applied by
/// `LearnerAttemptView`, which leaves out everything not allowed.
public struct ReviewVisibility: Sendable, Hashable, Codable {
    /// The attempt's mark and pass/fail.
    public var score: Bool
    /// Each question's state (right, partly right, wrong) and mark.
    public var correctness: Bool
    /// The right answers, the feedback the response selects and the general feedback.
    public var answers: Bool
    public var explanations: Bool

    public init(score: Bool, correctness: Bool, answers: Bool, explanations: Bool) {
        self.score = score
        self.correctness = correctness
        self.answers = answers
        self.explanations = explanations
    }

    /// The items of a review policy.
    public init(_ items: Set<ReviewPolicy.Item>) {
        self.init(score: items.contains(.score), correctness: items.contains(.correctness),
                  answers: items.contains(.answers), explanations: items.contains(.explanations))
    }

    public static let nothing = ReviewVisibility(score: false, correctness: false, answers: false,
                                                 explanations: false)
    /// For staff reviewing an attempt.
    public static let everything = ReviewVisibility(score: true, correctness: true, answers: true,
                                                    explanations: true)

    /// What the learner may see of `attempt` at `now` under `quiz`'s review policy.
    ///
    /// Nothing while the attempt is open (immediate feedback shows checked questions regardless; see
    /// `LearnerAttemptView`). Once it is closed, the score always shows: the learner must know where they stand
    /// to decide whether and when to try again, and staff see it anyway. The policy's other items show when its
    /// condition holds: `immediately`; `afterPassing` once `learnerHasPassed` (the quiz, by its counting
    /// attempt); `afterClose` once `quizClosesAt` (by default the quiz's close time) has passed, never for a quiz
    /// without one.
    public static func forLearner(quiz: QuizDefinition, attempt: AttemptState, learnerHasPassed: Bool,
                                  quizClosesAt: Double? = nil, now: Double) -> ReviewVisibility {
        guard attempt.isClosed else { return .nothing }
        let open: Bool
        switch quiz.review.when {
        case .immediately:
            open = true
        case .afterPassing:
            open = learnerHasPassed
        case .afterClose:
            open = (quizClosesAt ?? quiz.closesAt).map { now >= $0 } ?? false
        }
        var visibility = open ? ReviewVisibility(quiz.review.show) : .nothing
        visibility.score = true
        return visibility
    }
}
