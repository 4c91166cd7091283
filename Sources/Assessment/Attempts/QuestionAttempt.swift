/// One question of a replayed attempt. Holds the answer key (through `question` and `grade`): server-side only;
/// what a learner may see is built by `LearnerAttemptView`.
public struct QuestionAttempt: Sendable, Hashable {
    /// 1-based position on the paper.
    public let number: Int
    public let slot: PaperSlot
    /// The question version graded against (from the definition replayed against).
    public let question: Question
    /// The last response that counts, in authored ids; nil when none was saved in time.
    public let response: Response?
    /// Immediate feedback: whether the question has been checked (its response is then locked).
    public let isChecked: Bool
    /// The kind's verdict on `response`, whatever the behaviour lets anyone see yet.
    public let grade: Grade
    /// The state as the behaviour has it: `todo`, `invalid` or `complete` until the question is checked or the
    /// attempt closes; then graded (an ungradable response becomes `gaveUp`).
    public let state: QuestionState

    /// Points earned, once the state is graded; nil before.
    public var mark: Double? {
        guard state.isGraded else { return nil }
        return state == .gaveUp ? 0 : Self.rounded(grade.fraction * question.points)
    }

    /// The points the question is worth.
    public var maxMark: Double { question.points }

    /// Whether the question version graded against differs from the one shown (a regrade).
    public var isRegraded: Bool { question.contentHash != slot.contentHash }

    init(number: Int, slot: PaperSlot, question: Question, response: Response?, isChecked: Bool, closed: Bool) {
        self.number = number
        self.slot = slot
        self.question = question
        self.response = response
        self.isChecked = isChecked
        let grade = Grader.grade(question: question, response: response)
        self.grade = grade
        if closed || isChecked {
            state = grade.isGradable ? grade.state : .gaveUp
        } else {
            state = grade.isGradable ? .complete : grade.state
        }
    }

    static func rounded(_ value: Double) -> Double { (value * 1e7).rounded() / 1e7 }
}
