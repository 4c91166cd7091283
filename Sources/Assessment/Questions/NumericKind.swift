/// Grades a numeric question: the typed number is right for an answer when it lies within the answer's
/// tolerance or range; the best fraction among the matching answers wins (the first on a tie).
public enum NumericKind {
    /// The reading of a typed number, without a question's format.
    public enum Reading: Sendable, Hashable {
        /// Nothing typed (or only white space).
        case empty
        /// Something that is not a number: a decimal comma ("3,5"), words, units, "inf".
        case invalid
        case number(Double)
    }

    /// The reading of a typed answer under a question's format.
    public enum TypedNumber: Sendable, Hashable {
        /// Nothing typed (or only white space).
        case empty
        /// Text that cannot be read as a number in a form the question accepts, and why.
        case unreadable(UnreadableAnswer)
        /// The number, with its unit's multiplier applied; `unitMissing` when the question declares units and
        /// none was typed.
        case number(Double, unitMissing: Bool)
    }

    /// Reads `text` as a bare number (a question without a format); see `read(_:format:)`.
    public static func read(_ text: String) -> Reading {
        switch read(text, format: nil) {
        case .empty: return .empty
        case .unreadable: return .invalid
        case .number(let value, _): return .number(value)
        }
    }

    /// Reads `text` leniently but never guesses.
    ///
    /// - Full-width digits, signs and spaces are folded (NFKC), surrounding white space is ignored, "−" (U+2212)
    ///   is a minus, and a space between the number and its unit does not matter.
    /// - The number is `[+-]digits[.digits][e[+-]digits]`, where the whole part may group its digits by three
    ///   with commas as Chinese and English write them ("1,000", "10,000", "1,234.5"). Any other comma is
    ///   refused as ambiguous: "3,5" (three and a half, or thirty-five?), "1,5000", "1,00".
    /// - With `format`: its wrappers may surround the number ("第31条", "Article 31"); the number may be followed
    ///   by one of its units, whose multiplier applies ("1.5万元" → 15,000); with `chineseNumerals`, the number
    ///   may be written in Chinese numerals ("三十一", "二〇一八", "两千零一十八", "三点五") and an Arabic
    ///   number may be followed by 万 or 亿 ("20万").
    /// - Text after the number that is not a declared unit is refused (`unknownUnit`), as is a missing unit
    ///   when the question requires one (`missingUnit`); a number inside one of the question's wrappers
    ///   ("百分之十一") does not miss its unit.
    public static func read(_ text: String, format: AnswerFormat?) -> TypedNumber {
        var folded = TextNormalizer.normalize(text, caseSensitive: false).replacingMinusSign()
        if folded.isEmpty { return .empty }
        var wrapped = false
        if let format, !format.wrappers.isEmpty {
            let unwrapped = TextNormalizer.unwrap(folded, wrappers: format.wrappers)
            wrapped = unwrapped != folded
            folded = unwrapped
        }
        let units = format?.units ?? []
        let chinese = format?.chineseNumerals ?? false
        let characters = Array(folded)

        var value: Double
        var rest: ArraySlice<Character>
        let arabicEnd = arabicPrefixEnd(characters)
        if arabicEnd > 0 {
            switch arabic(String(characters[..<arabicEnd])) {
            case .failure(let reason): return .unreadable(reason)
            case .success(let number): value = number
            }
            rest = characters[arabicEnd...]
            if chinese, let first = rest.first, let scale = ChineseNumerals.largeUnits[first],
               unit(matching: rest, in: units) == nil {
                value *= scale
                rest = rest.dropFirst()
            }
        } else if chinese, let (number, end) = chineseNumber(characters, units: units) {
            value = number
            rest = characters[end...]
        } else {
            return .unreadable(.notANumber)
        }
        guard value.isFinite else { return .unreadable(.notANumber) }

        let unitText = String(rest).trimmingCharacters(" ")
        if unitText.isEmpty {
            // A wrapper says what the number is ("百分之十一") as well as a unit would.
            guard !units.isEmpty, !wrapped, let format else { return .number(value, unitMissing: false) }
            if case .required = format.unitRule { return .unreadable(.missingUnit) }
            return .number(value, unitMissing: true)
        }
        guard let unit = unit(matching: rest, in: units) else {
            if let first = unitText.first, first.isASCIIDigit || ChineseNumerals.digits[first] != nil
                || (chinese && ChineseNumerals.characters.contains(first)) {
                return .unreadable(.notANumber)
            }
            return .unreadable(.unknownUnit(unitText))
        }
        let scaled = value * unit.multiplier
        return scaled.isFinite ? .number(scaled, unitMissing: false) : .unreadable(.notANumber)
    }

    /// `response` must be `.text` holding a number (see `read(_:format:)`).
    public static func grade(answers: [NumericAnswer], response: Response?) -> Grade {
        grade(answers: answers, format: nil, response: response)
    }

    /// `response` must be `.text` holding a number in a form `format` accepts; a number without its unit loses
    /// the format's unit penalty.
    public static func grade(answers: [NumericAnswer], format: AnswerFormat?, response: Response?) -> Grade {
        guard let response else { return .todo }
        guard case .text(let typed) = response else { return .invalid }
        let value: Double
        let unitMissing: Bool
        switch read(typed, format: format) {
        case .empty: return .todo
        case .unreadable: return .invalid
        case .number(let number, let missing):
            value = number
            unitMissing = missing
        }
        var best: (index: Int, fraction: Double)?
        for (index, answer) in answers.enumerated() where accepts(answer.target, value) {
            if best == nil || answer.fraction > best!.fraction + Grade.tolerance {
                best = (index, answer.fraction)
            }
        }
        guard let best else { return Grade(fraction: 0) }
        var fraction = best.fraction
        if unitMissing, case .penalty(let penalty)? = format?.unitRule {
            fraction *= 1 - min(1, max(0, penalty))
        }
        return Grade(fraction: fraction, feedback: [.numericAnswer(index: best.index)])
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

    // MARK: - Reading

    /// The end of the leading run that can belong to an Arabic number: a sign, digits, "." and ",", and an
    /// exponent only when digits follow the "e" (so "20 em" keeps its unit). 0 when no digit starts the text.
    private static func arabicPrefixEnd(_ characters: [Character]) -> Int {
        var index = 0
        if index < characters.count, characters[index] == "+" || characters[index] == "-" { index += 1 }
        var sawDigit = false
        while index < characters.count, characters[index].isASCIIDigit || characters[index] == "."
                || characters[index] == "," {
            sawDigit = sawDigit || characters[index].isASCIIDigit
            index += 1
        }
        guard sawDigit else { return 0 }
        if index < characters.count, characters[index] == "e" {
            var exponent = index + 1
            if exponent < characters.count, characters[exponent] == "+" || characters[exponent] == "-" { exponent += 1 }
            var digits = exponent
            while digits < characters.count, characters[digits].isASCIIDigit { digits += 1 }
            if digits > exponent { index = digits }
        }
        // A trailing comma or point belongs to the text after the number ("20, roughly" is refused there).
        while index > 0, characters[index - 1] == "," { index -= 1 }
        return index
    }

    private enum Parsed {
        case success(Double)
        case failure(UnreadableAnswer)
    }

    private static func arabic(_ text: String) -> Parsed {
        var body = Substring(text)
        var sign = ""
        if let first = body.first, first == "+" || first == "-" {
            sign = String(first)
            body.removeFirst()
        }
        let exponentStart = body.firstIndex(of: "e") ?? body.endIndex
        let mantissa = body[..<exponentStart]
        let exponent = body[exponentStart...]
        var plain = String(mantissa)
        if mantissa.contains(",") {
            let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count <= 2, parts.count == 1 || !parts[1].contains(",") else { return .failure(.notANumber) }
            let groups = parts[0].split(separator: ",", omittingEmptySubsequences: false)
            guard groups.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }) else {
                return .failure(.notANumber)
            }
            // Groups of exactly three after a first group of one to three digits: "1,000", "12,345,678".
            guard (1...3).contains(groups[0].count), groups.dropFirst().allSatisfy({ $0.count == 3 }),
                  groups[0].first != "0" else {
                return .failure(.ambiguousSeparator)
            }
            plain = groups.joined() + (parts.count == 2 ? "." + parts[1] : "")
        }
        let candidate = sign + plain + exponent
        guard isPlainDecimal(candidate), let value = Double(candidate), value.isFinite else {
            return .failure(.notANumber)
        }
        return .success(value)
    }

    /// The longest leading Chinese numeral that reads as a number and leaves a declared unit or nothing after
    /// it, with where it ends.
    private static func chineseNumber(_ characters: [Character], units: [AnswerUnit]) -> (Double, Int)? {
        var end = 0
        while end < characters.count, ChineseNumerals.characters.contains(characters[end]) { end += 1 }
        var fallback: (Double, Int)?
        while end > 0 {
            if let value = ChineseNumerals.value(characters[..<end]) {
                let rest = characters[end...]
                if String(rest).trimmingCharacters(" ").isEmpty || unit(matching: rest, in: units) != nil {
                    return (value, end)
                }
                fallback = fallback ?? (value, end)
            }
            end -= 1
        }
        return fallback
    }

    private static func unit(matching rest: ArraySlice<Character>, in units: [AnswerUnit]) -> AnswerUnit? {
        let typed = String(rest).trimmingCharacters(" ")
        guard !typed.isEmpty else { return nil }
        return units.first { TextNormalizer.normalize($0.text) == typed }
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

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension String {
    func replacingMinusSign() -> String {
        String(map { $0 == "\u{2212}" ? "-" : $0 })
    }

    func trimmingCharacters(_ character: Character) -> String {
        var slice = Substring(self)
        while slice.first == character { slice.removeFirst() }
        while slice.last == character { slice.removeLast() }
        return String(slice)
    }
}
