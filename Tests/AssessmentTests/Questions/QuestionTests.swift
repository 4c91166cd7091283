import Foundation
import Testing
@testable import Assessment

/// Questions are stored with attempts as JSON: what was stored before answer formats existed must still decode.
@Suite struct QuestionTests {
    static let storedBeforeFormats = #"""
    {"id":"q1","text":{"zh":"哪一年？","en":"Which year?"},"kind":{"numeric":{"answers":[{"target":{"value":{"_0":2018,"tolerance":0}},"fraction":1}]}},"tags":["law:x-2018"],"points":1,"contentHash":"abc"}
    """#
    static let shortStoredBeforeAlternatives = #"""
    {"id":"q2","text":{"zh":"哪部法律？"},"kind":{"shortAnswer":{"answers":[{"text":"网络安全法","fraction":1,"feedback":{"zh":"对"}}],"caseSensitive":false}},"tags":[],"points":2,"contentHash":"def"}
    """#

    @Test func oldStoredQuestionsStillDecode() throws {
        let numeric = try JSONDecoder().decode(Question.self, from: Data(Self.storedBeforeFormats.utf8))
        #expect(numeric.answerFormat == nil)
        #expect(numeric.kind == .numeric(answers: [NumericAnswer(target: .value(2018, tolerance: 0))]))
        let short = try JSONDecoder().decode(Question.self, from: Data(Self.shortStoredBeforeAlternatives.utf8))
        #expect(short.kind == .shortAnswer(answers: [ShortAnswer(text: "网络安全法", feedback: LocalizedText(zh: "对"))],
                                           caseSensitive: false))
    }

    @Test func aQuestionWithoutFormatsIsStoredAsBefore() throws {
        let question = try JSONDecoder().decode(Question.self, from: Data(Self.shortStoredBeforeAlternatives.utf8))
        let encoded = String(decoding: try JSONEncoder().encode(question), as: UTF8.self)
        #expect(!encoded.contains("answerFormat"))
        #expect(!encoded.contains("alternatives"))
    }

    @Test func formatsAndAlternativesRoundTrip() throws {
        let question = Question(
            id: QuestionID("q"), text: LocalizedText(both: "?"),
            kind: .shortAnswer(answers: [ShortAnswer(text: "31", alternatives: ["三十一"])], caseSensitive: false),
            answerFormat: AnswerFormat(hint: LocalizedText(zh: "条号"), example: "5", units: [AnswerUnit("万元", multiplier: 10_000)],
                                       unitRule: .penalty(fraction: 0.2), wrappers: [AnswerWrapper(prefix: "第", suffix: "条")],
                                       chineseNumerals: true))
        let decoded = try JSONDecoder().decode(Question.self, from: try JSONEncoder().encode(question))
        #expect(decoded == question)
    }
}
