/// How a typed answer may be written beyond a bare number or an accepted text: the units a number may carry,
/// the words that may wrap it ("第…条"), whether Chinese numerals count, and the author's description of the
/// expected form. A question that declares none of these has no format (`Question.answerFormat` is nil) and is
/// read exactly as a bare number or text.
public struct AnswerFormat: Sendable, Hashable, Codable {
    /// The author's own description of the expected form ("填写四位数年份" / "a four-digit year").
    public var hint: LocalizedText?
    /// A number in the accepted form, shown as an example; never one of the right answers.
    public var example: String?
    /// The units a number may be followed by ("年", "个工作日", "%", "万元" with multiplier 10,000).
    public var units: [AnswerUnit]
    /// Whether a unit may be left out, must be typed, or costs a share of the mark when left out.
    public var unitRule: UnitRule
    /// Words that may surround the answer and carry no meaning of their own: "第…条", "Article …", "《…》".
    public var wrappers: [AnswerWrapper]
    /// Whether numbers may be written in Chinese numerals (三十一, 二〇一八, 两千零一十八).
    public var chineseNumerals: Bool

    public init(hint: LocalizedText? = nil, example: String? = nil, units: [AnswerUnit] = [],
                unitRule: UnitRule = .optional, wrappers: [AnswerWrapper] = [], chineseNumerals: Bool = false) {
        self.hint = hint
        self.example = example
        self.units = units
        self.unitRule = unitRule
        self.wrappers = wrappers
        self.chineseNumerals = chineseNumerals
    }
}

/// A unit a typed number may carry; the number is multiplied by `multiplier` before it is compared
/// ("1.5万元" with 万元 = 10,000 reads as 15,000).
public struct AnswerUnit: Sendable, Hashable, Codable {
    public var text: String
    public var multiplier: Double

    public init(_ text: String, multiplier: Double = 1) {
        self.text = text
        self.multiplier = multiplier
    }
}

/// What happens when a typed number carries no unit.
public enum UnitRule: Sendable, Hashable, Codable {
    /// A bare number counts as it is (multiplier 1).
    case optional
    /// The answer is unreadable until a unit is typed.
    case required
    /// The answer is graded, and `fraction` (0...1) of the mark it earns is deducted.
    case penalty(fraction: Double)
}

/// Text that may come before and after an answer without changing it: "第" and "条" around an article number,
/// "Article " before it, "《" and "》" around a title. Either side may be empty.
public struct AnswerWrapper: Sendable, Hashable, Codable {
    public var prefix: String
    public var suffix: String

    public init(prefix: String = "", suffix: String = "") {
        self.prefix = prefix
        self.suffix = suffix
    }
}
