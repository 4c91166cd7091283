/// Writes a quiz in the course file format (`quizzes/<id>.yaml`), readable by the loader and by trainers.
///
/// Texts are written as double-quoted YAML strings (JSON escapes), so no text can be mistaken for a number,
/// a boolean or YAML syntax.
public enum QuizYAMLWriter {
    /// The quiz file for `quiz`; `poolComments` adds a `#` comment line above the pool with that id.
    public static func yaml(for quiz: QuizDefinition, header: [String] = [], poolComments: [String: String] = [:]) -> String {
        var out = ""
        for line in header { out += "# \(line)\n" }
        out += "id: \(quiz.id.rawValue)\n"
        out += "title: \(inline(quiz.title))\n"
        out += "mode: \(quiz.behaviour == .deferredFeedback ? "exam" : "practice")\n"
        out += "pass_mark: \(NumberFormatting.plain((quiz.passMark * 100 * 1e9).rounded() / 1e9))\n"
        if let limit = quiz.timeLimit { out += "time_limit_minutes: \(limit / 60)\n" }
        if let attempts = quiz.maxAttempts { out += "max_attempts: \(attempts)\n" }
        if quiz.attemptDelay != 0 { out += "attempt_delay_minutes: \(quiz.attemptDelay / 60)\n" }
        if quiz.grading != .highest { out += "grading: \(quiz.grading.rawValue)\n" }
        if !quiz.shuffleQuestions { out += "shuffle_questions: false\n" }
        if !quiz.shuffleOptions { out += "shuffle_options: false\n" }
        let defaultShow: Set<ReviewPolicy.Item> = quiz.behaviour == .deferredFeedback ? [.score] : Set(ReviewPolicy.Item.allCases)
        if quiz.review.show != defaultShow || quiz.review.when != .immediately {
            out += "review:\n"
            out += "  show: [" + quiz.review.show.sorted().map(\.rawValue).joined(separator: ", ") + "]\n"
            out += "  when: \(quiz.review.when.rawValue)\n"
        }
        out += "pools:\n"
        for pool in quiz.pools {
            if let comment = poolComments[pool.id] { out += "  # \(comment.replacingAll("\n", with: " "))\n" }
            out += "  - id: \(pool.id)\n"
            if let draw = pool.draw { out += "    draw: \(draw)\n" }
            out += "    questions:\n"
            for question in pool.questions {
                write(question, into: &out)
            }
        }
        return out
    }

    private static func write(_ question: Question, into out: inout String) {
        let indent = "        "
        out += "      - id: \(question.id.rawValue)\n"
        out += indent + "type: \(question.kind.name)\n"
        out += indent + "text: \(inline(question.text))\n"
        switch question.kind {
        case .singleChoice(let options), .multipleResponse(let options):
            let single = question.kind.name == "single"
            out += indent + "options:\n"
            for (index, option) in options.enumerated() {
                out += indent + "  - "
                if option.id != QuestionYAML.positionalLetter(index) { out += "id: \(option.id)\n" + indent + "    " }
                out += "text: \(inline(option.text))\n"
                if single {
                    if option.fraction == 1 { out += indent + "    correct: true\n" }
                    else if option.fraction != 0 { out += indent + "    weight: \(percent(option.fraction))\n" }
                } else if option.fraction != 0 {
                    out += indent + "    weight: \(percent(option.fraction))\n"
                }
                if let feedback = option.feedback { out += indent + "    feedback: \(inline(feedback))\n" }
            }
        case .trueFalse(let answer, let ifTrue, let ifFalse):
            out += indent + "answer: \(answer)\n"
            if let ifTrue { out += indent + "feedback_true: \(inline(ifTrue))\n" }
            if let ifFalse { out += indent + "feedback_false: \(inline(ifFalse))\n" }
        case .shortAnswer(let answers, let caseSensitive):
            if caseSensitive { out += indent + "case_sensitive: true\n" }
            out += indent + "answers:\n"
            for answer in answers {
                out += indent + "  - text: \(quoted(answer.text))\n"
                if !answer.alternatives.isEmpty {
                    out += indent + "    also: [" + answer.alternatives.map(quoted).joined(separator: ", ") + "]\n"
                }
                if answer.fraction != 1 { out += indent + "    weight: \(percent(answer.fraction))\n" }
                if let feedback = answer.feedback { out += indent + "    feedback: \(inline(feedback))\n" }
            }
        case .numeric(let answers):
            out += indent + "answers:\n"
            for answer in answers {
                switch answer.target {
                case .value(let value, let tolerance):
                    out += indent + "  - value: \(NumberFormatting.plain(value))\n"
                    out += indent + "    tolerance: \(NumberFormatting.plain(tolerance))\n"
                case .range(let min, let max):
                    out += indent + "  - min: \(NumberFormatting.plain(min))\n"
                    out += indent + "    max: \(NumberFormatting.plain(max))\n"
                }
                out += indent + "    weight: \(percent(answer.fraction))\n"
                if let feedback = answer.feedback { out += indent + "    feedback: \(inline(feedback))\n" }
            }
        case .matching(let pairs, let distractors):
            out += indent + "pairs:\n"
            for (index, pair) in pairs.enumerated() {
                out += indent + "  - "
                if pair.id != String(index + 1) { out += "id: \(pair.id)\n" + indent + "    " }
                out += "prompt: \(inline(pair.prompt))\n"
                out += indent + "    answer: \(inline(pair.answer))\n"
            }
            if !distractors.isEmpty {
                out += indent + "distractors:\n"
                for distractor in distractors { out += indent + "  - \(inline(distractor))\n" }
            }
        }
        if let format = question.answerFormat { write(format, numeric: question.kind.name == "numeric", into: &out) }
        if let feedback = question.generalFeedback { out += indent + "feedback: \(inline(feedback))\n" }
        if let explanation = question.explanation { out += indent + "explanation: \(inline(explanation))\n" }
        if !question.tags.isEmpty {
            out += indent + "tags: [" + question.tags.map(quoted).joined(separator: ", ") + "]\n"
        }
        if question.points != 1 { out += indent + "points: \(NumberFormatting.plain(question.points))\n" }
        if let moodle = question.moodle, !moodle.isEmpty {
            var parts: [String] = []
            if let title = moodle.title { parts.append("title: " + quoted(title)) }
            if let category = moodle.category { parts.append("category: " + quoted(category)) }
            if let format = moodle.format { parts.append("format: " + format) }
            out += indent + "moodle: {" + parts.joined(separator: ", ") + "}\n"
        }
    }

    private static func write(_ format: AnswerFormat, numeric: Bool, into out: inout String) {
        let indent = "        "
        if !format.wrappers.isEmpty {
            out += indent + "wrappers: [" + format.wrappers.map { wrapper in
                "{prefix: \(quoted(wrapper.prefix)), suffix: \(quoted(wrapper.suffix))}"
            }.joined(separator: ", ") + "]\n"
        }
        guard numeric else { return }
        if let hint = format.hint { out += indent + "format: \(inline(hint))\n" }
        if let example = format.example { out += indent + "example: \(quoted(example))\n" }
        if !format.units.isEmpty {
            out += indent + "units: [" + format.units.map { unit in
                unit.multiplier == 1 ? quoted(unit.text)
                    : "{unit: \(quoted(unit.text)), multiplier: \(NumberFormatting.plain(unit.multiplier))}"
            }.joined(separator: ", ") + "]\n"
            switch format.unitRule {
            case .optional: break
            case .required: out += indent + "unit_required: true\n"
            case .penalty(let fraction): out += indent + "unit_penalty: \(percent(fraction))\n"
            }
        }
        if format.chineseNumerals { out += indent + "chinese_numerals: true\n" }
    }

    private static func percent(_ fraction: Double) -> String {
        NumberFormatting.plain((fraction * 100 * 1e9).rounded() / 1e9)
    }

    /// `{zh: "...", en: "..."}` with only the languages present.
    static func inline(_ text: LocalizedText) -> String {
        var parts: [String] = []
        if let zh = text.zh { parts.append("zh: " + quoted(zh)) }
        if let en = text.en { parts.append("en: " + quoted(en)) }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    /// A YAML double-quoted string.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (scalar.value >= 0x80 && scalar.value < 0xA0)
                    || scalar == "\u{2028}" || scalar == "\u{2029}" || scalar == "\u{FEFF}" {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
