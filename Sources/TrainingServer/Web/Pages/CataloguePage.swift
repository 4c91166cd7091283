import Assessment
import Curriculum

/// Every course, with its summary, hours and the person's state in it.
public enum CataloguePage {
    public static func render(_ lines: [DashboardPage.CourseLine], context: PageContext, stylesheet: String) -> HTML {
        let items = lines.map { line -> HTML in
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
        let head: HTML

        public init(context: PageContext) {
            title = context.t("catalogue.title")
            head = """
                <h1>\(title)</h1>
                <p>\(context.t("catalogue.intro"))</p>
                <ul class="card-list">
                """
        }
    }

    /// The page as the bytes of its HTML, from `parts` and each course's `CoursePage.Parts` (`course` gives them):
    /// the same bytes as `render`, written once into a buffer of their size.
    public static func bytes(_ lines: [DashboardPage.CourseLine], parts: Parts, course: (Course) -> CoursePage.Parts,
                             context: PageContext, stylesheet: String) -> [UInt8] {
        var page = PageBytes(capacity: 4 + lines.count)
        page.append(Layout.head(title: parts.title, context: context, stylesheet: stylesheet))
        page.append(parts.head)
        for line in lines {
            let state = line.status.state
            page.append(course(line.course).catalogueCards[state] ?? """
                <li class="card">
                <h2><a href="/courses/\(line.course.id.rawValue)">\(line.course.title.t(context))</a></h2>
                <p>\(line.course.summary.t(context))</p>
                <p class="meta">\(context.t("course.hours", ["hours": Components.number(line.course.studyHours, context)])) · \
                \(Components.tag(context.t("course.state.\(state.rawValue)"), kind: state.rawValue))</p>
                </li>
                """)
        }
        page.append("</ul>")
        page.append(Layout.tail)
        return page.bytes
    }
}
