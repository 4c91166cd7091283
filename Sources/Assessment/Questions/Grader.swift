/// Grades a response to a question by its kind. Pure: the same question and response always give the same grade.
///
/// A response that does not fit the question (another kind, an option the question does not have) grades as
/// `invalid`, no response or an empty one as `todo`; grading never traps.
public enum Grader {
    /// The grade of `response` (nil: not answered) to `question`.
    public static func grade(question: Question, response: Response?) -> Grade {
        grade(kind: question.kind, format: question.answerFormat, response: response)
    }

    /// The grade of `response` to a question of `kind` whose typed answers follow `format`.
    public static func grade(kind: QuestionKind, format: AnswerFormat? = nil, response: Response?) -> Grade {
        switch kind {
        case .singleChoice(let options):
            return SingleChoiceKind.grade(options: options, response: response)
        case .multipleResponse(let options):
            return MultipleResponseKind.grade(options: options, response: response)
        case .trueFalse(let answer, _, _):
            return TrueFalseKind.grade(answer: answer, response: response)
        case .shortAnswer(let answers, let caseSensitive):
            return ShortAnswerKind.grade(answers: answers, caseSensitive: caseSensitive,
                                         wrappers: format?.wrappers ?? [], response: response)
        case .numeric(let answers):
            return NumericKind.grade(answers: answers, format: format, response: response)
        case .matching(let pairs, let distractors):
            return MatchingKind.grade(pairs: pairs, distractors: distractors, response: response)
        }
    }
}
