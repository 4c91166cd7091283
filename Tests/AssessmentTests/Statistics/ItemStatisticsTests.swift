import Testing
@testable import Assessment

@Suite struct ItemStatisticsTests {
    static func item(_ id: String, _ fraction: Double, choices: [String] = [], hash: String = "v1")
        -> ScoredAttempt.Item {
        ScoredAttempt.Item(questionID: QuestionID(id), contentHash: hash, fraction: fraction, maxMark: 1,
                           choices: choices)
    }

    /// Five attempts at five one-point questions, and a sixth that drew only q4:
    ///
    ///        q1 q2 q3 q4 q5  total
    ///     A  1  1  0  1  0   3
    ///     B  1  1  0  1  0   3
    ///     C  1  0  1  1  0   3
    ///     D  0  0  1  1  0   2
    ///     E  0  0  0  1  0   1
    ///     F           1      1
    static let fixture: [ScoredAttempt] = [
        ScoredAttempt(items: [item("q1", 1, choices: ["a"]), item("q2", 1, choices: ["true"]), item("q3", 0, choices: ["b"]),
                              item("q4", 1, choices: ["x"]), item("q5", 0, choices: ["c", "d"])]),
        ScoredAttempt(items: [item("q1", 1, choices: ["a"]), item("q2", 1, choices: ["true"]), item("q3", 0, choices: ["b"]),
                              item("q4", 1, choices: ["x"]), item("q5", 0, choices: ["c"])]),
        ScoredAttempt(items: [item("q1", 1, choices: ["a"]), item("q2", 0, choices: ["false"]), item("q3", 1, choices: ["a"]),
                              item("q4", 1, choices: ["x"]), item("q5", 0)]),
        ScoredAttempt(items: [item("q1", 0, choices: ["b"]), item("q2", 0, choices: ["false"]), item("q3", 1, choices: ["a"]),
                              item("q4", 1, choices: ["x"]), item("q5", 0)]),
        ScoredAttempt(items: [item("q1", 0), item("q2", 0, choices: ["false"]), item("q3", 0, choices: ["c"]),
                              item("q4", 1, choices: ["x"]), item("q5", 0)]),
        ScoredAttempt(items: [item("q4", 1, choices: ["x"])]),
    ]

    func stats(_ id: String) -> ItemStatistics {
        ItemStatistics.compute(Self.fixture).first { $0.questionID == QuestionID(id) }!
    }

    /// q1: marks x = [1,1,1,0,0], rest y = total - x = [2,2,2,2,1]; mean x = 0.6, mean y = 1.8.
    /// x - 0.6 = [.4,.4,.4,-.6,-.6]; y - 1.8 = [.2,.2,.2,.2,-.8].
    /// Σdx·dy = 3(.08) - .12 + .48 = 0.6; Σdx² = 3(.16) + 2(.36) = 1.2; Σdy² = 4(.04) + .64 = 0.8.
    /// discrimination = 0.6 / √(1.2 · 0.8) = 0.6 / 0.9797959 = 0.6123724.
    /// sd = √(1.2 / 4) = 0.5477226.
    /// Sorted: x [0,0,1,1,1] - 0.6 = [-.6,-.6,.4,.4,.4]; y [1,2,2,2,2] - 1.8 = [-.8,.2,.2,.2,.2];
    /// Σ = .48 - .12 + 3(.08) = 0.6, so efficiency = 0.6 / 0.6 = 1.
    @Test func aGoodQuestion() {
        let q1 = stats("q1")
        #expect(q1.attempts == 5)
        #expect(q1.facility == 0.6)
        #expect(q1.standardDeviation == 0.5477226)
        #expect(q1.discrimination == 0.6123724)
        #expect(q1.discriminativeEfficiency == 1)
        #expect(q1.choiceCounts == ["a": 3, "b": 1])
        #expect(q1.unanswered == 1)
        #expect(q1.flags.isEmpty)
    }

    /// q2: x = [1,1,0,0,0], y = [2,2,3,2,1]; mean x = 0.4, mean y = 2.
    /// dx = [.6,.6,-.4,-.4,-.4], dy = [0,0,1,0,-1]; Σdx·dy = -.4 + .4 = 0, so discrimination = 0, not negative.
    @Test func anUncorrelatedQuestionIsNotFlagged() {
        let q2 = stats("q2")
        #expect(q2.facility == 0.4)
        #expect(q2.discrimination == 0)
        #expect(q2.flags.isEmpty)
        #expect(q2.choiceCounts == ["true": 2, "false": 3])
    }

    /// q3: x = [0,0,1,1,0], y = [3,3,2,1,1]; mean x = 0.4, mean y = 2.
    /// dx = [-.4,-.4,.6,.6,-.4], dy = [1,1,0,-1,-1]; Σdx·dy = -.4 - .4 + 0 - .6 + .4 = -1.0;
    /// Σdx² = 1.2, Σdy² = 4; discrimination = -1 / √4.8 = -0.4564355.
    /// Sorted: x [0,0,0,1,1] → [-.4,-.4,-.4,.6,.6], y [1,1,2,3,3] → [-1,-1,0,1,1]; Σ = .4 + .4 + 0 + .6 + .6 = 2;
    /// efficiency = -1 / 2 = -0.5.
    @Test func betterLearnersGettingItWrongIsFlagged() {
        let q3 = stats("q3")
        #expect(q3.facility == 0.4)
        #expect(q3.discrimination == -0.4564355)
        #expect(q3.discriminativeEfficiency == -0.5)
        #expect(q3.flags == [.negativeDiscrimination])
        #expect(q3.choiceCounts == ["a": 2, "b": 2, "c": 1])
    }

    /// q4: every attempt (six, F included) scores 1: facility 1, no variance, so no discrimination.
    @Test func aQuestionEverybodyGetsRight() {
        let q4 = stats("q4")
        #expect(q4.attempts == 6)
        #expect(q4.facility == 1)
        #expect(q4.standardDeviation == 0)
        #expect(q4.discrimination == nil && q4.discriminativeEfficiency == nil)
        #expect(q4.flags == [.everybodyRight])
    }

    /// q5: every attempt scores 0.
    @Test func aQuestionNobodyGetsRight() {
        let q5 = stats("q5")
        #expect(q5.facility == 0)
        #expect(q5.flags == [.nobodyRight])
        #expect(q5.choiceCounts == ["c": 2, "d": 1])
        #expect(q5.unanswered == 3)
    }

    @Test func versionsAreKeptApartAndSorted() {
        let attempts = [ScoredAttempt(items: [Self.item("q2", 1, hash: "v2"), Self.item("q1", 0)]),
                        ScoredAttempt(items: [Self.item("q2", 0, hash: "v1"), Self.item("q1", 1)])]
        let result = ItemStatistics.compute(attempts)
        #expect(result.map { "\($0.questionID)@\($0.contentHash)" } == ["q1@v1", "q2@v1", "q2@v2"])
        #expect(result.map(\.attempts) == [2, 1, 1])
        #expect(result[1].standardDeviation == nil)
    }

    @Test func noAttemptsGiveNoStatistics() {
        #expect(ItemStatistics.compute([]).isEmpty)
    }
}
