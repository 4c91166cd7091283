import Testing
@testable import Assessment

@Suite struct MultipleResponseKindTests {
    static let options = [
        ChoiceOption(id: "a", text: LocalizedText(en: "A"), fraction: 0.5),
        ChoiceOption(id: "b", text: LocalizedText(en: "B"), fraction: 0.5),
        ChoiceOption(id: "c", text: LocalizedText(en: "C"), fraction: -0.5),
        ChoiceOption(id: "d", text: LocalizedText(en: "D"), fraction: -1),
        ChoiceOption(id: "e", text: LocalizedText(en: "E"), fraction: 1.0 / 3.0),
    ]

    @Test(arguments: [
        (Set(["a", "b"]), 1.0, QuestionState.gradedRight),
        (Set(["a"]), 0.5, QuestionState.gradedPartial),
        (Set(["a", "c"]), 0.0, QuestionState.gradedWrong),
        (Set(["a", "b", "c"]), 0.5, QuestionState.gradedPartial),
        (Set(["a", "b", "c", "d"]), 0.0, QuestionState.gradedWrong),
        (Set(["d"]), 0.0, QuestionState.gradedWrong),
        (Set(["a", "b", "e"]), 1.0, QuestionState.gradedRight),
        (Set(["e"]), 0.3333333, QuestionState.gradedPartial),
        (Set(["a", "x"]), 0.0, QuestionState.invalid),
        (Set<String>(), 0.0, QuestionState.todo),
    ])
    func grades(chosen: Set<String>, fraction: Double, state: QuestionState) {
        let grade = MultipleResponseKind.grade(options: Self.options, response: .choices(chosen))
        #expect(grade.fraction == fraction)
        #expect(grade.state == state)
    }

    @Test func feedbackFollowsAuthoredOrder() {
        let grade = MultipleResponseKind.grade(options: Self.options, response: .choices(["c", "a"]))
        #expect(grade.feedback == [.option("a"), .option("c")])
    }

    @Test func aSingleChoiceResponseIsInvalid() {
        #expect(MultipleResponseKind.grade(options: Self.options, response: .choice("a")).state == .invalid)
    }
}
