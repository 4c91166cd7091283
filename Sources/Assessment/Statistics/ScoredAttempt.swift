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
    /// response), "true"/"false", the normalised text (short answer), the number read (numeric) or
    /// "pair=answer-key" per matched prompt; a response that cannot be graded counts as unanswered.
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
            case .shortAnswer(_, let caseSensitive):
                return [TextNormalizer.normalize(text, caseSensitive: caseSensitive)]
            default:
                if case .number(let value, _) = NumericKind.read(text, format: format) { return ["\(value)"] }
                return []
            }
        case .matches(let matches)?:
            return matches.filter { !$0.value.isEmpty }.map { "\($0.key)=\($0.value)" }.sorted()
        case nil:
            return []
        }
    }
}
