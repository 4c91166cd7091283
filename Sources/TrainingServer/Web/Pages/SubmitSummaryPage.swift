import Assessment

/// The check-your-answers page before submitting: which answers cannot be read (and would score 0), which
/// questions are unanswered, then the final submit.
public enum SubmitSummaryPage {
    public static func render(view: LearnerAttemptView, quizTitle: String, formKey: String, context: PageContext,
                              stylesheet: String) -> HTML {
        let unanswered = view.questions.filter { $0.response == nil }
        let list: HTML
        if unanswered.isEmpty {
            list = "<p>\(context.t("summary.all_answered"))</p>"
        } else {
            let items = unanswered.map { question -> HTML in
                "<li><a href=\"/attempts/\(view.attemptID.rawValue)?page=\(question.number)\">\(context.t("summary.question", ["number": String(question.number)]))</a></li>"
            }
            list = "<p>\(context.t("summary.unanswered"))</p><ul>\(items)</ul>"
        }
        // Answers that cannot be read score 0 when the attempt closes: say so, and why, before the learner confirms.
        let unreadable = view.questions.compactMap { question -> HTML? in
            guard let message = QuestionRendering.unreadableMessage(question, context: context) else { return nil }
            let link = "/attempts/\(view.attemptID.rawValue)?page=\(question.number)&focus=\(question.number)#\(QuestionRendering.firstInputID(question))"
            return "<li><a href=\"\(link)\">\(context.t("attempt.problem_item", ["number": String(question.number), "message": message]))</a></li>"
        }
        let unreadableList: HTML = unreadable.isEmpty ? .empty : """
            <div class="error-summary" id="unreadable-answers" aria-labelledby="unreadable-title">
            <h2 id="unreadable-title">\(context.t("summary.unreadable"))</h2>
            <ul>\(unreadable)</ul></div>
            """
        let body: HTML = """
            <h1>\(context.t("summary.title"))</h1>
            <p class="meta">\(quizTitle)</p>
            \(unreadableList)
            \(list)
            <p><strong>\(context.t("summary.intro"))</strong></p>
            <form method="post" action="/attempts/\(view.attemptID.rawValue)/submit">
            \(Components.csrf(context))
            <input type="hidden" name="form_key" value="\(formKey)">
            <div class="button-row">
            <button type="submit" class="button">\(context.t("summary.submit"))</button>
            <a class="button button-secondary" href="/attempts/\(view.attemptID.rawValue)">\(context.t("summary.back"))</a>
            </div>
            </form>
            """
        return Layout.page(title: context.t("summary.title"), context: context, stylesheet: stylesheet, body: body)
    }
}
