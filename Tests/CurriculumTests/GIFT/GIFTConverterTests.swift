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
        #expect(quiz.allQuestions.map(\.id) == [QuestionID("q-067b41bf"), QuestionID("q1"), QuestionID("q2")])
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
            "practice.yaml:8:1: warning: 1 question has an explanation, which GIFT has no place for; left out (--verbose lists each one)",
        ])
        let (missing, problems) = GIFTConverter.gift(fromQuizBytes: Array(quiz.utf8), fileName: "practice.yaml", language: .en)
        #expect(missing == nil)
        #expect(problems.map(\.message) == ["GIFT file 'bank.gift' not found in quizzes/"])
    }

    /// GIFT bytes through import-gift, export-gift and import-gift again: the two quiz files and the question lists.
    static func roundTrip(_ gift: [UInt8], fileName: String,
                          language: Language) throws -> (yaml: String, again: String, first: [Question], second: [Question]) {
        let conversion = GIFTConverter.quizYAML(fromGIFT: gift, fileName: fileName, quizID: "imported", language: language)
        let yaml = try #require(conversion.yaml, "\(conversion.diagnostics)")
        let (exported, diagnostics) = GIFTConverter.gift(fromQuizBytes: Array(yaml.utf8), fileName: "imported.yaml",
                                                         language: language)
        let text = try #require(exported, "\(diagnostics)")
        let second = GIFTConverter.quizYAML(fromGIFT: Array(text.utf8), fileName: fileName, quizID: "imported",
                                            language: language)
        let again = try #require(second.yaml, "\(second.diagnostics)")
        let strip = { (question: Question) -> Question in
            var copy = question
            copy.source = nil
            return copy
        }
        return (yaml, again,
                GIFTParser.parse(bytes: gift, fileName: fileName, language: language).questions.map(strip),
                GIFTParser.parse(text: text, fileName: fileName, language: language).questions.map(strip))
    }

    @Test("import-gift, export-gift, import-gift: the same quiz file, with Moodle titles, categories and [markdown]")
    func quizFileRoundTrip() throws {
        let bank = """
        ::开头::未分类的题目{T}

        $CATEGORY: $course$/保密/基础

        ::敏感信息::[markdown]以下哪项**不**属于敏感信息？{=天气预报#对。 ~身份证号#错。}

        ::敏感信息::同名的题目{#=3:1#对 =%50%3:2}

        $CATEGORY: $course$/保密/进阶

        ::Jesus' hometown::From?{=Nazareth =%75%Nazereth#Misspelled}
        """
        let result = try Self.roundTrip(Array(bank.utf8), fileName: "bank.gift", language: .zh)
        #expect(result.again == result.yaml)
        #expect(result.second == result.first)
        #expect(result.yaml.contains("""
                  - id: q-d239af03
                    type: single
                    text: {zh: "以下哪项**不**属于敏感信息？"}
            """))
        #expect(result.yaml.contains("moodle: {title: \"敏感信息\", category: \"$course$/保密/基础\", format: markdown}\n"))
        #expect(result.first.map(\.id.rawValue) == ["q-" + GIFTFileState.shortHash("开头"), "q-d239af03", "q-d239af03-2",
                                                     "jesus-hometown"])
    }

    @Test("export-gift counts missing translations in one line per language; verbose lists each")
    func untranslatedSummary() throws {
        let quiz = """
        id: practice
        title: {zh: 练习}
        mode: practice
        pass_mark: 50
        pools:
          - id: own
            questions:
              - id: one
                type: single
                text: {zh: 选哪个？}
                options:
                  - {text: {zh: 甲}, correct: true, feedback: {zh: 对}}
                  - {text: {zh: 乙}}
                explanation: {zh: 见模块。}
              - id: two
                type: truefalse
                text: {zh: 对吗？, en: Right?}
                answer: true
                explanation: {zh: 见模块。, en: See the module.}

        """
        let (text, summary) = GIFTConverter.gift(fromQuizBytes: Array(quiz.utf8), fileName: "practice.yaml", language: .en)
        #expect(text != nil)
        #expect(summary.map(\.description) == [
            "practice.yaml:8:1: warning: 2 questions have explanations, which GIFT has no place for; left out (--verbose lists each one)",
            "practice.yaml:8:1: warning: 4 texts in 1 question have no English (en) text; the Chinese (zh) text was used (--verbose lists each one)",
        ])
        let (_, everything) = GIFTConverter.gift(fromQuizBytes: Array(quiz.utf8), fileName: "practice.yaml",
                                                 language: .en, verbose: true)
        // The quiz file's own six warnings about missing English, then one per text used in Chinese and per explanation.
        #expect(everything.count == 12)
        #expect(everything.filter { $0.message.hasSuffix("has no English (en) text") }.count == 6)
        #expect(everything.filter { $0.message.hasSuffix("the other language was used") }.count == 4)
        #expect(everything.filter { $0.message.hasSuffix("it was left out") }.count == 2)
        // Exporting Chinese, the missing English is only counted.
        let (_, chinese) = GIFTConverter.gift(fromQuizBytes: Array(quiz.utf8), fileName: "practice.yaml", language: .zh)
        #expect(chinese.filter { $0.message.contains("English") }.map(\.message) == [
            "6 texts have no English (en) text (--verbose lists each one)",
        ])
    }

}
