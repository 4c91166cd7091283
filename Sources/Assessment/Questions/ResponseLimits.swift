/// The bounds of what a learner may record as an answer, the same on every path that records one (the answer
/// form, its autosave, the JSON API): `AttemptRules` refuses a save step whose response breaks them, so nothing
/// out of bounds is ever stored. Grading never checks them; it stays a pure function of what was stored.
public enum ResponseLimits {
    /// The longest typed answer (short answer, numeric), counted as the answer form's `maxlength` counts:
    /// UTF-16 code units, so one per Chinese character of the basic plane and two per emoji. A browser therefore
    /// never lets a learner type an answer the server would refuse, and an answer holds at most 1,500 UTF-8 bytes.
    public static let maxTypedLength = 500
}

/// Why a response cannot be recorded for a question.
public enum ResponseProblem: Sendable, Hashable {
    /// The response is not of the question's kind (text for a single-choice question, a number for matching, ...);
    /// `expected` is the kind's name (`QuestionKind.name`).
    case wrongKind(expected: String)
    /// A typed answer longer than `limit` (`ResponseLimits.maxTypedLength`); `length` as counted there.
    case tooLong(length: Int, limit: Int)
    /// An option, matching prompt or matching answer the question does not have.
    case unknownOption(String)
}

extension Question {
    /// What is wrong with recording `response` (in authored ids) as this question's answer; nil when it fits.
    ///
    /// A response fits when it is of the question's kind, names only the question's own options (each at most
    /// once, so a multiple response selects at most every option and a matching answer pairs at most every
    /// prompt), and a typed answer is within `ResponseLimits.maxTypedLength`. An empty choice, an empty typed
    /// answer and an empty matching answer clear an earlier answer and always fit.
    public func problem(with response: Response) -> ResponseProblem? {
        switch (kind, response) {
        case (.singleChoice(let options), .choice(let id)):
            return id.isEmpty || options.contains(where: { $0.id == id }) ? nil : .unknownOption(id)
        case (.multipleResponse(let options), .choices(let ids)):
            let known = Set(options.map(\.id))
            return ids.sorted().first { !known.contains($0) }.map(ResponseProblem.unknownOption)
        case (.trueFalse, .bool):
            return nil
        case (.shortAnswer, .text(let text)), (.numeric, .text(let text)):
            let length = text.utf16.count
            return length > ResponseLimits.maxTypedLength
                ? .tooLong(length: length, limit: ResponseLimits.maxTypedLength) : nil
        case (.matching(let pairs, let distractors), .matches(let matches)):
            let prompts = Set(pairs.map(\.id))
            let answers = Set(MatchingKind.answers(pairs: pairs, distractors: distractors).map(\.key))
            for (prompt, answer) in matches.sorted(by: { $0.key < $1.key }) {
                if !prompts.contains(prompt) { return .unknownOption(prompt) }
                if !answer.isEmpty && !answers.contains(answer) { return .unknownOption(answer) }
            }
            return nil
        default:
            return .wrongKind(expected: kind.name)
        }
    }
}
