/// Grades a matching question: each prompt matched with its answer earns an equal share of the question.
///
/// Answers are named by *answer keys*: a pair's answer by the pair's id, the n-th distractor by `~n`.
/// Answers with the same text are one answer (the first key names it), so two prompts may share an answer
/// and a learner is never told which of two identical texts was meant.
public enum MatchingKind {
    /// One answer a learner can pick, as listed by `answers(pairs:distractors:)`.
    public struct Answer: Sendable, Hashable {
        public var key: String
        public var text: LocalizedText
    }

    /// The distinct answers of a matching question, pairs' answers first, then distractors, duplicates removed.
    /// Up to `linearLimit` answers the duplicates are found by comparing the texts with those kept: hashing a
    /// text (for a set) normalises all of it, comparing two different texts stops at their first difference, and
    /// pages build this list for every matching question they show.
    public static func answers(pairs: [MatchPair], distractors: [LocalizedText]) -> [Answer] {
        let all = allAnswers(pairs: pairs, distractors: distractors)
        var result: [Answer] = []
        result.reserveCapacity(all.count)
        if all.count <= linearLimit {
            for candidate in all where !result.contains(where: { $0.text == candidate.text }) {
                result.append(candidate)
            }
            return result
        }
        var seen = Set<LocalizedText>()
        for candidate in all where seen.insert(candidate.text).inserted {
            result.append(candidate)
        }
        return result
    }

    static let linearLimit = 16

    /// The key of the distractor at `index`.
    public static func distractorKey(_ index: Int) -> String { "~\(index)" }

    /// `response` must be `.matches` from pair ids of `pairs` to answer keys; an empty mapping is `todo`;
    /// prompts left unmatched earn nothing.
    public static func grade(pairs: [MatchPair], distractors: [LocalizedText], response: Response?) -> Grade {
        guard let response else { return .todo }
        guard case .matches(let chosen) = response else { return .invalid }
        let matched = chosen.filter { !$0.value.isEmpty }
        if matched.isEmpty { return .todo }
        if pairs.isEmpty { return .invalid }
        let texts = Dictionary(allAnswers(pairs: pairs, distractors: distractors).map { ($0.key, $0.text) },
                               uniquingKeysWith: { first, _ in first })
        let pairIDs = Set(pairs.map(\.id))
        guard matched.keys.allSatisfy(pairIDs.contains), matched.values.allSatisfy({ texts[$0] != nil }) else {
            return .invalid
        }
        var right = 0
        var feedback: [FeedbackKey] = []
        for pair in pairs {
            let correct = matched[pair.id].flatMap { texts[$0] } == pair.answer
            if correct { right += 1 }
            feedback.append(.pair(id: pair.id, correct: correct))
        }
        return Grade(fraction: Double(right) / Double(pairs.count), feedback: feedback)
    }

    private static func allAnswers(pairs: [MatchPair], distractors: [LocalizedText]) -> [Answer] {
        pairs.map { Answer(key: $0.id, text: $0.answer) }
            + distractors.enumerated().map { Answer(key: distractorKey($0.offset), text: $0.element) }
    }
}
