import Testing
@testable import Curriculum

struct GIFTConverterTests {
    @Test("a GIFT bank becomes a practice quiz with one pool per category")
    func importGIFT() throws {
        let gift = "Before?{T}\n\n$CATEGORY: $course$/Top/Network Security\n\n::Q1::Safe?{F#No#Yes}\n\n::Q2::Pick.{=a ~b}\n"
        let conversion = GIFTConverter.quizYAML(fromGIFT: Array(gift.utf8), fileName: "bank.gift", quizID: "imported",
                                                language: .zh)
        #expect(conversion.questionCount == 3)
        let yaml = try #require(conversion.yaml)
        #expect(yaml.hasPrefix("# Converted from bank.gift (Moodle GIFT).\n"))
        #expect(yaml.contains("  # Moodle category: $course$/Top/Network Security\n  - id: network-security\n"))
        let (file, diagnostics) = QuizFile.parse(text: yaml, fileName: "imported.yaml")
        let quiz = try #require(file?.definition)
        #expect(diagnostics.allSatisfy { !$0.isError })
        #expect(quiz.behaviour == .immediateFeedback)
        #expect(quiz.pools.map(\.id) == ["main", "network-security"])
        #expect(quiz.allQuestions.map(\.id) == [QuestionID("gift-1"), QuestionID("q1"), QuestionID("q2")])
        #expect(quiz.allQuestions[1].kind == .trueFalse(answer: false, feedbackIfTrue: LocalizedText(zh: "No"),
                                                        feedbackIfFalse: LocalizedText(zh: "Yes")))
    }

    @Test("a bank with errors, no questions or a bad quiz id produces no file")
    func refusals() {
        #expect(GIFTConverter.quizYAML(fromGIFT: Array("Q{=a".utf8), fileName: "b.gift", quizID: "x", language: .en).yaml == nil)
        let empty = GIFTConverter.quizYAML(fromGIFT: Array("Essay{}".utf8), fileName: "b.gift", quizID: "x", language: .en)
        #expect(empty.yaml == nil)
        #expect(empty.diagnostics.last?.message == "b.gift has no question this platform supports")
        #expect(GIFTConverter.quizYAML(fromGIFT: Array("Q{T}".utf8), fileName: "b.gift", quizID: "Bad_ID",
                                       language: .en).yaml == nil)
    }

    @Test("export-gift: a quiz file, including its GIFT pools, becomes GIFT")
    func exportGIFT() throws {
        let quiz = """
        id: practice
        title: {zh: 练习, en: Practice}
        mode: practice
        pass_mark: 50
        pools:
          - id: own
            questions:
              - id: sky
                type: truefalse
                text: {zh: 天是蓝的。, en: The sky is blue.}
                answer: true
                explanation: {zh: 见模块。, en: See the module.}
          - id: bank
            gift: bank.gift
            gift_language: en

        """
        let (text, diagnostics) = GIFTConverter.gift(fromQuizBytes: Array(quiz.utf8), fileName: "practice.yaml",
                                                     language: .en) { name in
            name == "bank.gift" ? Array("// [id:grass]\nGrass is green.{T}\n".utf8) : nil
        }
        let gift = try #require(text)
        #expect(gift.contains("$CATEGORY: practice/own\n"))
        #expect(gift.contains("::sky::The sky is blue.{TRUE}"))
        #expect(gift.contains("::grass::Grass is green.{TRUE}"))
        #expect(diagnostics.map(\.description) == [
            "practice.yaml:8:1: warning: question 'sky': GIFT has no place for an explanation; it was left out",
        ])
        let (missing, problems) = GIFTConverter.gift(fromQuizBytes: Array(quiz.utf8), fileName: "practice.yaml", language: .en)
        #expect(missing == nil)
        #expect(problems.map(\.message) == ["GIFT file 'bank.gift' not found in quizzes/"])
    }
}
