/// Why a typed answer could not be read as an answer to its question. Pages show it next to the question
/// when the answer is saved, and the submit summary lists such answers before the learner confirms, so an
/// unreadable answer is never silently marked 0.
public enum UnreadableAnswer: Sendable, Hashable, Codable {
    /// Not a number in any form the question accepts.
    case notANumber
    /// A separator that could be read two ways ("3,5": three and a half, or thirty-five).
    case ambiguousSeparator
    /// The question requires one of its units and none was typed.
    case missingUnit
    /// A number followed by text that is not one of the question's units.
    case unknownUnit(String)
}

/// What a typed answer to a numeric question should look like, for the hint on the answer page
/// ("填写数字，如 2018" / "Enter a number, e.g. 2018").
public struct TypedAnswerForm: Sendable, Hashable {
    /// The author's own description of the expected form, when the question has one.
    public var hint: LocalizedText?
    /// The units the question accepts after the number, as authored ("年", "个工作日", "%").
    public var units: [String]
    /// Whether a unit must be typed.
    public var unitRequired: Bool
    /// An example of a number in the accepted form, e.g. "2018".
    public var example: String?

    public init(hint: LocalizedText? = nil, units: [String] = [], unitRequired: Bool = false,
                example: String? = nil) {
        self.hint = hint
        self.units = units
        self.unitRequired = unitRequired
        self.example = example
    }
}

extension Question {
    /// Why `response` cannot be read as an answer to this question; nil when it can, when it is empty, or
    /// when the question's kind reads any text.
    public func unreadable(_ response: Response) -> UnreadableAnswer? {
        guard case .numeric = kind, case .text(let typed) = response else { return nil }
        switch NumericKind.read(typed, format: answerFormat) {
        case .unreadable(let reason): return reason
        case .empty, .number: return nil
        }
    }

    /// The expected form of a typed numeric answer; nil for other kinds.
    ///
    /// The example is the author's when there is one. Otherwise it is a neutral number that no answer with
    /// marks accepts ("12", or "12.5" when answers are not whole numbers), so it never gives the answer away;
    /// when a unit is required, the first unit follows it.
    public var typedAnswerForm: TypedAnswerForm? {
        guard case .numeric(let answers) = kind else { return nil }
        let format = answerFormat
        let units = format?.units.map(\.text) ?? []
        var unitRequired = false
        if case .required? = format?.unitRule { unitRequired = !units.isEmpty }
        let example = format?.example ?? Self.neutralExample(answers: answers, unit: unitRequired ? units.first : nil)
        return TypedAnswerForm(hint: format?.hint, units: units, unitRequired: unitRequired, example: example)
    }

    private static func neutralExample(answers: [NumericAnswer], unit: String?) -> String {
        let whole = answers.allSatisfy { answer in
            switch answer.target {
            case .value(let value, let tolerance):
                return value == value.rounded() && tolerance == tolerance.rounded()
            case .range(let low, let high):
                return (!low.isFinite || low == low.rounded()) && (!high.isFinite || high == high.rounded())
            }
        }
        let candidates: [Double] = whole ? [12, 7, 345, 1000, 99999] : [12.5, 7.25, 345.5, 0.125, 99999.5]
        let number = candidates.first { candidate in
            !answers.contains { $0.fraction > 0 && NumericKind.accepts($0.target, candidate) }
        } ?? candidates[0]
        return ScoredAttempt.plain(number) + (unit ?? "")
    }
}
