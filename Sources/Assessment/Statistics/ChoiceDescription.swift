/// What a choice key of `ItemStatistics.choiceCounts` stands for, in the question's authored texts, so a report
/// can show "prompt → answer" instead of "p1=~0".
public enum ChoiceDescription: Sendable, Hashable {
    /// An option of a single-choice or multiple-response question.
    case option(LocalizedText)
    /// A true/false answer.
    case truth(Bool)
    /// A prompt of a matching question and the answer matched to it.
    case match(prompt: LocalizedText, answer: LocalizedText)
    /// A short or numeric answer, as the learner typed it (widths and spaces folded).
    case typed(String)
    /// A key the question (in this version) does not know.
    case unknown(String)

    /// The description of `key` for `question`.
    public init(key: String, question: Question) {
        switch question.kind {
        case .singleChoice(let options), .multipleResponse(let options):
            self = options.first { $0.id == key }.map { .option($0.text) } ?? .unknown(key)
        case .trueFalse:
            self = key == "true" ? .truth(true) : key == "false" ? .truth(false) : .unknown(key)
        case .shortAnswer, .numeric:
            self = .typed(key)
        case .matching(let pairs, let distractors):
            guard let separator = key.firstIndex(of: "="),
                  let pair = pairs.first(where: { $0.id == key[..<separator] }) else {
                self = .unknown(key)
                return
            }
            let answerKey = key[key.index(after: separator)...]
            var answer = pairs.first { $0.id == answerKey }?.answer
            if answer == nil, answerKey.hasPrefix("~"), let index = Int(answerKey.dropFirst()),
               distractors.indices.contains(index) {
                answer = distractors[index]
            }
            self = answer.map { .match(prompt: pair.prompt, answer: $0) } ?? .unknown(key)
        }
    }

    /// The choice keys of `counts` in the order a report lists them: options, pairs and answers in authored
    /// order (every option of a choice question, chosen or not), typed answers by count, most frequent first.
    public static func orderedKeys(_ counts: [String: Int], question: Question?) -> [String] {
        let byCount = counts.keys.sorted { (counts[$0] ?? 0, $1) > (counts[$1] ?? 0, $0) }
        guard let question else { return counts.keys.sorted() }
        let authored: [String]
        switch question.kind {
        case .singleChoice(let options), .multipleResponse(let options):
            authored = options.map(\.id)
        case .trueFalse:
            authored = ["true", "false"]
        case .shortAnswer, .numeric:
            return byCount
        case .matching(let pairs, let distractors):
            let answers = pairs.map(\.id) + distractors.indices.map(MatchingKind.distractorKey)
            authored = pairs.flatMap { pair in answers.map { "\(pair.id)=\($0)" } }.filter { counts[$0] != nil }
        }
        let known = Set(authored)
        return authored + counts.keys.filter { !known.contains($0) }.sorted()
    }
}
