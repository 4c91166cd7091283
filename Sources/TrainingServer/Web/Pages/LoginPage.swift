/// The sign-in form: login and password, labels above fields, errors summarised at the top and repeated
/// beside the field, the login kept as typed.
public enum LoginPage {
    /// The ways to sign in the deployment offers.
    public struct Options: Sendable, Equatable {
        /// The login-and-password form (local passwords or the directory's).
        public var passwordForm: Bool
        /// Whether local passwords are on (the "forgot password" link).
        public var localPasswords: Bool
        /// Sign-in on another site (CAS, OpenID Connect), each a link that starts it.
        public var redirects: [SignInMethod]

        public init(passwordForm: Bool = true, localPasswords: Bool = true, redirects: [SignInMethod] = []) {
            self.passwordForm = passwordForm
            self.localPasswords = localPasswords
            self.redirects = redirects
        }
    }

    public static func render(context: PageContext, stylesheet: String, login: String, next: String,
                              error: String?, errorAtForm: Bool = true, options: Options = Options()) -> HTML {
        let summary: HTML
        let fieldError: HTML
        // An error about what was typed is repeated at the login field; one about a sign-in elsewhere (CAS, OpenID
        // Connect) is said once, at the top, and leads to the ways to sign in.
        let atField = error != nil && errorAtForm && options.passwordForm
        if let error {
            summary = """
                <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
                <h2 id="error-summary-title">\(context.t("login.error.summary"))</h2>
                <ul><li><a href="\(atField || (options.redirects.isEmpty && options.passwordForm) ? "#login" : "#sign-in-methods")">\(error)</a></li></ul>
                </div>
                """
            fieldError = atField ? "<p class=\"field-error\" id=\"login-error\">\(error)</p>" : .empty
        } else {
            summary = .empty
            fieldError = .empty
        }
        let describedBy: HTML = atField ? " aria-describedby=\"login-error\" aria-invalid=\"true\"" : .empty
        var methods: [HTML] = []
        if options.passwordForm {
            methods.append("""
                <form method="post" action="/login" class="form" novalidate>
                <input type="hidden" name="csrf_token" value="\(context.csrfToken)">
                <input type="hidden" name="next" value="\(next)">
                <div class="field\(atField ? " field-invalid" : "")">
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
                """)
            if options.localPasswords {
                methods.append("<p class=\"forgot-password\"><a href=\"/password/forgot\">\(context.t("login.forgot"))</a></p>")
            }
        }
        if !options.redirects.isEmpty {
            let links: [HTML] = options.redirects.map { method in
                let href = "/login/\(method.rawValue)?next=\(PercentDecoding.encode(next))"
                return "<li><a class=\"button button-secondary\" href=\"\(href)\">\(context.t("login.method.\(method.rawValue)"))</a></li>"
            }
            methods.append("""
                <section class="sign-in-methods" aria-labelledby="sign-in-methods">
                <h2 id="sign-in-methods">\(context.t(options.passwordForm ? "login.methods.or" : "login.methods.title"))</h2>
                <ul class="link-list">\(links)</ul>
                </section>
                """)
        }
        if methods.isEmpty {
            methods.append("<p id=\"sign-in-methods\">\(context.t("login.methods.none"))</p>")
        }
        let body: HTML = """
            <h1>\(context.t("login.title"))</h1>
            \(summary)
            <p>\(context.t("login.intro"))</p>
            \(methods)
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
