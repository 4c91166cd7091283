import Testing
@testable import Assessment

@Suite struct NumericKindTests {
    static let answers = [
        NumericAnswer(target: .value(72, tolerance: 0), fraction: 1, feedback: LocalizedText(en: "72 hours")),
        NumericAnswer(target: .value(70, tolerance: 5), fraction: 0.5),
        NumericAnswer(target: .range(min: 0.25, max: 0.75), fraction: 1),
    ]

    @Test(arguments: [
        ("72", 1.0, QuestionState.gradedRight),
        (" 72 ", 1.0, QuestionState.gradedRight),
        ("７２", 1.0, QuestionState.gradedRight),
        ("\u{3000}７２\u{3000}", 1.0, QuestionState.gradedRight),
        ("72.0", 1.0, QuestionState.gradedRight),
        ("+72", 1.0, QuestionState.gradedRight),
        ("7.2e1", 1.0, QuestionState.gradedRight),
        ("7.2E1", 1.0, QuestionState.gradedRight),
        ("74", 0.5, QuestionState.gradedPartial),
        ("65", 0.5, QuestionState.gradedPartial),
        ("64.9", 0.0, QuestionState.gradedWrong),
        (".5", 1.0, QuestionState.gradedRight),
        ("0.75", 1.0, QuestionState.gradedRight),
        ("－1", 0.0, QuestionState.gradedWrong),
        ("\u{2212}1", 0.0, QuestionState.gradedWrong),
        ("0,5", 0.0, QuestionState.invalid),
        ("1,000", 0.0, QuestionState.gradedWrong),
        ("72,0", 0.0, QuestionState.invalid),
        ("72小时", 0.0, QuestionState.invalid),
        ("七十二", 0.0, QuestionState.invalid),
        ("inf", 0.0, QuestionState.invalid),
        ("nan", 0.0, QuestionState.invalid),
        ("1e999", 0.0, QuestionState.invalid),
        ("1.2.3", 0.0, QuestionState.invalid),
        ("--1", 0.0, QuestionState.invalid),
        (".", 0.0, QuestionState.invalid),
        ("1e", 0.0, QuestionState.invalid),
        ("7 2", 0.0, QuestionState.invalid),
        ("", 0.0, QuestionState.todo),
        ("   ", 0.0, QuestionState.todo),
    ])
    func grades(typed: String, fraction: Double, state: QuestionState) {
        let grade = NumericKind.grade(answers: Self.answers, response: .text(typed))
        #expect(grade.fraction == fraction)
        #expect(grade.state == state)
    }

    @Test func floatingPointNoiseStaysInside() {
        #expect(NumericKind.accepts(.value(0.3, tolerance: 0), 0.1 + 0.2))
        #expect(NumericKind.accepts(.range(min: 0.3, max: 0.6), 0.1 + 0.2))
        #expect(!NumericKind.accepts(.value(0.3, tolerance: 0), 0.3001))
    }

    @Test func aReversedRangeStillWorks() {
        #expect(NumericKind.accepts(.range(min: 10, max: 5), 7))
    }

    @Test func theFirstOfEquallyGoodAnswersGivesTheFeedback() {
        let grade = NumericKind.grade(answers: Self.answers, response: .text("72"))
        #expect(grade.feedback == [.numericAnswer(index: 0)])
    }

    @Test func otherResponseKindsAreInvalid() {
        #expect(NumericKind.grade(answers: Self.answers, response: .choice("72")) == .invalid)
    }
}

/// The reader under a question's format, in both languages: each accepted form and each refused one.
@Suite struct NumericKindReadingTests {
    static let workingDays = AnswerFormat(units: [AnswerUnit("个工作日"), AnswerUnit("工作日"), AnswerUnit("working days"),
                                                  AnswerUnit("days")], chineseNumerals: true)
    static let years = AnswerFormat(units: [AnswerUnit("年")], chineseNumerals: true)
    static let percent = AnswerFormat(units: [AnswerUnit("%")], wrappers: [AnswerWrapper(prefix: "百分之")],
                                      chineseNumerals: true)
    static let article = AnswerFormat(wrappers: [AnswerWrapper(prefix: "第", suffix: "条"), AnswerWrapper(prefix: "Article"),
                                                 AnswerWrapper(prefix: "Art.")], chineseNumerals: true)
    static let money = AnswerFormat(units: [AnswerUnit("元"), AnswerUnit("yuan"), AnswerUnit("万元", multiplier: 10_000),
                                            AnswerUnit("万", multiplier: 10_000)])
    static let digitsOnly = AnswerFormat(units: [AnswerUnit("年")])

    static func number(_ value: Double, missing: Bool = false) -> NumericKind.TypedNumber {
        .number(value, unitMissing: missing)
    }

    @Test(arguments: [
        // Units, with and without a space, full width, either language.
        ("20个工作日", workingDays, number(20)),
        ("20 个工作日", workingDays, number(20)),
        ("２０　个工作日", workingDays, number(20)),
        ("20工作日", workingDays, number(20)),
        ("20 working days", workingDays, number(20)),
        ("20 Working Days", workingDays, number(20)),
        ("20", workingDays, number(20, missing: true)),
        ("二十个工作日", workingDays, number(20)),
        ("二十", workingDays, number(20, missing: true)),
        ("2018年", years, number(2018)),
        ("2018 年", years, number(2018)),
        ("二〇一八年", years, number(2018)),
        ("二零一八", years, number(2018, missing: true)),
        ("两千零一十八年", years, number(2018)),
        ("11%", percent, number(11)),
        ("11 %", percent, number(11)),
        ("１１％", percent, number(11)),
        ("百分之十一", percent, number(11)),
        ("百分之11", percent, number(11)),
        ("52.5%", percent, number(52.5)),
        ("五十二点五", percent, number(52.5, missing: true)),
        // 第…条 and English article forms.
        ("第31条", article, number(31)),
        ("第 31 条", article, number(31)),
        ("31条", article, number(31)),
        ("第31", article, number(31)),
        ("第三十一条", article, number(31)),
        ("三十一条", article, number(31)),
        ("三十一", article, number(31)),
        ("31", article, number(31)),
        ("Article 31", article, number(31)),
        ("article 31", article, number(31)),
        ("Art. 31", article, number(31)),
        ("Art.31", article, number(31)),
        // Multipliers.
        ("1.5万元", money, number(15_000)),
        ("1.5 万元", money, number(15_000)),
        ("15,000元", money, number(15_000)),
        ("15000 yuan", money, number(15_000)),
        ("2万", money, number(20_000)),
        // Thousands separators: groups of exactly three.
        ("1,000", workingDays, number(1_000, missing: true)),
        ("10,000", workingDays, number(10_000, missing: true)),
        ("1,234,567.5", workingDays, number(1_234_567.5, missing: true)),
        ("-1,000", workingDays, number(-1_000, missing: true)),
        ("１，０００", workingDays, number(1_000, missing: true)),
        // Refused, never guessed.
        ("3,5", workingDays, .unreadable(.ambiguousSeparator)),
        ("1,5000", workingDays, .unreadable(.ambiguousSeparator)),
        ("1,00", workingDays, .unreadable(.ambiguousSeparator)),
        ("0,5", workingDays, .unreadable(.ambiguousSeparator)),
        ("12,34,567", workingDays, .unreadable(.ambiguousSeparator)),
        ("1,000.5,5", workingDays, .unreadable(.notANumber)),
        ("20天", workingDays, .unreadable(.unknownUnit("天"))),
        ("20 hours", workingDays, .unreadable(.unknownUnit("hours"))),
        ("第31条", digitsOnly, .unreadable(.notANumber)),
        ("31条", digitsOnly, .unreadable(.unknownUnit("条"))),
        ("二〇一八", digitsOnly, .unreadable(.notANumber)),
        ("7 2", workingDays, .unreadable(.notANumber)),
        ("十十", article, .unreadable(.notANumber)),
        ("五五十", article, .unreadable(.notANumber)),
        ("大约二十", workingDays, .unreadable(.notANumber)),
        ("twenty", workingDays, .unreadable(.notANumber)),
        ("", workingDays, NumericKind.TypedNumber.empty),
        ("  ", article, NumericKind.TypedNumber.empty),
    ])
    func reads(typed: String, format: AnswerFormat, expected: NumericKind.TypedNumber) {
        #expect(NumericKind.read(typed, format: format) == expected, "\(typed)")
    }

    @Test func aRequiredUnitMustBeTyped() {
        var format = Self.years
        format.unitRule = .required
        #expect(NumericKind.read("2018", format: format) == .unreadable(.missingUnit))
        #expect(NumericKind.read("2018年", format: format) == .number(2018, unitMissing: false))
        let answers = [NumericAnswer(target: .value(2018, tolerance: 0))]
        #expect(NumericKind.grade(answers: answers, format: format, response: .text("2018")) == .invalid)
        #expect(NumericKind.grade(answers: answers, format: format, response: .text("2018年")).fraction == 1)
    }

    @Test func aMissingUnitCostsThePenalty() {
        var format = Self.workingDays
        format.unitRule = .penalty(fraction: 0.25)
        let answers = [NumericAnswer(target: .value(20, tolerance: 0)), NumericAnswer(target: .value(15, tolerance: 0), fraction: 0)]
        #expect(NumericKind.grade(answers: answers, format: format, response: .text("20个工作日")).fraction == 1)
        let bare = NumericKind.grade(answers: answers, format: format, response: .text("20"))
        #expect(bare.fraction == 0.75)
        #expect(bare.state == .gradedPartial)
        #expect(bare.feedback == [.numericAnswer(index: 0)])
        #expect(NumericKind.grade(answers: answers, format: format, response: .text("15")).fraction == 0)
    }

    @Test func anOptionalUnitCostsNothing() {
        let answers = [NumericAnswer(target: .value(20, tolerance: 0))]
        #expect(NumericKind.grade(answers: answers, format: Self.workingDays, response: .text("20")).fraction == 1)
        #expect(NumericKind.grade(answers: answers, format: Self.workingDays, response: .text("二十个工作日")).fraction == 1)
    }

    @Test func withoutAFormatOnlyBareNumbersAreRead() {
        #expect(NumericKind.read("2018", format: nil) == .number(2018, unitMissing: false))
        #expect(NumericKind.read("2018年", format: nil) == .unreadable(.unknownUnit("年")))
        #expect(NumericKind.read("二〇一八", format: nil) == .unreadable(.notANumber))
        #expect(NumericKind.read("3,5", format: nil) == .unreadable(.ambiguousSeparator))
        #expect(NumericKind.read("3,5") == .invalid)
    }
}

