import Curriculum
import Foundation

/// Training plans in the browser for planners (HR and admin grants): the assignments they may follow up, the form
/// to assign a course or programme (checked first: how many people it reaches), one assignment with its members'
/// statuses, and withdrawing. Anything outside the planner's scope is "not found".
struct PlanController {
    let context: ControllerContext

    func register(in router: inout Router) {
        router.get("/plans", index)
        router.get("/plans/new", newForm)
        router.post("/plans/new", create)
        router.get("/plans/:assignment", show)
        router.post("/plans/:assignment/withdraw", withdraw)
    }

    private func words(_ page: PageContext, _ scope: PlanScope) -> PlanWords {
        // Departments in the scope and those above it (their names are in every path of the scope anyway).
        let named = scope.departments.filter { entry in
            scope.isVisible(entry.value) || scope.access.prefixes.contains { $0.hasPrefix(entry.value.idPath) }
        }
        return PlanWords(context: page, catalogue: context.catalogue.catalogue, departments: named)
    }

    private func index(_ request: Request) throws -> Response {
        let scope = try context.planScope(request)
        let page = context.page(request)
        let service = context.assignments
        let lines = try service.visible(scope: scope).map { assignment in
            PlansListPage.Line(assignment: assignment, counts: try service.statusCounts(of: assignment, scope: scope),
                               canChange: scope.canChange(assignment))
        }
        let notice: String? = request.query["done"] == "withdrawn" ? page.t("plans.done.withdrawn") : nil
        let model = PlansListPage.Model(active: lines.filter { !$0.assignment.isWithdrawn },
                                        withdrawn: lines.filter(\.assignment.isWithdrawn), notice: notice)
        return Response.html(PlansListPage.render(model, words: words(page, scope), context: page,
                                                  stylesheet: context.stylesheet).rendered)
    }

    private func newForm(_ request: Request) throws -> Response {
        let scope = try context.planScope(request)
        var draft = AssignmentDraft()
        draft.department = scope.roots.first?.id.description ?? ""
        draft.dueKind = "after_assignment"
        draft.dueDays = "30"
        return try renderForm(request, scope: scope, draft: draft, errors: [], reach: nil, status: .ok)
    }

    private func create(_ request: Request) throws -> Response {
        let scope = try context.planScope(request)
        let form = try request.form()
        let page = context.page(request)
        var draft = AssignmentDraft()
        draft.name = form["name"] ?? ""
        draft.item = form["item"] ?? ""
        draft.required = form["required"] != "0"
        draft.audience = form["audience"] ?? ""
        draft.department = form["department"] ?? ""
        draft.departmentPath = form["department_path"] ?? ""
        draft.includeSubtree = form["include_subtree"] == "1"
        draft.jobCategory = form["job_category"] ?? ""
        draft.people = form["people"] ?? ""
        draft.dueKind = form["due_kind"] ?? ""
        draft.dueDate = form["due_date"] ?? ""
        draft.dueDays = form["due_days"] ?? ""
        let service = context.assignments
        switch try service.check(draft, scope: scope) {
        case .failure(let problems):
            return try renderForm(request, scope: scope, draft: draft, errors: Self.messages(problems, page), reach: nil,
                                  status: .unprocessableContent)
        case .success(let new):
            if form["action"] == "create" {
                let created = try service.repository.create(new, by: AuditActor(scope.user))
                return Response.redirect(to: "/plans/\(created.id)?done=created")
            }
            return try renderForm(request, scope: scope, draft: draft, errors: [], reach: try service.audienceSize(new),
                                  status: .ok)
        }
    }

    private func show(_ request: Request) throws -> Response {
        let scope = try context.planScope(request)
        let assignment = try found(request, scope)
        let page = context.page(request)
        let notice: String? = switch request.query["done"] {
        case "created": page.t("plans.done.created")
        case "withdrawn": page.t("plans.done.withdrawn")
        default: nil
        }
        return try renderDetail(request, assignment, scope: scope, notice: notice, errors: [], status: .ok)
    }

    private func withdraw(_ request: Request) throws -> Response {
        let scope = try context.planScope(request)
        let assignment = try found(request, scope)
        guard scope.canChange(assignment) else { throw HTTPError.notFound }
        // A plan file's assignment follows its file: the page offers no withdraw form, and a POST anyway is refused.
        if let file = assignment.planFile {
            return try renderDetail(request, assignment, scope: scope, notice: nil,
                                    errors: [("confirm", context.page(request).t("plans.detail.from_file",
                                                                                 ["file": "Courses/" + file]))],
                                    status: .conflict)
        }
        guard try request.form()["confirm"] == "1" else {
            return try renderDetail(request, assignment, scope: scope, notice: nil,
                                    errors: [("confirm", context.page(request).t("plans.error.confirm"))],
                                    status: .unprocessableContent)
        }
        _ = try context.planScoped { try context.assignments.withdraw(assignment, scope: scope) }
        return Response.redirect(to: "/plans/\(assignment.id)?done=withdrawn")
    }

    private func found(_ request: Request, _ scope: PlanScope) throws -> Assignment {
        try context.planScoped { try context.assignments.visible(try request.parameter("assignment"), scope: scope) }
    }

    private func renderDetail(_ request: Request, _ assignment: Assignment, scope: PlanScope, notice: String?,
                              errors: [(field: String, message: String)], status: HTTPStatus) throws -> Response {
        let page = context.page(request)
        let creator = try assignment.createdBy.flatMap { try context.users.find(id: $0) }.flatMap { scope.includes($0) ? $0 : nil }
        let model = PlanDetailPage.Model(assignment: assignment,
                                         counts: try context.assignments.statusCounts(of: assignment, scope: scope),
                                         canChange: scope.canChange(assignment), createdBy: creator?.displayName,
                                         notice: notice, errors: errors)
        var response = Response.html(PlanDetailPage.render(model, words: words(page, scope), context: page,
                                                           stylesheet: context.stylesheet).rendered)
        response.status = status
        return response
    }

    private func renderForm(_ request: Request, scope: PlanScope, draft: AssignmentDraft,
                            errors: [(field: String, message: String)], reach: Int?, status: HTTPStatus) throws -> Response {
        let page = context.page(request)
        let catalogue = context.catalogue.catalogue
        let items = catalogue.courses.map { (value: "course:\($0.id.rawValue)", label: page.t("plans.item.course", ["title": $0.title.t(page)])) }
            + catalogue.programs.map { (value: "program:\($0.id.rawValue)", label: page.t("plans.item.program", ["title": $0.title.t(page)])) }
        let model = PlanNewPage.Model(items: items, departments: scope.visibleDepartments,
                                      categories: try context.assignments.repository.jobCategories(within: scope.access),
                                      draft: draft, errors: errors, reach: reach)
        var response = Response.html(PlanNewPage.render(model, context: page, stylesheet: context.stylesheet).rendered)
        response.status = status
        return response
    }

    /// The problems as form errors, in the page's language.
    static func messages(_ problems: AssignmentProblems, _ page: PageContext) -> [(field: String, message: String)] {
        problems.problems.map { ($0.field, page.t($0.messageKey, $0.arguments)) }
    }
}
