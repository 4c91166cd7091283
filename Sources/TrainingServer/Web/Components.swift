import Assessment
import Curriculum
import Foundation

/// Small pieces of markup shared by pages.
public enum Components {
    /// A progress bar with its numbers in text beside it (never colour alone).
    public static func progress(done: Int, total: Int, label: String) -> HTML {
        let value = total == 0 ? 1 : Double(done) / Double(total)
        return """
            <div class="progress"><progress max="100" value="\(Int((value * 100).rounded()))" aria-label="\(label)"></progress>\
            <span class="progress-text">\(label)</span></div>
            """
    }

    /// A course's progress: its modules and its completion quiz counted as steps, the bar and the words agreeing
    /// ("已完成 4 / 5 项（学习模块与结业考试） · 80%").
    public static func courseProgress(_ status: CourseStatus, context: PageContext) -> HTML {
        let arguments = ["done": String(status.itemsCompleted), "total": String(status.itemsTotal),
                         "percent": percent(status.fraction)]
        let label = status.course.completion.quiz == nil ? context.t("course.progress_modules", arguments)
            : context.t("course.progress", arguments)
        return progress(done: status.itemsCompleted, total: status.itemsTotal, label: label)
    }

    /// A status word in a tag; the word carries the meaning, the colour only repeats it.
    public static func tag(_ text: String, kind: String) -> HTML {
        "<strong class=\"tag tag-\(kind)\">\(text)</strong>"
    }

    /// Breadcrumbs from (label, link) pairs; the last is the current page.
    public static func breadcrumbs(_ items: [(String, String?)], context: PageContext) -> HTML {
        let parts = items.map { label, link -> HTML in
            if let link { return "<li><a href=\"\(link)\">\(label)</a></li>" }
            return "<li aria-current=\"page\">\(label)</li>"
        }
        return "<nav class=\"breadcrumbs\" aria-label=\"\(context.t("nav.breadcrumbs"))\"><ol>\(parts)</ol></nav>"
    }

    /// An error summary at the top of a form, linking to each field.
    public static func errorSummary(_ errors: [(field: String, message: String)], context: PageContext) -> HTML {
        guard !errors.isEmpty else { return .empty }
        let title = errors.count == 1 ? context.t("profile.errors.summary_one")
            : context.t("profile.errors.summary", ["count": String(errors.count)])
        let items = errors.map { error -> HTML in "<li><a href=\"#\(error.field)\">\(error.message)</a></li>" }
        return """
            <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
            <h2 id="error-summary-title">\(title)</h2><ul>\(items)</ul></div>
            """
    }

    /// A hidden CSRF field for a form.
    public static func csrf(_ context: PageContext) -> HTML {
        "<input type=\"hidden\" name=\"csrf_token\" value=\"\(context.csrfToken)\">"
    }

    /// A notice box (success or information), announced politely.
    public static func notice(_ text: String) -> HTML {
        "<div class=\"notice\" role=\"status\"><p>\(text)</p></div>"
    }

    /// A number for people: at most one decimal, no trailing zero.
    public static func number(_ value: Double, _ context: PageContext) -> String {
        context.strings.number(value)
    }

    /// A percentage 0...100 from a fraction.
    public static func percent(_ fraction: Double) -> String {
        String(Int((fraction * 100).rounded()))
    }

    /// Date and time for people, in the page's language and the viewer's time zone, named.
    public static func dateTime(_ seconds: Double, _ context: PageContext) -> String {
        context.dateTime(seconds)
    }

    /// The site navigation for signed-in people.
    /// The markup depends only on the language, which of the role sections the person sees and which item is the
    /// current page, so it is built once for each of those and kept with the strings.
    /// The paths the main navigation links to (a page at one of them is marked current).
    static let navigationPaths = ["/", "/courses", "/attempts", "/profile", "/trainer", "/hr", "/plans", "/admin"]

    public static func mainNavigation(_ context: PageContext, current: String) -> HTML {
        // From the grants as they are (`User.roles` makes a set on every call).
        let admin = context.user?.has(.admin) == true
        let trainer = admin || context.user?.has(.trainer) == true
        let hr = admin || context.user?.has(.hr) == true
        let key = Localization.Memo.NavigationKey(language: context.language, trainer: trainer, hr: hr, admin: admin,
                                                  current: navigationPaths.firstIndex(of: current) ?? -1)
        return context.strings.memo.navigation(key) { buildMainNavigation(context, current: current) }
    }

    static func buildMainNavigation(_ context: PageContext, current: String) -> HTML {
        var items: [(String, String)] = [("/", "nav.dashboard"), ("/courses", "nav.catalogue"),
                                         ("/attempts", "nav.attempts"), ("/profile", "nav.profile")]
        if let roles = context.user?.roles, !roles.isDisjoint(with: [.trainer, .admin]) {
            items.append(("/trainer", "nav.trainer"))
        }
        if let roles = context.user?.roles, !roles.isDisjoint(with: [.hr, .admin]) {
            items.append(("/hr", "nav.hr"))
            items.append(("/plans", "nav.plans"))
        }
        if context.user?.has(.admin) == true {
            items.append(("/admin", "nav.admin"))
        }
        let links = items.map { path, key -> HTML in
            let here: HTML = path == current ? " aria-current=\"page\"" : .empty
            return "<li><a href=\"\(path)\"\(here)>\(context.t(key))</a></li>"
        }
        return "<nav class=\"main-nav\" aria-label=\"\(context.t("nav.main"))\"><ul>\(links)</ul></nav>"
    }
}

extension LocalizedText {
    /// The text in the page's language.
    func t(_ context: PageContext) -> String { text(in: context.language) }
}
