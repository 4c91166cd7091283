import Assessment

/// Draws one question of a learner's attempt: as a form to answer, or as a review with what may be shown.
/// It only ever sees a `LearnerQuestionView`, which holds no answer key unless the review policy allows it.
enum QuestionRendering {
    /// The form field name of question `number` (and of one matching prompt).
    static func field(_ number: Int, prompt: String? = nil) -> String {
        prompt.map { "answer-\(number)-\($0)" } ?? "answer-\(number)"
    }

    static func form(_ question: LearnerQuestionView, total: Int, immediate: Bool, context: PageContext) -> HTML {
        let number = question.number
        let disabled: HTML = question.isLocked ? " disabled" : .empty
        let legend = context.t("attempt.question_of", ["number": String(number), "total": String(total)])
        let points = context.t("attempt.points", ["points": context.strings.number(question.maxMark)])
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
                    value="\(choice.id)"\(checked)\(disabled)><label for="\(id)">\(choice.text.t(context))</label></div>
                    """)
            }
        case .trueFalse:
            for (value, key) in [(true, "attempt.true"), (false, "attempt.false")] {
                let id = "q\(number)-\(value)"
                let checked: HTML = question.response == .bool(value) ? " checked" : .empty
                controls.append("""
                    <div class="choice"><input type="radio" id="\(id)" name="\(field(number))" value="\(value ? "true" : "false")"\
                    \(checked)\(disabled)><label for="\(id)">\(context.t(key))</label></div>
                    """)
            }
        case .shortAnswer, .numeric:
            var typed = ""
            if case .text(let text)? = question.response { typed = text }
            let mode: HTML = question.kind == .numeric ? " inputmode=\"decimal\"" : .empty
            controls.append("""
                <div class="field"><label for="q\(number)-text">\(context.t("attempt.your_answer"))</label>
                <input type="text" id="q\(number)-text" name="\(field(number))" value="\(typed)" autocomplete="off" \
                spellcheck="false"\(mode)\(disabled)></div>
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
                    <select id="\(id)" name="\(field(number, prompt: prompt.id))"\(disabled)>\
                    <option value="">\(context.t("attempt.choose"))</option>\(options)</select></div>
                    """)
            }
        }
        let check: HTML = immediate && !question.isLocked
            ? "<button type=\"submit\" name=\"go\" value=\"check:\(number)\" class=\"button button-secondary\">\(context.t("attempt.check"))</button>"
            : .empty
        let locked: HTML = question.isLocked ? "<p class=\"hint\">\(context.t("attempt.locked"))</p>" : .empty
        return """
            <fieldset class="question" id="question-\(number)">
            <legend><span class="question-number">\(legend)</span> <span class="meta">\(points)</span>
            <span class="question-text">\(question.text.t(context))</span></legend>
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
        let stateKey: String? = switch question.state {
        case .gradedRight: "result.right"
        case .gradedPartial: "result.partial"
        case .gradedWrong: "result.wrong"
        case .gaveUp: "result.unanswered"
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
        if let right = question.rightAnswer {
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
