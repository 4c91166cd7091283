/// An attempt as a learner may see it: the one value pages and the API render for learners.
///
/// While the attempt is open nothing graded is included, except that under immediate feedback a checked
/// question shows its grade, feedback, right answer and explanation (that is what checking is for). Once the
/// attempt is closed, `visibility` (from `ReviewVisibility.forLearner`) decides.
public struct LearnerAttemptView: Sendable, Hashable, Codable {
    /// The attempt's result, shown with `ReviewVisibility.score`.
    public struct Score: Sendable, Hashable, Codable {
        public var mark: Double
        public var maxMark: Double
        public var fraction: Double
        public var passed: Bool
    }

    public var attemptID: AttemptID
    public var number: Int
    public var quizID: QuizID
    public var behaviour: Behaviour
    public var startedAt: Double
    public var deadline: Double?
    public var isClosed: Bool
    public var closedAt: Double?
    /// To send back with the next step (stale-page detection).
    public var nextSequence: Int
    public var maxMark: Double
    public var score: Score?
    public var questions: [LearnerQuestionView]

    public init(_ attempt: AttemptState, visibility: ReviewVisibility) {
        let afterClose = attempt.isClosed ? visibility : .nothing
        attemptID = attempt.attemptID
        number = attempt.number
        quizID = attempt.paper.quizID
        behaviour = attempt.behaviour
        startedAt = attempt.startedAt
        deadline = attempt.deadline
        isClosed = attempt.isClosed
        closedAt = attempt.closedAt
        nextSequence = attempt.nextSequence
        maxMark = attempt.maxMark
        if afterClose.score, let mark = attempt.mark, let fraction = attempt.fraction, let passed = attempt.passed {
            score = Score(mark: mark, maxMark: attempt.maxMark, fraction: fraction, passed: passed)
        } else {
            score = nil
        }
        questions = attempt.questions.map { question in
            let checkedNow = attempt.behaviour == .immediateFeedback && question.isChecked
            return LearnerQuestionView(question, visibility: checkedNow && !attempt.isClosed ? .checked : afterClose,
                                       isLocked: attempt.isClosed || question.isChecked)
        }
    }
}

private extension ReviewVisibility {
    static let checked = ReviewVisibility(score: false, correctness: true, answers: true, explanations: true)
}
