import Testing
@testable import Assessment

@Suite struct GraderTests {
    static let kinds: [QuestionKind] = [
        .singleChoice(options: [ChoiceOption(id: "a", text: LocalizedText(en: "A"), fraction: 1)]),
        .multipleResponse(options: [ChoiceOption(id: "a", text: LocalizedText(en: "A"), fraction: 1)]),
        .trueFalse(answer: true, feedbackIfTrue: nil, feedbackIfFalse: nil),
        .shortAnswer(answers: [ShortAnswer(text: "a")], caseSensitive: false),
        .numeric(answers: [NumericAnswer(target: .value(1, tolerance: 0))]),
        .matching(pairs: [MatchPair(id: "a", prompt: LocalizedText(en: "A"), answer: LocalizedText(en: "1"))],
                  distractors: []),
    ]
    static let rightResponses: [Response] = [.choice("a"), .choices(["a"]), .bool(true), .text("A"), .text("1"),
                                             .matches(["a": "a"])]

    @Test func eachKindGradesItsOwnResponseRightAndEveryOtherAsUnusable() {
        for (kindIndex, kind) in Self.kinds.enumerated() {
            #expect(Grader.grade(kind: kind, response: nil).state == .todo)
            for (responseIndex, response) in Self.rightResponses.enumerated() {
                let grade = Grader.grade(kind: kind, response: response)
                if kindIndex == responseIndex {
                    #expect(grade.state == .gradedRight, "\(kind.name)")
                } else if case .text = response, case .text = Self.rightResponses[kindIndex] {
                    #expect(grade.state != .gradedRight, "\(kind.name) with \(response)")
                } else {
                    #expect(grade.state == .invalid, "\(kind.name) with \(response)")
                    #expect(grade.fraction == 0)
                }
            }
        }
    }
}
