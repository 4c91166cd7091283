/// The person's settings: interface language and password.
public enum ProfilePage {
    public struct Model: Sendable {
        public var user: User
        public var notice: String?
        /// Password form errors by field id.
        public var errors: [(field: String, message: String)]
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String) -> HTML {
        let user = model.user
        let languages: [(String, String)] = [("", context.t("profile.language.follow")), ("zh", "中文"), ("en", "English")]
        let radios = languages.map { value, label -> HTML in
            let id = "language-\(value.isEmpty ? "browser" : value)"
            let checked: HTML = (user.language ?? "") == value ? " checked" : .empty
            let lang: HTML = value.isEmpty ? .empty : " lang=\"\(value == "zh" ? "zh-CN" : "en")\""
            return """
                <div class="choice"><input type="radio" id="\(id)" name="language" value="\(value)"\(checked)>\
                <label for="\(id)"\(lang)>\(label)</label></div>
                """
        }
        func error(_ field: String) -> HTML {
            guard let message = model.errors.first(where: { $0.field == field })?.message else { return .empty }
            return "<p class=\"field-error\" id=\"\(field)-error\">\(message)</p>"
        }
        func invalid(_ field: String) -> HTML {
            model.errors.contains { $0.field == field } ? " aria-invalid=\"true\" aria-describedby=\"\(field)-error\"" : .empty
        }
        let notice: HTML = model.notice.map { Components.notice($0) } ?? .empty
        let body: HTML = """
            <h1>\(context.t("profile.title"))</h1>
            \(Components.errorSummary(model.errors, context: context))
            \(notice)
            <h2>\(context.t("profile.account.title"))</h2>
            <dl class="summary-list">
            <div><dt>\(context.t("profile.account.login"))</dt><dd>\(user.login)</dd></div>
            <div><dt>\(context.t("profile.account.name"))</dt><dd>\(user.displayName)</dd></div>
            </dl>
            <form method="post" action="/profile/language" class="form">
            \(Components.csrf(context))
            <fieldset><legend><h2>\(context.t("profile.language.title"))</h2></legend>\(radios)</fieldset>
            <button type="submit" class="button button-secondary">\(context.t("profile.language.save"))</button>
            </form>
            <form method="post" action="/profile/password" class="form" novalidate>
            \(Components.csrf(context))
            <h2>\(context.t("profile.password.title"))</h2>
            <div class="field">
            <label for="current_password">\(context.t("profile.password.current"))</label>
            \(error("current_password"))
            <input type="password" id="current_password" name="current_password" autocomplete="current-password"\(invalid("current_password"))>
            </div>
            <div class="field">
            <label for="new_password">\(context.t("profile.password.new"))</label>
            <p class="hint" id="new-password-hint">\(context.t("profile.password.new_hint"))</p>
            \(error("new_password"))
            <input type="password" id="new_password" name="new_password" autocomplete="new-password"\(invalid("new_password"))>
            </div>
            <div class="field">
            <label for="confirm_password">\(context.t("profile.password.confirm"))</label>
            \(error("confirm_password"))
            <input type="password" id="confirm_password" name="confirm_password" autocomplete="new-password"\(invalid("confirm_password"))>
            </div>
            <button type="submit" class="button">\(context.t("profile.password.save"))</button>
            </form>
            """
        return Layout.page(title: context.t("profile.title"), context: context, stylesheet: stylesheet, body: body)
    }
}
