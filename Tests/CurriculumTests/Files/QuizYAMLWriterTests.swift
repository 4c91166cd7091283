import Foundation
import Testing
@testable import Curriculum

struct QuizYAMLWriterTests {
    @Test("a written quiz reads back as the same quiz")
    func roundTrip() throws {
        let text = try #require(String(bytes: FuzzCorpus.samples.first { $0.kind == .quiz }!.bytes, encoding: .utf8))
            .replacingAll("  - id: bank\n    gift: bank.gift\n    gift_language: en\n", with: "")
        let (file, diagnostics) = QuizFile.parse(text: text, fileName: "final-exam.yaml")
        #expect(diagnostics.isEmpty)
        let quiz = try #require(file?.definition)
        let written = QuizYAMLWriter.yaml(for: quiz, header: ["A header line"])
        #expect(written.hasPrefix("# A header line\nid: final-exam\n"))
        let (again, againDiagnostics) = QuizFile.parse(text: written, fileName: "final-exam.yaml")
        #expect(againDiagnostics.isEmpty)
        #expect(again?.definition?.pools.map { $0.questions.map(\.contentHash) } == quiz.pools.map { $0.questions.map(\.contentHash) })
        #expect(again?.definition?.contentHash == quiz.contentHash)
    }

    @Test("texts are quoted so nothing reads as a number, a boolean or YAML syntax")
    func quoting() {
        #expect(QuizYAMLWriter.quoted("yes") == "\"yes\"")
        #expect(QuizYAMLWriter.quoted("a \"b\" \\ c\nd\te") == "\"a \\\"b\\\" \\\\ c\\nd\\te\"")
        #expect(QuizYAMLWriter.quoted("\u{07}") == "\"\\u0007\"")
        #expect(QuizYAMLWriter.inline(LocalizedText(en: "x: y")) == "{en: \"x: y\"}")
    }

    @Test("a question's Moodle origin is written as moodle: and reads back")
    func moodleOrigin() throws {
        var question = Question(id: QuestionID("q-d239af03"), text: LocalizedText(zh: "对吗？"),
                                kind: .trueFalse(answer: true, feedbackIfTrue: nil, feedbackIfFalse: nil))
        question.moodle = MoodleOrigin(title: "敏感 \"信息\"", category: "$course$/保密", format: "markdown")
        let quiz = QuizDefinition(id: QuizID("bank"), title: LocalizedText(zh: "题库"), behaviour: .immediateFeedback,
                                  passMark: 0.8, pools: [QuestionPool(id: "main", questions: [question])])
        let yaml = QuizYAMLWriter.yaml(for: quiz)
        #expect(yaml.contains("        moodle: {title: \"敏感 \\\"信息\\\"\", category: \"$course$/保密\", format: markdown}\n"))
        let (file, diagnostics) = QuizFile.parse(text: yaml, fileName: "bank.yaml")
        #expect(diagnostics.allSatisfy { !$0.isError })
        #expect(file?.definition?.allQuestions.first?.moodle == question.moodle)
    }

}
