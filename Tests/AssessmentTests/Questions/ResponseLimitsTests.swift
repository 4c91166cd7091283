import Testing
@testable import Assessment

@Suite struct ResponseLimitsTests {
    @Test func aResponseOfAnotherKindDoesNotFit() {
        #expect(Fixtures.single.problem(with: .text("a")) == .wrongKind(expected: "single"))
        #expect(Fixtures.single.problem(with: .choices(["a"])) == .wrongKind(expected: "single"))
        #expect(Fixtures.multiple.problem(with: .choice("a")) == .wrongKind(expected: "multiple"))
        #expect(Fixtures.trueFalse.problem(with: .choice("true")) == .wrongKind(expected: "truefalse"))
        #expect(Fixtures.short.problem(with: .bool(true)) == .wrongKind(expected: "short"))
        #expect(Fixtures.numeric.problem(with: .matches(["p1": "p1"])) == .wrongKind(expected: "numeric"))
        #expect(Fixtures.matching.problem(with: .text("2017")) == .wrongKind(expected: "matching"))
    }

    @Test func responsesOfTheRightKindFit() {
        #expect(Fixtures.single.problem(with: .choice("b")) == nil)
        #expect(Fixtures.multiple.problem(with: .choices(["a", "b", "c"])) == nil)
        #expect(Fixtures.trueFalse.problem(with: .bool(false)) == nil)
        #expect(Fixtures.short.problem(with: .text("网络安全法")) == nil)
        #expect(Fixtures.numeric.problem(with: .text("72 小时")) == nil)
        #expect(Fixtures.matching.problem(with: .matches(["p1": "p2", "p2": "~0"])) == nil)
    }

    @Test func clearingAnAnswerAlwaysFits() {
        #expect(Fixtures.single.problem(with: .choice("")) == nil)
        #expect(Fixtures.multiple.problem(with: .choices([])) == nil)
        #expect(Fixtures.short.problem(with: .text("")) == nil)
        #expect(Fixtures.matching.problem(with: .matches(["p1": ""])) == nil)
        #expect(Fixtures.matching.problem(with: .matches([:])) == nil)
    }

    @Test func optionsTheQuestionDoesNotHaveDoNotFit() {
        #expect(Fixtures.single.problem(with: .choice("z")) == .unknownOption("z"))
        #expect(Fixtures.multiple.problem(with: .choices(["a", "zz"])) == .unknownOption("zz"))
        #expect(Fixtures.matching.problem(with: .matches(["p9": "p1"])) == .unknownOption("p9"))
        #expect(Fixtures.matching.problem(with: .matches(["p1": "~7"])) == .unknownOption("~7"))
    }

    @Test func typedAnswersAreCappedAsTheFormsMaxlengthCounts() {
        let limit = ResponseLimits.maxTypedLength
        #expect(limit == 500)
        #expect(Fixtures.short.problem(with: .text(String(repeating: "法", count: limit))) == nil)
        #expect(Fixtures.short.problem(with: .text(String(repeating: "法", count: limit + 1)))
                == .tooLong(length: limit + 1, limit: limit))
        #expect(Fixtures.numeric.problem(with: .text(String(repeating: "7", count: 7 * 1024 * 1024)))
                == .tooLong(length: 7 * 1024 * 1024, limit: limit))
        // An emoji is two UTF-16 code units, as a browser's maxlength counts it.
        #expect(Fixtures.short.problem(with: .text(String(repeating: "😀", count: 251))) == .tooLong(length: 502, limit: limit))
        // A single character made of many combining marks counts every mark.
        let stacked = "a" + String(repeating: "\u{0301}", count: 600)
        #expect(stacked.count == 1)
        #expect(Fixtures.short.problem(with: .text(stacked)) == .tooLong(length: 601, limit: limit))
    }
}
