import Assessment

/// Every quiz attempt of the person, newest first, with links to results.
public enum AttemptsPage {
    public struct Line: Sendable {
        public var courseTitle: String
        public var quizTitle: String
        public var attempt: QuizStartPage.AttemptLine
    }

    public static func render(_ lines: [Line], context: PageContext, stylesheet: String) -> HTML {
        let body: HTML
        if lines.isEmpty {
            body = "<h1>\(context.t("attempts.title"))</h1><p>\(context.t("attempts.empty"))</p>"
        } else {
            let rows = lines.map { line -> HTML in
                let attempt = line.attempt
                var score = "—"
                if let percent = attempt.scorePercent { score = context.t("percent", ["value": Components.percent(percent)]) }
                if let passed = attempt.passed { score += " · " + context.t(passed ? "result.passed" : "result.failed") }
                let link: HTML = attempt.isClosed
                    ? "<a href=\"/attempts/\(attempt.id.rawValue)/result\">\(context.t("quiz.history.view", ["number": String(attempt.number)]))</a>"
                    : "<a href=\"/attempts/\(attempt.id.rawValue)\">\(context.t("quiz.resume"))</a>"
                return """
                    <tr><td>\(line.courseTitle)</td><td>\(line.quizTitle)</td><td>\(attempt.number)</td>\
                    <td>\(Components.dateTime(attempt.startedAt, context))</td><td>\(score)</td><td>\(link)</td></tr>
                    """
            }
            body = """
                <h1>\(context.t("attempts.title"))</h1>
                <table>
                <caption class="visually-hidden">\(context.t("attempts.title"))</caption>
                <thead><tr><th scope="col">\(context.t("attempts.course"))</th><th scope="col">\(context.t("attempts.quiz"))</th>\
                <th scope="col">\(context.t("quiz.history.number"))</th><th scope="col">\(context.t("quiz.history.started"))</th>\
                <th scope="col">\(context.t("quiz.history.score"))</th>\
                <th scope="col"><span class="visually-hidden">\(context.t("result.review"))</span></th></tr></thead>
                <tbody>\(rows)</tbody>
                </table>
                """
        }
        return Layout.page(title: context.t("attempts.title"), context: context, stylesheet: stylesheet, body: body)
    }
}
