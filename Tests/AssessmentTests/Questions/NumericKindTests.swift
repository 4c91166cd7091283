import Testing
@testable import Assessment

@Suite struct NumericKindTests {
    static let answers = [
        NumericAnswer(target: .value(72, tolerance: 0), fraction: 1, feedback: LocalizedText(en: "72 hours")),
        NumericAnswer(target: .value(70, tolerance: 5), fraction: 0.5),
        NumericAnswer(target: .range(min: 0.25, max: 0.75), fraction: 1),
    ]

    @Test(arguments: [
        ("72", 1.0, QuestionState.gradedRight),
        (" 72 ", 1.0, QuestionState.gradedRight),
        ("７２", 1.0, QuestionState.gradedRight),
        ("\u{3000}７２\u{3000}", 1.0, QuestionState.gradedRight),
        ("72.0", 1.0, QuestionState.gradedRight),
        ("+72", 1.0, QuestionState.gradedRight),
        ("7.2e1", 1.0, QuestionState.gradedRight),
        ("7.2E1", 1.0, QuestionState.gradedRight),
        ("74", 0.5, QuestionState.gradedPartial),
        ("65", 0.5, QuestionState.gradedPartial),
        ("64.9", 0.0, QuestionState.gradedWrong),
        (".5", 1.0, QuestionState.gradedRight),
        ("0.75", 1.0, QuestionState.gradedRight),
        ("－1", 0.0, QuestionState.gradedWrong),
        ("\u{2212}1", 0.0, QuestionState.gradedWrong),
        ("0,5", 0.0, QuestionState.invalid),
        ("1,000", 0.0, QuestionState.invalid),
        ("72小时", 0.0, QuestionState.invalid),
        ("七十二", 0.0, QuestionState.invalid),
        ("inf", 0.0, QuestionState.invalid),
        ("nan", 0.0, QuestionState.invalid),
        ("1e999", 0.0, QuestionState.invalid),
        ("1.2.3", 0.0, QuestionState.invalid),
        ("--1", 0.0, QuestionState.invalid),
        (".", 0.0, QuestionState.invalid),
        ("1e", 0.0, QuestionState.invalid),
        ("7 2", 0.0, QuestionState.invalid),
        ("", 0.0, QuestionState.todo),
        ("   ", 0.0, QuestionState.todo),
    ])
    func grades(typed: String, fraction: Double, state: QuestionState) {
        let grade = NumericKind.grade(answers: Self.answers, response: .text(typed))
        #expect(grade.fraction == fraction)
        #expect(grade.state == state)
    }

    @Test func floatingPointNoiseStaysInside() {
        #expect(NumericKind.accepts(.value(0.3, tolerance: 0), 0.1 + 0.2))
        #expect(NumericKind.accepts(.range(min: 0.3, max: 0.6), 0.1 + 0.2))
        #expect(!NumericKind.accepts(.value(0.3, tolerance: 0), 0.3001))
    }

    @Test func aReversedRangeStillWorks() {
        #expect(NumericKind.accepts(.range(min: 10, max: 5), 7))
    }

    @Test func theFirstOfEquallyGoodAnswersGivesTheFeedback() {
        let grade = NumericKind.grade(answers: Self.answers, response: .text("72"))
        #expect(grade.feedback == [.numericAnswer(index: 0)])
    }

    @Test func otherResponseKindsAreInvalid() {
        #expect(NumericKind.grade(answers: Self.answers, response: .choice("72")) == .invalid)
    }
}
