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
            <p class="forgot-password"><a href="/password/forgot">\(context.t("login.forgot"))</a></p>
            \(HelpContactSection.render(context, intro: context.t("help.login_intro")))
            """
        return Layout.page(title: context.t("login.title"), context: context, stylesheet: stylesheet, body: body)
    }
}

/// The help contact set at `/admin/settings` (phone, e-mail, office), under a heading, for the sign-in and error
/// pages; nothing when none is set.
public enum HelpContactSection {
    public static func render(_ context: PageContext, intro: String) -> HTML {
        guard let contact = context.settings.helpContact(context.language) else { return .empty }
        var rows: [HTML] = []
        if let phone = contact.phone {
            let dial = String(phone.filter { $0.isASCII && ($0.isNumber || $0 == "+") })
            let value: HTML = dial.isEmpty ? "\(phone)" : "<a href=\"tel:\(dial)\">\(phone)</a>"
            rows.append("<div><dt>\(context.t("help.phone"))</dt><dd>\(value)</dd></div>")
        }
        if let email = contact.email {
            rows.append("<div><dt>\(context.t("help.email"))</dt><dd><a href=\"mailto:\(email)\">\(email)</a></dd></div>")
        }
        if let office = contact.office {
            rows.append("<div><dt>\(context.t("help.office"))</dt><dd>\(office)</dd></div>")
        }
        return """
            <section class="help-contact" aria-labelledby="help-contact-title">
            <h2 id="help-contact-title">\(context.t("help.title"))</h2>
            <p>\(intro)</p>
            <dl class="summary-list">\(rows)</dl>
            </section>
            """
    }
}
