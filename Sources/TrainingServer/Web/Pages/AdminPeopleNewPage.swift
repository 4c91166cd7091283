import Foundation

/// Adding a person: login, name, employee number, department (one in scope), and roles each on a department in
/// scope. The account starts without a usable password; the person's page then offers a password link.
public enum AdminPersonNewPage {
    /// The roles granted here (learner comes with every account).
    public static let grantableRoles: [Role] = [.trainer, .hr, .admin]
    /// The fields in the order of the form, for the error summary.
    static let fieldOrder = ["login", "name", "employee_number", "department", "job_category", "email"]
        + grantableRoles.map { "role_\($0.rawValue)_department" }

    /// What the administrator typed.
    public struct Form: Sendable {
        public var login = ""
        public var name = ""
        public var employeeNumber = ""
        public var department = ""
        public var jobCategory = ""
        public var email = ""
        public var roles: Set<Role> = []
        /// Each ticked role's department id as given ("" means the person's own department).
        public var roleDepartments: [Role: String] = [:]

        public init() {}

        public init(_ form: Parameters) {
            func text(_ name: String) -> String { (form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
            login = text("login")
            name = text("name")
            employeeNumber = text("employee_number")
            department = text("department")
            jobCategory = text("job_category")
            email = text("email")
            for role in AdminPersonNewPage.grantableRoles {
                if form["role_\(role.rawValue)"] != nil { roles.insert(role) }
                roleDepartments[role] = text("role_\(role.rawValue)_department")
            }
        }
    }

    public struct Model: Sendable {
        public var form: Form
        public var problems: [AccountProblem]
        public var scope: AdminScope
        /// Job categories in use in scope, offered as the category field's suggestions.
        public var categories: [String] = []

        public init(form: Form, problems: [AccountProblem], scope: AdminScope) {
            self.form = form
            self.problems = problems
            self.scope = scope
        }
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String) -> HTML {
        let title = context.t("admin.people.new.title")
        let form = model.form
        let problems = model.problems
        let roles = grantableRoles.map { role -> HTML in
            let checked: HTML = form.roles.contains(role) ? " checked" : .empty
            return """
                <div class="field choice"><input type="checkbox" id="role_\(role.rawValue)" name="role_\(role.rawValue)" value="1"\(checked)>\
                <label for="role_\(role.rawValue)">\(AdminPeopleFields.roleName(role, context))</label></div>
                \(AdminPeopleFields.department("role_\(role.rawValue)_department",
                                               label: context.t("admin.people.new.role_department",
                                                                ["role": AdminPeopleFields.roleName(role, context)]),
                                               empty: context.t("admin.people.new.role_own_department"),
                                               selected: form.roleDepartments[role] ?? "", scope: model.scope, problems,
                                               context: context))
                """
        }
        let body: HTML = """
            <h1>\(title)</h1>
            <p>\(context.t("admin.people.new.intro"))</p>
            \(AdminPeopleFields.summary(problems, context: context))
            <form method="post" action="/admin/people/new" class="form" novalidate>
            \(Components.csrf(context))
            \(AdminPeopleFields.text("login", label: context.t("admin.people.field.login"),
                                     hint: context.t("admin.people.field.login_hint"), value: form.login, maxLength: 100,
                                     required: true, problems, context: context))
            \(AdminPeopleFields.text("name", label: context.t("admin.people.field.name"), value: form.name, maxLength: 200,
                                     required: true, problems, context: context))
            \(AdminPeopleFields.text("employee_number", label: context.t("admin.people.field.employee_number"),
                                     hint: context.t("admin.people.field.employee_number_hint"), value: form.employeeNumber,
                                     maxLength: PeopleAdministration.employeeNumberLimit, problems, context: context))
            \(AdminPeopleFields.department("department", label: context.t("admin.people.field.department"),
                                           empty: context.t("admin.people.field.department_choose"), selected: form.department,
                                           scope: model.scope, problems, context: context))
            \(AdminPeopleFields.attributes(jobCategory: form.jobCategory, email: form.email, categories: model.categories,
                                           problems, context: context))
            <fieldset class="field"><legend>\(context.t("admin.people.new.roles"))</legend>
            <p class="hint">\(context.t("admin.people.new.roles_hint"))</p>
            \(roles)
            </fieldset>
            <div class="button-row"><button type="submit" class="button">\(context.t("admin.people.new.submit"))</button>
            <a href="/admin/people">\(context.t("admin.people.cancel"))</a></div>
            </form>
            """
        return AdminFrame.page(title: title, section: .people, trail: [(title, nil)], context: context,
                               stylesheet: stylesheet, body: body)
    }
}
