import Curriculum
import GRDB
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

    private var progress: SQLiteAssignmentProgress { SQLiteAssignmentProgress(store: context.store) }

    /// The assignment, the planner's view, the department asked for (nil: the tops of the scope, or the one top
    /// when there is only one) and the breakdown there.
    private func report(_ request: Request) throws -> (User, ReportViewer, PlanAssignmentHeading, PlanProgressBreakdown,
                                                       SQLiteAssignmentProgress.Status, [String]) {
        let (user, viewer) = try context.planner(request)
        let assignment = try context.plannedAssignment(try request.parameter("plan"), viewer: viewer)
        var department = try context.reporting { try viewer.department(HRController.value(request.query["department"])) }
        if department == nil, viewer.roots.count == 1 { department = viewer.roots.first }
        let status = try context.planStatusSQL(assignment)
        let prefixes = department.map { [$0.idPath] } ?? viewer.scope.prefixes
        let counts = try progress.counts(assignment: assignment.id, in: prefixes, status: status)
        let breakdown = PlanProgressBreakdown(department: department, roots: viewer.roots,
                                              children: department.map(viewer.children(of:)) ?? [], counts: counts,
                                              departments: viewer.departments)
        return (user, viewer, assignment, breakdown, status, prefixes)
    }

    private func show(_ request: Request) throws -> Response {
        let (_, viewer, assignment, breakdown, status, prefixes) = try report(request)
        let size = PlanProgressPage.pageSize
        var page = max(1, request.query["page"].flatMap { Int($0) } ?? 1)
        let pages = max(1, (breakdown.total.overdue + size - 1) / size)
        page = min(page, pages)
        let (overdue, overdueTotal) = try progress.members(assignment: assignment.id, in: prefixes, status: status,
                                                           wanted: .overdue, limit: size, offset: (page - 1) * size)
        let pageContext = context.page(request)
        let model = PlanProgressPage.Model(
            assignment: assignment, itemTitle: context.planItemTitle(assignment, pageContext), breakdown: breakdown,
            trail: breakdown.department.map(viewer.trail(to:)) ?? [], overdue: overdue,
            overdueTotal: overdueTotal, page: page, departments: viewer.departments,
            today: context.planExtensions.today.description)
        return Response.html(PlanProgressPage.render(model, context: pageContext, stylesheet: context.stylesheet).rendered)
    }

    private func export(_ request: Request, format: AssignmentProgressExport.Format) throws -> Response {
        let (user, viewer, assignment, breakdown, status, prefixes) = try report(request)
        let page = context.page(request)
        let codes = HRController.value(request.query["codes"]).map { ["1", "true", "yes"].contains($0.lowercased()) } ?? false
        let departments = viewer.departments
        let header = AssignmentProgressExport.Header(
            assignment: assignment.id, name: assignment.name, item: assignment.itemID, itemKind: assignment.itemKind,
            today: context.planExtensions.today.description, department: breakdown.department?.id.rawValue,
            rows: breakdown.rows.map { row in
                .init(department: row.department.id.rawValue, path: row.department.displayPath, subtree: row.subtree,
                      members: row.counts.members, counts: row.counts)
            }, total: breakdown.total)
        let columns = ["name", "login", "employee_number", "department", "status", "due_day", "extended_day", "exempt"]
        let progress = self.progress
        let stream = AssignmentProgressExport(
            format: format, header: header,
            columns: codes ? columns : columns.map { page.t("plans.progress.csv.\($0)") },
            statusName: { codes ? $0.rawValue : page.t("plans.member.status.\($0.rawValue)") },
            departmentPath: { departments[$0]?.displayPath ?? "" }) { after, limit in
                try progress.page(assignment: assignment.id, in: prefixes, status: status, after: after, limit: limit)
            }
        try context.audit.append(AuditEvent(action: "report.export", subject: "assignment:\(assignment.id)",
                                            details: ["assignment": String(assignment.id),
                                                      "department": breakdown.department.map { String($0.id.rawValue) } ?? "",
                                                      "format": format.rawValue, "channel": "web"]),
                                 by: AuditActor(user))
        let name = "assignment-\(assignment.id)-\(context.planExtensions.today).\(format.rawValue)"
        return Response(status: .ok, headers: HTTPHeaders([("Content-Type", format.contentType),
                                                           ("Content-Disposition", HRController.attachment(name))]),
                        body: .stream(stream))
    }
}

extension ControllerContext {
    /// The member status of `assignment` today as SQL over `assignment_members m`.
    func planStatusSQL(_ assignment: PlanAssignmentHeading) throws -> SQLiteAssignmentProgress.Status {
        let today = planExtensions.today
        let soon = AssignmentExtensions.day(today, plus: 14)
        var done = "0"
        var started = "0"
        var doneArguments: [String] = []
        var startedArguments: [String] = []
        if assignment.itemKind == "program" {
            done = "EXISTS (SELECT 1 FROM certifications c WHERE c.user_id = m.user_id AND c.program_id = ? AND c.state IN ('certified', 'due_for_renewal'))"
            doneArguments = [assignment.itemID]
            started = "EXISTS (SELECT 1 FROM certifications c WHERE c.user_id = m.user_id AND c.program_id = ? AND c.state <> 'not_started')"
            startedArguments = [assignment.itemID]
        } else if let course = catalogue.catalogue.course(CourseID(assignment.itemID)) {
            let modules = course.modules.map(\.id.rawValue)
            var parts = ["(SELECT count(*) FROM module_progress p WHERE p.user_id = m.user_id AND p.course_id = ? AND p.completed_at IS NOT NULL AND p.module_id IN (\(modules.map { _ in "?" }.joined(separator: ", ")))) = \(modules.count)"]
            doneArguments = [course.id.rawValue] + modules
            if let quiz = course.completion.quiz {
                parts.append("EXISTS (SELECT 1 FROM quiz_attempts q WHERE q.user_id = m.user_id AND q.course_id = ? AND q.quiz_id = ? AND q.passed = 1)")
                doneArguments += [course.id.rawValue, quiz.rawValue]
            }
            done = "(" + parts.joined(separator: " AND ") + ")"
            started = "(EXISTS (SELECT 1 FROM module_progress p WHERE p.user_id = m.user_id AND p.course_id = ?) OR EXISTS (SELECT 1 FROM quiz_attempts q WHERE q.user_id = m.user_id AND q.course_id = ?))"
            startedArguments = [course.id.rawValue, course.id.rawValue]
        }
        let sql = """
            (CASE WHEN m.exempt_at IS NOT NULL THEN 'exempt' WHEN \(done) THEN 'done' \
            WHEN coalesce(m.extended_day, m.due_day) < ? THEN 'overdue' WHEN coalesce(m.extended_day, m.due_day) <= ? THEN 'due_soon' \
            WHEN \(started) THEN 'in_progress' ELSE 'not_started' END)
            """
        return (sql, StatementArguments(doneArguments + [today.description, soon.description] + startedArguments))
    }
}

extension ControllerContext {
    /// Whether the planner may follow `assignment` up: anchored inside their scope or above one of its tops.
    func canFollow(_ assignment: PlanAssignmentHeading, viewer: ReportViewer) -> Bool {
        guard let anchor = viewer.departments[assignment.departmentID] else { return false }
        return viewer.isVisible(anchor) || viewer.roots.contains(where: anchor.contains)
    }

    /// The assignments (not withdrawn) the planner follows up, by name.
    func plannedAssignments(_ viewer: ReportViewer) throws -> [PlanAssignmentHeading] {
        try planRequests.openHeadings().filter { canFollow($0, viewer: viewer) }
    }

    /// The people filter "overdue for assignment `id`"; `notFound` for one the reader cannot follow up.
    func planOverdueFilter(_ id: Int64, viewer: ReportViewer) throws(ReportFailure) -> PlanOverdueFilter {
        do {
            guard let assignment = try planRequests.heading(id), canFollow(assignment, viewer: viewer) else { throw ReportFailure.notFound }
            return PlanOverdueFilter(assignmentID: id, status: try planStatusSQL(assignment))
        } catch let failure as ReportFailure {
            throw failure
        } catch {
            throw .notFound
        }
    }
}
