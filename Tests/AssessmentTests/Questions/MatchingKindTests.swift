import Testing
@testable import Assessment

@Suite struct MatchingKindTests {
    static let pairs = [
        MatchPair(id: "p1", prompt: LocalizedText(en: "Cybersecurity Law"), answer: LocalizedText(en: "2017")),
        MatchPair(id: "p2", prompt: LocalizedText(en: "Data Security Law"), answer: LocalizedText(en: "2021")),
        MatchPair(id: "p3", prompt: LocalizedText(en: "PIPL"), answer: LocalizedText(en: "2021")),
        MatchPair(id: "p4", prompt: LocalizedText(en: "Archives Law"), answer: LocalizedText(en: "1987")),
    ]
    static let distractors = [LocalizedText(en: "2000")]

    @Test func answersAreDistinctWithDistractorsLast() {
        let answers = MatchingKind.answers(pairs: Self.pairs, distractors: Self.distractors)
        #expect(answers.map(\.key) == ["p1", "p2", "p4", "~0"])
    }

    @Test(arguments: [
        (["p1": "p1", "p2": "p2", "p3": "p2", "p4": "p4"], 1.0, QuestionState.gradedRight),
        (["p1": "p1", "p2": "p3", "p3": "p3", "p4": "p4"], 1.0, QuestionState.gradedRight),
        (["p1": "p1", "p2": "p2", "p3": "p2", "p4": "~0"], 0.75, QuestionState.gradedPartial),
        (["p1": "p1", "p2": "p2"], 0.5, QuestionState.gradedPartial),
        (["p1": "p1", "p2": "", "p3": "", "p4": ""], 0.25, QuestionState.gradedPartial),
        (["p1": "~0", "p2": "p1", "p3": "p4", "p4": "p2"], 0.0, QuestionState.gradedWrong),
        (["p1": "p9"], 0.0, QuestionState.invalid),
        (["p9": "p1"], 0.0, QuestionState.invalid),
        (["p1": ""], 0.0, QuestionState.todo),
        ([:], 0.0, QuestionState.todo),
    ])
    func grades(matches: [String: String], fraction: Double, state: QuestionState) {
        let grade = MatchingKind.grade(pairs: Self.pairs, distractors: Self.distractors, response: .matches(matches))
        #expect(grade.fraction == fraction)
        #expect(grade.state == state)
    }

    @Test func feedbackNamesEachPair() {
        let grade = MatchingKind.grade(pairs: Self.pairs, distractors: [], response: .matches(["p1": "p1"]))
        #expect(grade.feedback == [.pair(id: "p1", correct: true), .pair(id: "p2", correct: false),
                                   .pair(id: "p3", correct: false), .pair(id: "p4", correct: false)])
    }

    @Test func otherResponseKindsAreInvalid() {
        #expect(MatchingKind.grade(pairs: Self.pairs, distractors: [], response: .text("2017")) == .invalid)
    }
}
