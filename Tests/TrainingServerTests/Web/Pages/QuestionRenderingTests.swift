import Assessment
import Foundation
import Testing
@testable import TrainingServer

@Suite struct QuestionRenderingTests {
    static let numeric = Question(id: QuestionID("order"), text: LocalizedText(zh: "国务院令第几号？", en: "Which order number?"),
                                  kind: .numeric(answers: [NumericAnswer(target: .value(716, tolerance: 0))]),
                                  contentHash: "order-v1")
    static let single = Question(id: QuestionID("pick"), text: LocalizedText(both: "Pick one"),
                                 kind: .singleChoice(options: ["a", "b"].map {
                                     ChoiceOption(id: $0, text: LocalizedText(both: "option \($0)"), fraction: $0 == "a" ? 1 : 0)
                                 }), contentHash: "pick-v1")

    let zh = PageContext(language: .zh, user: nil, csrfToken: "", currentPath: "/x", strings: .shipped)
    let en = PageContext(language: .en, user: nil, csrfToken: "", currentPath: "/x", strings: .shipped)

    /// Question 1 (numeric) and 2 (single choice) of an open practice attempt, with `typed` saved for question 1.
    func questions(typed: String?) throws -> [LearnerQuestionView] {
        let quiz = QuizDefinition(id: QuizID("practice"), title: LocalizedText(both: "Practice"), behaviour: .immediateFeedback,
                                  passMark: 0.6, shuffleQuestions: false, shuffleOptions: false,
                                  review: ReviewPolicy(show: Set(ReviewPolicy.Item.allCases), when: .immediately),
                                  pools: [QuestionPool(id: "all", questions: [Self.numeric, Self.single])], contentHash: "p1")
        var attempt = try AttemptRules.start(id: AttemptID("a1"), quiz: quiz, previous: [], seed: 1, actor: .learner("1"),
                                             now: 0).get()
        if let typed {
            let request = StepRequest(actor: .learner("1"), action: .save(question: Self.numeric.id, response: .text(typed)))
            guard case .append(let step) = AttemptRules.decide(request, on: attempt, quiz: quiz, now: 1) else {
                Issue.record("the save was refused")
                return []
            }
            attempt = attempt.appending(step)
        }
        return LearnerAttemptView(try AttemptState(replaying: attempt, against: quiz, now: 2), visibility: .nothing).questions
    }

    @Test func everyUnreadableReasonIsSaidWithTheExpectedForm() {
        let typed = TypedAnswerView(units: ["年", "年度"])
        let cases: [(TypedAnswerView.Problem, String, String)] = [
            (.notANumber, "这不是一个数字。", "it is not a number."),
            (.ambiguousSeparator, "千位分隔符", "thousands separator"),
            (.missingUnit, "本题须写明单位。", "this question needs a unit."),
            (.unknownUnit("天"), "本题不接受单位“天”。", "does not accept the unit “天”"),
        ]
        for (problem, zhReason, enReason) in cases {
            let zhText = QuestionRendering.unreadableMessage(answer: "2018天", problem: problem, typed: typed, context: zh)
            #expect(zhText.hasPrefix("未能识别答案“2018天”："), "\(zhText)")
            #expect(zhText.contains(zhReason) && zhText.hasSuffix("填写数字，如 2018；可带单位：年、年度"), "\(zhText)")
            let enText = QuestionRendering.unreadableMessage(answer: "2018天", problem: problem, typed: typed, context: en)
            #expect(enText.hasPrefix("Your answer “2018天” could not be read: "), "\(enText)")
            #expect(enText.contains(enReason) && enText.hasSuffix("Enter a number, e.g. 2018; units accepted: 年, 年度"), "\(enText)")
        }
    }

    @Test func whatTheLearnerTypedIsNeverReadAsAPlaceholder() {
        let text = QuestionRendering.unreadableMessage(answer: "{expected}{reason}", problem: .unknownUnit("{answer}"),
                                                       typed: TypedAnswerView(), context: en)
        #expect(text == "Your answer “{expected}{reason}” could not be read: this question does not accept the unit "
            + "“{answer}”. Enter a number, e.g. 2018")
        #expect(QuestionRendering.filled("{a}-{b}-{c}-{", ["a": "{b}", "b": "2"]) == "{b}-2-{c}-{")
    }

    @Test func theHintNamesRequiredUnitsAndTheAuthorsOwnWords() {
        #expect(QuestionRendering.answerHint(TypedAnswerView(), context: zh) == "填写数字，如 2018")
        #expect(QuestionRendering.answerHint(TypedAnswerView(), context: en) == "Enter a number, e.g. 2018")
        let required = TypedAnswerView(hint: LocalizedText(zh: "按工作日计", en: "Count working days"),
                                       units: ["个工作日"], unitRequired: true)
        #expect(QuestionRendering.answerHint(required, context: zh) == "填写数字，如 2018；须带单位：个工作日；按工作日计")
        #expect(QuestionRendering.answerHint(required, context: en)
            == "Enter a number, e.g. 2018; a unit is required: 个工作日; Count working days")
    }

    @Test func aNumericQuestionShowsItsHintTiedToTheInputAndNoAnswer() throws {
        let question = try #require(try questions(typed: nil).first)
        let html = QuestionRendering.form(question, total: 2, immediate: true, context: zh).rendered
        #expect(html.contains("<p class=\"hint\" id=\"q1-hint\">填写数字，如 2018</p>"))
        #expect(html.contains("id=\"q1-text\"") && html.contains("aria-describedby=\"q1-hint\""))
        #expect(!html.contains("aria-invalid") && !html.contains("autofocus") && !html.contains("716"))
    }

    @Test(arguments: ["abc", "3,5", "1,5000"])
    func anUnreadableAnswerIsSaidBesideTheInputAndMarksItInvalid(typed: String) throws {
        let question = try #require(try questions(typed: typed).first)
        let html = QuestionRendering.form(question, total: 2, immediate: true, focus: true, context: en).rendered
        #expect(html.contains("<p class=\"field-error\" id=\"q1-error\" data-kind=\"unreadable\">Your answer “\(typed)” could not be read: "))
        #expect(html.contains("aria-describedby=\"q1-hint q1-error\" aria-invalid=\"true\" autofocus"))
        #expect(html.contains("class=\"question question-invalid\""))
        #expect(html.contains("value=\"\(typed)\""), "the field keeps what was typed")
    }

    @Test func theTypedTextIsEscapedInTheMessage() throws {
        let question = try #require(try questions(typed: "<b>x</b>").first)
        let html = QuestionRendering.form(question, total: 2, immediate: true, context: en).rendered
        #expect(html.contains("“&lt;b&gt;x&lt;/b&gt;”") && !html.contains("<b>x</b>"))
    }

    @Test func checkingWithoutAnAnswerSaysAnswerFirstBesideTheQuestion() throws {
        let question = try #require(try questions(typed: nil).last)
        let html = QuestionRendering.form(question, total: 2, immediate: true, problem: .answerFirst, focus: true,
                                          context: zh).rendered
        #expect(html.contains("<p class=\"field-error\" id=\"q2-error\" data-kind=\"answer-first\">请先作答。</p>"))
        let first = QuestionRendering.firstInputID(question)
        #expect(html.contains("id=\"\(first)\" name=\"answer-2\""))
        #expect(html.contains("aria-describedby=\"q2-error\" aria-invalid=\"true\" autofocus"))
        // Only the first option takes the focus.
        #expect(html.components(separatedBy: "autofocus").count == 2)
    }

    @Test func theReviewShowsTheLearnersOwnAnswerBesideTheRightOne() throws {
        let question = try #require(try questions(typed: "715").first)
        var reviewed = question
        reviewed.rightAnswer = .number(716, tolerance: 0)
        let html = QuestionRendering.review(reviewed, context: zh).rendered
        #expect(html.contains("<p class=\"own-answer\"><strong>你的答案：</strong>715</p>"))
        #expect(html.contains("<strong>正确答案：</strong>716"))
        #expect(!QuestionRendering.review(question, context: zh).rendered.contains("own-answer"),
                "without the right answer, the review adds nothing")
    }
}
