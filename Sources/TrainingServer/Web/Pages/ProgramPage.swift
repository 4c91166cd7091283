import Assessment
import Curriculum

/// The public page of a certification programme, the `id` of the Open Badges achievement its certificates carry:
/// what it certifies, how it is earned (courses by title), how long a certificate is valid and how it is renewed.
/// Also the index of every programme.
public enum ProgramPage {
    public static func render(_ achievement: ProgramAchievement, context: PageContext, stylesheet: String) -> HTML {
        let program = achievement.program
        let language = context.language
        var renewal: [HTML] = [
            "<li>\(context.t("program.validity.days", ["days": String(program.validityDays)]))</li>",
            "<li>\(context.t("program.renewal.window", ["days": String(program.renewalWindowDays)]))</li>",
        ]
        if let rule = program.recertification {
            if !rule.courses.isEmpty {
                renewal.append("<li>\(context.t("program.renewal.courses", ["courses": achievement.courseList(rule.courses, in: language)]))</li>")
            }
            if rule.choose > 0 {
                renewal.append("<li>\(context.t("program.renewal.choose", ["count": String(rule.choose), "courses": achievement.courseList(rule.from, in: language)]))</li>")
            }
        } else {
            renewal.append("<li>\(context.t("program.renewal.again"))</li>")
        }
        renewal.append("<li>\(context.t("program.expiry.\(program.expiryBase.rawValue)"))</li>")
        let courses = program.courses.map { id -> HTML in "<li>\(achievement.courseTitle(id, in: language))</li>" }
        let body: HTML = """
            <h1>\(program.title.t(context))</h1>
            <h2>\(context.t("program.summary.title"))</h2>
            <p>\(program.summary.t(context))</p>
            <h2>\(context.t("program.criteria.title"))</h2>
            <p>\(achievement.criteria(in: language))</p>
            <ul>\(courses)</ul>
            <h2>\(context.t("program.validity.title"))</h2>
            <ul>\(renewal)</ul>
            <p><a href="/verify">\(context.t("program.verify.link"))</a></p>
            """
        return Layout.page(title: program.title.t(context), context: context, stylesheet: stylesheet, body: body)
    }

    public static func renderIndex(_ programs: [Program], context: PageContext, stylesheet: String) -> HTML {
        let items = programs.map { program -> HTML in
            """
            <li class="card">
            <h2><a href="/programs/\(program.id.rawValue)">\(program.title.t(context))</a></h2>
            <p class="meta">\(context.t("program.validity.days", ["days": String(program.validityDays)]))</p>
            </li>
            """
        }
        let body: HTML = """
            <h1>\(context.t("program.index.title"))</h1>
            <p>\(context.t("program.index.intro"))</p>
            <ul class="card-list">\(items)</ul>
            """
        return Layout.page(title: context.t("program.index.title"), context: context, stylesheet: stylesheet, body: body)
    }
}
