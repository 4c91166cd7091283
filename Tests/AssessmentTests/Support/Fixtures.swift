@testable import Assessment

/// Questions and quizzes shared by the attempt, review, regrade and statistics tests.
enum Fixtures {
    static func text(_ en: String) -> LocalizedText { LocalizedText(zh: en, en: en) }

    static let single = Question(
        id: QuestionID("q-single"), text: text("Which duty comes first?"),
        kind: .singleChoice(options: [
            ChoiceOption(id: "a", text: text("Serve citizens"), fraction: 1, feedback: text("Yes: people first.")),
            ChoiceOption(id: "b", text: text("Serve the office"), fraction: 0, feedback: text("No.")),
            ChoiceOption(id: "c", text: text("Serve yourself"), fraction: 0),
        ]),
        generalFeedback: text("People first."), explanation: text("Module 1 explains why."),
        points: 2, contentHash: "single-v1")

    static let multiple = Question(
        id: QuestionID("q-multi"), text: text("Which are personal information?"),
        kind: .multipleResponse(options: [
            ChoiceOption(id: "a", text: text("Name"), fraction: 0.5),
            ChoiceOption(id: "b", text: text("ID number"), fraction: 0.5),
            ChoiceOption(id: "c", text: text("Weather"), fraction: -0.5),
        ]),
        explanation: text("PIPL article 4."), points: 2, contentHash: "multi-v1")

    static let trueFalse = Question(
        id: QuestionID("q-tf"), text: text("Government information is public by default."),
        kind: .trueFalse(answer: true, feedbackIfTrue: text("Right."), feedbackIfFalse: text("Disclosure is the rule.")),
        points: 1, contentHash: "tf-v1")

    static let short = Question(
        id: QuestionID("q-short"), text: text("Name the 2017 law."),
        kind: .shortAnswer(answers: [ShortAnswer(text: "网络安全法"), ShortAnswer(text: "*安全法", fraction: 0.5)],
                           caseSensitive: false),
        points: 1, contentHash: "short-v1")

    static let numeric = Question(
        id: QuestionID("q-num"), text: text("Within how many hours must a breach be reported?"),
        kind: .numeric(answers: [NumericAnswer(target: .value(72, tolerance: 0))]),
        points: 1, contentHash: "num-v1")

    static let matching = Question(
        id: QuestionID("q-match"), text: text("Match each law with its year."),
        kind: .matching(pairs: [
            MatchPair(id: "p1", prompt: text("Cybersecurity Law"), answer: text("2017")),
            MatchPair(id: "p2", prompt: text("Data Security Law"), answer: text("2021")),
        ], distractors: [text("1999")]),
        points: 2, contentHash: "match-v1")

    static let extra = Question(
        id: QuestionID("q-extra"), text: text("Open data should be machine-readable."),
        kind: .trueFalse(answer: true, feedbackIfTrue: nil, feedbackIfFalse: nil),
        points: 1, contentHash: "extra-v1")

    /// Three fixed questions and a pool of four from which two are drawn.
    static func quiz(behaviour: Behaviour = .deferredFeedback, passMark: Double = 0.6, timeLimit: Int? = nil,
                     maxAttempts: Int? = nil, attemptDelay: Int = 0, grading: GradingMethod = .highest,
                     shuffle: Bool = true,
                     review: ReviewPolicy = ReviewPolicy(show: Set(ReviewPolicy.Item.allCases), when: .immediately),
                     closesAt: Double? = nil) -> QuizDefinition {
        QuizDefinition(
            id: QuizID("ethics-exam"), title: text("Ethics exam"), behaviour: behaviour, passMark: passMark,
            timeLimit: timeLimit, maxAttempts: maxAttempts, attemptDelay: attemptDelay, grading: grading,
            shuffleQuestions: shuffle, shuffleOptions: shuffle, review: review,
            pools: [
                QuestionPool(id: "core", questions: [single, multiple, trueFalse]),
                QuestionPool(id: "bank", draw: 2, questions: [short, numeric, matching, extra]),
            ],
            closesAt: closesAt, contentHash: "quiz-v1")
    }

    /// All six questions, fixed order, no shuffling, no draw: for walkthroughs that name every question.
    static func fixedQuiz(behaviour: Behaviour = .deferredFeedback, passMark: Double = 0.6,
                          timeLimit: Int? = nil, maxAttempts: Int? = nil, attemptDelay: Int = 0,
                          grading: GradingMethod = .highest,
                          review: ReviewPolicy = ReviewPolicy(show: Set(ReviewPolicy.Item.allCases),
                                                              when: .immediately),
                          closesAt: Double? = nil, questions: [Question]? = nil) -> QuizDefinition {
        QuizDefinition(
            id: QuizID("ethics-practice"), title: text("Ethics practice"), behaviour: behaviour,
            passMark: passMark, timeLimit: timeLimit, maxAttempts: maxAttempts, attemptDelay: attemptDelay,
            grading: grading, shuffleQuestions: false, shuffleOptions: false, review: review,
            pools: [QuestionPool(id: "all", questions: questions ?? [single, multiple, trueFalse, short, numeric,
                                                                      matching])],
            closesAt: closesAt, contentHash: "practice-v1")
    }
}
