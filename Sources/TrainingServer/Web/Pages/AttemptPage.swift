import Assessment
import Curriculum

/// Answering a quiz: every question on one page, or one per page; answers saved on every button and by the
/// autosave script; an accessible timer (the server decides when time is up).
public enum AttemptPage {
    public struct Model: Sendable {
        public var course: Course
        public var quiz: QuizDefinition
        public var view: LearnerAttemptView
        /// nil: all questions; otherwise the 1-based question shown.
        public var page: Int?
        /// A fresh idempotency key for this form.
        public var formKey: String
        public var notice: String?
        public var now: Double
        /// The question whose first input takes the focus when the page opens (after a step ran into a problem
        /// with it).
        public var focus: Int?
        /// The question on which "check" was pressed without an answer.
        public var answerFirst: Int?
        /// Questions whose answer was refused and not saved, with why (the page shows the answers as given).
        public var refused: [Int: ResponseProblem] = [:]
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String, script: String) -> HTML {
        let view = model.view
        let total = view.questions.count
        let shown = model.page.map { page in view.questions.filter { $0.number == page } } ?? view.questions
        let immediate = view.behaviour == .immediateFeedback
        func problem(_ number: Int) -> QuestionRendering.Problem? {
            if let refused = model.refused[number] { return .refused(refused) }
            return model.answerFirst == number ? .answerFirst : nil
        }
        let questions = shown.map { question in
            QuestionRendering.form(question, total: total, immediate: immediate, problem: problem(question.number),
                                   focus: model.focus == question.number, context: context)
        }
        // Every question shown that needs the learner's attention, linked from the top of the page.
        let problems = shown.compactMap { question -> HTML? in
            let problem = problem(question.number)
            guard let message = QuestionRendering.message(question, problem: problem, context: context) else { return nil }
            let text = question.typedAnswer?.problem != nil && model.refused[question.number] == nil
                ? context.t("attempt.invalid_answer", ["number": String(question.number)])
                : context.t("attempt.problem_item", ["number": String(question.number), "message": message])
            return "<li data-question=\"\(question.number)\"><a href=\"#\(QuestionRendering.firstInputID(question))\">\(text)</a></li>"
        }
        let problemSummary: HTML = problems.isEmpty ? .empty : """
            <div class="error-summary" id="problems" aria-labelledby="problems-title">
            <h2 id="problems-title">\(problems.count == 1 ? context.t("attempt.problems_one") : context.t("attempt.problems", ["count": String(problems.count)]))</h2>
            <ul>\(problems)</ul></div>
            """
        let title = context.t("attempt.title", ["title": model.quiz.title.t(context), "number": String(view.number)])
        let timer: HTML
        if let deadline = view.deadline {
            let minutes = max(0, Int(((deadline - model.now) / 60).rounded(.up)))
            timer = """
                <div class="timer" id="timer" data-deadline="\(Int(deadline))" data-now="\(Int(model.now))" \
                data-announce="\(context.t("attempt.time_left_announce", ["minutes": "{minutes}"]))" \
                data-label="\(context.t("attempt.time_left", ["minutes": "{minutes}"]))">
                <p role="timer" aria-live="off" id="timer-text">\(context.t("attempt.time_left", ["minutes": String(minutes)]))</p>
                <p class="hint">\(context.t("attempt.deadline", ["time": Components.dateTime(deadline, context)])) · \
                \(context.t("attempt.server_decides"))</p>
                <p class="visually-hidden" aria-live="polite" id="timer-announce"></p>
                </div>
                """
        } else {
            timer = .empty
        }
        var buttons: [HTML] = []
        if let page = model.page {
            if page > 1 {
                buttons.append("<button type=\"submit\" name=\"go\" value=\"page:\(page - 1)\" class=\"button button-secondary\">\(context.t("attempt.previous_page"))</button>")
            }
            if page < total {
                buttons.append("<button type=\"submit\" name=\"go\" value=\"page:\(page + 1)\" class=\"button button-secondary\">\(context.t("attempt.next_page"))</button>")
            }
        }
        buttons.append("<button type=\"submit\" name=\"go\" value=\"save\" class=\"button button-secondary\">\(context.t("attempt.save"))</button>")
        buttons.append("<button type=\"submit\" name=\"go\" value=\"finish\" class=\"button\">\(context.t("attempt.finish"))</button>")
        let layoutLink: HTML = model.page == nil
            ? "<a href=\"/attempts/\(view.attemptID.rawValue)?page=1\">\(context.t("attempt.one_per_page"))</a>"
            : "<a href=\"/attempts/\(view.attemptID.rawValue)\">\(context.t("attempt.all_on_page"))</a>"
        let notice: HTML = model.notice.map { Components.notice($0) } ?? .empty
        let pageField: HTML = model.page.map { "<input type=\"hidden\" name=\"page\" value=\"\($0)\">" } ?? .empty
        let body: HTML = """
            <h1>\(title)</h1>
            \(timer)
            \(notice)
            \(problemSummary)
            <p class="meta">\(layoutLink)</p>
            <form method="post" action="/attempts/\(view.attemptID.rawValue)/save" id="attempt-form" class="attempt-form" \
            data-autosave="/attempts/\(view.attemptID.rawValue)/save">
            \(Components.csrf(context))
            <input type="hidden" name="sequence" value="\(view.nextSequence)">
            <input type="hidden" name="form_key" value="\(model.formKey)">
            \(pageField)
            \(questions)
            <p class="visually-hidden" aria-live="polite" id="save-status"></p>
            <div class="button-row">\(buttons)</div>
            </form>
            """
        return Layout.page(title: title, context: context, stylesheet: stylesheet, scripts: [script], body: body)
    }
}
