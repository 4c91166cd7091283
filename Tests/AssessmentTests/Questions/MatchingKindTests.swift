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

    /// Short lists compare texts one by one, long ones through a set: both keep the first key of each text, and
    /// texts Swift holds equal (a composed and a decomposed "é", the same Chinese text) are one answer.
    @Test(arguments: [3, 16, 17, 40])
    func answersKeepTheFirstOfEqualTextsAtEverySize(count: Int) {
        let texts = ["2017", "2021", "caf\u{E9}", "cafe\u{301}", "网络安全法", "网络安全法", "数据安全法", "1987"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let pairs = (0..<count).map { index in
                MatchPair(id: "p\(index)", prompt: LocalizedText(en: "prompt \(index)"),
                          answer: LocalizedText(zh: texts.randomElement(using: &generator), en: Bool.random() ? "x" : nil))
            }
            let distractors = (0..<3).map { _ in LocalizedText(zh: texts.randomElement(using: &generator), en: "x") }
            var seen = Set<LocalizedText>()
            let expected = (pairs.map { ($0.id, $0.answer) } + distractors.enumerated().map { (MatchingKind.distractorKey($0.offset), $0.element) })
                .filter { seen.insert($0.1).inserted }.map(\.0)
            #expect(MatchingKind.answers(pairs: pairs, distractors: distractors).map(\.key) == expected)
        }
        #expect(MatchingKind.answers(pairs: [], distractors: [LocalizedText(en: "caf\u{E9}"), LocalizedText(en: "cafe\u{301}")])
            .map(\.key) == ["~0"])
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
