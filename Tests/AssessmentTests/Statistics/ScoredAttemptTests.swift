import Testing
@testable import Assessment

@Suite struct ScoredAttemptTests {
    @Test func closedAttemptsReduceToChoicesInAuthoredIDs() throws {
        var driver = try AttemptDriver(quiz: Fixtures.fixedQuiz(), at: 0)
        #expect(ScoredAttempt(try driver.state(at: 0)) == nil)
        driver.save(Fixtures.single.id, .choice("a"), at: 1)
        driver.save(Fixtures.multiple.id, .choices(["c", "a"]), at: 2)
        driver.save(Fixtures.trueFalse.id, .bool(false), at: 3)
        driver.save(Fixtures.short.id, .text("  网络安全法 "), at: 4)
        driver.save(Fixtures.numeric.id, .text("７２.0"), at: 5)
        driver.save(Fixtures.matching.id, .matches(["p1": "p1", "p2": "~0"]), at: 6)
        driver.request(.submit, at: 7)
        let scored = try #require(ScoredAttempt(try driver.state(at: 7)))
        #expect(scored.items.map(\.choices) == [["a"], ["a", "c"], ["false"], ["网络安全法"], ["72"],
                                                ["p1=p1", "p2=~0"]])
        #expect(scored.items.map(\.fraction) == [1, 0, 0, 1, 1, 0.5])
        #expect(scored.total == 5)
    }

    @Test func unusableResponsesCountAsUnanswered() throws {
        var driver = try AttemptDriver(quiz: Fixtures.fixedQuiz(), at: 0)
        driver.save(Fixtures.numeric.id, .text("7,2"), at: 1)
        driver.save(Fixtures.single.id, .choices(["a"]), at: 2)
        driver.request(.submit, at: 3)
        let scored = try #require(ScoredAttempt(try driver.state(at: 3)))
        #expect(scored.items.allSatisfy { $0.choices.isEmpty && $0.fraction == 0 })
        #expect(scored.items.map(\.maxMark) == [2, 2, 1, 1, 1, 2])
    }

    @Test func typedAnswersCountAsTypedWithoutFloatNoise() throws {
        let typed: [(String, String)] = [("999999", "999999"), ("0.1", "0.1"), (" 72 ", "72"), ("７２", "72"),
                                         ("\u{2212}3", "-3"), ("1e6", "1000000"), ("7,2", "")]
        for (input, expected) in typed {
            var driver = try AttemptDriver(quiz: Fixtures.fixedQuiz(questions: [Fixtures.numeric, Fixtures.short]), at: 0)
            driver.save(Fixtures.numeric.id, .text(input), at: 1)
            driver.save(Fixtures.short.id, .text("  Cyber   Law "), at: 2)
            driver.request(.submit, at: 3)
            let scored = try #require(ScoredAttempt(try driver.state(at: 3)))
            #expect(scored.items[0].choices == (expected.isEmpty ? [] : [expected]), "\(input)")
            #expect(scored.items[1].choices == ["Cyber Law"])
        }
    }

    @Test func numbersAreCountedAsTheQuestionReadsThem() throws {
        var hours = Fixtures.numeric
        hours.answerFormat = AnswerFormat(units: [AnswerUnit("小时"), AnswerUnit("hours")], chineseNumerals: true)
        var driver = try AttemptDriver(quiz: Fixtures.fixedQuiz(questions: [hours]), at: 0)
        driver.save(hours.id, .text("七十二小时"), at: 1)
        driver.request(.submit, at: 2)
        let scored = try #require(ScoredAttempt(try driver.state(at: 2)))
        #expect(scored.items.map(\.choices) == [["72"]])
        #expect(scored.items.map(\.fraction) == [1])
    }
}

