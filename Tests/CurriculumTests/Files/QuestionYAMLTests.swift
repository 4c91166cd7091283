import Testing
@testable import Curriculum

struct QuestionYAMLTests {
    /// Reads one question written under `questions:` of a pool and returns it with the diagnostics.
    private func read(_ question: String) -> (Question?, [Diagnostic]) {
        let text = "id: q\ntitle: {zh: 测, en: Q}\nmode: practice\npass_mark: 50\npools:\n  - id: p\n    questions:\n" + question
        let (file, diagnostics) = QuizFile.parse(text: text, fileName: "q.yaml")
        return (file?.definition?.allQuestions.first, diagnostics.sorted())
    }

    @Test("single choice: one right option, optional partial credit, derived and custom option ids")
    func single() throws {
        let (question, diagnostics) = read("""
              - id: s
                type: single
                text: {zh: 选, en: Pick}
                options:
                  - {text: {zh: 甲, en: A}, correct: true, feedback: {zh: 对, en: Yes}}
                  - {text: {zh: 乙, en: B}, weight: 25}
                  - {id: other, text: {zh: 丙, en: C}}
                explanation: {zh: 因为, en: Because}
                feedback: {zh: 总评, en: Overall}
                tags: [module:m, law:x-2020]
                points: 2

        """)
        #expect(diagnostics.isEmpty)
        let value = try #require(question)
        #expect(value.kind == .singleChoice(options: [
            ChoiceOption(id: "a", text: LocalizedText(zh: "甲", en: "A"), fraction: 1, feedback: LocalizedText(zh: "对", en: "Yes")),
            ChoiceOption(id: "b", text: LocalizedText(zh: "乙", en: "B"), fraction: 0.25),
            ChoiceOption(id: "other", text: LocalizedText(zh: "丙", en: "C"), fraction: 0),
        ]))
        #expect(value.explanation == LocalizedText(zh: "因为", en: "Because"))
        #expect(value.generalFeedback == LocalizedText(zh: "总评", en: "Overall"))
        #expect(value.tags == ["module:m", "law:x-2020"])
        #expect(value.points == 2)
        #expect(value.contentHash == ContentHashes.question(value))
    }

    @Test("multiple response: weights in percent, negative allowed")
    func multiple() throws {
        let (question, diagnostics) = read("""
              - id: m
                type: multiple
                text: {zh: 多选, en: Several}
                options:
                  - {text: {zh: 甲, en: A}, weight: 50}
                  - {text: {zh: 乙, en: B}, weight: 50}
                  - {text: {zh: 丙, en: C}, weight: -100}
                  - {text: {zh: 丁, en: D}}

        """)
        #expect(diagnostics.isEmpty)
        #expect(try #require(question).kind == .multipleResponse(options: [
            ChoiceOption(id: "a", text: LocalizedText(zh: "甲", en: "A"), fraction: 0.5),
            ChoiceOption(id: "b", text: LocalizedText(zh: "乙", en: "B"), fraction: 0.5),
            ChoiceOption(id: "c", text: LocalizedText(zh: "丙", en: "C"), fraction: -1),
            ChoiceOption(id: "d", text: LocalizedText(zh: "丁", en: "D"), fraction: 0),
        ]))
    }

    @Test("true/false with feedback for each answer")
    func trueFalse() throws {
        let (question, _) = read("""
              - id: t
                type: truefalse
                text: {zh: 对吗, en: True?}
                answer: false
                feedback_true: {zh: 不对, en: No}

        """)
        #expect(try #require(question).kind == .trueFalse(answer: false, feedbackIfTrue: LocalizedText(zh: "不对", en: "No"),
                                                          feedbackIfFalse: nil))
    }

    @Test("short answer: several accepted answers, default weight 100, case sensitivity")
    func shortAnswer() throws {
        let (question, diagnostics) = read("""
              - id: s
                type: short
                text: {zh: 法名, en: Law}
                case_sensitive: true
                answers:
                  - {text: 网络安全法}
                  - {text: "Cyber*", weight: 50, feedback: {zh: 部分, en: Partly}}

        """)
        #expect(diagnostics.map(\.description) == [
            "q.yaml:13:13: warning: the only accepted answer '网络安全法' is a law's name, which people write in several ways (with or without 《》 or 中华人民共和国, in English): add alternatives ('also') or 'wrappers'",
        ])
        #expect(try #require(question).kind == .shortAnswer(answers: [
            ShortAnswer(text: "网络安全法", fraction: 1),
            ShortAnswer(text: "Cyber*", fraction: 0.5, feedback: LocalizedText(zh: "部分", en: "Partly")),
        ], caseSensitive: true))
    }

    @Test("numeric: a value with tolerance, or a range")
    func numeric() throws {
        let (question, diagnostics) = read("""
              - id: n
                type: numeric
                text: {zh: 几天？（填数字）, en: Days? (Enter a number.)}
                answers:
                  - {value: 20, tolerance: 0.5}
                  - {min: 15, max: 16, weight: 0, feedback: {zh: 旧, en: Old}}
                  - {min: -.inf, max: .inf, weight: 0}

        """)
        #expect(diagnostics.isEmpty)
        #expect(try #require(question).kind == .numeric(answers: [
            NumericAnswer(target: .value(20, tolerance: 0.5), fraction: 1),
            NumericAnswer(target: .range(min: 15, max: 16), fraction: 0, feedback: LocalizedText(zh: "旧", en: "Old")),
            NumericAnswer(target: .range(min: -.infinity, max: .infinity), fraction: 0),
        ]))
    }

    @Test("matching: pairs with derived ids and distractors")
    func matching() throws {
        let (question, diagnostics) = read("""
              - id: m
                type: matching
                text: {zh: 配对, en: Match}
                pairs:
                  - {prompt: {zh: 甲, en: A}, answer: {zh: 一, en: One}}
                  - {id: second, prompt: {zh: 乙, en: B}, answer: {zh: 二, en: Two}}
                distractors:
                  - {zh: 三, en: Three}

        """)
        #expect(diagnostics.isEmpty)
        #expect(try #require(question).kind == .matching(pairs: [
            MatchPair(id: "1", prompt: LocalizedText(zh: "甲", en: "A"), answer: LocalizedText(zh: "一", en: "One")),
            MatchPair(id: "second", prompt: LocalizedText(zh: "乙", en: "B"), answer: LocalizedText(zh: "二", en: "Two")),
        ], distractors: [LocalizedText(zh: "三", en: "Three")]))
    }

    @Test("question mistakes are each reported at their node")
    func mistakes() {
        let (question, diagnostics) = read("""
              - id: Bad Id
                type: single
                txt: {zh: 选, en: Pick}
                options:
                  - {text: {zh: 甲, en: A}}
                  - {text: {zh: 乙}, corect: true}
                points: 0
              - id: m
                type: multiple
                text: {zh: 多, en: Many}
                options:
                  - {text: {zh: 甲, en: A}, correct: true}
                  - {text: {zh: 乙, en: B}, weight: 150}
              - id: x
                type: essay
                text: {zh: 写, en: Write}
              - id: s
                type: short
                text: {zh: 名, en: Name}
                answers:
                  - {text: a, weight: 50}
              - id: n
                type: numeric
                text: {zh: 数, en: Number}
                answers:
                  - {value: 1, min: 0, max: 2}
                  - {tolerance: 1}
              - id: p
                type: matching
                text: {zh: 配, en: Match}
                pairs:
                  - {prompt: {zh: 甲, en: A}, answer: {zh: 一, en: One}}

        """)
        #expect(question == nil)
        #expect(diagnostics.map(\.description) == [
            "q.yaml:8:9: error: question is missing the required key 'text'",
            "q.yaml:8:13: error: 'Bad Id' is not a valid question id: use lowercase letters a-z, digits and hyphens, starting with a letter or digit",
            "q.yaml:10:9: error: unknown key 'txt' in question; did you mean 'text'?",
            "q.yaml:11:9: error: a single-choice question needs exactly one right answer, not 0",
            "q.yaml:13:20: warning: 'text' has no English (en) text",
            "q.yaml:13:29: error: unknown key 'corect' in option; did you mean 'correct'?",
            "q.yaml:14:17: error: 'points' must be greater than 0, not 0",
            "q.yaml:18:9: error: a multiple-response question needs at least one option with a positive weight",
            "q.yaml:19:36: error: options of a multiple-response question have a 'weight' (percent, -100 to 100), not 'correct'",
            "q.yaml:20:44: error: 'weight' must be between -100 and 100, not 150",
            "q.yaml:22:15: error: 'type' must be one of single, multiple, truefalse, short, numeric, matching, not 'essay'",
            "q.yaml:27:9: error: no accepted answer gives full marks: give one answer weight 100",
            "q.yaml:33:24: error: an answer has either 'value' (with 'tolerance') or 'min' and 'max', not both",
            "q.yaml:34:13: error: a numeric answer needs 'value' (and optionally 'tolerance'), or both 'min' and 'max'",
            "q.yaml:38:9: error: a matching question needs at least 2 pairs, not 1",
        ])
    }

    @Test("numeric: units with multipliers, a unit rule, wrappers, Chinese numerals, a hint and an example")
    func numericFormat() throws {
        let (question, diagnostics) = read("""
              - id: n
                type: numeric
                text: {zh: 多少钱？, en: How much?}
                format: {zh: 金额, en: an amount}
                example: "12元"
                units: [元, yuan, {unit: 万元, multiplier: 10000}]
                unit_penalty: 20
                wrappers: [约…, {prefix: about}]
                chinese_numerals: true
                answers:
                  - {value: 15000}

        """)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let value = try #require(question)
        #expect(value.answerFormat == AnswerFormat(
            hint: LocalizedText(zh: "金额", en: "an amount"), example: "12元",
            units: [AnswerUnit("元"), AnswerUnit("yuan"), AnswerUnit("万元", multiplier: 10_000)],
            unitRule: .penalty(fraction: 0.2), wrappers: [AnswerWrapper(prefix: "约"), AnswerWrapper(prefix: "about")],
            chineseNumerals: true))
        #expect(value.contentHash == ContentHashes.question(value))
        #expect(Grader.grade(question: value, response: .text("1.5万元")).fraction == 1)
        #expect(Grader.grade(question: value, response: .text("一万五千元")).fraction == 1)
        #expect(Grader.grade(question: value, response: .text("15,000")).fraction == 0.8)
    }

    @Test("numeric: a required unit")
    func requiredUnit() throws {
        let (question, diagnostics) = read("""
              - id: n
                type: numeric
                text: {zh: 哪一年？, en: Which year?}
                units: [年]
                unit_required: true
                answers:
                  - {value: 2018}

        """)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(try #require(question).answerFormat?.unitRule == .required)
    }

    @Test("short answer: alternatives with the answer's weight and feedback, and wrappers")
    func shortAlternatives() throws {
        let (question, diagnostics) = read("""
              - id: s
                type: short
                text: {zh: 第几条？, en: Which article?}
                wrappers: [第…条, Article …, {prefix: Art.}]
                answers:
                  - {text: "31", also: [三十一]}
                  - {text: "24", also: 二十四, weight: 0, feedback: {zh: 旧, en: Old}}

        """)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let value = try #require(question)
        #expect(value.kind == .shortAnswer(answers: [
            ShortAnswer(text: "31", alternatives: ["三十一"]),
            ShortAnswer(text: "24", alternatives: ["二十四"], fraction: 0, feedback: LocalizedText(zh: "旧", en: "Old")),
        ], caseSensitive: false))
        #expect(value.answerFormat == AnswerFormat(wrappers: [AnswerWrapper(prefix: "第", suffix: "条"),
                                                             AnswerWrapper(prefix: "Article "), AnswerWrapper(prefix: "Art.")]))
        #expect(Grader.grade(question: value, response: .text("第 三十一 条")).fraction == 1)
        let wrong = Grader.grade(question: value, response: .text("第二十四条"))
        #expect(value.feedbackTexts(for: wrong) == [LocalizedText(zh: "旧", en: "Old")])
    }

    @Test("format mistakes that would put marks at risk are errors at their node")
    func formatMistakes() {
        let (question, diagnostics) = read("""
              - id: n
                type: numeric
                text: {zh: 几天？（填数字）, en: How many days?}
                units: [天, 个工作日, "天", "20", 十]
                chinese_numerals: true
                wrappers: [第…条, 第, "3…", {prefix: "第", suffix: "条"}]
                example: "20"
                answers:
                  - {value: 20}
              - id: m
                type: numeric
                text: {zh: 几天？（填数字）, en: How many days?}
                unit_required: true
                unit_penalty: 150
                answers:
                  - {value: 20}
              - id: k
                type: numeric
                text: {zh: 几天？（填数字）, en: How many days?}
                units: [天]
                unit_required: true
                unit_penalty: 10
                answers:
                  - {value: 20}
              - id: e
                type: numeric
                text: {zh: 几天？（填数字）, en: How many days?}
                example: "二十"
                answers:
                  - {value: 20}
              - id: f
                type: numeric
                text: {zh: 几天？（填数字）, en: How many days?}
                units: [天]
                example: "20天"
                answers:
                  - {value: 20}
              - id: s
                type: short
                text: {zh: 名, en: Name}
                chinese_numerals: true
                answers:
                  - {text: 甲, also: [""]}

        """)
        #expect(question == nil)
        #expect(diagnostics.map(\.description) == [
            "q.yaml:11:26: error: the unit '天' is declared twice",
            "q.yaml:11:31: error: the unit '20' is itself a number",
            "q.yaml:11:37: error: the unit '十' is itself a number",
            "q.yaml:13:25: error: write a wrapper as prefix…suffix with one '…' where the answer goes (第…条, Article …), or as {prefix: ..., suffix: ...}",
            "q.yaml:13:28: error: a wrapper cannot contain digits: '3…' would take part of the answer",
            "q.yaml:13:34: error: the wrapper '第…条' is declared twice",
            "q.yaml:20:9: error: 'unit_required' needs 'units': declare the units a number may carry",
            "q.yaml:21:9: error: 'unit_penalty' needs 'units': declare the units a number may carry",
            "q.yaml:21:9: error: a unit is either required ('unit_required: true') or costs a penalty when missing ('unit_penalty'), not both",
            "q.yaml:21:23: error: 'unit_penalty' must be between 0 and 100, not 150",
            "q.yaml:29:9: error: a unit is either required ('unit_required: true') or costs a penalty when missing ('unit_penalty'), not both",
            "q.yaml:35:18: error: the example '二十' is not a number in a form this question accepts",
            "q.yaml:42:18: error: the example '20天' is a right answer: it would give the answer away",
            "q.yaml:48:9: error: unknown key 'chinese_numerals' in question; allowed keys are id, type, text, explanation, feedback, tags, points, moodle, answers, case_sensitive, wrappers",
            "q.yaml:50:13: error: an alternative ('also') cannot be empty",
        ])
    }

    @Test("moodle: keeps the Moodle title, category and format, outside the content hash; bad keys are reported")
    func moodleOrigin() throws {
        let plain = """
              - id: s
                type: truefalse
                text: {zh: 对吗？, en: Right?}
                answer: true

        """
        let (bare, _) = read(plain)
        let (question, diagnostics) = read(plain.replacingAll(
            "answer: true\n",
            with: "answer: true\n        moodle: {title: \"敏感信息\", category: \"$course$/保密/基础\", format: markdown}\n"))
        #expect(diagnostics.isEmpty)
        let value = try #require(question)
        #expect(value.moodle == MoodleOrigin(title: "敏感信息", category: "$course$/保密/基础", format: "markdown"))
        #expect(value.contentHash == bare?.contentHash)
        let (_, problems) = read(plain.replacingAll(
            "answer: true\n", with: "answer: true\n        moodle: {name: x, format: rtf}\n"))
        #expect(problems.map(\.description) == [
            "q.yaml:12:18: error: unknown key 'name' in moodle; allowed keys are title, category, format",
            "q.yaml:12:35: error: 'format' must be one of moodle, html, plain, markdown, not 'rtf'",
        ])
    }

}

