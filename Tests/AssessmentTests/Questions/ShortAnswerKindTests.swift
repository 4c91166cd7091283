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

    @Test func gradesFromKeptAnswersAreTheGradesOfEachAnswerMatchedAfresh() {
        // Answers kept once made: the same answers with another case rule or other wrappers are their own, and a
        // grade is always the best of the answers `matches` (which makes everything afresh) accepts.
        let wrappers = [AnswerWrapper(prefix: "第", suffix: "条"), AnswerWrapper(prefix: "《", suffix: "》")]
        let typed = ["网络安全法", "《网络安全法》", "abc123", "ABC123", "第二十一条，第一款", "二十一，第一款", "5*", "55", "x"]
        for round in 0..<3 {
            for caseSensitive in [false, true] {
                for wrapping in [[], wrappers] {
                    for text in typed {
                        let grade = ShortAnswerKind.grade(answers: Self.answers, caseSensitive: caseSensitive,
                                                          wrappers: wrapping, response: .text(text))
                        let accepted = Self.answers.enumerated().filter { _, answer in
                            answer.forms.contains {
                                ShortAnswerKind.matches(text, pattern: $0, caseSensitive: caseSensitive, wrappers: wrapping)
                            }
                        }
                        let best = accepted.max { $0.element.fraction < $1.element.fraction }?.element.fraction ?? 0
                        #expect(grade.fraction == best, "\(text) case \(caseSensitive) round \(round)")
                    }
                }
            }
        }
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

    @Test(arguments: [
        // Alternatives, spaces next to Chinese, wrappers, in both languages.
        ("31", 1.0), ("第31条", 1.0), ("第 31 条", 1.0), ("31条", 1.0), ("第三十一条", 1.0), ("三十一条", 1.0),
        ("Article 31", 1.0), ("Art. 31", 1.0), ("art 31", 1.0), ("第二十四条", 0.0), ("24", 0.0), ("第31条第2款", 0.0),
    ])
    func articleNumbersAsPeopleTypeThem(typed: String, fraction: Double) {
        let answers = [ShortAnswer(text: "31", alternatives: ["三十一"]),
                       ShortAnswer(text: "24", alternatives: ["二十四"], fraction: 0, feedback: LocalizedText(en: "2010 text"))]
        let wrappers = [AnswerWrapper(prefix: "第", suffix: "条"), AnswerWrapper(prefix: "Article"), AnswerWrapper(prefix: "Art."),
                        AnswerWrapper(prefix: "Art")]
        let grade = ShortAnswerKind.grade(answers: answers, caseSensitive: false, wrappers: wrappers, response: .text(typed))
        #expect(grade.fraction == fraction, "\(typed)")
    }

    @Test(arguments: [
        ("网络安全法", true), ("《网络安全法》", true), ("中华人民共和国网络安全法", true), ("《中华人民共和国网络安全法》", true),
        ("网络安全法（2025年修正）", true), ("《网络安全法》（2025年修正）", true), ("Cybersecurity Law", true),
        ("the Cybersecurity Law", true), ("Cybersecurity Law (2025 amendment)", true), ("数据安全法", false),
        ("网络安全法实施条例", false),
    ])
    func lawNamesAsPeopleTypeThem(typed: String, right: Bool) {
        let answers = [ShortAnswer(text: "网络安全法", alternatives: ["网络安全法(*)", "Cybersecurity Law", "Cybersecurity Law (*)"])]
        let wrappers = [AnswerWrapper(prefix: "《", suffix: "》"), AnswerWrapper(prefix: "中华人民共和国"), AnswerWrapper(prefix: "the")]
        let grade = ShortAnswerKind.grade(answers: answers, caseSensitive: false, wrappers: wrappers, response: .text(typed))
        #expect((grade.state == .gradedRight) == right, "\(typed)")
    }

    @Test(arguments: [("citizen-driven approach", 1.0), ("公民驱动型", 1.0), ("由公民驱动", 1.0), ("citizen driven", 1.0),
                      ("以公民为中心", 0.0), ("citizen-centric", 0.0)])
    func alternativesShareTheWeightAndFeedback(typed: String, fraction: Double) {
        let feedback = LocalizedText(zh: "政府预判需要", en: "government anticipates")
        let answers = [ShortAnswer(text: "公民驱动", alternatives: ["由公民驱动", "公民驱动型", "citizen-driven", "citizen driven",
                                                                "citizen-driven approach"]),
                       ShortAnswer(text: "以公民为中心", alternatives: ["citizen-centric"], fraction: 0, feedback: feedback)]
        let grade = ShortAnswerKind.grade(answers: answers, caseSensitive: false, response: .text(typed))
        #expect(grade.fraction == fraction)
        if fraction == 0 {
            #expect(grade.feedback == [.shortAnswer(index: 1)])
            let question = Question(id: QuestionID("q"), text: LocalizedText(both: "?"),
                                    kind: .shortAnswer(answers: answers, caseSensitive: false))
            #expect(question.feedbackTexts(for: grade) == [feedback])
        }
    }
}

