import Foundation

/// The learner's side of an assignment (`/due/{assignmentID}`): what is assigned, by when, their status, their
/// requests and decisions, and asking for a later due day. Only the signed-in person's own memberships exist
/// here: anyone else's assignment id (or one they were never assigned) is "not found" (404).
struct DueController {
    let context: ControllerContext

    func register(in router: inout Router) {
        router.get("/due/:plan", show)
        router.post("/due/:plan/extension", requestExtension)
    }

    private func show(_ request: Request) throws -> Response {
        let (user, assignment) = try own(request)
        let notice = request.query["done"] == "requested" ? context.page(request).t("due.done.requested") : nil
        return try render(request, user: user, assignment: assignment, notice: notice, errors: [], values: [:], status: .ok)
    }

    private func requestExtension(_ request: Request) throws -> Response {
        let (user, assignment) = try own(request)
        let form = try request.form()
        let day = form["day"] ?? ""
        let reason = form["reason"] ?? ""
        do throws(AssignmentRequestFailure) {
            _ = try context.planExtensions.request(assignment: assignment.id.rawValue, user: user, dayText: day, reasonText: reason)
            return Response.redirect(to: "/due/\(assignment.id.rawValue)?done=requested")
        } catch {
            let page = context.page(request)
            let field = switch error {
            case .reasonMissing, .reasonTooLong: "reason"
            default: "day"
            }
            var arguments: [String: String] = [:]
            if case .dayNotAfterDue(let due) = error { arguments["day"] = PlanParts.day(due, page) }
            return try render(request, user: user, assignment: assignment, notice: nil,
                              errors: [(field, page.t(error.messageKey, arguments))], values: ["day": day, "reason": reason],
                              status: .unprocessableContent)
        }
    }

    /// The signed-in person and the assignment the path names, when they are (or were) its member.
    private func own(_ request: Request) throws -> (User, Assignment) {
        let user = try context.requireUser(request)
        let raw = try request.parameter("plan")
        guard raw.allSatisfy({ $0.isASCII && $0.isNumber }), raw.count <= 18, let id = Int64(raw),
              try context.planRequests.membership(assignment: id, user: user.id) != nil,
              let assignment = try context.storage.assignments
                .find(AssignmentID(rawValue: id)) else { throw HTTPError.notFound }
        return (user, assignment)
    }

    private func render(_ request: Request, user: User, assignment: Assignment, notice: String?,
                        errors: [(field: String, message: String)], values: [String: String], status: HTTPStatus) throws -> Response {
        guard let membership = try context.planRequests.membership(assignment: assignment.id.rawValue, user: user.id) else {
            throw HTTPError.notFound
        }
        let page = context.page(request)
        let today = context.planExtensions.today
        let model = DuePage.Model(
            assignment: assignment, itemTitle: context.planItemTitle(assignment, page), itemLink: context.planItemLink(assignment),
            membership: membership, status: try context.planStatus(membership, assignment: assignment),
            requests: try context.planRequests.requests(assignment: assignment.id.rawValue, user: user.id),
            today: today.description, latest: today.adding(days: AssignmentExtensions.maximumDays).description,
            notice: notice, errors: errors, values: values)
        return Response.html(DuePage.render(model, context: page, stylesheet: context.stylesheet).rendered, status: status)
    }
}
