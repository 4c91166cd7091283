/// The signed-in person's start page: who they are, where they belong and what they may do.
public enum HomePage {
    public static func render(context: PageContext, stylesheet: String, user: User, department: Department?) -> HTML {
        let roles = HTML.join(user.roles.sorted().map { role in "<li>\(context.t("role.\(role.rawValue)"))</li>" })
        let body: HTML = """
            <h1>\(context.t("home.welcome", ["name": user.displayName]))</h1>
            <dl class="summary-list">
            <div><dt>\(context.t("home.department"))</dt><dd>\(department?.displayPath ?? "")</dd></div>
            <div><dt>\(context.t("home.roles"))</dt><dd><ul class="inline-list">\(roles)</ul></dd></div>
            </dl>
            """
        return Layout.page(title: context.t("home.title"), context: context, stylesheet: stylesheet, body: body)
    }
}
