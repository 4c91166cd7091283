import Foundation

/// The pages of two-step sign-in (TOTP): the code asked after the password, setting it up (a QR code and the
/// secret as text, confirmed with a first code), the recovery codes shown once, and managing it from the profile.
public enum SecondFactorPages {
    static func error(_ errors: [(field: String, message: String)], _ field: String) -> HTML {
        guard let message = errors.first(where: { $0.field == field })?.message else { return .empty }
        return "<p class=\"field-error\" id=\"\(field)-error\">\(message)</p>"
    }

    static func described(_ errors: [(field: String, message: String)], _ field: String, hint: String?) -> HTML {
        let invalid = errors.contains { $0.field == field }
        let ids = [hint, invalid ? "\(field)-error" : nil].compactMap { $0 }
        let describedBy: HTML = ids.isEmpty ? .empty : " aria-describedby=\"\(ids.joined(separator: " "))\""
        return invalid ? " aria-invalid=\"true\"\(describedBy)" : describedBy
    }

    /// The six-digit code field: the phone's keypad, the code offered from an SMS-like autofill.
    static func codeField(_ errors: [(field: String, message: String)], name: String = "code", label: String,
                          hint: String, context: PageContext) -> HTML {
        """
        <div class="field\(errors.contains { $0.field == name } ? " field-invalid" : "")">
        <label for="\(name)">\(label)</label>
        <p class="hint" id="\(name)-hint">\(hint)</p>
        \(error(errors, name))
        <input id="\(name)" name="\(name)" type="text" inputmode="numeric" autocomplete="one-time-code" \
        pattern="[0-9 ]*" maxlength="12" spellcheck="false" class="input-code" required\
        \(described(errors, name, hint: "\(name)-hint"))>
        </div>
        """
    }

    /// The current-password field of the profile's forms (absent for accounts without a usable password).
    static func passwordField(_ errors: [(field: String, message: String)], name: String, context: PageContext) -> HTML {
        """
        <div class="field\(errors.contains { $0.field == name } ? " field-invalid" : "")">
        <label for="\(name)">\(context.t("profile.password.current"))</label>
        \(error(errors, name))
        <input type="password" id="\(name)" name="\(name)" autocomplete="current-password" required\
        \(described(errors, name, hint: nil))>
        </div>
        """
    }

    // MARK: The code after the password

    /// `/login/second-factor`: the code from the authenticator app, or a recovery code.
    public static func code(errors: [(field: String, message: String)], context: PageContext, stylesheet: String) -> HTML {
        let title = context.t("second_factor.login.title")
        let body: HTML = """
            <h1>\(title)</h1>
            \(Components.errorSummary(errors, context: context))
            <p>\(context.t("second_factor.login.intro"))</p>
            <form method="post" action="/login/second-factor" class="form" novalidate>
            \(Components.csrf(context))
            \(codeField(errors, label: context.t("second_factor.code.label"), hint: context.t("second_factor.code.hint"),
                        context: context))
            <button type="submit" class="button">\(context.t("second_factor.login.submit"))</button>
            </form>
            <h2>\(context.t("second_factor.login.recovery_title"))</h2>
            <p>\(context.t("second_factor.login.recovery_intro"))</p>
            <form method="post" action="/login/second-factor" class="form" novalidate>
            \(Components.csrf(context))
            <div class="field\(errors.contains { $0.field == "recovery_code" } ? " field-invalid" : "")">
            <label for="recovery_code">\(context.t("second_factor.recovery.label"))</label>
            <p class="hint" id="recovery_code-hint">\(context.t("second_factor.recovery.hint"))</p>
            \(error(errors, "recovery_code"))
            <input id="recovery_code" name="recovery_code" type="text" autocomplete="off" autocapitalize="none" \
            spellcheck="false" maxlength="40" required\(described(errors, "recovery_code", hint: "recovery_code-hint"))>
            </div>
            <button type="submit" class="button button-secondary">\(context.t("second_factor.login.recovery_submit"))</button>
            </form>
            \(cancel(context))
            \(HelpContactSection.render(context, intro: context.t("second_factor.login.help")))
            """
        return Layout.page(title: title, context: context, stylesheet: stylesheet, body: body)
    }

    /// Giving up a pending sign-in (it ends; the login page again).
    static func cancel(_ context: PageContext) -> HTML {
        """
        <form method="post" action="/login/second-factor/cancel" class="form">
        \(Components.csrf(context))
        <button type="submit" class="link-button">\(context.t("second_factor.login.cancel"))</button>
        </form>
        """
    }

    // MARK: Setting it up

    /// What the setup page shows: the secret, its key URI's QR code, and where the confirming code goes.
    public struct Setup: Sendable {
        /// The secret in base32, as authenticator apps take it.
        public var secret: String
        /// The QR code of the `otpauth://` key URI, an inline SVG.
        public var qrSVG: String
        /// Where the first code is posted.
        public var action: String
        /// Whether this is the enrolment a role requires at sign-in (no session yet; the sign-in can be abandoned).
        public var required: Bool

        public init(secret: String, qrSVG: String, action: String, required: Bool) {
            self.secret = secret
            self.qrSVG = qrSVG
            self.action = action
            self.required = required
        }
    }

    public static func setup(_ setup: Setup, errors: [(field: String, message: String)], context: PageContext,
                             stylesheet: String) -> HTML {
        let title = context.t("second_factor.setup.title")
        let intro: HTML = setup.required
            ? Components.notice(context.t("second_factor.setup.required"))
            : .empty
        let back: HTML = setup.required ? cancel(context)
            : "<p><a href=\"/profile\">\(context.t("second_factor.back_to_profile"))</a></p>"
        let body: HTML = """
            <h1>\(title)</h1>
            \(Components.errorSummary(errors, context: context))
            \(intro)
            <p>\(context.t("second_factor.setup.intro"))</p>
            <ol class="steps">
            <li><p>\(context.t("second_factor.setup.step_app"))</p></li>
            <li><p>\(context.t("second_factor.setup.step_scan"))</p>
            <div class="qr qr-second-factor">\(HTML(trusted: setup.qrSVG))</div>
            <p id="secret-hint">\(context.t("second_factor.setup.step_type"))</p>
            <p class="secret-text"><code id="secret">\(TOTP.grouped(setup.secret))</code></p>
            <p class="hint">\(context.t("second_factor.setup.type_details"))</p></li>
            <li><p>\(context.t("second_factor.setup.step_confirm"))</p>
            <form method="post" action="\(setup.action)" class="form" novalidate>
            \(Components.csrf(context))
            \(codeField(errors, label: context.t("second_factor.code.label"), hint: context.t("second_factor.setup.code_hint"),
                        context: context))
            <button type="submit" class="button">\(context.t("second_factor.setup.submit"))</button>
            </form></li>
            </ol>
            \(back)
            """
        return Layout.page(title: title, context: context, stylesheet: stylesheet, body: body)
    }

    // MARK: Recovery codes, shown once

    /// The recovery codes just made, with the advice to print or write them down; `continuePath` is where the
    /// person goes on (the page they were heading to, or the two-step page of the profile).
    public static func recoveryCodes(_ codes: [String], enabled: Bool, continuePath: String, context: PageContext,
                                     stylesheet: String) -> HTML {
        let title = context.t("second_factor.codes.title")
        let items = codes.map { code -> HTML in "<li><code>\(code)</code></li>" }
        let body: HTML = """
            <h1>\(title)</h1>
            \(enabled ? Components.notice(context.t("second_factor.codes.enabled")) : Components.notice(context.t("second_factor.codes.replaced")))
            <p>\(context.t("second_factor.codes.intro"))</p>
            <p><strong>\(context.t("second_factor.codes.once"))</strong></p>
            <ol class="recovery-codes" aria-label="\(context.t("second_factor.codes.list"))">\(items)</ol>
            <p class="hint">\(context.t("second_factor.codes.print"))</p>
            <p><a class="button" href="\(continuePath)">\(context.t("second_factor.codes.continue"))</a></p>
            """
        return Layout.page(title: title, context: context, stylesheet: stylesheet, body: body)
    }

    // MARK: Managing it from the profile

    /// `/profile/second-factor` while two-step sign-in is on: recovery codes left, new ones, turning it off.
    public struct Manage: Sendable {
        public var recoveryCodesLeft: Int
        /// Whether the forms ask for the current password (accounts without a usable one confirm with a code only).
        public var asksPassword: Bool
        /// Whether the person's role requires two-step sign-in (then it cannot be turned off here).
        public var required: Bool
        /// Which form was refused ("codes" or "off"), with its problems.
        public var refused: String?
        public var errors: [(field: String, message: String)]
        public var notice: String?

        public init(recoveryCodesLeft: Int, asksPassword: Bool, required: Bool, refused: String? = nil,
                    errors: [(field: String, message: String)] = [], notice: String? = nil) {
            self.recoveryCodesLeft = recoveryCodesLeft
            self.asksPassword = asksPassword
            self.required = required
            self.refused = refused
            self.errors = errors
            self.notice = notice
        }
    }

    public static func manage(_ model: Manage, context: PageContext, stylesheet: String) -> HTML {
        let title = context.t("second_factor.manage.title")
        func fields(_ form: String) -> HTML {
            let errors = model.refused == form ? model.errors : []
            let password: HTML = model.asksPassword ? passwordField(errors, name: "\(form)_password", context: context) : .empty
            return password + codeField(errors, name: "\(form)_code", label: context.t("second_factor.code.label"),
                                        hint: context.t("second_factor.code.hint"), context: context)
        }
        let off: HTML = model.required
            ? "<p>\(context.t("second_factor.manage.off_required"))</p>"
            : """
                <form method="post" action="/profile/second-factor/off" class="form" novalidate>
                \(Components.csrf(context))
                <p>\(context.t("second_factor.manage.off_intro"))</p>
                \(fields("off"))
                <button type="submit" class="button button-warning">\(context.t("second_factor.manage.off_submit"))</button>
                </form>
                """
        let body: HTML = """
            <h1>\(title)</h1>
            \(Components.errorSummary(model.errors, context: context))
            \(model.notice.map { Components.notice($0) } ?? .empty)
            <p>\(context.t("second_factor.manage.on"))</p>
            <p>\(context.t("second_factor.manage.codes_left", ["count": String(model.recoveryCodesLeft)]))</p>
            <h2>\(context.t("second_factor.manage.codes_title"))</h2>
            <form method="post" action="/profile/second-factor/recovery-codes" class="form" novalidate>
            \(Components.csrf(context))
            <p>\(context.t("second_factor.manage.codes_intro"))</p>
            \(fields("codes"))
            <button type="submit" class="button button-secondary">\(context.t("second_factor.manage.codes_submit"))</button>
            </form>
            <h2>\(context.t("second_factor.manage.off_title"))</h2>
            \(off)
            <p><a href="/profile">\(context.t("second_factor.back_to_profile"))</a></p>
            """
        return Layout.page(title: title, context: context, stylesheet: stylesheet, body: body)
    }

    /// The profile's section: whether two-step sign-in is on, and the way to set it up or manage it.
    public static func profileSection(_ status: SecondFactors.Status, required: Bool, context: PageContext) -> HTML {
        let state: HTML
        let link: HTML
        switch status {
        case .off:
            state = "<p>\(context.t(required ? "second_factor.profile.off_required" : "second_factor.profile.off"))</p>"
            link = "<p><a class=\"button button-secondary\" href=\"/profile/second-factor\">\(context.t("second_factor.profile.set_up"))</a></p>"
        case .on(let left):
            state = "<p>\(context.t("second_factor.profile.on", ["count": String(left)]))</p>"
            link = "<p><a href=\"/profile/second-factor\">\(context.t("second_factor.profile.manage"))</a></p>"
        }
        return """
            <section aria-labelledby="second-factor-title">
            <h2 id="second-factor-title">\(context.t("second_factor.profile.title"))</h2>
            <p>\(context.t("second_factor.profile.intro"))</p>
            \(state)
            \(link)
            </section>
            """
    }
}
