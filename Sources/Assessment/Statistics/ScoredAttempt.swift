/// A closed attempt reduced to what item statistics need.
public struct ScoredAttempt: Sendable, Hashable, Codable {
    /// One question of the attempt.
    public struct Item: Sendable, Hashable, Codable {
        public var questionID: QuestionID
        public var contentHash: String
        /// In 0...1.
        public var fraction: Double
        public var maxMark: Double
        /// What the learner chose, for choice frequencies (see `ScoredAttempt.init(_:)`); empty when unanswered.
        public var choices: [String]

        public init(questionID: QuestionID, contentHash: String, fraction: Double, maxMark: Double,
                    choices: [String]) {
            self.questionID = questionID
            self.contentHash = contentHash
            self.fraction = fraction
            self.maxMark = maxMark
            self.choices = choices
        }

        public var mark: Double { fraction * maxMark }
    }

    public var items: [Item]

    public init(items: [Item]) {
        self.items = items
    }

    /// `state`'s items, or nil while it is open. Choices are authored option ids (single choice, multiple
    /// response), "true"/"false", the text as typed for a short answer (full-width forms and runs of white space
    /// folded, case kept), the number as the question reads it for a numeric question (in plain digits without
    /// float noise, so "999999", "0.1", "20个工作日" → "20" and "七十二小时" → "72" count as the numbers they are) or
    /// "pair=answer-key" per matched prompt (`ChoiceDescription` turns keys into authored texts); a response
    /// that cannot be graded counts as unanswered.
    public init?(_ state: AttemptState) {
        guard state.isClosed else { return nil }
        items = state.questions.map { question in
            Item(questionID: question.question.id, contentHash: question.question.contentHash,
                 fraction: question.state == .gaveUp ? 0 : question.grade.fraction, maxMark: question.maxMark,
                 choices: question.grade.isGradable ? Self.choices(question.response, kind: question.question.kind,
                                                                   format: question.question.answerFormat)
                                                    : [])
        }
    }

    /// The attempt's total mark.
    public var total: Double { items.reduce(0) { $0 + $1.mark } }

    private static func choices(_ response: Response?, kind: QuestionKind, format: AnswerFormat?) -> [String] {
        switch response {
        case .choice(let id)?:
            return [id]
        case .choices(let ids)?:
            return ids.sorted()
        case .bool(let value)?:
            return [value ? "true" : "false"]
        case .text(let text)?:
            switch kind {
            case .shortAnswer:
                let typed = TextNormalizer.normalize(text, caseSensitive: true)
                return typed.isEmpty ? [] : [typed]
            default:
                if case .number(let value, _) = NumericKind.read(text, format: format) { return [Self.plain(value)] }
                return []
            }
        case .matches(let matches)?:
            return matches.filter { !$0.value.isEmpty }.map { "\($0.key)=\($0.value)" }.sorted()
        case nil:
            return []
        }
    }

    /// A number in plain digits: whole numbers without a fraction ("72", not "72.0"), others in the shortest
    /// form that reads back as the same value ("0.1"). Also the form of a typed answer's example.
    static func plain(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
