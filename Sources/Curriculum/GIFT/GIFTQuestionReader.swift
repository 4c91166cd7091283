import Foundation

/// Reads one GIFT question (a block of lines, escapes resolved) the way Moodle's `readquestion` does.
struct GIFTQuestionReader {
    struct Issue {
        let severity: Diagnostic.Severity
        let message: String
        let unit: GIFTUnit
    }

    struct Parsed {
        let title: String?
        let explicitID: String?
        /// The format marker written before the question text (`[markdown]`...), if any.
        let format: Format?
        let tags: [String]
        let text: LocalizedText
        let kind: QuestionKind
        let generalFeedback: LocalizedText?
    }

    /// A text format marker at the start of a text.
    enum Format: String {
        case moodle, html, plain, markdown
    }

    let units: ArraySlice<GIFTUnit>
    let language: Language
    let comments: [String]
    private(set) var issues: [Issue] = []
    private var convertedHTML = false
    private var keptMarkdown = false

    init(units: ArraySlice<GIFTUnit>, language: Language, comments: [String]) {
        self.units = units
        self.language = language
        self.comments = comments
    }

    private mutating func error(_ message: String, at unit: GIFTUnit) {
        issues.append(Issue(severity: .error, message: message, unit: unit))
    }

    private mutating func warning(_ message: String, at unit: GIFTUnit) {
        issues.append(Issue(severity: .warning, message: message, unit: unit))
    }

    mutating func read() -> Parsed? {
        guard let first = units.first else { return nil }
        var text = units

        // ::title::
        var title: String?
        if text.hasControlPrefix("::") {
            let afterOpening = text.dropFirst(2)
            if let end = afterOpening.firstControlSequence([":", ":"]) {
                title = afterOpening[afterOpening.startIndex..<end].trimmedAll().string
                text = afterOpening[(end + 2)...].trimmedRaw()
            } else {
                warning("the title has no closing '::'; Moodle drops the opening '::' and names the question after its text",
                        at: first)
                text = afterOpening
            }
        }

        // The answer block.
        let open = text.firstControl("{")
        let close = text.firstControl("}")
        guard let open, let close else {
            if let open {
                error("the answer block opened here has no closing '}'", at: text[open])
                return nil
            }
            if let close {
                error("'}' closes an answer block that was never opened with '{'", at: text[close])
                return nil
            }
            warning("a description (text without an answer block {...}) is not a question type this platform "
                    + "supports; skipped", at: first)
            return nil
        }
        guard open < close else {
            error("'}' comes before the answer block's opening '{'", at: text[close])
            return nil
        }
        if let inner = text[(open + 1)..<close].firstControl("{") {
            warning("'{' inside an answer block is taken as text; write \\{ to make that explicit", at: text[inner])
        }
        if let extra = text[(close + 1)...].firstControl("{") ?? text[(close + 1)...].firstControl("}") {
            warning("a second answer block: Moodle uses only the first {...} and keeps the rest as question text",
                    at: text[extra])
        }
        var answer = text[(open + 1)..<close].trimmedRaw()
        var questionUnits = Array(text[..<open])
        if text.last?.isControl("}") == true {
            questionUnits.append(contentsOf: text[(close + 1)...])
        } else {
            let blankPosition = text[open]
            for _ in 0..<5 {
                questionUnits.append(GIFTUnit(scalar: "_", escaped: true, line: blankPosition.line,
                                              column: blankPosition.column))
            }
            questionUnits.append(contentsOf: text[(close + 1)...])
        }

        // ####general feedback (the last #### of the block).
        var generalFeedbackUnits: ArraySlice<GIFTUnit> = []
        if let separator = answer.lastControlSequence(["#", "#", "#", "#"]) {
            generalFeedbackUnits = answer[(separator + 4)...]
            answer = answer[..<separator].trimmedRaw()
        }

        let writtenFormat = Self.writtenFormat(questionUnits[...])
        let (questionFormat, questionText) = formatted(questionUnits[...], default: .moodle)
        let generalFeedback = formatted(generalFeedbackUnits, default: questionFormat).text
        let kind: QuestionKind?
        let answerStart = text[open]
        if answer.isEmpty {
            warning("an essay question (an empty answer block {}) is not a question type this platform supports; "
                    + "skipped", at: first)
            return nil
        } else if answer.first?.isControl("#") == true {
            kind = numeric(answer, format: questionFormat)
        } else if answer.firstControl("~") != nil {
            warnAboutTildeInFeedback(answer)
            kind = multipleChoice(answer, format: questionFormat, at: answerStart)
        } else if answer.firstControl("=") != nil, answer.string.contains("->") {
            kind = matching(answer, format: questionFormat, at: answerStart)
        } else if let value = trueFalseValue(answer) {
            kind = trueFalse(answer, answer: value, format: questionFormat)
        } else {
            kind = shortAnswer(answer, format: questionFormat, at: answerStart)
        }
        guard let kind else { return nil }
        if questionText.isEmpty {
            warning("the question has no text", at: first)
        }
        // Problems already reported for the answers would only be repeated by the general rules.
        let hadErrors = issues.contains { $0.severity == .error }
        for issue in hadErrors ? [] : QuestionRules.check(kind) {
            switch issue.severity {
            case .error: error(issue.message, at: answerStart)
            case .warning: warning(issue.message, at: answerStart)
            }
        }
        if convertedHTML {
            warning("HTML in this question was converted to plain text; check links and formatting", at: first)
        }
        if keptMarkdown {
            warning("Markdown in this question is kept as written; question texts are shown as plain text", at: first)
        }
        guard !issues.contains(where: { $0.severity == .error }) else { return nil }
        let metadata = Self.metadata(in: comments)
        return Parsed(title: title, explicitID: metadata.id, format: writtenFormat, tags: metadata.tags, text: localized(questionText) ?? LocalizedText(),
                      kind: kind, generalFeedback: localized(generalFeedback))
    }

    // MARK: Types

    private mutating func multipleChoice(_ answer: ArraySlice<GIFTUnit>, format: Format, at start: GIFTUnit) -> QuestionKind? {
        let single = answer.firstControl("=") != nil
        var segments: [ArraySlice<GIFTUnit>] = []
        var segmentStart = answer.startIndex
        var separators: [GIFTUnit] = []
        var index = answer.startIndex
        while index < answer.endIndex {
            let unit = answer[index]
            if unit.isControl("~") {
                segments.append(answer[segmentStart..<index])
                separators.append(unit)
                segmentStart = index + 1
            } else if unit.isControl("=") {
                segments.append(answer[segmentStart..<index])
                separators.append(unit)
                segmentStart = index
            }
            index += 1
        }
        segments.append(answer[segmentStart..<answer.endIndex])
        if segments.first?.trimmedRaw().isEmpty == true { segments.removeFirst() }

        var options: [ChoiceOption] = []
        for segment in segments {
            var body = segment.trimmedRaw()
            guard let head = body.first else {
                error("an answer between '~' or '=' is empty", at: segment.first ?? start)
                continue
            }
            var fraction: Double = 0
            if head.isControl("=") {
                fraction = 1
                body = body.dropFirst()
                if weight(body) != nil {
                    warning("'=' marks a full-marks answer, so Moodle ignores this weight and keeps it as answer text; "
                            + "write '~%50%' for partial credit", at: body.first ?? head)
                }
            } else if let (value, length) = weight(body) {
                fraction = value
                body = body.dropFirst(length)
            } else {
                warnIfMalformedWeight(body)
            }
            let (text, feedback) = answerAndFeedback(body, format: format)
            if text.isEmpty {
                error("an answer has no text", at: head)
                continue
            }
            options.append(ChoiceOption(id: QuestionYAML.positionalLetter(options.count),
                                        text: localized(text) ?? LocalizedText(), fraction: fraction,
                                        feedback: localized(feedback)))
        }
        guard options.count >= 2 else {
            error("a multiple-choice question needs at least 2 answers", at: start)
            return nil
        }
        return single ? .singleChoice(options: options) : .multipleResponse(options: options)
    }

    private mutating func matching(_ answer: ArraySlice<GIFTUnit>, format: Format, at start: GIFTUnit) -> QuestionKind? {
        var segments = answer.split(at: "=")
        if segments.first?.trimmedRaw().isEmpty == true { segments.removeFirst() }
        guard segments.count >= 2 else {
            error("a matching question needs at least 2 pairs", at: start)
            return nil
        }
        var pairs: [MatchPair] = []
        var distractors: [LocalizedText] = []
        for segment in segments {
            let body = segment.trimmedRaw()
            guard let arrow = body.firstArrow() else {
                error("a matching pair is written '=prompt -> answer'", at: body.first ?? start)
                continue
            }
            let prompt = formatted(body[..<arrow], default: format).text
            let match = cleaned(body[(arrow + 2)...], format: .plain)
            if match.isEmpty {
                error("a matching pair has no answer after '->'", at: body[arrow])
                continue
            }
            if prompt.isEmpty {
                distractors.append(localized(match) ?? LocalizedText())
            } else {
                pairs.append(MatchPair(id: String(pairs.count + 1), prompt: localized(prompt) ?? LocalizedText(),
                                       answer: localized(match) ?? LocalizedText()))
            }
        }
        return .matching(pairs: pairs, distractors: distractors)
    }

    private func trueFalseValue(_ answer: ArraySlice<GIFTUnit>) -> Bool? {
        var check = answer
        if let hash = answer.firstControl("#"), hash > answer.startIndex {
            check = answer[..<hash].trimmedRaw()
        }
        switch check.string {
        case "T", "TRUE": return true
        case "F", "FALSE": return false
        default: return nil
        }
    }

    private mutating func trueFalse(_ answer: ArraySlice<GIFTUnit>, answer value: Bool, format: Format) -> QuestionKind {
        let parts = answer.split(at: "#", limit: 3)
        let wrong = parts.count > 1 ? formatted(parts[1], default: format).text : ""
        let right = parts.count > 2 ? formatted(parts[2], default: format).text : ""
        return .trueFalse(answer: value,
                          feedbackIfTrue: localized(value ? right : wrong),
                          feedbackIfFalse: localized(value ? wrong : right))
    }

    private mutating func shortAnswer(_ answer: ArraySlice<GIFTUnit>, format: Format, at start: GIFTUnit) -> QuestionKind? {
        let lowered = answer.string.uppercased()
        if ["T", "TRUE", "F", "FALSE"].contains(lowered) {
            warning("'\(answer.string)' is read as a short answer: Moodle only recognises T, TRUE, F and FALSE in capitals as true/false",
                    at: start)
        }
        var segments = answer.split(at: "=")
        if segments.first?.trimmedRaw().isEmpty == true { segments.removeFirst() }
        var answers: [ShortAnswer] = []
        for segment in segments {
            var body = segment.trimmedRaw()
            var fraction: Double = 1
            if let (value, length) = weight(body) {
                fraction = value
                body = body.dropFirst(length)
            } else {
                warnIfMalformedWeight(body)
            }
            let (text, feedback) = answerAndFeedback(body, format: format)
            if text.isEmpty {
                error("an accepted answer is empty", at: segment.first ?? start)
                continue
            }
            answers.append(ShortAnswer(text: text, fraction: fraction, feedback: localized(feedback)))
        }
        guard !answers.isEmpty else {
            if !issues.contains(where: { $0.severity == .error }) {
                error("a short-answer question needs at least one answer written '=answer'", at: start)
            }
            return nil
        }
        return .shortAnswer(answers: answers, caseSensitive: false)
    }

    private mutating func numeric(_ answer: ArraySlice<GIFTUnit>, format: Format) -> QuestionKind? {
        guard let start = answer.first else { return nil }
        var body = answer.dropFirst()
        var wrongFeedback: ArraySlice<GIFTUnit>?
        if let tilde = body.firstControl("~") {
            wrongFeedback = body[tilde...]
            body = body[..<tilde]
        }
        var segments = body.split(at: "=")
        if segments.first?.trimmedRaw().isEmpty == true { segments.removeFirst() }
        guard !segments.isEmpty else {
            error("a numeric question needs at least one number after '#'", at: start)
            return nil
        }
        var answers: [NumericAnswer] = []
        for segment in segments {
            var entry = segment.trimmedRaw()
            let position = entry.first ?? start
            var fraction: Double = 1
            if let (value, length) = weight(entry) {
                fraction = value
                entry = entry.dropFirst(length)
            } else {
                warnIfMalformedWeight(entry)
            }
            let (text, feedback) = answerAndFeedback(entry, format: format)
            guard let target = numericTarget(text, at: position) else { continue }
            answers.append(NumericAnswer(target: target, fraction: fraction, feedback: localized(feedback)))
        }
        if let wrongFeedback {
            let feedback = answerAndFeedback(wrongFeedback, format: format).feedback
            answers.append(NumericAnswer(target: .range(min: -.infinity, max: .infinity), fraction: 0,
                                         feedback: localized(feedback)))
        }
        guard !answers.isEmpty else { return nil }
        return .numeric(answers: answers)
    }

    /// `value`, `value:tolerance`, `min..max` or `*`, as Moodle reads them.
    private mutating func numericTarget(_ text: String, at position: GIFTUnit) -> NumericAnswer.Target? {
        if text == "*" { return .range(min: -.infinity, max: .infinity) }
        if let dots = text.range(of: ".."), dots.lowerBound > text.startIndex {
            let low = text[..<dots.lowerBound].trimmingWhitespaceSlice()
            let high = text[dots.upperBound...].trimmingWhitespaceSlice()
            guard let min = Self.number(low), let max = Self.number(high) else {
                error("'\(text)' is not a range of numbers such as 1..5", at: position)
                return nil
            }
            return .range(min: min, max: max)
        }
        if let colon = text.firstIndex(of: ":"), colon > text.startIndex {
            let value = text[..<colon].trimmingWhitespaceSlice()
            let tolerance = text[text.index(after: colon)...].trimmingWhitespaceSlice()
            guard let number = Self.number(value), let margin = Self.number(tolerance) else {
                error("'\(text)' is not a number with a tolerance such as 3.14:0.01", at: position)
                return nil
            }
            return .value(number, tolerance: margin)
        }
        guard let number = Self.number(text[...]) else {
            error("'\(text)' is not a number", at: position)
            return nil
        }
        return .value(number, tolerance: 0)
    }

    /// A decimal number as PHP's `is_numeric` accepts it: sign, digits, point, exponent.
    static func number(_ text: Substring) -> Double? {
        let trimmed = text.trimmingWhitespaceSlice()
        guard !trimmed.isEmpty else { return nil }
        var sawDigit = false
        var sawDot = false
        var sawExponent = false
        var previous: Character = " "
        for (offset, character) in trimmed.enumerated() {
            switch character {
            case "0"..."9": sawDigit = true
            case "+", "-": guard offset == 0 || previous == "e" || previous == "E" else { return nil }
            case ".": guard !sawDot && !sawExponent else { return nil }; sawDot = true
            case "e", "E": guard sawDigit && !sawExponent else { return nil }; sawExponent = true
            default: return nil
            }
            previous = character
        }
        guard sawDigit, let value = Double(String(trimmed)), value.isFinite else { return nil }
        return value
    }

    // MARK: Pieces

    /// `%50%`, `%-33.3%`, `%100%` at the start: the fraction and how many units it takes.
    private func weight(_ units: ArraySlice<GIFTUnit>) -> (Double, Int)? {
        guard units.first?.isControl("%") == true else { return nil }
        var index = units.startIndex + 1
        var negative = false
        if index < units.endIndex, units[index].scalar == "-" { negative = true; index += 1 }
        let digitsStart = index
        var sawDot = false
        while index < units.endIndex {
            let scalar = units[index].scalar
            if scalar >= "0" && scalar <= "9" {
                index += 1
            } else if scalar == ".", !sawDot, index > digitsStart {
                sawDot = true
                index += 1
            } else {
                break
            }
        }
        guard index > digitsStart, index < units.endIndex, units[index].scalar == "%",
              let value = Double(units[digitsStart..<index].string) else { return nil }
        return ((negative ? -value : value) / 100, index - units.startIndex + 1)
    }

    private mutating func warnIfMalformedWeight(_ units: ArraySlice<GIFTUnit>) {
        guard let first = units.first, first.isControl("%"), units.dropFirst().firstControl("%") != nil else { return }
        warning("this does not read as a weight such as %50% or %-25%, so Moodle keeps it as part of the answer text",
                at: first)
    }

    /// Splits `answer#feedback` at the first unescaped `#`.
    private mutating func answerAndFeedback(_ units: ArraySlice<GIFTUnit>, format: Format) -> (text: String, feedback: String) {
        let parts = units.split(at: "#", limit: 2)
        let text = formatted(parts[0].trimmedRaw(), default: format).text
        let feedback = parts.count > 1 ? formatted(parts[1].trimmedRaw(), default: format).text : ""
        return (text, feedback)
    }

    /// The `[format]` marker at the start of `units`, if one is written there.
    static func writtenFormat(_ units: ArraySlice<GIFTUnit>) -> Format? {
        let body = units.trimmedRaw()
        guard body.first?.scalar == "[", let close = body.firstIndex(where: { $0.scalar == "]" }) else { return nil }
        guard let format = Format(rawValue: body[(body.startIndex + 1)..<close].string) else { return nil }
        // `[plain]` before a text that itself starts with a marker only keeps that marker as text (the exporter
        // writes it so); it is not a format the author chose.
        if format == .plain, writtenFormat(body[(close + 1)...]) != nil { return nil }
        return format
    }

    /// A text with its `[format]` marker read and applied, trimmed.
    private mutating func formatted(_ units: ArraySlice<GIFTUnit>, default defaultFormat: Format) -> (format: Format, text: String) {
        var body = units.trimmedRaw()
        var format = defaultFormat
        if body.first?.scalar == "[", let close = body.firstIndex(where: { $0.scalar == "]" }),
           let marker = Format(rawValue: body[(body.startIndex + 1)..<close].string) {
            format = marker
            body = body[(close + 1)...]
        }
        return (format, cleaned(body, format: format))
    }

    private mutating func cleaned(_ units: ArraySlice<GIFTUnit>, format: Format) -> String {
        let text = units.trimmedAll().string
        switch format {
        case .html:
            if HTMLText.hasMarkup(text) { convertedHTML = true }
            return HTMLText.plainText(from: text)
        case .markdown:
            if text.contains(where: { "*_`[#".contains($0) }) { keptMarkdown = true }
            return text
        case .moodle, .plain:
            return text
        }
    }

    private func localized(_ text: String) -> LocalizedText? {
        guard !text.isEmpty else { return nil }
        switch language {
        case .zh: return LocalizedText(zh: text)
        case .en: return LocalizedText(en: text)
        }
    }

    /// Warns when a `~` sits inside the feedback of an `=` answer and reads as part of the feedback: run into the
    /// text (`#Good~ish`) or standing apart (`#About ~ right`). Moodle then reads the whole question as multiple
    /// choice, splitting the feedback into a wrong answer, although a short answer was probably meant. A `~`
    /// after a line break or a space and directly before text (`#Right ~London`) starts a wrong answer as usual
    /// and is not reported.
    private mutating func warnAboutTildeInFeedback(_ answer: ArraySlice<GIFTUnit>) {
        guard answer.first?.isControl("=") == true else { return }
        var inFeedback = false
        var index = answer.startIndex
        while index < answer.endIndex {
            let unit = answer[index]
            if unit.isControl("=") {
                inFeedback = false
            } else if unit.isControl("#") {
                inFeedback = true
            } else if unit.isControl("~") {
                let previous = index > answer.startIndex ? answer[index - 1] : nil
                let next = index + 1 < answer.endIndex ? answer[index + 1] : nil
                let runIntoText = previous.map { !$0.isWhitespace } ?? false
                let standsApart = next.map(\.isWhitespace) ?? true
                if inFeedback, runIntoText || standsApart {
                    warning("'~' in the feedback makes Moodle read this question as multiple choice, not short answer; "
                            + "write \\~ if it belongs to the feedback", at: unit)
                    return
                }
                inFeedback = false
            }
            index += 1
        }
    }

    /// `[id:...]` and `[tag:...]` in the question's comment lines, as Moodle reads them (`\]` escapes `]`).
    static func metadata(in comments: [String]) -> (id: String?, tags: [String]) {
        var id: String?
        var tags: [String] = []
        for comment in comments {
            var rest = Substring(comment)
            while let open = rest.range(of: "[") {
                rest = rest[open.upperBound...]
                let isID = rest.hasPrefix("id:")
                let isTag = rest.hasPrefix("tag:")
                guard isID || isTag else { continue }
                var value = ""
                var index = rest.index(rest.startIndex, offsetBy: isID ? 3 : 4)
                var closed = false
                while index < rest.endIndex {
                    let character = rest[index]
                    if character == "\\", rest.index(after: index) < rest.endIndex, rest[rest.index(after: index)] == "]" {
                        value.append("]")
                        index = rest.index(index, offsetBy: 2)
                        continue
                    }
                    if character == "]" { closed = true; break }
                    if character.unicodeScalars.allSatisfy({ $0.properties.generalCategory == .control }) { break }
                    value.append(character)
                    index = rest.index(after: index)
                }
                guard closed else { continue }
                rest = rest[index...]
                let trimmed = String(value.trimmingWhitespace())
                guard !trimmed.isEmpty else { continue }
                if isID { if id == nil { id = trimmed } } else { tags.append(trimmed) }
            }
        }
        return (id, tags)
    }
}
