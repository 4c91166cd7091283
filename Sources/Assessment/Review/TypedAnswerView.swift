/// What a learner is told about a typed numeric answer: the form it should take and, when the saved answer
/// cannot be read, why. Pages show it next to the question before anything is graded, so an unreadable answer
/// is never silently marked 0.
///
/// It holds nothing of the answer key: `TypedAnswerForm.example` is left out, because it may be drawn from the
/// question's own answers; pages give an example of their own.
public struct TypedAnswerView: Sendable, Hashable, Codable {
    /// Why the saved answer cannot be read.
    public typealias Problem = UnreadableAnswer

    /// The author's own description of the expected form.
    public var hint: LocalizedText?
    /// The units the question accepts after the number, as authored.
    public var units: [String]
    /// Whether one of `units` must be typed.
    public var unitRequired: Bool
    /// Why the saved answer cannot be read; nil when it can, or when nothing is saved.
    public var problem: Problem?

    public init(hint: LocalizedText? = nil, units: [String] = [], unitRequired: Bool = false, problem: Problem? = nil) {
        self.hint = hint
        self.units = units
        self.unitRequired = unitRequired
        self.problem = problem
    }

    /// The view of `question`'s typed answer with `response` saved (in authored form); nil for questions whose
    /// answers are not typed numbers.
    public init?(question: Question, response: Response?) {
        guard let form = question.typedAnswerForm else { return nil }
        self.init(hint: form.hint, units: form.units, unitRequired: form.unitRequired,
                  problem: response.flatMap { question.unreadable($0) })
    }
}
