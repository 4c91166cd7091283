/// The sign-in form: login and password, labels above fields, errors summarised at the top and repeated
/// beside the field, the login kept as typed.
public enum LoginPage {
    public static func render(context: PageContext, stylesheet: String, login: String, next: String,
                              error: String?) -> HTML {
        let summary: HTML
        let fieldError: HTML
        if let error {
            summary = """
                <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
                <h2 id="error-summary-title">\(context.t("login.error.summary"))</h2>
                <ul><li><a href="#login">\(error)</a></li></ul>
                </div>
                """
            fieldError = "<p class=\"field-error\" id=\"login-error\">\(error)</p>"
        } else {
            summary = .empty
            fieldError = .empty
        }
        let describedBy: HTML = error == nil ? .empty : " aria-describedby=\"login-error\" aria-invalid=\"true\""
        let body: HTML = """
            <h1>\(context.t("login.title"))</h1>
            \(summary)
            <p>\(context.t("login.intro"))</p>
            <form method="post" action="/login" class="form" novalidate>
            <input type="hidden" name="csrf_token" value="\(context.csrfToken)">
            <input type="hidden" name="next" value="\(next)">
            <div class="field\(error == nil ? "" : " field-invalid")">
            <label for="login">\(context.t("login.field.login"))</label>
            \(fieldError)
            <input id="login" name="login" type="text" value="\(login)" autocomplete="username" \
            autocapitalize="none" spellcheck="false" required\(describedBy)>
            </div>
            <div class="field">
            <label for="password">\(context.t("login.field.password"))</label>
            <p class="hint" id="password-hint">\(context.t("login.hint.password"))</p>
            <input id="password" name="password" type="password" autocomplete="current-password" required \
            aria-describedby="password-hint">
            </div>
            <button type="submit" class="button">\(context.t("login.submit"))</button>
            </form>
            """
        return Layout.page(title: context.t("login.title"), context: context, stylesheet: stylesheet, body: body)
    }
}
