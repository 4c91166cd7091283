/// What a question kind makes of a response: a fraction of the question's points, a state, and which authored
/// feedback the response selects.
public struct Grade: Sendable, Hashable, Codable {
    /// Differences smaller than this are treated as equal (fractions are rounded to 7 decimals, as Moodle does).
    public static let tolerance = 1e-7

    /// In 0...1; 0 when the response could not be graded.
    public var fraction: Double
    /// `todo` or `invalid` when the response could not be graded, otherwise a graded state.
    public var state: QuestionState
    /// The authored feedback the response selects, in authored order.
    public var feedback: [FeedbackKey]

    /// A graded response; `fraction` is clamped to 0...1 and rounded to 7 decimals.
    public init(fraction: Double, feedback: [FeedbackKey] = []) {
        let clamped = fraction.isFinite ? min(1, max(0, fraction)) : 0
        self.fraction = (clamped * 1e7).rounded() / 1e7
        self.state = QuestionState.graded(fraction: self.fraction)
        self.feedback = feedback
    }

    private init(ungradable state: QuestionState) {
        self.fraction = 0
        self.state = state
        self.feedback = []
    }

    /// No answer given.
    public static let todo = Grade(ungradable: .todo)
    /// An answer that cannot be graded.
    public static let invalid = Grade(ungradable: .invalid)

    /// Whether the response could be graded.
    public var isGradable: Bool { state.isGraded }
}

/// One piece of authored feedback a response selects.
public enum FeedbackKey: Sendable, Hashable, Codable {
    /// A chosen option of a choice question, by authored id.
    case option(String)
    /// The answer given to a true/false question.
    case trueFalse(Bool)
    /// The accepted short answer that matched, by index in the question's answers.
    case shortAnswer(index: Int)
    /// The numeric answer that matched, by index in the question's answers.
    case numericAnswer(index: Int)
    /// A matching prompt, by pair id, and whether it was matched right.
    case pair(id: String, correct: Bool)
}
