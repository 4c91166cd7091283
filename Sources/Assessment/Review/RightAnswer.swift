/// A question's right answer as a learner may be shown it, in the attempt's presented ids.
public enum RightAnswer: Sendable, Hashable, Codable {
    /// Single choice: the best option(s); multiple response: every option with a positive weight.
    case choices([String])
    case bool(Bool)
    /// The best accepted short answer as authored (it may contain `*` wildcards).
    case text(String)
    case number(Double, tolerance: Double)
    case range(min: Double, max: Double)
    /// Prompt id to answer id.
    case matches([String: String])

    /// The right answer of `question` in `slot`'s presented ids.
    init(question: Question, slot: PaperSlot) {
        let shown = Dictionary(slot.choices.map { ($0.authoredID, $0.id) }, uniquingKeysWith: { first, _ in first })
        switch question.kind {
        case .singleChoice(let options):
            let best = options.map(\.fraction).max() ?? 0
            self = .choices(slot.choices.filter { choice in
                options.contains { $0.id == choice.authoredID && $0.fraction >= best - Grade.tolerance }
            }.map(\.id))
        case .multipleResponse(let options):
            self = .choices(slot.choices.filter { choice in
                options.contains { $0.id == choice.authoredID && $0.fraction > Grade.tolerance }
            }.map(\.id))
        case .trueFalse(let answer, _, _):
            self = .bool(answer)
        case .shortAnswer(let answers, _):
            let best = answers.max { $0.fraction < $1.fraction }
            self = .text(answers.first { $0.fraction == best?.fraction }?.text ?? "")
        case .numeric(let answers):
            let best = answers.first { $0.fraction == answers.map(\.fraction).max() }
            switch best?.target {
            case .value(let value, let tolerance)?: self = .number(value, tolerance: tolerance)
            case .range(let low, let high)?: self = .range(min: low, max: high)
            case nil: self = .text("")
            }
        case .matching(let pairs, let distractors):
            let keys = MatchingKind.answers(pairs: pairs, distractors: distractors)
            var result: [String: String] = [:]
            for prompt in slot.prompts {
                guard let pair = pairs.first(where: { $0.id == prompt.authoredID }),
                      let key = keys.first(where: { $0.text == pair.answer })?.key,
                      let answerID = shown[key] else { continue }
                result[prompt.id] = answerID
            }
            self = .matches(result)
        }
    }
}
