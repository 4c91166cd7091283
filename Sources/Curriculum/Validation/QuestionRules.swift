/// The rules every question must follow, whether it was written in YAML or imported from GIFT.
enum QuestionRules {
    struct Issue: Equatable {
        let severity: Diagnostic.Severity
        let message: String
        /// The option, answer or pair the problem is about, by position; nil for the question as a whole.
        let item: Int?
    }

    static func check(_ kind: QuestionKind) -> [Issue] {
        var issues: [Issue] = []
        func error(_ message: String, _ item: Int? = nil) { issues.append(Issue(severity: .error, message: message, item: item)) }
        func warning(_ message: String, _ item: Int? = nil) { issues.append(Issue(severity: .warning, message: message, item: item)) }

        switch kind {
        case .singleChoice(let options), .multipleResponse(let options):
            for (index, option) in options.enumerated() where !option.text.has(.zh) && !option.text.has(.en) {
                error("an option has no text", index)
            }
        default:
            break
        }
        switch kind {
        case .singleChoice(let options):
            if options.count < 2 { error("a single-choice question needs at least 2 options, not \(options.count)") }
            for (index, option) in options.enumerated() where option.fraction < 0 || option.fraction > 1 {
                error("an option of a single-choice question must be worth between 0 and 100%, not \(percent(option.fraction))", index)
            }
            let right = options.count(where: { $0.fraction == 1 })
            if right != 1 {
                error("a single-choice question needs exactly one right answer, not \(right)")
            }
            duplicateIDs(options.map(\.id), "option", &issues)
        case .multipleResponse(let options):
            if options.count < 2 { error("a multiple-response question needs at least 2 options, not \(options.count)") }
            for (index, option) in options.enumerated() where option.fraction < -1 || option.fraction > 1 {
                error("an option's weight must be between -100 and 100, not \(percent(option.fraction))", index)
            }
            let positive = options.map(\.fraction).filter { $0 > 0 }
            if positive.isEmpty {
                error("a multiple-response question needs at least one option with a positive weight")
            } else {
                let total = positive.reduce(0, +)
                if abs(total - 1) > 1e-6 {
                    warning("the positive weights add up to \(percent(total)), not 100%: a learner who picks every right option gets \(percent(min(total, 1)))")
                }
            }
            duplicateIDs(options.map(\.id), "option", &issues)
        case .trueFalse:
            break
        case .shortAnswer(let answers, _):
            if answers.isEmpty { error("a short-answer question needs at least one accepted answer") }
            for (index, answer) in answers.enumerated() {
                if answer.text.trimmingWhitespace().isEmpty { error("an accepted answer cannot be empty", index) }
                if answer.alternatives.contains(where: { $0.trimmingWhitespace().isEmpty }) {
                    error("an alternative ('also') cannot be empty", index)
                }
                if answer.fraction < 0 || answer.fraction > 1 {
                    error("an answer's weight must be between 0 and 100, not \(percent(answer.fraction))", index)
                }
            }
            if !answers.isEmpty && !answers.contains(where: { $0.fraction == 1 }) {
                error("no accepted answer gives full marks: give one answer weight 100")
            }
        case .numeric(let answers):
            if answers.isEmpty { error("a numeric question needs at least one answer") }
            for (index, answer) in answers.enumerated() {
                switch answer.target {
                case .value(let value, let tolerance):
                    if !value.isFinite { error("an answer's value must be a finite number", index) }
                    if tolerance < 0 || !tolerance.isFinite { error("a tolerance cannot be negative", index) }
                case .range(let min, let max):
                    if min > max { error("a range's min (\(NumberFormatting.plain(min))) is greater than its max (\(NumberFormatting.plain(max)))", index) }
                }
                if answer.fraction < 0 || answer.fraction > 1 {
                    error("an answer's weight must be between 0 and 100, not \(percent(answer.fraction))", index)
                }
            }
            if !answers.isEmpty && !answers.contains(where: { $0.fraction == 1 }) {
                error("no answer gives full marks: give one answer weight 100")
            }
        case .matching(let pairs, _):
            if pairs.count < 2 { error("a matching question needs at least 2 pairs, not \(pairs.count)") }
            for (index, pair) in pairs.enumerated()
            where (!pair.prompt.has(.zh) && !pair.prompt.has(.en)) || (!pair.answer.has(.zh) && !pair.answer.has(.en)) {
                error("a pair needs both a prompt and an answer", index)
            }
            duplicateIDs(pairs.map(\.id), "pair", &issues)
        }
        return issues
    }

    static func percent(_ fraction: Double) -> String {
        NumberFormatting.plain((fraction * 100 * 1e6).rounded() / 1e6) + "%"
    }

    private static func duplicateIDs(_ ids: [String], _ noun: String, _ issues: inout [Issue]) {
        var seen: Set<String> = []
        for (index, id) in ids.enumerated() where !seen.insert(id).inserted {
            issues.append(Issue(severity: .error, message: "two \(noun)s have the id '\(id)'", item: index))
        }
    }
}
