import Foundation

/// The person's settings: interface language, time zone, e-mail, password and two-step sign-in.
public enum ProfilePage {
    /// How an e-mail change is confirmed: with the current password, without one (local passwords are off and the
    /// account has none), or not here at all (an administrator changes it).
    public enum EmailConfirmation: Sendable { case password, notNeeded, administrator }

    public struct Model: Sendable {
        public var user: User
        public var notice: String?
        /// Form errors by field id.
        public var errors: [(field: String, message: String)]
        /// The server's time zone, which people follow unless they choose their own.
        public var serverTimeZone: TimeZone
        /// Now, for the zones' current offsets and names.
        public var now: Double
        /// The person's e-mail address (or what they just typed), if any.
        public var email: String? = nil
        /// The calendar feed section (`ProfileCalendarSection`).
        public var calendar: HTML = .empty
        /// Whether the person gets reminder mail (assignments, deadlines, expiring certificates).
        public var reminderMail: Bool = true
        /// Whether the password change form is shown (local passwords are on and the account has one).
        public var passwordChange: Bool = true
        public var emailConfirmation: EmailConfirmation = .password
        /// The two-step sign-in section (`SecondFactorPages.profileSection`).
        public var secondFactor: HTML = .empty
    }

    /// The zones offered in the time zone list, east to west (any other IANA name is accepted too, e.g. from the
    /// API or a zone chosen before; a person's own zone is always listed).
    public static let commonTimeZones = [
        "Pacific/Auckland", "Australia/Sydney", "Asia/Tokyo", "Asia/Seoul", "Asia/Shanghai", "Asia/Hong_Kong",
        "Asia/Macau", "Asia/Taipei", "Asia/Singapore", "Asia/Urumqi", "Asia/Bangkok", "Asia/Kolkata", "Asia/Dubai",
        "Europe/Moscow", "Africa/Cairo", "Africa/Johannesburg", "Europe/Berlin", "Europe/Paris", "Europe/London",
        "UTC", "America/Sao_Paulo", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
    ]

    /// "UTC+08:00", "UTC−05:00", "UTC+05:45" at `seconds`.
    static func offset(_ zone: TimeZone, at seconds: Double) -> String {
        let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: seconds))
        let minutes = abs(offset) / 60
        return String(format: "UTC%@%02d:%02d", offset < 0 ? "−" : "+", minutes / 60, minutes % 60)
    }

    static func timeZoneForm(_ model: Model, context: PageContext, error: HTML) -> HTML {
        func label(_ zone: TimeZone) -> String {
            context.t("profile.time_zone.option", ["name": context.strings.zoneName(zone, at: model.now, context.language),
                                                   "id": zone.identifier, "offset": offset(zone, at: model.now)])
        }
        var identifiers = commonTimeZones
        if let own = model.user.timeZone, !identifiers.contains(own) { identifiers.insert(own, at: 0) }
        let chosen = model.user.timeZone ?? ""
        let follow: HTML = "<option value=\"\"\(chosen.isEmpty ? HTML(" selected") : .empty)>\(context.t("profile.time_zone.follow", ["zone": label(model.serverTimeZone)]))</option>"
        let options = identifiers.compactMap(StudyCalendar.zone(named:)).map { zone -> HTML in
            let selected: HTML = zone.identifier == chosen ? " selected" : .empty
            return "<option value=\"\(zone.identifier)\"\(selected)>\(label(zone))</option>"
        }
        let described: HTML = error == .empty ? "aria-describedby=\"time_zone-hint\""
            : "aria-invalid=\"true\" aria-describedby=\"time_zone-hint time_zone-error\""
        return """
            <form method="post" action="/profile/time-zone" class="form">
            \(Components.csrf(context))
            <h2>\(context.t("profile.time_zone.title"))</h2>
            <div class="field\(error == .empty ? "" : " field-invalid")">
            <label for="time_zone">\(context.t("profile.time_zone.label"))</label>
            <p class="hint" id="time_zone-hint">\(context.t("profile.time_zone.hint", ["time": context.dateTime(model.now)]))</p>
            \(error)
            <select id="time_zone" name="time_zone" \(described)>\(follow)\(options)</select>
            </div>
            <button type="submit" class="button button-secondary">\(context.t("profile.time_zone.save"))</button>
            </form>
            """
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
        let emailPassword: HTML = model.emailConfirmation == .password ? """
            <div class="field">
            <label for="email_password">\(context.t("profile.password.current"))</label>
            \(error("email_password"))
            <input type="password" id="email_password" name="email_password" autocomplete="current-password"\(invalid("email_password"))>
            </div>
            """ : .empty
        let emailForm: HTML = model.emailConfirmation == .administrator ? """
            <h2>\(context.t("profile.email.title"))</h2>
            <dl class="summary-list"><div><dt>\(context.t("profile.email.label"))</dt><dd>\(model.email ?? "—")</dd></div></dl>
            <p>\(context.t("profile.email.administrator"))</p>
            """ : """
            <form method="post" action="/profile/email" class="form" novalidate>
            \(Components.csrf(context))
            <h2>\(context.t("profile.email.title"))</h2>
            <div class="field">
            <label for="email">\(context.t("profile.email.label"))</label>
            <p class="hint" id="email-hint">\(context.t("profile.email.hint"))</p>
            \(error("email"))
            <input type="email" id="email" name="email" value="\(model.email ?? "")" autocomplete="email" spellcheck="false" \
            maxlength="254" aria-describedby="email-hint\(model.errors.contains { $0.field == "email" } ? " email-error" : "")"\
            \(model.errors.contains { $0.field == "email" } ? HTML(" aria-invalid=\"true\"") : .empty)>
            </div>
            \(emailPassword)
            <button type="submit" class="button button-secondary">\(context.t("profile.email.save"))</button>
            </form>
            """
        let passwordForm: HTML = model.passwordChange ? """
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
            """ : .empty
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
            \(timeZoneForm(model, context: context, error: error("time_zone")))
            \(emailForm)
            \(model.calendar)
            <form method="post" action="/profile/reminder-mail" class="form">
            \(Components.csrf(context))
            <h2>\(context.t("notices.profile.title"))</h2>
            <div class="choice"><input type="checkbox" id="reminder_mail" name="reminder_mail" value="on" \
            aria-describedby="reminder_mail-hint"\(model.reminderMail ? HTML(" checked") : .empty)>\
            <label for="reminder_mail">\(context.t("notices.profile.label"))</label></div>
            <p class="hint" id="reminder_mail-hint">\(context.t("notices.profile.hint"))</p>
            <button type="submit" class="button button-secondary">\(context.t("notices.profile.save"))</button>
            </form>
            \(model.secondFactor)
            \(passwordForm)
            """
        return Layout.page(title: context.t("profile.title"), context: context, stylesheet: stylesheet, body: body)
    }
}
