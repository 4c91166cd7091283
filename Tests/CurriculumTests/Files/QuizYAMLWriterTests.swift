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
}
