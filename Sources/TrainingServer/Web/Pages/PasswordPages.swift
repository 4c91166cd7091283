import Foundation

/// `/password/forgot`: where mail is configured, a form asking for a login or an e-mail address (always answered
/// with the same words); where it is not, how to reach someone who can help.
public enum PasswordForgotPage {
    public enum State: Sendable {
        /// The form, with what was typed and its errors.
        case form(identifier: String, errors: [(field: String, message: String)])
        /// After a request: the same answer whether or not an account matched.
        case sent
        /// Mail is not configured here: whom to ask instead.
        case noMail
    }

    /// Who people without a working link turn to: the help contact set at `/admin/settings`, or, while none is
    /// set, the advice to ask their unit's administrator. The one place it appears on these pages.
    static func helpContact(_ context: PageContext) -> HTML {
        let stored = HelpContactSection.render(context, intro: context.t("password.forgot.help_contact"))
        return stored != .empty ? stored : "<p class=\"help-contact\">\(context.t("password.forgot.help_contact"))</p>"
    }

    public static func render(_ state: State, context: PageContext, stylesheet: String) -> HTML {
        let content: HTML
        switch state {
        case .noMail:
            content = """
                <p>\(context.t("password.forgot.no_mail"))</p>
                \(helpContact(context))
                """
        case .sent:
            content = """
                \(Components.notice(context.t("password.forgot.sent")))
                <p>\(context.t("password.forgot.sent_hint"))</p>
                \(helpContact(context))
                """
        case .form(let identifier, let errors):
            let error: HTML = errors.first.map { "<p class=\"field-error\" id=\"identifier-error\">\($0.message)</p>" } ?? .empty
            let described: HTML = errors.isEmpty ? " aria-describedby=\"identifier-hint\""
                : " aria-invalid=\"true\" aria-describedby=\"identifier-hint identifier-error\""
            content = """
                \(Components.errorSummary(errors, context: context))
                <p>\(context.t("password.forgot.intro"))</p>
                <form method="post" action="/password/forgot" class="form" novalidate>
                \(Components.csrf(context))
                <div class="field\(errors.isEmpty ? "" : " field-invalid")">
                <label for="identifier">\(context.t("password.forgot.field"))</label>
                <p class="hint" id="identifier-hint">\(context.t("password.forgot.field_hint"))</p>
                \(error)
                <input id="identifier" name="identifier" type="text" value="\(identifier)" autocomplete="username" \
                autocapitalize="none" spellcheck="false" maxlength="254" required\(described)>
                </div>
                <button type="submit" class="button">\(context.t("password.forgot.submit"))</button>
                </form>
                \(helpContact(context))
                """
        }
        let body: HTML = """
            <h1>\(context.t("password.forgot.title"))</h1>
            \(content)
            <p><a href="/login">\(context.t("password.back_to_login"))</a></p>
            """
        return Layout.page(title: context.t("password.forgot.title"), context: context, stylesheet: stylesheet, body: body)
    }
}

/// `/password/reset/{token}`: the form for a new password, or one message for every link that cannot be used.
public enum PasswordResetPage {
    public static func render(user: User, token: String, errors: [(field: String, message: String)],
                              context: PageContext, stylesheet: String) -> HTML {
        func error(_ field: String) -> HTML {
            guard let message = errors.first(where: { $0.field == field })?.message else { return .empty }
            return "<p class=\"field-error\" id=\"\(field)-error\">\(message)</p>"
        }
        func described(_ field: String, hint: String?) -> HTML {
            let ids = ([hint] + [errors.contains { $0.field == field } ? "\(field)-error" : nil]).compactMap { $0 }
            let invalid: HTML = errors.contains { $0.field == field } ? " aria-invalid=\"true\"" : .empty
            return ids.isEmpty ? invalid : "\(invalid) aria-describedby=\"\(ids.joined(separator: " "))\""
        }
        let body: HTML = """
            <h1>\(context.t("password.reset.title"))</h1>
            \(Components.errorSummary(errors, context: context))
            <p>\(context.t("password.reset.for", ["name": user.displayName, "login": user.login]))</p>
            <p>\(context.t("password.reset.effect"))</p>
            <form method="post" action="/password/reset/\(token)" class="form" novalidate>
            \(Components.csrf(context))
            <input type="text" name="username" value="\(user.login)" autocomplete="username" hidden>
            <div class="field\(errors.contains { $0.field == "new_password" } ? " field-invalid" : "")">
            <label for="new_password">\(context.t("profile.password.new"))</label>
            <p class="hint" id="new_password-hint">\(context.t("profile.password.new_hint"))</p>
            \(error("new_password"))
            <input type="password" id="new_password" name="new_password" autocomplete="new-password" required\
            \(described("new_password", hint: "new_password-hint"))>
            </div>
            <div class="field\(errors.contains { $0.field == "confirm_password" } ? " field-invalid" : "")">
            <label for="confirm_password">\(context.t("profile.password.confirm"))</label>
            \(error("confirm_password"))
            <input type="password" id="confirm_password" name="confirm_password" autocomplete="new-password" required\
            \(described("confirm_password", hint: nil))>
            </div>
            <button type="submit" class="button">\(context.t("password.reset.submit"))</button>
            </form>
            """
        return Layout.page(title: context.t("password.reset.title"), context: context, stylesheet: stylesheet, body: body)
    }

    /// When local passwords are off: the platform has no passwords to reset; people use their directory's or
    /// identity platform's.
    public static func renderManagedElsewhere(context: PageContext, stylesheet: String) -> HTML {
        let body: HTML = """
            <h1>\(context.t("password.managed.title"))</h1>
            <p>\(context.t("password.managed.body"))</p>
            \(PasswordForgotPage.helpContact(context))
            <p><a href="/login">\(context.t("password.back_to_login"))</a></p>
            """
        return Layout.page(title: context.t("password.managed.title"), context: context, stylesheet: stylesheet, body: body)
    }

    /// The one answer for unknown, used, replaced and expired links.
    public static func renderUnusable(context: PageContext, stylesheet: String, mailConfigured: Bool) -> HTML {
        let next: HTML = mailConfigured
            ? "<p><a href=\"/password/forgot\">\(context.t("password.reset.unusable_ask"))</a></p>"
            : PasswordForgotPage.helpContact(context)
        let body: HTML = """
            <h1>\(context.t("password.reset.unusable_title"))</h1>
            <p>\(context.t("password.reset.unusable"))</p>
            \(next)
            <p><a href="/login">\(context.t("password.back_to_login"))</a></p>
            """
        return Layout.page(title: context.t("password.reset.unusable_title"), context: context, stylesheet: stylesheet,
                           body: body)
    }
}

/// The page an administrator sees once after making a reset link for someone: the link to copy, until when it
/// works, and whether it was also mailed. It is never shown again.
public enum AdminPasswordResetLinkPage {
    public enum Mailing: Sendable, Equatable {
        case mailed(String)
        case noAddress
        case mailOff
    }

    public static func render(person: User, link: PasswordResets.IssuedLink, mailing: Mailing, context: PageContext,
                              stylesheet: String) -> HTML {
        let mailed: String = switch mailing {
        case .mailed(let address): context.t("password.admin.mailed", ["email": address])
        case .noAddress: context.t("password.admin.no_address")
        case .mailOff: context.t("password.admin.mail_off")
        }
        let title = context.t("password.admin.title", ["name": person.displayName])
        let body: HTML = """
            <h1>\(title)</h1>
            \(Components.notice(context.t("password.admin.made", ["name": person.displayName, "login": person.login])))
            <div class="field">
            <label for="reset-link">\(context.t("password.admin.link"))</label>
            <p class="hint" id="reset-link-hint">\(context.t("password.admin.link_hint", ["time": context.dateTime(link.expiresAt)]))</p>
            <input id="reset-link" type="text" readonly value="\(link.url)" aria-describedby="reset-link-hint" \
            spellcheck="false" autocomplete="off" class="copyable">
            </div>
            <p>\(mailed)</p>
            <p>\(context.t("password.admin.once"))</p>
            <p><a href="/admin/people/\(person.id.description)">\(context.t("password.admin.back", ["name": person.displayName]))</a></p>
            """
        return AdminFrame.page(title: title, section: .people,
                               trail: [(person.displayName, "/admin/people/\(person.id)"), (context.t("password.admin.crumb"), nil)],
                               context: context, stylesheet: stylesheet, body: body)
    }

    /// The answer for a disabled account: no link is made.
    public static func renderDisabled(person: User, context: PageContext, stylesheet: String) -> HTML {
        let title = context.t("password.admin.title", ["name": person.displayName])
        let body: HTML = """
            <h1>\(title)</h1>
            <div class="error-summary" role="alert"><p>\(context.t("password.admin.disabled"))</p></div>
            <p><a href="/admin/people/\(person.id.description)">\(context.t("password.admin.back", ["name": person.displayName]))</a></p>
            """
        return AdminFrame.page(title: title, section: .people,
                               trail: [(person.displayName, "/admin/people/\(person.id)"), (context.t("password.admin.crumb"), nil)],
                               context: context, stylesheet: stylesheet, body: body)
    }
}
