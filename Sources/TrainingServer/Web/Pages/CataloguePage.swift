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
