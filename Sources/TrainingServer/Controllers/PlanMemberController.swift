import Curriculum
import Foundation

/// A member of an assignment as a planner sees them (`/plans/{id}/people/{userID}`): their record for this
/// assignment, and the planner's actions on it: exempt with a reason, lift an exemption with a reason, approve or
/// refuse a pending extension request. An assignment the planner cannot see, a person outside their scope or
/// someone who never was a member is "not found" (404). Every change is audited and redirects (303) back.
struct PlanMemberController {
    let context: ControllerContext

    func register(in router: inout Router) {
        router.get("/plans/:plan/people/:user", show)
        router.post("/plans/:plan/people/:user/exempt", exempt)
        router.post("/plans/:plan/people/:user/lift", lift)
        router.post("/plans/:plan/people/:user/requests/:request", decide)
    }

    private func show(_ request: Request) throws -> Response {
        let found = try context.planMember(request)
        let page = context.page(request)
        let notice: String? = switch request.query["done"] {
        case "exempted", "lifted", "approved", "refused": page.t("plans.member.done.\(request.query["done"] ?? "")")
        default: nil
        }
        return try render(request, found, notice: notice, errors: [], values: [:], status: .ok)
    }

    private func exempt(_ request: Request) throws -> Response {
        let found = try context.planMember(request)
        let reason = try request.form()["reason"] ?? ""
        do throws(AssignmentRequestFailure) {
            _ = try context.planExemptions.exempt(assignment: found.assignment.id.rawValue, user: found.person.id, reasonText: reason,
                                                  by: found.planner)
            return Response.redirect(to: "\(found.path)?done=exempted")
        } catch {
            return try render(request, found, notice: nil, errors: [("reason", context.page(request).t(error.messageKey))],
                              values: ["reason": reason], status: .unprocessableContent)
        }
    }

    private func lift(_ request: Request) throws -> Response {
        let found = try context.planMember(request)
        let reason = try request.form()["reason"] ?? ""
        do throws(AssignmentRequestFailure) {
            try context.planExemptions.lift(assignment: found.assignment.id.rawValue, user: found.person.id, reasonText: reason,
                                            by: found.planner)
            return Response.redirect(to: "\(found.path)?done=lifted")
        } catch {
            return try render(request, found, notice: nil, errors: [("reason", context.page(request).t(error.messageKey))],
                              values: ["reason": reason], status: .unprocessableContent)
        }
    }

    private func decide(_ request: Request) throws -> Response {
        let found = try context.planMember(request)
        guard let id = Int64(try request.parameter("request")),
              let asked = try context.planRequests.request(id),
              asked.assignmentID == found.assignment.id.rawValue, asked.userID == found.person.id else { throw HTTPError.notFound }
        let form = try request.form()
        let note = form["note"] ?? ""
        let extensions = context.planExtensions
        do {
            switch form["decision"] {
            case "approve":
                _ = try extensions.approve(request: id, noteText: note, by: found.planner)
                return Response.redirect(to: "\(found.path)?done=approved")
            case "refuse":
                _ = try extensions.refuse(request: id, noteText: note, by: found.planner)
                return Response.redirect(to: "\(found.path)?done=refused")
            default:
                throw HTTPError.badRequest("decision")
            }
        } catch let failure as AssignmentRequestFailure {
            return try render(request, found, notice: nil, errors: [("note", context.page(request).t(failure.messageKey))],
                              values: ["note": note], status: .unprocessableContent)
        }
    }

    private func render(_ request: Request, _ found: PlanMemberLookup, notice: String?, errors: [(field: String, message: String)],
                        values: [String: String], status: HTTPStatus) throws -> Response {
        // Read again: a refused change shows the member as they are now.
        guard let membership = try context.planRequests.membership(assignment: found.assignment.id.rawValue, user: found.person.id) else {
            throw HTTPError.notFound
        }
        let page = context.page(request)
        let model = PlanMemberPage.Model(
            assignment: found.assignment, itemTitle: context.planItemTitle(found.assignment, page), person: found.person,
            department: found.scope.departments[found.person.departmentID], membership: membership,
            status: try context.planStatus(membership, assignment: found.assignment),
            requests: try context.planRequests.requests(assignment: found.assignment.id.rawValue, user: found.person.id),
            notice: notice, errors: errors, values: values)
        return Response.html(PlanMemberPage.render(model, context: page, stylesheet: context.stylesheet).rendered, status: status)
    }
}

/// The assignment, the member and the planner a member-record request is about.
struct PlanMemberLookup {
    var scope: PlanScope
    var assignment: Assignment
    var person: User
    var planner: User { scope.user }
    var path: String { "/plans/\(assignment.id.rawValue)/people/\(person.id.rawValue)" }
}

extension ControllerContext {
    var planRequests: any AssignmentRequestRepository { storage.assignmentRequests }
    var planExemptions: AssignmentExemptions { AssignmentExemptions(requests: planRequests) }
    var planExtensions: AssignmentExtensions {
        AssignmentExtensions(requests: planRequests, timeZone: configuration.calendar.timeZone, clock: clock)
    }

    /// The assignment `raw` names when the planner may see it (404 otherwise: unknown, malformed, elsewhere).
    func plannedAssignment(_ raw: String, scope: PlanScope) throws -> Assignment {
        try planScoped { try assignments.visible(raw, scope: scope) }
    }

    /// The member a `/plans/:plan/people/:user` request names, within the planner's scope (404 otherwise).
    func planMember(_ request: Request) throws -> PlanMemberLookup {
        let scope = try planScope(request)
        let assignment = try plannedAssignment(try request.parameter("plan"), scope: scope)
        let raw = try request.parameter("user")
        guard raw.allSatisfy({ $0.isASCII && $0.isNumber }), raw.count <= 18, let id = Int64(raw),
              let person = try users.find(id: UserID(rawValue: id)), scope.includes(person),
              try planRequests.membership(assignment: assignment.id.rawValue, user: person.id) != nil else {
            throw HTTPError.notFound
        }
        return PlanMemberLookup(scope: scope, assignment: assignment, person: person)
    }

    /// The assigned course's or programme's title in the page's language (its id when it left the catalogue).
    func planItemTitle(_ assignment: Assignment, _ page: PageContext) -> String {
        let catalogue = catalogue.catalogue
        switch assignment.item.kind {
        case .program: return catalogue.program(ProgramID(assignment.item.id))?.title.t(page) ?? assignment.item.id
        case .course: return catalogue.course(CourseID(assignment.item.id))?.title.t(page) ?? assignment.item.id
        }
    }

    /// Where the assigned item is studied.
    func planItemLink(_ assignment: Assignment) -> String {
        (assignment.item.kind == .program ? "/programs/" : "/courses/") + PercentDecoding.encode(assignment.item.id)
    }

    /// Today in the platform's time zone.
    var planToday: ISODay { PlanCalendar(configuration.calendar).today(clock()) }

    /// A member's status today, by `AssignmentStatus`'s rule (the same as the reports' SQL).
    func planStatus(_ member: PlanMembership, assignment: Assignment) throws -> AssignmentStatus {
        let progress: AssignmentStatus.Progress
        switch assignment.item.kind {
        case .program:
            progress = AssignmentStatus.Progress(certification: try storage.assignmentProgress
                .certificationState(of: member.userID, program: assignment.item.id))
        case .course:
            if let course = catalogue.catalogue.course(CourseID(assignment.item.id)) {
                progress = AssignmentStatus.Progress(CourseStatus(course: course, progress: try learning.progress(userID: member.userID),
                                                                  attempts: try attempts.attempts(userID: member.userID)))
            } else {
                progress = .notStarted
            }
        }
        return AssignmentStatus.of(exempt: member.exemptAt != nil, progress: progress,
                                   dueDay: member.effectiveDueDay.flatMap(ISODay.init), today: planToday)
    }
}

extension ControllerContext {
    /// A person's assignments for the HR person page: current ones (with their status by the report's SQL rule)
    /// first, then past ones; each links to its member record when the reader may follow the assignment up.
    func planLines(for userID: UserID, viewer: ReportViewer, page: PageContext) throws -> [HRPersonPlans.Line] {
        let scope = PlanScope(user: viewer.user, departments: Array(viewer.departments.values))
        let memberships = try storage.assignments.memberships(of: userID)
            .sorted { $0.assignment.id.rawValue > $1.assignment.id.rawValue }
        let progress = storage.assignmentProgress
        var current: [HRPersonPlans.Line] = []
        var past: [HRPersonPlans.Line] = []
        for entry in memberships {
            let assignment = entry.assignment
            let member = PlanMembership(entry.member)
            if member.leftAt == nil && !assignment.isWithdrawn {
                let status = try progress.status(of: userID, assignment: assignment.id.rawValue, status: planStatusRule(assignment))
                current.append(HRPersonPlans.Line(assignment: assignment, itemTitle: planItemTitle(assignment, page),
                                                  membership: member, status: status, linked: scope.canSee(assignment)))
            } else {
                past.append(HRPersonPlans.Line(assignment: assignment, itemTitle: planItemTitle(assignment, page),
                                               membership: member, status: nil, linked: scope.canSee(assignment)))
            }
        }
        return current + past
    }
}
