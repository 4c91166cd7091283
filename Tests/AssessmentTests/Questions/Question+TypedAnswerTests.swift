import Testing
@testable import Assessment

@Suite struct QuestionTypedAnswerTests {
    static func question(_ answers: [NumericAnswer], format: AnswerFormat?) -> Question {
        Question(id: QuestionID("q"), text: LocalizedText(both: "?"), kind: .numeric(answers: answers), answerFormat: format)
    }

    static let days = AnswerFormat(units: [AnswerUnit("个工作日"), AnswerUnit("working days")])

    @Test(arguments: [
        ("3,5", UnreadableAnswer.ambiguousSeparator),
        ("1,5000", .ambiguousSeparator),
        ("20天", .unknownUnit("天")),
        ("二十天", .notANumber),
        ("abc", .notANumber),
    ])
    func unreadableReasons(typed: String, reason: UnreadableAnswer) {
        let question = Self.question([NumericAnswer(target: .value(20, tolerance: 0))], format: Self.days)
        #expect(question.unreadable(.text(typed)) == reason)
    }

    @Test func aMissingRequiredUnitIsNamed() {
        var format = Self.days
        format.unitRule = .required
        let question = Self.question([NumericAnswer(target: .value(20, tolerance: 0))], format: format)
        #expect(question.unreadable(.text("20")) == .missingUnit)
        #expect(question.unreadable(.text("20个工作日")) == nil)
        #expect(question.unreadable(.text("")) == nil)
        #expect(question.typedAnswerForm?.unitRequired == true)
        #expect(question.typedAnswerForm?.example == "12个工作日")
    }

    @Test func readableAnswersAndOtherKindsHaveNoReason() {
        let question = Self.question([NumericAnswer(target: .value(20, tolerance: 0))], format: Self.days)
        #expect(question.unreadable(.text("20 个工作日")) == nil)
        let short = Question(id: QuestionID("s"), text: LocalizedText(both: "?"),
                             kind: .shortAnswer(answers: [ShortAnswer(text: "x")], caseSensitive: false))
        #expect(short.unreadable(.text("3,5")) == nil)
        #expect(short.typedAnswerForm == nil)
    }

    @Test func theFormCarriesTheAuthorsHintUnitsAndExample() {
        var format = Self.days
        format.hint = LocalizedText(zh: "填写工作日天数", en: "the number of working days")
        format.example = "10"
        let form = Self.question([NumericAnswer(target: .value(20, tolerance: 0))], format: format).typedAnswerForm
        #expect(form == TypedAnswerForm(hint: format.hint, units: ["个工作日", "working days"], unitRequired: false,
                                        example: "10"))
    }

    @Test func theGeneratedExampleNeverGivesTheAnswerAway() {
        #expect(Self.question([NumericAnswer(target: .value(2018, tolerance: 0))], format: nil).typedAnswerForm?.example == "12")
        #expect(Self.question([NumericAnswer(target: .value(12, tolerance: 0))], format: nil).typedAnswerForm?.example == "7")
        #expect(Self.question([NumericAnswer(target: .range(min: 0, max: 400))], format: nil).typedAnswerForm?.example == "1000")
        #expect(Self.question([NumericAnswer(target: .value(12, tolerance: 0), fraction: 0),
                               NumericAnswer(target: .value(3, tolerance: 0))], format: nil).typedAnswerForm?.example == "12")
        #expect(Self.question([NumericAnswer(target: .value(0.5, tolerance: 0))], format: nil).typedAnswerForm?.example == "12.5")
    }
}
