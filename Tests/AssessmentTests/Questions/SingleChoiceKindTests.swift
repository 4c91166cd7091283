import Testing
@testable import Assessment

@Suite struct SingleChoiceKindTests {
    static let options = [
        ChoiceOption(id: "a", text: LocalizedText(en: "Refuse"), fraction: 0, feedback: LocalizedText(en: "No")),
        ChoiceOption(id: "b", text: LocalizedText(en: "Disclose"), fraction: 1, feedback: LocalizedText(en: "Yes")),
        ChoiceOption(id: "c", text: LocalizedText(en: "Partly"), fraction: 0.5),
    ]

    @Test(arguments: [
        (Response.choice("b"), 1.0, QuestionState.gradedRight, [FeedbackKey.option("b")]),
        (Response.choice("a"), 0.0, QuestionState.gradedWrong, [FeedbackKey.option("a")]),
        (Response.choice("c"), 0.5, QuestionState.gradedPartial, [FeedbackKey.option("c")]),
        (Response.choice("z"), 0.0, QuestionState.invalid, []),
        (Response.choice(""), 0.0, QuestionState.todo, []),
        (Response.choices(["b"]), 0.0, QuestionState.invalid, []),
        (Response.bool(true), 0.0, QuestionState.invalid, []),
    ])
    func grades(response: Response, fraction: Double, state: QuestionState, feedback: [FeedbackKey]) {
        let grade = SingleChoiceKind.grade(options: Self.options, response: response)
        #expect(grade.fraction == fraction)
        #expect(grade.state == state)
        #expect(grade.feedback == feedback)
    }

    @Test func noResponseIsTodo() {
        #expect(SingleChoiceKind.grade(options: Self.options, response: nil) == .todo)
    }
}
