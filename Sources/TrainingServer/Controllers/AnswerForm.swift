import Foundation
import Assessment

/// Reads a quiz form's answers (in the attempt's presented ids) and turns them into authored responses.
enum AnswerForm {
    /// The largest body the answer routes take (the form with its autosave, and the API's answers): a page of the
    /// largest shipped quiz (34 questions) with every typed answer at `ResponseLimits.maxTypedLength` in the
    /// costliest encoding (9 bytes per percent-encoded Chinese character: 4.5 KB per answer) is about 160 KB.
    /// Other forms take `Router.defaultBodyLimit`.
    static let bodyLimit = 256 * 1024

    /// The responses on the submitted page (all questions, or only `page`), in authored ids. A value that is not
    /// one of the paper's presented ids is a forged or stale form: 422, nothing stored. Whether each response fits
    /// its question (kind, options, length) is judged where it is recorded, by `AttemptRules`.
    static func responses(_ form: Parameters, state: AttemptState, page: Int?) throws -> [(QuestionID, Assessment.Response)] {
        var result: [(QuestionID, Assessment.Response)] = []
        // A checked question's inputs are disabled, so the browser sends nothing for it: it is not a cleared answer.
        for question in state.questions where (page == nil || question.number == page) && !question.isChecked {
            guard let presented = presentedResponse(form, question: question) else { continue }
            guard let authored = question.slot.authoredResponse(fromPresented: presented) else {
                throw HTTPError(.unprocessableContent, "An answer does not belong to this quiz")
            }
            result.append((question.question.id, authored))
        }
        return result
    }

    /// The answers on the submitted page as given, in presented ids, by question number: to show the form again,
    /// as the learner left it, when a save is refused.
    static func given(_ form: Parameters, state: AttemptState, page: Int?) -> [Int: Assessment.Response] {
        var result: [Int: Assessment.Response] = [:]
        for question in state.questions where (page == nil || question.number == page) && !question.isChecked {
            if let presented = presentedResponse(form, question: question) { result[question.number] = presented }
        }
        return result
    }

    /// Whether `text` is empty or only blanks: what `trimmingCharacters(in: .whitespaces).isEmpty` says (Unicode's
    /// space separators, the tab and, in Foundation's set, the zero-width space), without Foundation's bridging.
    static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            scalar == " " || scalar == "\t" || scalar == "\u{200B}"
                || (scalar.value >= 0x80 && scalar.properties.generalCategory == .spaceSeparator)
        }
    }

    private static func presentedResponse(_ form: Parameters, question: QuestionAttempt) -> Assessment.Response? {
        let field = "answer-\(question.number)"
        switch question.question.kind {
        case .singleChoice:
            return form[field].flatMap { $0.isEmpty ? nil : Assessment.Response.choice($0) }
        case .multipleResponse:
            let chosen = Set(form.values(field).filter { !$0.isEmpty })
            // Unticking every box clears an earlier answer; an untouched question stays unanswered.
            if chosen.isEmpty { return question.response == nil ? nil : .choices([]) }
            return .choices(chosen)
        case .trueFalse:
            switch form[field] {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: return nil
            }
        case .shortAnswer, .numeric:
            guard let text = form[field] else { return nil }
            if isBlank(text) { return question.response == nil ? nil : .text("") }
            // As typed, however long: an answer over the limit is refused with a message, never cut silently.
            return .text(text)
        case .matching:
            var matches: [String: String] = [:]
            for prompt in question.slot.prompts {
                if let value = form["\(field)-\(prompt.id)"], !value.isEmpty { matches[prompt.id] = value }
            }
            return matches.isEmpty ? nil : .matches(matches)
        }
    }
}
