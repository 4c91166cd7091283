/// Writes questions as Moodle GIFT text, the way Moodle's own exporter does, so a bank can move to Moodle
/// and back: `GIFTParser.parse(text: GIFTExporter.export(q).text)` gives back `q` for every kind.
///
/// GIFT holds one language and has no place for an explanation, points, case sensitivity or custom option ids;
/// when a question has any of these, a warning says what was left out.
public enum GIFTExporter {
    /// GIFT text and a warning for everything GIFT cannot carry.
    public struct Output: Sendable, Hashable {
        /// The GIFT text.
        public let text: String
        /// What GIFT could not carry, one warning per loss, at the question's source line.
        public let warnings: [Diagnostic]
        /// The warnings (also in `warnings`) about texts missing in the exported language.
        public let untranslated: [Diagnostic]
        /// The warnings (also in `warnings`) about explanations left out.
        public let explanations: [Diagnostic]
    }

    /// `questions` in `language` (falling back to the other language where one is missing), optionally
    /// under a `$CATEGORY:` line.
    public static func export(_ questions: [Question], language: Language, category: String? = nil) -> Output {
        var writer = Writer(language: language)
        if let category { writer.category(category) }
        for question in questions { writer.write(question) }
        return writer.output
    }

    /// A quiz's questions. Questions imported from Moodle go back to their own `$CATEGORY:`; otherwise each pool
    /// becomes a `$CATEGORY: <quiz>/<pool>` when the quiz has more than one.
    public static func export(_ quiz: QuizDefinition, language: Language) -> Output {
        var writer = Writer(language: language)
        let keepsMoodleCategories = quiz.pools.contains { $0.questions.contains { $0.moodle?.category != nil } }
        var current: String?
        for pool in quiz.pools {
            let poolCategory = "\(quiz.id.rawValue)/\(pool.id)"
            for question in pool.questions {
                var category: String?
                if keepsMoodleCategories {
                    // Questions Moodle had outside any category come first; once a category is set, only another
                    // `$CATEGORY:` line can leave it.
                    category = question.moodle?.category ?? (current == nil ? nil : poolCategory)
                } else if quiz.pools.count > 1 {
                    category = poolCategory
                }
                if let category, category != current {
                    writer.category(category)
                    current = category
                }
                writer.write(question)
            }
        }
        return writer.output
    }

    /// GIFT's escaping: `\ # = ~ { } :` get a backslash, line breaks become `\n`.
    static func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\", "#", "=", "~", "{", "}", ":":
                output.unicodeScalars.append("\\")
                output.unicodeScalars.append(scalar)
            case "\n":
                output += "\\n"
            case "\r":
                break
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    private struct Writer {
        let language: Language
        var text = ""
        var warnings: [Diagnostic] = []
        var untranslated: [Diagnostic] = []
        var explanations: [Diagnostic] = []
        private var current: Question?

        var output: Output {
            Output(text: text, warnings: warnings, untranslated: untranslated, explanations: explanations)
        }

        init(language: Language) {
            self.language = language
        }

        mutating func category(_ name: String) {
            // A category name is one line: Moodle would read a second one as part of it.
            let name = name.split(whereSeparator: \.isNewline).joined(separator: " ")
            text += "// question: 0  name: switch category to \(name)\n$CATEGORY: \(name)\n\n"
        }

        mutating func write(_ question: Question) {
            current = question
            var tags = question.tags.map { "[tag:\($0.replacingAll("]", with: "\\]"))]" }.joined(separator: " ")
            if !tags.isEmpty { tags = " " + tags }
            text += "// [id:\(question.id.rawValue)]\(tags)\n"
            text += "::\(escape(question.moodle?.title ?? question.id.rawValue))::"
            if let format = question.moodle?.format {
                // Answers and feedback take the question's format, as in Moodle's own export.
                text += "[\(format)]" + escape(localized(question.text, what: "text"))
            } else {
                text += formattedText(question.text, what: "text")
            }
            if question.explanation != nil {
                warn("GIFT has no place for an explanation; it was left out")
                if let last = warnings.last { explanations.append(last) }
            }
            if question.points != 1 {
                warn("GIFT has no points; the question is worth \(NumberFormatting.plain(question.points)) here and 1 in GIFT")
            }
            let generalFeedback = question.generalFeedback.map { "\t####" + formattedText($0, what: "feedback") + "\n" } ?? ""
            switch question.kind {
            case .singleChoice(let options):
                checkPositional(options.map(\.id), letters: true)
                text += "{\n"
                for option in options {
                    let marker = option.fraction == 1 ? "=" : option.fraction == 0 ? "~" : "~%\(weight(option.fraction))%"
                    text += "\t" + marker + answerText(option.text) + feedback(option.feedback) + "\n"
                }
                text += generalFeedback + "}\n\n"
            case .multipleResponse(let options):
                checkPositional(options.map(\.id), letters: true)
                text += "{\n"
                for option in options {
                    let marker = option.fraction == 0 ? "~" : "~%\(weight(option.fraction))%"
                    text += "\t" + marker + answerText(option.text) + feedback(option.feedback) + "\n"
                }
                text += generalFeedback + "}\n\n"
            case .trueFalse(let answer, let ifTrue, let ifFalse):
                let right = (answer ? ifTrue : ifFalse).map { formattedText($0, what: "feedback") } ?? ""
                let wrong = (answer ? ifFalse : ifTrue).map { formattedText($0, what: "feedback") } ?? ""
                text += "{" + (answer ? "TRUE" : "FALSE")
                if !wrong.isEmpty { text += "#" + wrong } else if !right.isEmpty { text += "#" }
                if !right.isEmpty { text += "#" + right }
                if let general = question.generalFeedback { text += "####" + formattedText(general, what: "feedback") }
                text += "}\n\n"
            case .shortAnswer(let answers, let caseSensitive):
                if caseSensitive { warn("GIFT short answers are not case-sensitive; Moodle will ignore case") }
                text += "{\n"
                if !(question.answerFormat?.wrappers ?? []).isEmpty {
                    warn("GIFT has no wrappers: Moodle will not accept the answers inside them (such as 第…条) unless listed")
                }
                // GIFT has no alternatives: each becomes an answer of its own with the same weight and feedback.
                for answer in answers {
                    for form in answer.forms {
                        if form.contains("->") {
                            warn("the answer '\(form)' contains '->', which makes Moodle read the question as matching")
                        }
                        let marker = answer.fraction == 1 ? "=" : "=%\(weight(answer.fraction))%"
                        text += "\t" + marker + protect(escape(form)) + feedback(answer.feedback) + "\n"
                    }
                }
                text += generalFeedback + "}\n\n"
            case .numeric(let answers):
                if let format = question.answerFormat, !format.units.isEmpty || !format.wrappers.isEmpty || format.chineseNumerals {
                    warn("GIFT numeric answers take digits only: the units, wrappers and Chinese numerals this question accepts are left out")
                }
                text += "{#\n"
                for (index, answer) in answers.enumerated() {
                    let marker = answer.fraction == 1 ? "=" : "=%\(weight(answer.fraction))%"
                    switch answer.target {
                    case .range(let min, let max) where min == -.infinity && max == .infinity:
                        if index == answers.count - 1 && answer.fraction == 0 {
                            text += "\t~" + "#" + (answer.feedback.map { formattedText($0, what: "feedback") } ?? "") + "\n"
                        } else {
                            text += "\t" + marker + "*" + feedback(answer.feedback) + "\n"
                        }
                    case .range(let min, let max) where !min.isFinite || !max.isFinite:
                        warn("GIFT cannot write an open-ended range; that answer was left out")
                    case .range(let min, let max):
                        text += "\t" + marker + NumberFormatting.plain(min) + ".." + NumberFormatting.plain(max)
                            + feedback(answer.feedback) + "\n"
                    case .value(let value, let tolerance):
                        text += "\t" + marker + NumberFormatting.plain(value) + ":" + NumberFormatting.plain(tolerance)
                            + feedback(answer.feedback) + "\n"
                    }
                }
                text += generalFeedback + "}\n\n"
            case .matching(let pairs, let distractors):
                checkPositional(pairs.map(\.id), letters: false)
                text += "{\n"
                for pair in pairs {
                    let prompt = formattedText(pair.prompt, what: "prompt")
                    if prompt.contains("->") {
                        warn("the prompt '\(prompt)' contains '->', which GIFT cannot escape")
                    }
                    text += "\t=" + prompt + " -> " + escape(localized(pair.answer, what: "answer")) + "\n"
                }
                for distractor in distractors {
                    text += "\t= -> " + escape(localized(distractor, what: "distractor")) + "\n"
                }
                text += generalFeedback + "}\n\n"
            }
        }

        private func weight(_ fraction: Double) -> String {
            NumberFormatting.plain(fraction * 100)
        }

        private mutating func feedback(_ feedback: LocalizedText?) -> String {
            guard let feedback else { return "" }
            return "#" + formattedText(feedback, what: "feedback")
        }

        private mutating func answerText(_ text: LocalizedText) -> String {
            let written = formattedText(text, what: "option")
            if written.hasPrefix("%") {
                warn("the option '\(written)' starts with '%', which GIFT reads as a weight")
            }
            return written
        }

        /// Escaped text, with `[plain]` in front when it would otherwise start with a format marker.
        private mutating func formattedText(_ text: LocalizedText, what: String) -> String {
            protect(escape(localized(text, what: what)))
        }

        private func protect(_ escaped: String) -> String {
            for format in ["[html]", "[moodle]", "[plain]", "[markdown]"] where escaped.hasPrefix(format) {
                return "[plain]" + escaped
            }
            return escaped
        }

        private mutating func localized(_ text: LocalizedText, what: String) -> String {
            if !text.has(language), text.has(language == .zh ? .en : .zh) {
                warn("the \(what) has no \(language == .zh ? "Chinese (zh)" : "English (en)") text; the other language was used")
                if let last = warnings.last { untranslated.append(last) }
            }
            return text.text(in: language)
        }

        private mutating func checkPositional(_ ids: [String], letters: Bool) {
            for (index, id) in ids.enumerated() {
                let expected = letters ? QuestionYAML.positionalLetter(index) : String(index + 1)
                if id != expected {
                    warn("GIFT has no option ids; '\(id)' becomes '\(expected)' when imported again")
                    return
                }
            }
        }

        private mutating func warn(_ message: String) {
            guard let question = current else { return }
            let file = question.source?.file ?? "question \(question.id.rawValue)"
            warnings.append(.warning("question '\(question.id.rawValue)': \(message)", file: file,
                                     line: question.source?.line ?? 1))
        }
    }
}
