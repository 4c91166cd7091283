import Synchronization

/// Grades a short-answer question: the typed text is compared with each accepted answer and its alternatives
/// after `TextNormalizer` folding (and, when the question declares wrappers such as "第…条" or "《…》", with
/// them removed from both sides); the best fraction among the answers that match wins (the first on a tie).
///
/// In an accepted answer, `*` matches any run of characters (also none) and `\*` is a literal asterisk.
/// The answer is normalised before its wildcards are read, so a full-width "＊" is a wildcard too.
public enum ShortAnswerKind {
    /// `response` must be `.text`; text that is empty after normalisation is `todo`.
    public static func grade(answers: [ShortAnswer], caseSensitive: Bool, wrappers: [AnswerWrapper] = [],
                             response: Response?) -> Grade {
        guard let response else { return .todo }
        guard case .text(let typed) = response else { return .invalid }
        let normalized = TextNormalizer.normalize(typed, caseSensitive: caseSensitive)
        if normalized.isEmpty { return .todo }
        let compiled = compiledAnswers(answers, caseSensitive: caseSensitive, wrappers: wrappers)
        let given = Array(TextNormalizer.unwrap(normalized, forms: compiled.forms))
        var best: (index: Int, fraction: Double)?
        for (index, answer) in answers.enumerated()
        where compiled.patterns[index].contains(where: { matches(given, tokens: $0) }) {
            if best == nil || answer.fraction > best!.fraction + Grade.tolerance {
                best = (index, answer.fraction)
            }
        }
        guard let best else { return Grade(fraction: 0) }
        return Grade(fraction: best.fraction, feedback: [.shortAnswer(index: best.index)])
    }

    /// Whether `text` matches the accepted answer `pattern` under the kind's normalisation.
    public static func matches(_ text: String, pattern: String, caseSensitive: Bool,
                               wrappers: [AnswerWrapper] = []) -> Bool {
        let normalized = TextNormalizer.normalize(text, caseSensitive: caseSensitive)
        let forms = TextNormalizer.wrapperForms(wrappers, caseSensitive: caseSensitive)
        return matches(Array(TextNormalizer.unwrap(normalized, forms: forms)), pattern: pattern,
                       caseSensitive: caseSensitive, forms: forms)
    }

    private enum Token: Equatable, Sendable {
        case literal(Character)
        case anything
    }

    /// A question's accepted answers as matching reads them: the wrappers' normalised forms, and each answer's
    /// forms normalised, unwrapped and tokenised. They depend only on the question, so they are made once per
    /// question version and kept (`compiled`), not at every grade of every replay.
    private struct Compiled: Sendable {
        var forms: [(prefix: String, suffix: String)]
        /// By answer, then by form of the answer.
        var patterns: [[[Token]]]
    }

    private struct CompiledKey: Hashable, Sendable {
        var answers: [ShortAnswer]
        var caseSensitive: Bool
        var wrappers: [AnswerWrapper]
    }

    /// At most `compiledCapacity` questions; all are dropped when it is full (they are made again on use).
    private static let compiled = Mutex<[CompiledKey: Compiled]>([:])
    private static let compiledCapacity = 4_096

    private static func compiledAnswers(_ answers: [ShortAnswer], caseSensitive: Bool,
                                        wrappers: [AnswerWrapper]) -> Compiled {
        let key = CompiledKey(answers: answers, caseSensitive: caseSensitive, wrappers: wrappers)
        if let found = compiled.withLock({ $0[key] }) { return found }
        let forms = TextNormalizer.wrapperForms(wrappers, caseSensitive: caseSensitive)
        let made = Compiled(forms: forms, patterns: answers.map { answer in
            answer.forms.map { tokens(pattern: $0, caseSensitive: caseSensitive, forms: forms) }
        })
        compiled.withLock { cache in
            if cache.count >= compiledCapacity { cache.removeAll(keepingCapacity: true) }
            cache[key] = made
        }
        return made
    }

    private static func tokens(pattern: String, caseSensitive: Bool, forms: [(prefix: String, suffix: String)]) -> [Token] {
        tokenize(TextNormalizer.unwrap(TextNormalizer.normalize(pattern, caseSensitive: caseSensitive), forms: forms))
    }

    private static func matches(_ text: [Character], pattern: String, caseSensitive: Bool,
                                forms: [(prefix: String, suffix: String)]) -> Bool {
        matches(text, tokens: tokens(pattern: pattern, caseSensitive: caseSensitive, forms: forms))
    }

    private static func matches(_ text: [Character], tokens: [Token]) -> Bool {
        if tokens.isEmpty { return false }
        // Iterative glob matching: on a mismatch, let the most recent `*` swallow one more character.
        var textIndex = 0
        var tokenIndex = 0
        var backtrack: (token: Int, text: Int)?
        while textIndex < text.count {
            if tokenIndex < tokens.count, tokens[tokenIndex] == .literal(text[textIndex]) {
                textIndex += 1
                tokenIndex += 1
            } else if tokenIndex < tokens.count, tokens[tokenIndex] == .anything {
                backtrack = (tokenIndex, textIndex)
                tokenIndex += 1
            } else if let point = backtrack {
                backtrack = (point.token, point.text + 1)
                tokenIndex = point.token + 1
                textIndex = point.text + 1
            } else {
                return false
            }
        }
        while tokenIndex < tokens.count, tokens[tokenIndex] == .anything {
            tokenIndex += 1
        }
        return tokenIndex == tokens.count
    }

    private static func tokenize(_ pattern: String) -> [Token] {
        var tokens: [Token] = []
        var escaping = false
        for character in pattern {
            if escaping {
                tokens.append(.literal(character))
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else if character == "*" {
                if tokens.last != .anything { tokens.append(.anything) }
            } else {
                tokens.append(.literal(character))
            }
        }
        if escaping { tokens.append(.literal("\\")) }
        return tokens
    }
}
