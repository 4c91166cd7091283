import Assessment
import Curriculum

/// Every course, with its summary, hours and the person's state in it.
public enum CataloguePage {
    /// One course's card, written afresh (the kept cards, `CoursePage.Parts.catalogueCards`, are the same markup).
    static func card(_ line: DashboardPage.CourseLine, context: PageContext) -> HTML {
        let state = line.status.state
        return """
            <li class="card">
            <h2><a href="/courses/\(line.course.id.rawValue)">\(line.course.title.t(context))</a></h2>
            <p>\(line.course.summary.t(context))</p>
            <p class="meta">\(context.t("course.hours", ["hours": Components.number(line.course.studyHours, context)])) · \
            \(Components.tag(context.t("course.state.\(state.rawValue)"), kind: state.rawValue))</p>
            </li>
            """
    }

    public static func render(_ lines: [DashboardPage.CourseLine], context: PageContext, stylesheet: String) -> HTML {
        let items = lines.map { card($0, context: context) }
        let body: HTML = """
            <h1>\(context.t("catalogue.title"))</h1>
            <p>\(context.t("catalogue.intro"))</p>
            <ul class="card-list">\(items)</ul>
            """
        return Layout.page(title: context.t("catalogue.title"), context: context, stylesheet: stylesheet, body: body)
    }
}

extension CataloguePage {
    /// The catalogue's words before its cards, in one language.
    public struct Parts: Sendable {
        let title: String
        /// From the heading to the cards' list's opening tag.
        let head: KeptHTML

        public init(context: PageContext) {
            title = context.t("catalogue.title")
            head = KeptHTML("""
                <h1>\(title)</h1>
                <p>\(context.t("catalogue.intro"))</p>
                <ul class="card-list">
                """)
        }
    }

    /// The page as the bytes of its HTML, from `parts` and each course's `CoursePage.Parts` (`course` gives them):
    /// the same bytes as `render`, written once into a buffer of their size.
    public static func bytes(_ lines: [DashboardPage.CourseLine], parts: Parts, course: (Course) -> CoursePage.Parts,
                             context: PageContext, stylesheet: String) -> [UInt8] {
        response(lines, parts: parts, course: course, context: context, stylesheet: stylesheet).bodyBytes
    }

    /// The page as an HTML answer: `bytes`, with its kept parts (the frame's, `parts` and the cards) for its gzip form.
    public static func response(_ lines: [DashboardPage.CourseLine], parts: Parts, course: (Course) -> CoursePage.Parts,
                                context: PageContext, stylesheet: String) -> Response {
        var page = PageWriter(capacity: 12 + lines.count)
        Layout.head(into: &page, title: parts.title, context: context, stylesheet: stylesheet)
        page.append(parts.head)
        for line in lines {
            let state = line.status.state
            if let card = course(line.course).catalogueCards[state] {
                page.append(card)
            } else {
                page.append(card(line, context: context))
            }
        }
        page.append("</ul>")
        page.append(Layout.keptTail)
        return page.response
    }
}
