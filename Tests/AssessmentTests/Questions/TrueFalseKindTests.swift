import Testing
@testable import Assessment

@Suite struct TrueFalseKindTests {
    @Test(arguments: [
        (true, Response?.some(.bool(true)), QuestionState.gradedRight),
        (true, Response?.some(.bool(false)), QuestionState.gradedWrong),
        (false, Response?.some(.bool(false)), QuestionState.gradedRight),
        (false, Response?.some(.choice("true")), QuestionState.invalid),
        (false, Response?.none, QuestionState.todo),
    ])
    func grades(answer: Bool, response: Response?, state: QuestionState) {
        #expect(TrueFalseKind.grade(answer: answer, response: response).state == state)
    }

    @Test func selectsTheFeedbackOfTheAnswerGiven() {
        let question = Question(id: QuestionID("q"), text: LocalizedText(en: "?"),
                                kind: .trueFalse(answer: true, feedbackIfTrue: LocalizedText(en: "right"),
                                                 feedbackIfFalse: LocalizedText(en: "wrong")))
        let grade = Grader.grade(question: question, response: .bool(false))
        #expect(question.feedbackTexts(for: grade) == [LocalizedText(en: "wrong")])
    }
}
