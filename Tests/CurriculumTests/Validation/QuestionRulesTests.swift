import Testing
@testable import Curriculum

struct QuestionRulesTests {
    private func option(_ fraction: Double, _ id: String = "a") -> ChoiceOption {
        ChoiceOption(id: id, text: LocalizedText(both: id), fraction: fraction)
    }

    private func messages(_ kind: QuestionKind) -> [String] {
        QuestionRules.check(kind).map { "\($0.severity.rawValue): \($0.message)" + ($0.item.map { " @\($0)" } ?? "") }
    }

    @Test("single choice: exactly one right answer, at least two options, fractions in 0...1")
    func single() {
        #expect(messages(.singleChoice(options: [option(1, "a"), option(0.5, "b")])) == [])
        #expect(messages(.singleChoice(options: [option(1, "a")])) == ["error: a single-choice question needs at least 2 options, not 1"])
        #expect(messages(.singleChoice(options: [option(1, "a"), option(1, "b")]))
                == ["error: a single-choice question needs exactly one right answer, not 2"])
        #expect(messages(.singleChoice(options: [option(1, "a"), option(-0.5, "b")]))
                == ["error: an option of a single-choice question must be worth between 0 and 100%, not -50% @1"])
        #expect(messages(.singleChoice(options: [option(1, "a"), option(0, "a")])) == ["error: two options have the id 'a' @1"])
    }

    @Test("multiple response: a positive weight, weights summing to 100% or a warning")
    func multiple() {
        #expect(messages(.multipleResponse(options: [option(0.5, "a"), option(0.5, "b"), option(-1, "c")])) == [])
        #expect(messages(.multipleResponse(options: [option(1.0 / 3, "a"), option(1.0 / 3, "b"), option(1.0 / 3, "c")])) == [])
        #expect(messages(.multipleResponse(options: [option(0.5, "a"), option(0.25, "b")]))
                == ["warning: the positive weights add up to 75%, not 100%: a learner who picks every right option gets 75%"])
        #expect(messages(.multipleResponse(options: [option(0.7, "a"), option(0.7, "b")]))
                == ["warning: the positive weights add up to 140%, not 100%: a learner who picks every right option gets 100%"])
        #expect(messages(.multipleResponse(options: [option(0, "a"), option(-1, "b")]))
                == ["error: a multiple-response question needs at least one option with a positive weight"])
    }

    @Test("short and numeric answers need a full-marks answer; ranges must be ordered")
    func answers() {
        #expect(messages(.shortAnswer(answers: [ShortAnswer(text: "a", fraction: 0.5)], caseSensitive: false))
                == ["error: no accepted answer gives full marks: give one answer weight 100"])
        #expect(messages(.shortAnswer(answers: [ShortAnswer(text: " ")], caseSensitive: false))
                == ["error: an accepted answer cannot be empty @0"])
        #expect(messages(.numeric(answers: [NumericAnswer(target: .range(min: 5, max: 1))]))
                == ["error: a range's min (5) is greater than its max (1) @0"])
        #expect(messages(.numeric(answers: [NumericAnswer(target: .value(1, tolerance: -1))]))
                == ["error: a tolerance cannot be negative @0"])
    }

    @Test("matching needs two complete pairs")
    func matching() {
        let pair = MatchPair(id: "1", prompt: LocalizedText(both: "p"), answer: LocalizedText(both: "a"))
        #expect(messages(.matching(pairs: [pair], distractors: [])) == ["error: a matching question needs at least 2 pairs, not 1"])
        let empty = MatchPair(id: "2", prompt: LocalizedText(), answer: LocalizedText(both: "b"))
        #expect(messages(.matching(pairs: [pair, empty], distractors: [])) == ["error: a pair needs both a prompt and an answer @1"])
    }
}
