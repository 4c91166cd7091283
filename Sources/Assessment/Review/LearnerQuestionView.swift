/// One question as a learner may see it: only presented ids, and grades, feedback, right answers and
/// explanations only where allowed. Pages and the API render this value, never a `Question`, so they cannot
/// show an answer key by accident.
public struct LearnerQuestionView: Sendable, Hashable, Codable {
    /// The kind, as far as rendering needs it.
    public enum Kind: String, Sendable, Hashable, Codable {
        case singleChoice = "single"
        case multipleResponse = "multiple"
        case trueFalse = "truefalse"
        case shortAnswer = "short"
        case numeric
        case matching
    }

    /// An option, matching answer or prompt: its presented id and text.
    public struct Choice: Sendable, Hashable, Codable {
        public var id: String
        public var text: LocalizedText
    }

    /// 1-based position on the paper.
    public var number: Int
    public var questionID: QuestionID
    public var kind: Kind
    public var text: LocalizedText
    public var maxMark: Double
    /// Options (choice kinds) or answers (matching), in the order shown.
    public var choices: [Choice]
    /// Matching prompts, in the order shown.
    public var prompts: [Choice]
    /// The saved response in presented ids.
    public var response: Response?
    /// Whether the response can no longer change (checked, or the attempt is closed).
    public var isLocked: Bool
    /// `todo`, `invalid`, `complete` or `gaveUp` unless correctness may be shown; then the graded state.
    public var state: QuestionState
    /// Shown with correctness.
    public var mark: Double?
    /// Shown with answers: the feedback the response selects.
    public var feedback: [LocalizedText]
    /// Shown with answers.
    public var generalFeedback: LocalizedText?
    /// Shown with answers.
    public var rightAnswer: RightAnswer?
    /// Shown with explanations.
    public var explanation: LocalizedText?
    /// Numeric questions: the expected form of the typed answer and why the saved one cannot be read, if it
    /// cannot (never part of the answer key).
    public var typedAnswer: TypedAnswerView?

    init(_ attempt: QuestionAttempt, visibility: ReviewVisibility, isLocked: Bool) {
        let question = attempt.question
        let slot = attempt.slot
        number = attempt.number
        questionID = question.id
        text = question.text
        maxMark = question.points
        self.isLocked = isLocked
        response = attempt.response.map { slot.presentedResponse(fromAuthored: $0) }
        switch question.kind {
        case .singleChoice(let options), .multipleResponse(let options):
            kind = if case .singleChoice = question.kind { .singleChoice } else { .multipleResponse }
            choices = slot.choices.compactMap { choice in
                options.first { $0.id == choice.authoredID }.map { Choice(id: choice.id, text: $0.text) }
            }
            prompts = []
        case .matching(let pairs, let distractors):
            kind = .matching
            let answers = MatchingKind.answers(pairs: pairs, distractors: distractors)
            choices = slot.choices.compactMap { choice in
                answers.first { $0.key == choice.authoredID }.map { Choice(id: choice.id, text: $0.text) }
            }
            prompts = slot.prompts.compactMap { prompt in
                pairs.first { $0.id == prompt.authoredID }.map { Choice(id: prompt.id, text: $0.prompt) }
            }
        case .trueFalse:
            kind = .trueFalse
            choices = []
            prompts = []
        case .shortAnswer:
            kind = .shortAnswer
            choices = []
            prompts = []
        case .numeric:
            kind = .numeric
            choices = []
            prompts = []
        }

        let graded = attempt.state.isGraded
        if visibility.correctness || !graded || attempt.state == .gaveUp {
            state = attempt.state
        } else {
            state = .complete
        }
        mark = visibility.correctness ? attempt.mark : nil
        let showAnswers = visibility.answers && graded
        feedback = showAnswers ? question.feedbackTexts(for: attempt.grade) : []
        generalFeedback = showAnswers ? question.generalFeedback : nil
        rightAnswer = showAnswers ? RightAnswer(question: question, slot: slot) : nil
        explanation = visibility.explanations && graded ? question.explanation : nil
        typedAnswer = TypedAnswerView(question: question, response: attempt.response)
    }
}
