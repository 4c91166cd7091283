/// A question's stable identifier: it never changes with the question's wording or position.
public struct QuestionID: RawRepresentable, Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Where a definition came from, so trainers can find it: a file relative to the course root and a 1-based line.
public struct SourceReference: Sendable, Hashable, Codable {
    public var file: String
    public var line: Int
    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }
}

/// One question as authored: its text, its kind (which carries the answer key) and its metadata.
/// Codable so that the version an attempt was taken against can be stored and replayed later.
///
/// A question is immutable. A corrected answer key is a new value with a new `contentHash`; attempts refer to
/// `(id, contentHash)` so old attempts can be shown as taken and regraded against the new key.
public struct Question: Sendable, Hashable, Codable {
    public var id: QuestionID
    /// The question text (Markdown-free plain text; line breaks allowed).
    public var text: LocalizedText
    public var kind: QuestionKind
    /// Shown once the question is graded, whatever the answer (Moodle's general feedback).
    public var generalFeedback: LocalizedText?
    /// Why the right answer is right; cites the module it comes from.
    public var explanation: LocalizedText?
    /// Free tags, e.g. `module:people-first`, `law:cybersecurity-law-2025`.
    public var tags: [String]
    /// Points the question is worth in its quiz.
    public var points: Double
    /// A hash of everything that affects grading and display; set by the loader.
    public var contentHash: String
    public var source: SourceReference?
    /// How a typed answer may be written (units, wrappers, Chinese numerals, a hint); nil when the question
    /// declares none of these, and for kinds without typed answers.
    public var answerFormat: AnswerFormat?
    /// Where the question came from in Moodle (GIFT title, category, text format); nil when it was not imported.
    public var moodle: MoodleOrigin?

    public init(id: QuestionID, text: LocalizedText, kind: QuestionKind, generalFeedback: LocalizedText? = nil,
                explanation: LocalizedText? = nil, tags: [String] = [], points: Double = 1,
                contentHash: String = "", source: SourceReference? = nil, answerFormat: AnswerFormat? = nil) {
        self.id = id
        self.text = text
        self.kind = kind
        self.generalFeedback = generalFeedback
        self.explanation = explanation
        self.tags = tags
        self.points = points
        self.contentHash = contentHash
        self.source = source
        self.answerFormat = answerFormat
    }
}

/// The closed set of question kinds, each carrying its answer key.
public enum QuestionKind: Sendable, Hashable, Codable {
    /// Exactly one option has fraction 1; others may carry partial credit (fraction in 0...1).
    case singleChoice(options: [ChoiceOption])
    /// Any number of options may be chosen; each chosen option adds its fraction (negative allowed); the total
    /// is clamped to 0...1.
    case multipleResponse(options: [ChoiceOption])
    /// True or false, with feedback for each answer given.
    case trueFalse(answer: Bool, feedbackIfTrue: LocalizedText?, feedbackIfFalse: LocalizedText?)
    /// Free text compared after normalisation with several accepted answers.
    case shortAnswer(answers: [ShortAnswer], caseSensitive: Bool)
    /// A number, right if it is within an answer's tolerance or range.
    case numeric(answers: [NumericAnswer])
    /// Prompts each matched with one answer; `distractors` are extra answers that match no prompt.
    case matching(pairs: [MatchPair], distractors: [LocalizedText])

    /// A short stable name for the kind, used in files, statistics and the API.
    public var name: String {
        switch self {
        case .singleChoice: return "single"
        case .multipleResponse: return "multiple"
        case .trueFalse: return "truefalse"
        case .shortAnswer: return "short"
        case .numeric: return "numeric"
        case .matching: return "matching"
        }
    }
}

/// An option of a choice question. `id` is stable within its question (e.g. "a", "b").
public struct ChoiceOption: Sendable, Hashable, Codable {
    public var id: String
    public var text: LocalizedText
    /// The share of the question's points this option is worth: 1 for the right answer of a single choice,
    /// weights such as 0.5 or -0.25 for a multiple response.
    public var fraction: Double
    public var feedback: LocalizedText?

    public init(id: String, text: LocalizedText, fraction: Double, feedback: LocalizedText? = nil) {
        self.id = id
        self.text = text
        self.fraction = fraction
        self.feedback = feedback
    }
}

/// An accepted answer of a short-answer question. `*` in `text` matches any run of characters.
public struct ShortAnswer: Sendable, Hashable, Codable {
    public var text: String
    /// Other ways of writing the same answer ("三十一条", "Art. 31"), with the same weight and feedback.
    public var alternatives: [String]
    public var fraction: Double
    public var feedback: LocalizedText?

    public init(text: String, alternatives: [String] = [], fraction: Double = 1, feedback: LocalizedText? = nil) {
        self.text = text
        self.alternatives = alternatives
        self.fraction = fraction
        self.feedback = feedback
    }

    /// The answer's text and its alternatives.
    public var forms: [String] { [text] + alternatives }

    private enum CodingKeys: String, CodingKey {
        case text, alternatives, fraction, feedback
    }

    /// Answers stored before alternatives existed have none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        text = try container.decode(String.self, forKey: .text)
        alternatives = try container.decodeIfPresent([String].self, forKey: .alternatives) ?? []
        fraction = try container.decode(Double.self, forKey: .fraction)
        feedback = try container.decodeIfPresent(LocalizedText.self, forKey: .feedback)
    }

    /// Alternatives are written only when there are some, so an answer without them is stored as before.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(text, forKey: .text)
        if !alternatives.isEmpty { try container.encode(alternatives, forKey: .alternatives) }
        try container.encode(fraction, forKey: .fraction)
        try container.encodeIfPresent(feedback, forKey: .feedback)
    }
}

/// An accepted answer of a numeric question: a value with a tolerance, or a closed range.
public struct NumericAnswer: Sendable, Hashable, Codable {
    public enum Target: Sendable, Hashable, Codable {
        case value(Double, tolerance: Double)
        case range(min: Double, max: Double)
    }
    public var target: Target
    public var fraction: Double
    public var feedback: LocalizedText?

    public init(target: Target, fraction: Double = 1, feedback: LocalizedText? = nil) {
        self.target = target
        self.fraction = fraction
        self.feedback = feedback
    }
}

/// One pair of a matching question. `id` is stable within its question.
public struct MatchPair: Sendable, Hashable, Codable {
    public var id: String
    public var prompt: LocalizedText
    public var answer: LocalizedText

    public init(id: String, prompt: LocalizedText, answer: LocalizedText) {
        self.id = id
        self.prompt = prompt
        self.answer = answer
    }
}
