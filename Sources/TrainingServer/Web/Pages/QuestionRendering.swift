import Foundation
import Assessment

/// Draws one question of a learner's attempt: as a form to answer, or as a review with what may be shown.
/// It only ever sees a `LearnerQuestionView`, which holds no answer key unless the review policy allows it.
enum QuestionRendering {
    /// The form field name of question `number` (and of one matching prompt).
    static func field(_ number: Int, prompt: String? = nil) -> String {
        prompt.map { "answer-\(number)-\($0)" } ?? "answer-\(number)"
    }

    /// What the page says about one question of the form beside its inputs.
    enum Problem: Sendable, Equatable {
        /// "Check" was pressed without an answer.
        case answerFirst
        /// The answer given was refused and not saved (`Question.problem(with:)`).
        case refused(ResponseProblem)
    }

    /// The id of the question's first input: where the page's focus and error links go.
    static func firstInputID(_ question: LearnerQuestionView) -> String {
        let number = question.number
        switch question.kind {
        case .singleChoice, .multipleResponse: return question.choices.first.map { "q\(number)-\($0.id)" } ?? "question-\(number)"
        case .trueFalse: return "q\(number)-true"
        case .shortAnswer, .numeric: return "q\(number)-text"
        case .matching: return question.prompts.first.map { "q\(number)-\($0.id)" } ?? "question-\(number)"
        }
    }

    /// The message shown beside question `question` now, if any: its saved answer cannot be read, or "check" was
    /// pressed without an answer.
    static func message(_ question: LearnerQuestionView, problem: Problem?, context: PageContext) -> String? {
        if case .refused(let refused)? = problem { return refusedMessage(refused, context: context) }
        if let unreadable = unreadableMessage(question, context: context) { return unreadable }
        if problem == .answerFirst && isUnanswered(question.response) && !question.isLocked {
            return context.t("attempt.answer_first")
        }
        return nil
    }

    /// Why an answer was refused and not saved, and what to do.
    static func refusedMessage(_ problem: ResponseProblem, context: PageContext) -> String {
        switch problem {
        case .tooLong(let length, let limit):
            return context.t("attempt.refused.too_long", ["limit": String(limit), "length": String(length)])
        case .wrongKind, .unknownOption:
            return context.t("attempt.refused.not_an_answer")
        }
    }

    /// Whether a saved response is no answer at all (nothing saved, or an answer cleared again).
    static func isUnanswered(_ response: Assessment.Response?) -> Bool {
        switch response {
        case nil: return true
        case .text(let text)?: return AnswerForm.isBlank(text)
        case .choices(let ids)?: return ids.isEmpty
        case .matches(let pairs)?: return pairs.isEmpty
        case .choice?, .bool?: return false
        }
    }

    /// Why `question`'s saved typed answer cannot be read, with the expected form; nil when it can be read.
    static func unreadableMessage(_ question: LearnerQuestionView, context: PageContext) -> String? {
        guard let typed = question.typedAnswer, let problem = typed.problem,
              case .text(let answer)? = question.response else { return nil }
        return unreadableMessage(answer: answer, problem: problem, typed: typed, context: context)
    }

    /// What was not understood in a typed answer, and the form it should take.
    static func unreadableMessage(answer: String, problem: TypedAnswerView.Problem, typed: TypedAnswerView,
                                  context: PageContext) -> String {
        let reason: String
        switch problem {
        case .notANumber:
            reason = context.t("attempt.unreadable.not_a_number")
        case .ambiguousSeparator:
            reason = context.t("attempt.unreadable.ambiguous_separator")
        case .missingUnit:
            reason = context.t("attempt.unreadable.missing_unit")
        case .unknownUnit(let unit):
            reason = context.t("attempt.unreadable.unknown_unit", ["unit": unit])
        }
        let shown = answer.count > 40 ? String(answer.prefix(40)) + "…" : answer
        // Filled in one pass: what the learner typed may itself look like a placeholder.
        return filled(context.t("attempt.unreadable"),
                      ["answer": shown, "reason": reason, "expected": answerHint(typed, context: context)])
    }

    /// `template` with each `{name}` of `values` replaced once, left to right; replacements are not read again.
    static func filled(_ template: String, _ values: [String: String]) -> String {
        var result = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            let after = rest[open...].dropFirst()
            if let close = after.firstIndex(of: "}"), let value = values[String(after[..<close])] {
                result += value
                rest = after[after.index(after: close)...]
            } else {
                result += "{"
                rest = after
            }
        }
        return result + rest
    }

    /// The expected form of a typed number: a number with an example, the units accepted (or required), and the
    /// author's own hint. The example is the page's own, never one of the question's answers.
    static func answerHint(_ typed: TypedAnswerView, context: PageContext) -> String {
        var parts = [context.t("attempt.number_hint")]
        let units = typed.units.filter { !$0.isEmpty }
        if !units.isEmpty {
            let list = units.joined(separator: context.t("attempt.units_separator"))
            parts.append(context.t(typed.unitRequired ? "attempt.units_required" : "attempt.units_accepted", ["units": list]))
        }
        if let hint = typed.hint?.t(context), !hint.isEmpty { parts.append(hint) }
        return parts.joined(separator: context.t("list.separator"))
    }

    /// One question as a fieldset to answer. `problem` is what the last step ran into on this question;
    /// `focus` puts the keyboard focus on its first input when the page opens.
    static func form(_ question: LearnerQuestionView, total: Int, immediate: Bool, problem: Problem? = nil,
                     focus: Bool = false, context: PageContext) -> HTML {
        let number = question.number
        let disabled: HTML = question.isLocked ? " disabled" : .empty
        let legend = context.t("attempt.question_of", ["number": String(number), "total": String(total)])
        let points = context.t("attempt.points", ["points": context.strings.number(question.maxMark)])
        let message = self.message(question, problem: problem, context: context)
        let hintID = "q\(number)-hint", errorID = "q\(number)-error"
        let hint: String? = question.kind == .numeric && !question.isLocked
            ? question.typedAnswer.map { answerHint($0, context: context) } ?? context.t("attempt.number_hint") : nil
        let described = [hint.map { _ in hintID }, message.map { _ in errorID }].compactMap { $0 }
        var attributes: HTML = disabled
        if !described.isEmpty { attributes = attributes + " aria-describedby=\"\(described.joined(separator: " "))\"" }
        if message != nil { attributes = attributes + " aria-invalid=\"true\"" }
        let first = firstInputID(question)
        func extra(_ id: String) -> HTML { attributes + (focus && id == first && !question.isLocked ? " autofocus" : HTML.empty) }
        var controls: [HTML] = []
        switch question.kind {
        case .singleChoice, .multipleResponse:
            let type = question.kind == .singleChoice ? "radio" : "checkbox"
            let chosen: Set<String> = switch question.response {
            case .choice(let id)?: [id]
            case .choices(let ids)?: ids
            default: []
            }
            for choice in question.choices {
                let id = "q\(number)-\(choice.id)"
                let checked: HTML = chosen.contains(choice.id) ? " checked" : .empty
                controls.append("""
                    <div class="choice"><input type="\(type)" id="\(id)" name="\(field(number))" \
                    value="\(choice.id)"\(checked)\(extra(id))><label for="\(id)">\(choice.text.t(context))</label></div>
                    """)
            }
        case .trueFalse:
            for (value, key) in [(true, "attempt.true"), (false, "attempt.false")] {
                let id = "q\(number)-\(value)"
                let checked: HTML = question.response == .bool(value) ? " checked" : .empty
                controls.append("""
                    <div class="choice"><input type="radio" id="\(id)" name="\(field(number))" value="\(value ? "true" : "false")"\
                    \(checked)\(extra(id))><label for="\(id)">\(context.t(key))</label></div>
                    """)
            }
        case .shortAnswer, .numeric:
            var typed = ""
            if case .text(let text)? = question.response { typed = text }
            let mode: HTML = question.kind == .numeric ? " inputmode=\"decimal\"" : .empty
            let id = "q\(number)-text"
            controls.append("""
                <div class="field"><label for="\(id)">\(context.t("attempt.your_answer"))</label>
                <input type="text" id="\(id)" name="\(field(number))" value="\(typed)" autocomplete="off" \
                maxlength="\(ResponseLimits.maxTypedLength)" spellcheck="false"\(mode)\(extra(id))></div>
                """)
        case .matching:
            var matches: [String: String] = [:]
            if case .matches(let given)? = question.response { matches = given }
            for prompt in question.prompts {
                let id = "q\(number)-\(prompt.id)"
                let options = question.choices.map { choice -> HTML in
                    let selected: HTML = matches[prompt.id] == choice.id ? " selected" : .empty
                    return "<option value=\"\(choice.id)\"\(selected)>\(choice.text.t(context))</option>"
                }
                controls.append("""
                    <div class="field match"><label for="\(id)">\(prompt.text.t(context))</label>
                    <select id="\(id)" name="\(field(number, prompt: prompt.id))"\(extra(id))>\
                    <option value="">\(context.t("attempt.choose"))</option>\(options)</select></div>
                    """)
            }
        }
        let hintHTML: HTML = hint.map { "<p class=\"hint\" id=\"\(hintID)\">\($0)</p>" } ?? .empty
        let kind: String = if case .refused? = problem { "refused" } else if question.typedAnswer?.problem != nil {
            "unreadable"
        } else {
            "answer-first"
        }
        let errorHTML: HTML = message.map { "<p class=\"field-error\" id=\"\(errorID)\" data-kind=\"\(kind)\">\($0)</p>" } ?? .empty
        let check: HTML = immediate && !question.isLocked
            ? "<button type=\"submit\" name=\"go\" value=\"check:\(number)\" class=\"button button-secondary\">\(context.t("attempt.check"))</button>"
            : .empty
        let locked: HTML = question.isLocked ? "<p class=\"hint\">\(context.t("attempt.locked"))</p>" : .empty
        let invalid: HTML = message == nil ? .empty : " question-invalid"
        return """
            <fieldset class="question\(invalid)" id="question-\(number)">
            <legend><span class="question-number">\(legend)</span> <span class="meta">\(points)</span>
            <span class="question-text">\(question.text.t(context))</span></legend>
            \(hintHTML)
            \(errorHTML)
            \(controls)
            \(locked)
            \(review(question, context: context))
            \(check)
            </fieldset>
            """
    }

    /// What may be shown of a graded question: state, mark, feedback, right answer, explanation.
    static func review(_ question: LearnerQuestionView, context: PageContext) -> HTML {
        var parts: [HTML] = []
        // A typed answer that could not be read scored 0: say that and why, not that nothing was answered.
        let unreadable = question.state == .gaveUp ? unreadableMessage(question, context: context) : nil
        let stateKey: String? = switch question.state {
        case .gradedRight: "result.right"
        case .gradedPartial: "result.partial"
        case .gradedWrong: "result.wrong"
        case .gaveUp: unreadable == nil ? "result.unanswered" : "result.unreadable"
        default: nil
        }
        if let stateKey {
            let kind = question.state == .gradedRight ? "completed" : (question.state == .gradedPartial ? "in_progress" : "wrong")
            var line: HTML = Components.tag(context.t(stateKey), kind: kind)
            if let mark = question.mark {
                let text = context.t("result.mark", ["mark": context.strings.number(mark, fractionDigits: 2),
                                                     "max": context.strings.number(question.maxMark, fractionDigits: 2)])
                line = line + " <span class=\"meta\">\(text)</span>"
            }
            parts.append("<p>\(line)</p>")
        }
        if let unreadable { parts.append("<p class=\"unreadable-note\">\(unreadable)</p>") }
        if let right = question.rightAnswer {
            // The learner's own answer beside the right one, so the two can be compared.
            let own = question.response.map { responseText($0, question: question, context: context) } ?? ""
            parts.append("<p class=\"own-answer\"><strong>\(context.t("label.your_answer"))</strong>\(own.isEmpty ? context.t("result.unanswered") : own)</p>")
            parts.append("<p><strong>\(context.t("label.right_answer"))</strong>\(rightAnswerText(right, question: question, context: context))</p>")
        }
        let feedback = question.feedback.map { $0.t(context) } + [question.generalFeedback?.t(context)].compactMap { $0 }
        if !feedback.isEmpty {
            parts.append("<div class=\"feedback\"><strong>\(context.t("label.feedback"))</strong>\(HTML.join(feedback.map { "<p>\($0)</p>" }))</div>")
        }
        if let explanation = question.explanation {
            parts.append("<div class=\"explanation\"><strong>\(context.t("label.explanation"))</strong><p>\(explanation.t(context))</p></div>")
        }
        guard !parts.isEmpty else { return .empty }
        return "<div class=\"review\" role=\"status\">\(parts)</div>"
    }

    /// A saved response in words: the chosen options' texts, true or false, the typed text, the matches made.
    static func responseText(_ response: Assessment.Response, question: LearnerQuestionView, context: PageContext) -> String {
        let names = Dictionary(question.choices.map { ($0.id, $0.text.t(context)) }, uniquingKeysWith: { first, _ in first })
        switch response {
        case .choice(let id): return names[id] ?? ""
        case .choices(let ids):
            return question.choices.filter { ids.contains($0.id) }.map { $0.text.t(context) }.joined(separator: context.t("list.separator"))
        case .bool(let value): return context.t(value ? "attempt.true" : "attempt.false")
        case .text(let text): return text
        case .matches(let pairs):
            return question.prompts.compactMap { prompt in
                pairs[prompt.id].flatMap { names[$0] }.map { "\(prompt.text.t(context)) → \($0)" }
            }.joined(separator: context.t("list.separator"))
        }
    }

    static func rightAnswerText(_ answer: RightAnswer, question: LearnerQuestionView, context: PageContext) -> String {
        let names = Dictionary(question.choices.map { ($0.id, $0.text.t(context)) }, uniquingKeysWith: { first, _ in first })
        switch answer {
        case .choices(let ids): return ids.compactMap { names[$0] }.joined(separator: context.t("list.separator"))
        case .bool(let value): return context.t(value ? "attempt.true" : "attempt.false")
        case .text(let text): return text
        case .number(let value, let tolerance):
            return tolerance > 0 ? "\(context.strings.number(value, fractionDigits: 3)) ± \(context.strings.number(tolerance, fractionDigits: 3))"
                : context.strings.number(value, fractionDigits: 3)
        case .range(let low, let high):
            return "\(context.strings.number(low, fractionDigits: 3)) – \(context.strings.number(high, fractionDigits: 3))"
        case .matches(let pairs):
            return question.prompts.map { prompt in
                "\(prompt.text.t(context)) → \(pairs[prompt.id].flatMap { names[$0] } ?? "")"
            }.joined(separator: context.t("list.separator"))
        }
    }
}
