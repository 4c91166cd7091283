import Testing
@testable import Assessment

@Suite struct ShortAnswerKindTests {
    static let answers = [
        ShortAnswer(text: "网络安全法", fraction: 1, feedback: LocalizedText(zh: "正确")),
        ShortAnswer(text: "网络安全*", fraction: 0.5),
        ShortAnswer(text: "ABC123", fraction: 1),
        ShortAnswer(text: "Freedom of Information", fraction: 1),
        ShortAnswer(text: "第二十一条，第一款", fraction: 1),
        ShortAnswer(text: "5\\*", fraction: 1),
    ]

    @Test(arguments: [
        ("网络安全法", 1.0, QuestionState.gradedRight),
        ("  网络安全法 ", 1.0, QuestionState.gradedRight),
        ("\u{3000}网络安全法\u{3000}", 1.0, QuestionState.gradedRight),
        ("网络安全条例", 0.5, QuestionState.gradedPartial),
        ("网络安全", 0.5, QuestionState.gradedPartial),
        ("ＡＢＣ１２３", 1.0, QuestionState.gradedRight),
        ("abc123", 1.0, QuestionState.gradedRight),
        ("ａｂｃ　１２３", 0.0, QuestionState.gradedWrong),
        ("freedom   of\tinformation", 1.0, QuestionState.gradedRight),
        ("第二十一条,第一款", 1.0, QuestionState.gradedRight),
        ("第二十一条，第一款", 1.0, QuestionState.gradedRight),
        ("第二十一条、第一款", 0.0, QuestionState.gradedWrong),
        ("5*", 1.0, QuestionState.gradedRight),
        ("5", 0.0, QuestionState.gradedWrong),
        ("数据安全法", 0.0, QuestionState.gradedWrong),
        ("   ", 0.0, QuestionState.todo),
        ("\u{3000}", 0.0, QuestionState.todo),
    ])
    func grades(typed: String, fraction: Double, state: QuestionState) {
        let grade = ShortAnswerKind.grade(answers: Self.answers, caseSensitive: false, response: .text(typed))
        #expect(grade.fraction == fraction)
        #expect(grade.state == state)
    }

    @Test func theBestFractionWinsWhateverTheOrder() {
        let answers = [ShortAnswer(text: "*法", fraction: 0.25), ShortAnswer(text: "保密法", fraction: 1),
                       ShortAnswer(text: "保*", fraction: 0.5)]
        let grade = ShortAnswerKind.grade(answers: answers, caseSensitive: false, response: .text("保密法"))
        #expect(grade.fraction == 1)
        #expect(grade.feedback == [.shortAnswer(index: 1)])
    }

    @Test(arguments: [("ＡＢＣ１２３", true), ("abc123", false), ("ABC123", true)])
    func caseSensitiveQuestionsStillFoldWidth(typed: String, right: Bool) {
        let grade = ShortAnswerKind.grade(answers: [ShortAnswer(text: "ABC123")], caseSensitive: true,
                                          response: .text(typed))
        #expect((grade.state == .gradedRight) == right)
    }

    @Test(arguments: [
        ("the*law", "the cybersecurity law", true),
        ("the*law", "thelaw", true),
        ("the * law", "the  data  law", true),
        ("*", "anything", true),
        ("a*b*c", "axxbyyc", true),
        ("a*b*c", "axxbyy", false),
        ("ＰＩＰＬ＊", "pipl 2021", true),
        ("", "", false),
    ])
    func wildcards(pattern: String, text: String, matches: Bool) {
        #expect(ShortAnswerKind.matches(text, pattern: pattern, caseSensitive: false) == matches)
    }

    @Test(arguments: [Response.choice("网络安全法"), .bool(true), .choices([])])
    func otherResponseKindsAreInvalid(response: Response) {
        #expect(ShortAnswerKind.grade(answers: Self.answers, caseSensitive: false, response: response) == .invalid)
    }
}
