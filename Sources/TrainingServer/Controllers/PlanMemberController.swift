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
        do {
            _ = try context.planExemptions.exempt(assignment: found.assignment.id, user: found.person.id, reasonText: reason,
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
        do {
            try context.planExemptions.lift(assignment: found.assignment.id, user: found.person.id, reasonText: reason,
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
              asked.assignmentID == found.assignment.id, asked.userID == found.person.id else { throw HTTPError.notFound }
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
        guard let membership = try context.planRequests.membership(assignment: found.assignment.id, user: found.person.id) else {
            throw HTTPError.notFound
        }
        let page = context.page(request)
        let model = PlanMemberPage.Model(
            assignment: found.assignment, itemTitle: context.planItemTitle(found.assignment, page), person: found.person,
            department: found.viewer.departments[found.person.departmentID], membership: membership,
            status: try context.planStatus(membership, assignment: found.assignment),
            requests: try context.planRequests.requests(assignment: found.assignment.id, user: found.person.id),
            notice: notice, errors: errors, values: values)
        return Response.html(PlanMemberPage.render(model, context: page, stylesheet: context.stylesheet).rendered, status: status)
    }
}

/// The assignment, the member and the planner a member-record request is about.
struct PlanMemberLookup {
    var planner: User
    var viewer: ReportViewer
    var assignment: PlanAssignmentHeading
    var person: User
    var path: String { "/plans/\(assignment.id)/people/\(person.id.rawValue)" }
}

extension ControllerContext {
    var planRequests: SQLiteAssignmentRequests { SQLiteAssignmentRequests(store: store, clock: clock) }
    var planExemptions: AssignmentExemptions { AssignmentExemptions(requests: planRequests) }
    var planExtensions: AssignmentExtensions {
        AssignmentExtensions(requests: planRequests, timeZone: configuration.calendar.timeZone, clock: clock)
    }

    /// The signed-in planner (an HR or admin grant; 403 for anyone else) and what they may see.
    func planner(_ request: Request) throws -> (User, ReportViewer) {
        let user = try requireRole(request, [.hr, .admin])
        return (user, ReportViewer(user: user, departments: try departments.all()))
    }

    /// The assignment `raw` names when the planner may see it: anchored inside their scope or above it; 404
    /// otherwise (unknown, malformed, elsewhere).
    func plannedAssignment(_ raw: String, viewer: ReportViewer) throws -> PlanAssignmentHeading {
        guard raw.allSatisfy({ $0.isASCII && $0.isNumber }), let id = Int64(raw), let heading = try planRequests.heading(id),
              let anchor = viewer.departments[heading.departmentID],
              viewer.isVisible(anchor) || viewer.roots.contains(where: { anchor.contains($0) }) else {
            throw HTTPError.notFound
        }
        return heading
    }

    /// The member a `/plans/:plan/people/:user` request names, within the planner's scope (404 otherwise).
    func planMember(_ request: Request) throws -> PlanMemberLookup {
        let (planner, viewer) = try planner(request)
        let assignment = try plannedAssignment(try request.parameter("plan"), viewer: viewer)
        let raw = try request.parameter("user")
        guard raw.allSatisfy({ $0.isASCII && $0.isNumber }), let id = Int64(raw),
              let person = try users.find(id: UserID(rawValue: id)),
              let department = viewer.departments[person.departmentID], viewer.isVisible(department),
              try planRequests.membership(assignment: assignment.id, user: person.id) != nil else {
            throw HTTPError.notFound
        }
        return PlanMemberLookup(planner: planner, viewer: viewer, assignment: assignment, person: person)
    }

    /// The assigned course's or programme's title in the page's language (its id when it left the catalogue).
    func planItemTitle(_ assignment: PlanAssignmentHeading, _ page: PageContext) -> String {
        let catalogue = catalogue.catalogue
        if assignment.itemKind == "program" {
            return catalogue.program(ProgramID(assignment.itemID))?.title.t(page) ?? assignment.itemID
        }
        return catalogue.course(CourseID(assignment.itemID))?.title.t(page) ?? assignment.itemID
    }

    /// Where the assigned item is studied.
    func planItemLink(_ assignment: PlanAssignmentHeading) -> String {
        (assignment.itemKind == "program" ? "/programs/" : "/courses/") + PercentDecoding.encode(assignment.itemID)
    }

    /// A member's status today.
    func planStatus(_ member: PlanMembership, assignment: PlanAssignmentHeading) throws -> PlanMemberStatus {
        if member.exemptAt != nil { return .exempt }
        let started: Bool
        if assignment.itemKind == "program" {
            let state = try certificationRepository.stored(userID: member.userID, programID: assignment.itemID).history.last?.to
            if state == .certified || state == .dueForRenewal { return .done }
            started = state != nil && state != .notStarted
        } else {
            guard let course = catalogue.catalogue.course(CourseID(assignment.itemID)) else { return .notStarted }
            let status = CourseStatus(course: course, progress: try learning.progress(userID: member.userID),
                                      attempts: try attempts.attempts(userID: member.userID))
            if status.state == .completed { return .done }
            started = status.state == .inProgress
        }
        let today = ISODay(seconds: clock(), timeZone: configuration.calendar.timeZone)
        if let due = member.effectiveDueDay.flatMap(ISODay.init) {
            if due < today { return .overdue }
            if due <= AssignmentExtensions.day(today, plus: 14) { return .dueSoon }
        }
        return started ? .inProgress : .notStarted
    }
}

extension ControllerContext {
    /// A person's assignments for the HR person page: current ones (with their status by the report's SQL rule)
    /// first, then past ones; each links to its member record when the reader may see the assignment.
    func planLines(for userID: UserID, viewer: ReportViewer, page: PageContext) throws -> [HRPersonPlans.Line] {
        let memberships = try planRequests.memberships(user: userID)
        let headings = try planRequests.headings(memberships.map(\.assignmentID))
        let progress = SQLiteAssignmentProgress(store: store)
        var current: [HRPersonPlans.Line] = []
        var past: [HRPersonPlans.Line] = []
        for membership in memberships {
            guard let assignment = headings[membership.assignmentID] else { continue }
            let anchor = viewer.departments[assignment.departmentID]
            let linked = anchor.map { viewer.isVisible($0) || viewer.roots.contains(where: $0.contains) } ?? false
            if membership.leftAt == nil && assignment.withdrawnAt == nil {
                let status = try progress.status(of: userID, assignment: assignment.id, status: try planStatusSQL(assignment))
                current.append(HRPersonPlans.Line(assignment: assignment, itemTitle: planItemTitle(assignment, page),
                                                  membership: membership, status: status, linked: linked))
            } else {
                past.append(HRPersonPlans.Line(assignment: assignment, itemTitle: planItemTitle(assignment, page),
                                               membership: membership, status: nil, linked: linked))
            }
        }
        return current + past
    }
}
