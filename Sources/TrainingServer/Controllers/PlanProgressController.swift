import Curriculum
import Foundation

/// An assignment's progress for planners (`/plans/{id}/progress`, `.csv`, `.json`): counts by department within
/// the planner's scope (`?department=ID` drills down; a department outside the scope is 404), the overdue
/// people, and every member in the exports. Counting is SQL over `AssignmentEvidence`'s status expression.
struct PlanProgressController {
    let context: ControllerContext

    func register(in router: inout Router) {
        router.get("/plans/:plan/progress", show)
        router.get("/plans/:plan/progress.csv") { request in try export(request, format: .csv) }
        router.get("/plans/:plan/progress.json") { request in try export(request, format: .json) }
    }

    private var progress: any AssignmentProgressRepository { context.storage.assignmentProgress }

    /// The assignment, the planner's view, the department asked for (nil: the tops of the scope, or the one top
    /// when there is only one) and the breakdown there.
    private func report(_ request: Request) throws -> (PlanScope, Assignment, PlanProgressBreakdown,
                                                       PlanStatusRule, [String]) {
        let scope = try context.planScope(request)
        let assignment = try context.plannedAssignment(try request.parameter("plan"), scope: scope)
        var department = try context.planScoped { try scope.department(request.query["department"]) }
        if department == nil, scope.roots.count == 1 { department = scope.roots.first }
        let status = context.planStatusRule(assignment)
        let prefixes = department.map { [$0.idPath] } ?? scope.access.prefixes
        let counts = try progress.counts(assignment: assignment.id.rawValue, in: prefixes, status: status)
        let breakdown = PlanProgressBreakdown(department: department, roots: scope.roots,
                                              children: department.map(scope.children(of:)) ?? [], counts: counts,
                                              departments: scope.departments)
        return (scope, assignment, breakdown, status, prefixes)
    }

    private func show(_ request: Request) throws -> Response {
        let (scope, assignment, breakdown, status, prefixes) = try report(request)
        let size = PlanProgressPage.pageSize
        var page = max(1, request.query["page"].flatMap { Int($0) } ?? 1)
        let pages = max(1, (breakdown.total.overdue + size - 1) / size)
        page = min(page, pages)
        let (overdue, overdueTotal) = try progress.members(assignment: assignment.id.rawValue, in: prefixes, status: status,
                                                           wanted: .overdue, limit: size, offset: (page - 1) * size)
        let pageContext = context.page(request)
        var model = PlanProgressPage.Model(
            assignment: assignment, itemTitle: context.planItemTitle(assignment, pageContext), breakdown: breakdown,
            trail: breakdown.department.map(scope.trail(to:)) ?? [], overdue: overdue,
            overdueTotal: overdueTotal, page: page, departments: scope.departments,
            today: context.planToday.description)
        model.singleTop = scope.roots.count == 1
        return Response.html(PlanProgressPage.render(model, context: pageContext, stylesheet: context.stylesheet).rendered)
    }

    private func export(_ request: Request, format: AssignmentProgressExport.Format) throws -> Response {
        let (scope, assignment, breakdown, status, prefixes) = try report(request)
        let page = context.page(request)
        let codes = HRController.value(request.query["codes"]).map { ["1", "true", "yes"].contains($0.lowercased()) } ?? false
        let departments = scope.departments
        let header = AssignmentProgressExport.Header(
            assignment: assignment.id.rawValue, name: assignment.name, item: assignment.item.id,
            itemKind: assignment.item.kind.rawValue, today: context.planToday.description, department: breakdown.department?.id.rawValue,
            rows: breakdown.rows.map { row in
                .init(department: row.department.id.rawValue, path: row.department.displayPath, subtree: row.subtree,
                      members: row.counts.members, counts: row.counts)
            }, total: breakdown.total)
        let columns = ["name", "login", "employee_number", "department", "status", "due_day", "extended_day", "exempt"]
        let progress = self.progress
        let stream = AssignmentProgressExport(
            format: format, header: header,
            columns: codes ? columns : columns.map { page.t("plans.progress.csv.\($0)") },
            statusName: { codes ? $0.rawValue : page.t("plans.status.\($0.rawValue)") },
            departmentPath: { departments[$0]?.displayPath ?? "" }) { after, limit in
                try progress.page(assignment: assignment.id.rawValue, in: prefixes, status: status, after: after, limit: limit)
            }
        try context.audit.append(AuditEvent(action: "report.export", subject: "assignment:\(assignment.id.rawValue)",
                                            details: ["assignment": String(assignment.id.rawValue),
                                                      "department": breakdown.department.map { String($0.id.rawValue) } ?? "",
                                                      "format": format.rawValue, "channel": "web"]),
                                 by: AuditActor(scope.user))
        let name = "assignment-\(assignment.id.rawValue)-\(context.planToday).\(format.rawValue)"
        return Response(status: .ok, headers: HTTPHeaders([("Content-Type", format.contentType),
                                                           ("Content-Disposition", HRController.attachment(name))]),
                        body: .stream(stream))
    }
}

extension ControllerContext {
    /// The rule of the member status of `assignment` today, for counting statuses in the database.
    func planStatusRule(_ assignment: Assignment) -> PlanStatusRule {
        PlanStatusRule(item: assignment.item, catalogue: catalogue.catalogue, today: planToday)
    }

    /// The assignments (not withdrawn) an HR reader follows up, by name.
    func plannedAssignments(_ viewer: ReportViewer) throws -> [Assignment] {
        let scope = PlanScope(user: viewer.user, departments: Array(viewer.departments.values))
        return try assignments.visible(scope: scope).filter { !$0.isWithdrawn }
            .sorted { ($0.name, $0.id.rawValue) < ($1.name, $1.id.rawValue) }
    }

    /// The people filter "overdue for assignment `id`"; `notFound` for one the reader cannot follow up.
    func planOverdueFilter(_ id: Int64, viewer: ReportViewer) throws(ReportFailure) -> PlanOverdueFilter {
        let scope = PlanScope(user: viewer.user, departments: Array(viewer.departments.values))
        guard let assignment = try? assignments.visible(String(id), scope: scope) else { throw .notFound }
        return PlanOverdueFilter(assignmentID: id, rule: planStatusRule(assignment))
    }
}
