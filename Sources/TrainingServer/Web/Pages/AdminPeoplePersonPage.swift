import Foundation

/// One person as an administrator sees them: details, roles, state with its reasons, last sign-in, sign-in lock,
/// password link and API tokens, each change a small form of its own.
public enum AdminPersonPage {
    /// What the last change did, for the notice after a redirect.
    public enum Done: String, Sendable {
        case created, saved, granted, withdrawn, disabled, enabled, unlocked, revoked, unchanged
        case secondFactorReset = "second_factor_reset"
    }

    /// A refused form: which one, its problems and what was typed.
    public struct Failure: Sendable {
        public var form: String
        public var problems: [AccountProblem]
        public var values: [String: String]

        public init(form: String, problems: [AccountProblem], values: [String: String]) {
            self.form = form
            self.problems = problems
            self.values = values
        }
    }

    public struct Model: Sendable {
        public var person: User
        public var scope: AdminScope
        public var stateChanges: [AccountStateChange]
        public var lastSignIn: Double?
        public var throttled: Bool
        public var tokens: [APIToken]
        public var now: Double
        /// Whether the viewer may read the person's HR record.
        public var hrRecord: Bool
        public var done: Done?
        public var failure: Failure?
        /// The person's e-mail address.
        public var email: String? = nil
        /// Job categories in use in scope, offered as the category field's suggestions.
        public var categories: [String] = []
        /// Whether two-step sign-in (TOTP) is on for the person.
        public var secondFactorOn = false
        /// The directory and identity platform subjects linked to the account.
        public var externalIdentities: [(method: SignInMethod, subject: String)] = []
        /// The latest sign-ins, newest first.
        public var signIns: [SignInRecord] = []
        /// Whether local passwords are on (the reset-link button).
        public var localPasswords = true

        public init(person: User, scope: AdminScope, stateChanges: [AccountStateChange], lastSignIn: Double?, throttled: Bool,
                    tokens: [APIToken], now: Double, hrRecord: Bool, done: Done?, failure: Failure?) {
            self.person = person
            self.scope = scope
            self.stateChanges = stateChanges
            self.lastSignIn = lastSignIn
            self.throttled = throttled
            self.tokens = tokens
            self.now = now
            self.hrRecord = hrRecord
            self.done = done
            self.failure = failure
        }

        var isSelf: Bool { person.id == scope.user.id }

        /// The problems and typed values of `form` when it was the one refused.
        func refused(_ form: String) -> (problems: [AccountProblem], values: [String: String])? {
            guard let failure, failure.form == form else { return nil }
            return (failure.problems, failure.values)
        }
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String) -> HTML {
        let person = model.person
        let base = "/admin/people/\(person.id.rawValue)"
        let department = model.scope.departments[person.departmentID]
        let latest = model.stateChanges.first
        let stateText: HTML = {
            guard let latest, latest.disabled == person.disabled, let reason = latest.reason else {
                return AdminPeopleFields.state(disabled: person.disabled, context)
            }
            let words = context.t(latest.disabled ? "admin.people.state.disabled_because" : "admin.people.state.enabled_because",
                                  ["reason": reason, "actor": latest.actor, "when": context.dateTime(latest.at)])
            return AdminPeopleFields.state(disabled: person.disabled, context) + " \(words)"
        }()
        let hr: HTML = model.hrRecord
            ? "<p><a href=\"/hr/people/\(String(person.id.rawValue))\">\(context.t("admin.people.hr_record"))</a></p>" : .empty
        let notice: HTML = model.done.map { Components.notice(context.t("admin.people.done.\($0.rawValue)")) } ?? .empty
        let body: HTML = """
            <h1>\(person.displayName)</h1>
            \(notice)
            \(AdminPeopleFields.summary(model.failure?.problems ?? [], context: context))
            <dl class="summary-list">
            <div><dt>\(context.t("admin.people.field.login"))</dt><dd>\(person.login)</dd></div>
            <div><dt>\(context.t("admin.people.field.employee_number"))</dt><dd>\(person.employeeNumber ?? "—")</dd></div>
            <div><dt>\(context.t("admin.people.field.department"))</dt><dd>\(department?.displayPath ?? "—")</dd></div>
            <div><dt>\(context.t("admin.people.field.job_category"))</dt><dd>\(person.jobCategory ?? "—")</dd></div>
            <div><dt>\(context.t("admin.people.field.email"))</dt><dd>\(model.email ?? "—")</dd></div>
            <div><dt>\(context.t("admin.people.column.state"))</dt><dd>\(stateText)</dd></div>
            <div><dt>\(context.t("admin.people.last_sign_in"))</dt>\
            <dd>\(model.lastSignIn.map { context.dateTime($0) } ?? context.t("admin.people.last_sign_in_unknown"))</dd></div>
            </dl>
            \(hr)
            \(details(model, base: base, context: context))
            \(roles(model, base: base, context: context))
            \(state(model, base: base, context: context))
            \(signIn(model, base: base, context: context))
            \(tokens(model, base: base, context: context))
            """
        return AdminFrame.page(title: person.displayName, section: .people, trail: [(person.displayName, nil)],
                               context: context, stylesheet: stylesheet, body: body)
    }

    private static func details(_ model: Model, base: String, context: PageContext) -> HTML {
        let person = model.person
        let refused = model.refused("details")
        let problems = refused?.problems ?? []
        let values = refused?.values ?? ["name": person.displayName, "employee_number": person.employeeNumber ?? "",
                                         "department": String(person.departmentID.rawValue),
                                         "job_category": person.jobCategory ?? "", "email": model.email ?? ""]
        return """
            <h2 id="details">\(context.t("admin.people.details.title"))</h2>
            <form method="post" action="\(base)/details" class="form" novalidate>
            \(Components.csrf(context))
            \(AdminPeopleFields.text("name", label: context.t("admin.people.field.name"), value: values["name"] ?? "",
                                     maxLength: 200, required: true, problems, context: context))
            \(AdminPeopleFields.text("employee_number", label: context.t("admin.people.field.employee_number"),
                                     hint: context.t("admin.people.field.employee_number_hint"),
                                     value: values["employee_number"] ?? "",
                                     maxLength: PeopleAdministration.employeeNumberLimit, problems, context: context))
            \(AdminPeopleFields.department("department", label: context.t("admin.people.field.department"),
                                           empty: context.t("admin.people.field.department_choose"),
                                           selected: values["department"], scope: model.scope, problems, context: context))
            \(AdminPeopleFields.attributes(jobCategory: values["job_category"] ?? "", email: values["email"] ?? "",
                                           categories: model.categories, problems, context: context))
            <button type="submit" class="button">\(context.t("admin.people.details.submit"))</button>
            </form>
            """
    }

    private static func roles(_ model: Model, base: String, context: PageContext) -> HTML {
        let person = model.person
        let rows = person.grants.map { grant -> HTML in
            let department = model.scope.departments[grant.departmentID].flatMap { model.scope.isVisible($0) ? $0 : nil }
            let place = department?.displayPath ?? context.t("admin.people.roles.outside")
            let action: HTML
            if let department, grant.role != .learner {
                let label = context.t("admin.people.roles.withdraw_label",
                                      ["role": AdminPeopleFields.roleName(grant.role, context), "department": department.displayPath])
                action = """
                    <form method="post" action="\(base)/roles/withdraw">\(Components.csrf(context))\
                    <input type="hidden" name="role" value="\(grant.role.rawValue)">\
                    <input type="hidden" name="department" value="\(String(department.id.rawValue))">\
                    <button type="submit" class="button button-secondary" aria-label="\(label)">\
                    \(context.t("admin.people.roles.withdraw"))</button></form>
                    """
            } else {
                action = "—"
            }
            return "<tr><th scope=\"row\">\(AdminPeopleFields.roleName(grant.role, context))</th><td>\(place)</td><td>\(action)</td></tr>"
        }
        let refused = model.refused("grant")
        let problems = refused?.problems ?? []
        let roleOptions = [("", context.t("admin.people.roles.choose"))]
            + AdminPersonNewPage.grantableRoles.map { ($0.rawValue, AdminPeopleFields.roleName($0, context)) }
        let rolesError: HTML = model.refused("roles").map { refused in
            AdminPeopleFields.error("roles", refused.problems, context: context)
        } ?? .empty
        return """
            <h2 id="roles" tabindex="-1">\(context.t("admin.people.roles.title"))</h2>
            <p class="hint">\(context.t("admin.people.roles.hint"))</p>
            \(rolesError)
            <div class="table-scroll" role="region" tabindex="0" aria-labelledby="roles-caption">
            <table><caption id="roles-caption">\(context.t("admin.people.roles.caption"))</caption>
            <thead><tr><th scope="col">\(context.t("admin.people.roles.role"))</th>\
            <th scope="col">\(context.t("admin.people.field.department"))</th>\
            <th scope="col">\(context.t("admin.people.roles.action"))</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            <form method="post" action="\(base)/roles" class="form" novalidate>
            \(Components.csrf(context))
            <h3>\(context.t("admin.people.roles.grant_title"))</h3>
            \(AdminPeopleFields.select("grant_role", label: context.t("admin.people.roles.role"), options: roleOptions,
                                       selected: refused?.values["grant_role"], problems, context: context))
            \(AdminPeopleFields.department("grant_department", label: context.t("admin.people.field.department"),
                                           hint: context.t("admin.people.roles.department_hint"),
                                           empty: context.t("admin.people.field.department_choose"),
                                           selected: refused?.values["grant_department"], scope: model.scope, problems,
                                           context: context))
            <button type="submit" class="button">\(context.t("admin.people.roles.grant"))</button>
            </form>
            """
    }

    private static func state(_ model: Model, base: String, context: PageContext) -> HTML {
        let person = model.person
        let refused = model.refused("state")
        let problems = refused?.problems ?? []
        let history = model.stateChanges.map { change -> HTML in
            """
            <tr><td>\(context.dateTime(change.at))</td>\
            <td>\(context.t(change.disabled ? "admin.people.state.change_disabled" : "admin.people.state.change_enabled"))</td>\
            <td>\(change.reason ?? "—")</td><td>\(change.actor)</td></tr>
            """
        }
        let historyTable: HTML = history.isEmpty ? .empty : """
            <div class="table-scroll" role="region" tabindex="0" aria-labelledby="state-caption">
            <table><caption id="state-caption">\(context.t("admin.people.state.history"))</caption>
            <thead><tr><th scope="col">\(context.t("admin.people.state.when"))</th>\
            <th scope="col">\(context.t("admin.people.state.change"))</th>\
            <th scope="col">\(context.t("admin.people.state.reason"))</th>\
            <th scope="col">\(context.t("admin.people.state.by"))</th></tr></thead>
            <tbody>\(history)</tbody></table></div>
            """
        let form: HTML
        if model.isSelf && !person.disabled {
            form = "<p>\(context.t("admin.people.state.self"))</p>"
        } else {
            let disable = !person.disabled
            form = """
                <form method="post" action="\(base)/state" class="form" novalidate>
                \(Components.csrf(context))
                <input type="hidden" name="disabled" value="\(disable ? "1" : "0")">
                <p>\(context.t(disable ? "admin.people.state.disable_intro" : "admin.people.state.enable_intro"))</p>
                \(AdminPeopleFields.text("reason", label: context.t("admin.people.state.reason"),
                                         hint: context.t("admin.people.state.reason_hint"), value: refused?.values["reason"] ?? "",
                                         maxLength: PeopleAdministration.reasonLimit, required: true, problems, context: context))
                <button type="submit" class="button\(disable ? " button-warning" : "")">\
                \(context.t(disable ? "admin.people.state.disable" : "admin.people.state.enable"))</button>
                </form>
                """
        }
        return """
            <h2 id="state">\(context.t("admin.people.state.title"))</h2>
            \(form)
            \(historyTable)
            """
    }

    private static func signIn(_ model: Model, base: String, context: PageContext) -> HTML {
        let unlock: HTML = model.throttled ? """
            <p>\(context.t("admin.people.unlock.throttled"))</p>
            <form method="post" action="\(base)/unlock">\(Components.csrf(context))\
            <button type="submit" class="button">\(context.t("admin.people.unlock.submit"))</button></form>
            """ : "<p>\(context.t("admin.people.unlock.not_throttled"))</p>"
        return """
            <h2 id="sign-in">\(context.t("admin.people.sign_in.title"))</h2>
            \(signInRecord(model, base: base, context: context))
            \(unlock)
            \(model.localPasswords ? passwordReset(base: base, context: context) : .empty)
            """
    }

    /// The reset-link button (absent when local passwords are off: there is no password to reset).
    private static func passwordReset(base: String, context: PageContext) -> HTML {
        """
        <h3>\(context.t("admin.people.password.title"))</h3>
        <p>\(context.t("admin.people.password.intro"))</p>
        <form method="post" action="\(base)/password-reset">\(Components.csrf(context))\
        <button type="submit" class="button button-secondary">\(context.t("admin.people.password.reset"))</button></form>
        """
    }

    /// Two-step sign-in (with its reset), the linked external identities and the latest sign-ins.
    private static func signInRecord(_ model: Model, base: String, context: PageContext) -> HTML {
        let problems = model.refused("second_factor")?.problems ?? []
        let reset: HTML = model.secondFactorOn ? """
            <form method="post" action="\(base)/second-factor/reset" class="form" novalidate>
            \(Components.csrf(context))
            <p>\(context.t("admin.people.second_factor.reset_intro"))</p>
            \(AdminPeopleFields.text("second_factor_reason", label: context.t("admin.people.state.reason"),
                                     hint: context.t("admin.people.second_factor.reason_hint"),
                                     value: model.refused("second_factor")?.values["second_factor_reason"] ?? "",
                                     maxLength: PeopleAdministration.reasonLimit, required: true, problems, context: context))
            <button type="submit" class="button button-warning">\(context.t("admin.people.second_factor.reset"))</button>
            </form>
            """ : .empty
        let identities: HTML = model.externalIdentities.isEmpty
            ? "<p>\(context.t("admin.people.identities.none"))</p>"
            : "<ul>\(model.externalIdentities.map { identity -> HTML in "<li>\(context.t("admin.people.sign_ins.method.\(identity.method.rawValue)")): <code>\(identity.subject)</code></li>" })</ul>"
        let rows = model.signIns.map { record -> HTML in
            """
            <tr><td>\(context.dateTime(record.at))</td>\
            <td>\(context.t("admin.people.sign_ins.method.\(record.method.rawValue)"))</td>\
            <td>\(context.t(record.secondFactor ? "admin.people.sign_ins.second_factor_yes" : "admin.people.sign_ins.second_factor_no"))</td>\
            <td>\(record.clientAddress)</td></tr>
            """
        }
        let table: HTML = rows.isEmpty ? "<p>\(context.t("admin.people.sign_ins.none"))</p>" : """
            <div class="table-scroll" role="region" tabindex="0" aria-labelledby="sign-ins-caption">
            <table><caption id="sign-ins-caption">\(context.t("admin.people.sign_ins.caption"))</caption>
            <thead><tr><th scope="col">\(context.t("admin.people.sign_ins.when"))</th>\
            <th scope="col">\(context.t("admin.people.sign_ins.method"))</th>\
            <th scope="col">\(context.t("admin.people.sign_ins.second_factor"))</th>\
            <th scope="col">\(context.t("admin.people.sign_ins.address"))</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
        return """
            <h3 id="second-factor">\(context.t("admin.people.second_factor.title"))</h3>
            <p>\(context.t(model.secondFactorOn ? "admin.people.second_factor.on" : "admin.people.second_factor.off"))</p>
            \(reset)
            <h3>\(context.t("admin.people.identities.title"))</h3>
            \(identities)
            <h3>\(context.t("admin.people.sign_ins.title"))</h3>
            \(table)
            """
    }

    private static func tokens(_ model: Model, base: String, context: PageContext) -> HTML {
        let refused = model.refused("token")
        let problems = refused?.problems ?? []
        let rows = model.tokens.map { token -> HTML in
            let action: HTML = token.revokedAt == nil ? """
                <form method="post" action="\(base)/tokens/\(String(token.id))/revoke">\(Components.csrf(context))\
                <button type="submit" class="button button-secondary" \
                aria-label="\(context.t("admin.tokens.revoke_label", ["name": token.name]))">\
                \(context.t("admin.tokens.revoke"))</button></form>
                """ : "—"
            return AdminTokensPage.cells(token, owner: nil, action: action, now: model.now, context: context)
        }
        let table: HTML = model.tokens.isEmpty ? "<p>\(context.t("admin.tokens.none"))</p>" : """
            <div class="table-scroll wide-table" role="region" tabindex="0" aria-labelledby="tokens-caption">
            <table><caption id="tokens-caption">\(context.t("admin.tokens.person_caption", ["name": model.person.displayName]))</caption>
            \(AdminTokensPage.header(owner: false, context: context))
            <tbody>\(rows)</tbody></table></div>
            """
        let create: HTML = model.person.disabled ? "<p>\(context.t("admin.tokens.owner_disabled"))</p>" : """
            <form method="post" action="\(base)/tokens" class="form" novalidate>
            \(Components.csrf(context))
            <h3>\(context.t("admin.tokens.create_title"))</h3>
            \(AdminTokensPage.fields(values: refused?.values ?? [:], problems: problems, context: context))
            <button type="submit" class="button">\(context.t("admin.tokens.create"))</button>
            </form>
            """
        return """
            <h2 id="tokens">\(context.t("admin.tokens.title"))</h2>
            \(table)
            \(create)
            """
    }
}
