import Foundation

/// People in the administrator's scope: the list (search, filters, sort, pages), adding a person, and a person's
/// page with their details, roles, state, sign-in lock and API tokens. Anyone outside the scope is "not found".
struct AdminPeopleController {
    let context: ControllerContext

    var service: PeopleAdministration {
        PeopleAdministration(storage: context.storage, users: context.users, audit: context.audit,
                             throttle: context.throttle.policy, clock: context.clock)
    }

    var tokens: APITokenService { APITokenService(tokens: context.apiTokens, clock: context.clock) }

    var staffAttributes: StaffAttributes { StaffAttributes(storage: context.storage) }

    func register(in router: inout Router) {
        router.get("/admin/people", list)
        router.get("/admin/people/new") { request in
            let scope = try context.adminScope(request)
            return try newPage(request, scope: scope, form: AdminPersonNewPage.Form(), problems: [], status: .ok)
        }
        router.post("/admin/people/new", add)
        router.get("/admin/people/:user") { request in
            let (scope, person) = try person(request)
            let done = request.query["done"].flatMap(AdminPersonPage.Done.init(rawValue:))
            return try personPage(request, scope: scope, person: person, done: done, failure: nil, status: .ok)
        }
        router.post("/admin/people/:user/details", details)
        router.post("/admin/people/:user/roles", grant)
        router.post("/admin/people/:user/roles/withdraw", withdraw)
        router.post("/admin/people/:user/state", state)
        router.post("/admin/people/:user/unlock", unlock)
        router.post("/admin/people/:user/second-factor/reset", resetSecondFactor)
        router.post("/admin/people/:user/tokens", createToken)
        router.post("/admin/people/:user/tokens/:token/revoke", revokeToken)
        // The token list across people belongs with them.
        AdminTokensController(context: context).register(in: &router)
    }

    // MARK: List and add

    private func list(_ request: Request) throws -> Response {
        let scope = try context.adminScope(request)
        let (query, problems) = PeopleListQuery.parse(request.query)
        let filter = try context.adminScoped { try query.filter(in: scope) }
        var result: AdminPeoplePage.Result?
        if problems.isEmpty {
            let accounts = service.accounts
            let total = try accounts.countAccounts(filter)
            let pages = max(1, (total + PeopleListQuery.pageSize - 1) / PeopleListQuery.pageSize)
            let page = min(query.page, pages)
            let lines = try accounts.accounts(filter, limit: PeopleListQuery.pageSize,
                                              offset: (page - 1) * PeopleListQuery.pageSize)
            result = AdminPeoplePage.Result(lines: lines, total: total, page: page, pages: pages)
        }
        let department = try? scope.department(chosen: query.department)
        var model = AdminPeoplePage.Model(query: query, problems: problems, result: result, scope: scope,
                                          department: department)
        model.categories = try context.yearlyRequirements.categories(in: scope.access, limit: 200)
        return Response.html(AdminPeoplePage.render(model, context: context.page(request), stylesheet: context.stylesheet).rendered)
    }

    private func add(_ request: Request) throws -> Response {
        let scope = try context.adminScope(request)
        let form = AdminPersonNewPage.Form(try request.form())
        var problems: [AccountProblem] = []
        // A department or a role's department outside the scope is refused like a missing one: nothing about it is told.
        let department = try? scope.department(chosen: form.department)
        if department == nil && !form.department.isEmpty {
            problems.append(AccountProblem(field: "department", reason: .departmentMissing))
        }
        var grants: [RoleGrant] = []
        for role in AdminPersonNewPage.grantableRoles where form.roles.contains(role) {
            let field = "role_\(role.rawValue)_department"
            let raw = form.roleDepartments[role] ?? ""
            if raw.isEmpty, let department {
                grants.append(RoleGrant(role: role, departmentID: department.id))
            } else if let chosen = try? scope.department(chosen: raw) {
                grants.append(RoleGrant(role: role, departmentID: chosen.id))
            } else {
                problems.append(AccountProblem(field: field, reason: .departmentMissing))
            }
        }
        let person = PeopleAdministration.NewPerson(login: form.login, name: form.name,
                                                    employeeNumber: form.employeeNumber.isEmpty ? nil : form.employeeNumber,
                                                    departmentID: department?.id, grants: grants)
        problems = try service.problems(person).filter { problem in !problems.contains { $0.field == problem.field } } + problems
        let attributes = StaffAttributes.check(jobCategory: form.jobCategory, email: form.email)
        problems += attributes.problems
        guard problems.isEmpty else {
            return try newPage(request, scope: scope, form: form, problems: Self.ordered(problems, AdminPersonNewPage.fieldOrder),
                           status: .unprocessableContent)
        }
        let user = try context.requireUser(request)
        do {
            let created = try service.add(person, by: AuditActor(user))
            try staffAttributes.apply(jobCategory: attributes.jobCategory, email: attributes.email, to: created,
                                      by: AuditActor(user))
            return Response.redirect(to: "/admin/people/\(created.id)?done=created")
        } catch let failure as AccountProblems {
            return try newPage(request, scope: scope, form: form, problems: failure.problems, status: .unprocessableContent)
        }
    }

    private func newPage(_ request: Request, scope: AdminScope, form: AdminPersonNewPage.Form, problems: [AccountProblem],
                         status: HTTPStatus) throws -> Response {
        var model = AdminPersonNewPage.Model(form: form, problems: problems, scope: scope)
        model.categories = try context.yearlyRequirements.categories(in: scope.access, limit: 200)
        return Response.html(AdminPersonNewPage.render(model, context: context.page(request), stylesheet: context.stylesheet).rendered,
                             status: status)
    }

    static func ordered(_ problems: [AccountProblem], _ fields: [String]) -> [AccountProblem] {
        problems.sorted { (fields.firstIndex(of: $0.field) ?? fields.count) < (fields.firstIndex(of: $1.field) ?? fields.count) }
    }

    // MARK: A person

    /// The administrator's scope and the person the path names, or 404 when the person is not in it.
    private func person(_ request: Request) throws -> (AdminScope, User) {
        let scope = try context.adminScope(request)
        let raw: String = try request.parameter("user")
        guard raw.allSatisfy({ $0.isASCII && $0.isNumber }), let id = Int64(raw),
              let person = try context.users.find(id: UserID(rawValue: id)), scope.manages(person) else {
            throw HTTPError.notFound
        }
        return (scope, person)
    }

    /// The person's page; `failure` is the form that was refused, with what the administrator typed.
    private func personPage(_ request: Request, scope: AdminScope, person: User, done: AdminPersonPage.Done?,
                            failure: AdminPersonPage.Failure?, status: HTTPStatus) throws -> Response {
        let accounts = service.accounts
        let viewer = ReportViewer(user: scope.user, departments: Array(scope.departments.values))
        var model = AdminPersonPage.Model(
            person: person, scope: scope, stateChanges: try accounts.stateChanges(of: person.id),
            lastSignIn: try accounts.lastSignIn(of: person.id), throttled: try service.isThrottled(person),
            tokens: try tokens.list(person), now: context.clock(),
            hrRecord: scope.departments[person.departmentID].map(viewer.isVisible) ?? false,
            done: done, failure: failure)
        model.email = try staffAttributes.email(of: person)
        model.categories = try context.yearlyRequirements.categories(in: scope.access, limit: 200)
        model.secondFactorOn = try context.secondFactors.status(of: person.id).isOn
        model.externalIdentities = try context.storage.externalIdentities.subjects(of: person.id)
        model.signIns = try context.sessions.signIns(userID: person.id, limit: 5)
        model.localPasswords = context.configuration.identity.localPasswords
        return Response.html(AdminPersonPage.render(model, context: context.page(request), stylesheet: context.stylesheet).rendered,
                             status: status)
    }

    /// Answers a refused form: the person's page again, 422, with the problems and what was typed.
    private func refused(_ request: Request, scope: AdminScope, person: User, form: String, problems: [AccountProblem],
                         values: [String: String]) throws -> Response {
        try personPage(request, scope: scope, person: person, done: nil,
                       failure: AdminPersonPage.Failure(form: form, problems: problems, values: values),
                       status: .unprocessableContent)
    }

    private func details(_ request: Request) throws -> Response {
        let (scope, person) = try person(request)
        let form = try request.form()
        let values = ["name": Self.text(form["name"]), "employee_number": Self.text(form["employee_number"]),
                      "department": Self.text(form["department"]), "job_category": Self.text(form["job_category"]),
                      "email": Self.text(form["email"])]
        guard let department = try? scope.department(chosen: values["department"]) else {
            return try refused(request, scope: scope, person: person, form: "details",
                               problems: [AccountProblem(field: "department", reason: .departmentMissing)], values: values)
        }
        let number = values["employee_number"] ?? ""
        let attributes = StaffAttributes.check(jobCategory: values["job_category"] ?? "", email: values["email"] ?? "")
        do {
            // Everything is checked before anything is stored.
            let problems = try service.detailProblems(name: values["name"] ?? "", employeeNumber: number.isEmpty ? nil : number,
                                                      of: person.id) + attributes.problems
            guard problems.isEmpty else { throw AccountProblems(problems) }
            try service.edit(person, name: values["name"] ?? "", employeeNumber: number.isEmpty ? nil : number,
                             departmentID: department.id, by: AuditActor(scope.user))
            try staffAttributes.apply(jobCategory: attributes.jobCategory, email: attributes.email, to: person,
                                      by: AuditActor(scope.user))
        } catch let failure as AccountProblems {
            return try refused(request, scope: scope, person: person, form: "details", problems: failure.problems, values: values)
        }
        return Response.redirect(to: "/admin/people/\(person.id)?done=saved")
    }

    private func grant(_ request: Request) throws -> Response {
        let (scope, person) = try person(request)
        let form = try request.form()
        let values = ["grant_role": Self.text(form["grant_role"]), "grant_department": Self.text(form["grant_department"])]
        var problems: [AccountProblem] = []
        let role = values["grant_role"].flatMap(Role.init(rawValue:))
        if role == nil || role == .learner { problems.append(AccountProblem(field: "grant_role", reason: .roleMissing)) }
        let department = try? scope.department(chosen: values["grant_department"])
        if department == nil { problems.append(AccountProblem(field: "grant_department", reason: .departmentMissing)) }
        guard problems.isEmpty, let role, let department else {
            return try refused(request, scope: scope, person: person, form: "grant", problems: problems, values: values)
        }
        let changed = try service.grant(RoleGrant(role: role, departmentID: department.id), to: person, by: AuditActor(scope.user))
        return Response.redirect(to: "/admin/people/\(person.id)?done=\(changed ? "granted" : "unchanged")")
    }

    private func withdraw(_ request: Request) throws -> Response {
        let (scope, person) = try person(request)
        let form = try request.form()
        // Only a grant on a department in scope can be withdrawn here; one already gone (a second click) is no change.
        guard let role = form["role"].flatMap(Role.init(rawValue:)), role != .learner,
              let department = try? scope.department(form["department"]) else {
            throw HTTPError.notFound
        }
        guard person.grants.contains(RoleGrant(role: role, departmentID: department.id)) else {
            return Response.redirect(to: "/admin/people/\(person.id)?done=unchanged")
        }
        do {
            try service.withdraw(RoleGrant(role: role, departmentID: department.id), from: person, by: AuditActor(scope.user))
        } catch let failure as AccountProblems {
            return try refused(request, scope: scope, person: person, form: "roles", problems: failure.problems, values: [:])
        }
        return Response.redirect(to: "/admin/people/\(person.id)?done=withdrawn")
    }

    private func state(_ request: Request) throws -> Response {
        let (scope, person) = try person(request)
        let form = try request.form()
        let reason = Self.text(form["reason"])
        // The form says which state it asks for, so a second click after the first took effect changes nothing.
        guard let wanted = form["disabled"], wanted == "1" || wanted == "0" else { throw HTTPError.badRequest("Missing state") }
        let disable = wanted == "1"
        guard disable != person.disabled else { return Response.redirect(to: "/admin/people/\(person.id)?done=unchanged") }
        if disable && person.id == scope.user.id {
            throw HTTPError.badRequest("You cannot disable your own account")
        }
        do {
            try service.setDisabled(disable, person, reason: reason, reasonRequired: true, by: AuditActor(scope.user))
        } catch let failure as AccountProblems {
            return try refused(request, scope: scope, person: person, form: "state", problems: failure.problems,
                               values: ["reason": reason])
        }
        return Response.redirect(to: "/admin/people/\(person.id)?done=\(disable ? "disabled" : "enabled")")
    }

    private func unlock(_ request: Request) throws -> Response {
        let (scope, person) = try person(request)
        try service.unlock(person, by: AuditActor(scope.user))
        return Response.redirect(to: "/admin/people/\(person.id)?done=unlocked")
    }

    /// Resets the person's two-step sign-in (a lost phone): audited with the reason; where their role requires
    /// it, they set it up again at their next sign-in.
    private func resetSecondFactor(_ request: Request) throws -> Response {
        let (scope, person) = try person(request)
        let reason = Self.text(try request.form()["second_factor_reason"])
        let problem: AccountProblem.Reason? = reason.isEmpty ? .reasonMissing
            : reason.count > PeopleAdministration.reasonLimit ? .reasonTooLong : nil
        if let problem {
            return try refused(request, scope: scope, person: person, form: "second_factor",
                               problems: [AccountProblem(field: "second_factor_reason", reason: problem)],
                               values: ["second_factor_reason": reason])
        }
        guard try context.secondFactors.reset(person.id, reason: reason, by: AuditActor(scope.user)) else {
            return Response.redirect(to: "/admin/people/\(person.id)?done=unchanged")
        }
        return Response.redirect(to: "/admin/people/\(person.id)?done=second_factor_reset")
    }

    private func createToken(_ request: Request) throws -> Response {
        let (scope, person) = try person(request)
        let form = try request.form()
        let values = ["token_name": Self.text(form["token_name"]), "expires_days": Self.text(form["expires_days"])]
        do {
            let created = try tokens.create(for: person, name: values["token_name"] ?? "",
                                            days: Int(values["expires_days"] ?? "") ?? 0, by: AuditActor(scope.user))
            return AdminTokenCreatedPage.response(created, back: "/admin/people/\(person.id)", context: context.page(request),
                                                  stylesheet: context.stylesheet)
        } catch let failure as AccountProblems {
            return try refused(request, scope: scope, person: person, form: "token", problems: failure.problems, values: values)
        }
    }

    private func revokeToken(_ request: Request) throws -> Response {
        let (scope, person) = try person(request)
        let raw: String = try request.parameter("token")
        guard let id = Int64(raw), let token = try tokens.find(id), token.userID == person.id else { throw HTTPError.notFound }
        let changed = try tokens.revoke(token, by: AuditActor(scope.user))
        return Response.redirect(to: "/admin/people/\(person.id)?done=\(changed ? "revoked" : "unchanged")#tokens")
    }

    /// A form value trimmed of surrounding white space ("" when missing).
    static func text(_ value: String?) -> String { (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
}
