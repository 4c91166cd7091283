import Assessment
import Foundation

/// A learner's own assignment: what is assigned, by when, where they stand in words, their exemption and
/// extension requests with the decisions, and the form to ask for a later due day (one request at a time).
public enum DuePage {
    public struct Model: Sendable {
        public var assignment: Assignment
        public var itemTitle: String
        /// Where the item is studied: the course or programme page.
        public var itemLink: String
        public var membership: PlanMembership
        public var status: AssignmentStatus
        public var requests: [AssignmentRequest]
        /// Today in the platform's zone, and the latest day a request may ask for.
        public var today: String
        public var latest: String
        public var notice: String?
        public var errors: [(field: String, message: String)]
        public var values: [String: String]

        public init(assignment: Assignment, itemTitle: String, itemLink: String, membership: PlanMembership,
                    status: AssignmentStatus, requests: [AssignmentRequest], today: String, latest: String,
                    notice: String?, errors: [(field: String, message: String)], values: [String: String]) {
            self.assignment = assignment
            self.itemTitle = itemTitle
            self.itemLink = itemLink
            self.membership = membership
            self.status = status
            self.requests = requests
            self.today = today
            self.latest = latest
            self.notice = notice
            self.errors = errors
            self.values = values
        }
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String) -> HTML {
        let member = model.membership
        let kind = context.t(model.assignment.required ? "due.required" : "due.elective")
        let body: HTML = """
            \(Components.breadcrumbs([(context.t("nav.dashboard"), "/"), (model.assignment.name, nil)], context: context))
            \(Components.errorSummary(model.errors, context: context))
            \(model.notice.map(Components.notice) ?? .empty)
            <h1>\(model.assignment.name)</h1>
            <dl class="summary-list">
            <div><dt>\(context.t("due.what"))</dt><dd><a href="\(model.itemLink)">\(model.itemTitle)</a> · \(kind)</dd></div>
            <div><dt>\(context.t("due.due_day"))</dt><dd>\(PlanParts.dueDay(member, context))</dd></div>
            <div><dt>\(context.t("due.status"))</dt><dd>\(PlanParts.status(model.status, context))</dd></div>
            </dl>
            <p>\(context.t("due.status_explained.\(model.status.rawValue)"))</p>
            \(form(model, context: context))
            \(PlanParts.history(model.requests, id: "requests", title: context.t("due.requests"), context: context))
            """
        return Layout.page(title: model.assignment.name, context: context, stylesheet: stylesheet, body: body)
    }

    private static func form(_ model: Model, context: PageContext) -> HTML {
        let member = model.membership
        let heading: HTML = "<h2 id=\"extension\">\(context.t("due.extension.title"))</h2>"
        if member.leftAt != nil || model.assignment.withdrawnAt != nil {
            return heading + "<p>\(context.t("due.extension.no_longer"))</p>"
        }
        if member.exemptAt != nil { return heading + "<p>\(context.t("due.extension.exempt"))</p>" }
        if member.dueDay == nil { return heading + "<p>\(context.t("due.extension.no_due_day"))</p>" }
        if model.status == .done { return heading + "<p>\(context.t("due.extension.done"))</p>" }
        if let pending = model.requests.first(where: { $0.state == .pending }) {
            return heading + "<p>\(context.t("due.extension.pending", ["day": PlanParts.day(pending.requestedDay, context), "when": context.dateTime(pending.createdAt)]))</p>"
        }
        return heading + """
            <form method="post" action="/due/\(String(model.assignment.id.rawValue))/extension" class="form" novalidate>
            \(Components.csrf(context))
            <p>\(context.t("due.extension.intro"))</p>
            \(PlanParts.field("day", label: context.t("due.extension.day"),
                              hint: context.t("due.extension.day_hint", ["current": member.effectiveDueDay ?? "", "latest": model.latest]),
                              value: model.values["day"] ?? "", errors: model.errors, type: "date", maxLength: 10))
            \(PlanParts.field("reason", label: context.t("due.extension.reason"), hint: context.t("due.extension.reason_hint"),
                              value: model.values["reason"] ?? "", errors: model.errors, multiline: true))
            <button type="submit" class="button">\(context.t("due.extension.submit"))</button>
            </form>
            """
    }
}
