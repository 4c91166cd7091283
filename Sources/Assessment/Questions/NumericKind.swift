/// Grades a numeric question: the typed number is right for an answer when it lies within the answer's
/// tolerance or range; the best fraction among the matching answers wins (the first on a tie).
public enum NumericKind {
    /// The reading of a typed number.
    public enum Reading: Sendable, Hashable {
        /// Nothing typed (or only white space).
        case empty
        /// Something that is not a plain decimal number: a decimal comma ("3,5"), a thousands separator
        /// ("1,000"), words, units, "inf".
        case invalid
        case number(Double)
    }

    /// Reads `text` leniently but never guesses: full-width digits, signs and spaces are folded (NFKC),
    /// surrounding white space is ignored, "−" (U+2212) is a minus; the rest must be
    /// `[+-]digits[.digits][e[+-]digits]`. A comma is never read as a decimal point: "3,5" is invalid rather
    /// than silently 35 or 3.5.
    public static func read(_ text: String) -> Reading {
        let folded = TextNormalizer.normalize(text, caseSensitive: false)
            .replacingMinusSign()
        if folded.isEmpty { return .empty }
        guard isPlainDecimal(folded), let value = Double(folded), value.isFinite else { return .invalid }
        return .number(value)
    }

    /// `response` must be `.text` holding a plain decimal number (see `read(_:)`).
    public static func grade(answers: [NumericAnswer], response: Response?) -> Grade {
        guard let response else { return .todo }
        guard case .text(let typed) = response else { return .invalid }
        let value: Double
        switch read(typed) {
        case .empty: return .todo
        case .invalid: return .invalid
        case .number(let number): value = number
        }
        var best: (index: Int, fraction: Double)?
        for (index, answer) in answers.enumerated() where accepts(answer.target, value) {
            if best == nil || answer.fraction > best!.fraction + Grade.tolerance {
                best = (index, answer.fraction)
            }
        }
        guard let best else { return Grade(fraction: 0) }
        return Grade(fraction: best.fraction, feedback: [.numericAnswer(index: best.index)])
    }

    /// Whether `value` hits `target`. Bounds are widened by a relative 1e-9 so that decimal values that
    /// binary floating point cannot hold exactly (0.1 + 0.2) still land inside.
    public static func accepts(_ target: NumericAnswer.Target, _ value: Double) -> Bool {
        switch target {
        case .value(let expected, let tolerance):
            let slack = 1e-9 * max(1, abs(expected))
            return abs(value - expected) <= abs(tolerance) + slack
        case .range(let low, let high):
            let lower = min(low, high), upper = max(low, high)
            let slack = 1e-9 * max(1, abs(lower), abs(upper))
            return value >= lower - slack && value <= upper + slack
        }
    }

    private static func isPlainDecimal(_ text: String) -> Bool {
        var characters = Substring(text)
        if let first = characters.first, first == "+" || first == "-" { characters.removeFirst() }
        let mantissaEnd = characters.firstIndex(where: { $0 == "e" }) ?? characters.endIndex
        let mantissa = characters[..<mantissaEnd]
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
              parts.contains(where: { !$0.isEmpty }) else { return false }
        guard mantissaEnd != characters.endIndex else { return true }
        var exponent = characters[characters.index(after: mantissaEnd)...]
        if let sign = exponent.first, sign == "+" || sign == "-" { exponent.removeFirst() }
        return !exponent.isEmpty && exponent.allSatisfy(\.isASCIIDigit)
    }
}

private extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

private extension String {
    func replacingMinusSign() -> String {
        String(map { $0 == "\u{2212}" ? "-" : $0 })
    }
}
