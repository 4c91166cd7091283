import Assessment
import Curriculum

/// Which questions of a quiz work: facility, discrimination and choice counts per question and content
/// version, with weak questions flagged and named by id, file and line.
public enum ItemStatisticsPage {
    public static func render(course: Course, quiz: QuizDefinition, statistics: [ItemStatistics], attemptCount: Int,
                              context: PageContext, stylesheet: String) -> HTML {
        let title = context.t("stats.title", ["title": quiz.title.t(context)])
        let content: HTML
        if statistics.isEmpty {
            content = "<p>\(context.t("stats.empty"))</p>"
        } else {
            let rows = statistics.map { item -> HTML in
                let question = course.question(item.questionID)?.question
                let source: HTML = question?.source.map {
                    "<br><span class=\"meta\">\(course.folder)/\($0.file):\($0.line)</span>"
                } ?? .empty
                let text = question?.text.t(context) ?? ""
                let counts = ChoiceDescription.orderedKeys(item.choiceCounts, question: question).map { key -> HTML in
                    let label = question.map { describe(ChoiceDescription(key: key, question: $0), context: context) } ?? key
                    let count = String(item.choiceCounts[key] ?? 0)
                    return "<li>\(context.t("label.count", ["label": label, "count": count]))</li>"
                }
                let unanswered: HTML = item.unanswered > 0
                    ? "<li>\(context.t("stats.unanswered", ["count": String(item.unanswered)]))</li>" : .empty
                let flags = item.flags.sorted { $0.rawValue < $1.rawValue }.map { flag -> HTML in
                    "<li>\(Components.tag(context.t("stats.flag.\(flag.rawValue)"), kind: "wrong"))</li>"
                }
                let discrimination = item.discrimination.map { context.strings.number($0, fractionDigits: 2) } ?? "—"
                return """
                    <tr><th scope="row"><code>\(item.questionID.rawValue)</code>\(source)<br>\(text)\
                    <br><span class="meta">\(context.t("stats.version", ["hash": String(item.contentHash.prefix(8))]))</span></th>\
                    <td>\(item.attempts)</td><td>\(context.t("percent", ["value": Components.percent(item.facility)]))</td>\
                    <td>\(discrimination)</td><td><ul class="plain">\(counts)\(unanswered)</ul></td><td><ul class="plain">\(flags)</ul></td></tr>
                    """
            }
            content = """
                <p>\(context.t("stats.intro", ["count": String(attemptCount)]))</p>
                <div class="table-scroll" role="region" tabindex="0" aria-label="\(context.t("stats.region"))"><table>
                <caption class="visually-hidden">\(title)</caption>
                <thead><tr><th scope="col">\(context.t("stats.question"))</th><th scope="col">\(context.t("stats.attempts"))</th>\
                <th scope="col">\(context.t("stats.facility"))</th><th scope="col">\(context.t("stats.discrimination"))</th>\
                <th scope="col">\(context.t("stats.choices"))</th><th scope="col">\(context.t("stats.flags"))</th></tr></thead>
                <tbody>\(rows)</tbody></table></div>
                """
        }
        let body: HTML = """
            \(Components.breadcrumbs([(context.t("trainer.title"), "/trainer"),
                                      (quiz.title.t(context), "/trainer/courses/\(course.id.rawValue)/quizzes/\(quiz.id.rawValue)"),
                                      (context.t("trainer.statistics"), nil)], context: context))
            <h1>\(title)</h1>
            \(content)
            """
        return Layout.page(title: title, context: context, stylesheet: stylesheet, width: .wide, body: body)
    }

    /// A choice in the authored texts of the page's language: "prompt → answer" for matching, typed answers as
    /// typed.
    static func describe(_ choice: ChoiceDescription, context: PageContext) -> String {
        switch choice {
        case .option(let text): text.t(context)
        case .truth(let value): context.t(value ? "attempt.true" : "attempt.false")
        case .match(let prompt, let answer): context.t("stats.match", ["prompt": prompt.t(context), "answer": answer.t(context)])
        case .typed(let text): context.t("stats.typed", ["text": text])
        case .unknown(let key): key
        }
    }
}
