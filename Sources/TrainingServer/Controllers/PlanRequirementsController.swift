import Foundation

/// Yearly study-hour requirements for planners (anyone with an HR or admin grant), within the subtrees of their
/// grants: the rules in scope with how many people each reaches, add or change one (the same form: a rule is
/// one per department and job category), remove one. A department or rule outside the scope is "not found".
struct PlanRequirementsController {
    let context: ControllerContext

    func register(in router: inout Router) {
        router.get("/plans/requirements") { request in
            let viewer = try planner(request)
            return try render(request, viewer: viewer, done: PlanRequirementsPage.done(request.query["done"]),
                              problems: [], values: [:], status: .ok)
        }
        router.post("/plans/requirements", set)
        router.post("/plans/requirements/:rule/remove", remove)
    }

    /// The signed-in planner and what they may see (403 for anyone else; anonymous people sign in first).
    private func planner(_ request: Request) throws -> PlanScope { try context.planScope(request) }

    private func render(_ request: Request, viewer: PlanScope, done: String?, problems: [PlanRequirementsPage.Problem],
                        values: [String: String], status: HTTPStatus) throws -> Response {
        let repository = context.yearlyRequirements
        let rules = YearlyRequirementRules(rules: try repository.all(), global: context.configuration.yearlyRequiredHours)
        // The rules set in scope, and those above it that reach people in it (shown, not changeable).
        let shown = rules.rules.filter { rule in
            guard let department = viewer.departments[rule.departmentID] else { return false }
            return viewer.isVisible(department) || viewer.roots.contains { department.contains($0) }
        }
        let reach = try repository.reach(in: viewer.access).count(rules, departments: viewer.departments)
        let model = PlanRequirementsPage.Model(
            rules: shown.map { rule in
                PlanRequirementsPage.Line(rule: rule, department: viewer.departments[rule.departmentID],
                                          changeable: viewer.isVisible(rule.departmentID),
                                          people: reach.byRule[rule.id] ?? 0)
            },
            global: rules.global, globalPeople: reach.global, departments: viewer.visibleDepartments,
            categories: try repository.categories(in: viewer.access, limit: 200), done: done, problems: problems,
            values: values)
        return Response.html(PlanRequirementsPage.render(model, context: context.page(request),
                                                         stylesheet: context.stylesheet).rendered, status: status)
    }

    private func set(_ request: Request) throws -> Response {
        let viewer = try planner(request)
        let form = try request.form()
        func text(_ name: String) -> String { (form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        let values = ["department": text("department"), "job_category": text("job_category"), "hours": text("hours")]
        var problems: [PlanRequirementsPage.Problem] = []
        var department: Department?
        let raw = values["department"] ?? ""
        if raw.isEmpty {
            problems.append(.init(field: "department", reason: .departmentMissing))
        } else if raw.allSatisfy({ $0.isASCII && $0.isNumber }) {
            // A department outside the scope (or none) is not found, as everywhere.
            guard let found = viewer.visibleDepartment(named: raw) else { throw HTTPError.notFound }
            department = found
        } else {
            let names = raw.split(separator: "/").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let found = viewer.departments.values.first(where: { $0.namePath == names }), viewer.isVisible(found) else {
                throw HTTPError.notFound
            }
            department = found
        }
        var category: String?
        do {
            category = try JobCategory.normalized(values["job_category"] ?? "")
        } catch .tooLong {
            problems.append(.init(field: "job_category", reason: .categoryTooLong))
        } catch {
            problems.append(.init(field: "job_category", reason: .categoryControlCharacter))
        }
        let hours = RequirementHours.parse(values["hours"] ?? "")
        if hours == nil { problems.append(.init(field: "hours", reason: .hoursInvalid)) }
        guard problems.isEmpty, let department, let hours else {
            return try render(request, viewer: viewer, done: nil, problems: problems, values: values,
                              status: .unprocessableContent)
        }
        let change = try context.yearlyRequirements.set(department: department, jobCategory: category, hours: hours,
                                                        by: AuditActor(viewer.user))
        return Response.redirect(to: "/plans/requirements?done=\(change.rawValue)")
    }

    private func remove(_ request: Request) throws -> Response {
        let viewer = try planner(request)
        let raw: String = try request.parameter("rule")
        let repository = context.yearlyRequirements
        guard raw.allSatisfy({ $0.isASCII && $0.isNumber }), let id = Int64(raw),
              let rule = try repository.all().first(where: { $0.id == id }),
              let department = viewer.departments[rule.departmentID], viewer.isVisible(department) else {
            throw HTTPError.notFound
        }
        _ = try repository.remove(id: rule.id, by: AuditActor(viewer.user))
        return Response.redirect(to: "/plans/requirements?done=removed")
    }
}

extension ControllerContext {
    /// The yearly requirement rules and people's own requirements.
    var yearlyRequirements: any YearlyRequirementRepository { storage.yearlyRequirements }
}
