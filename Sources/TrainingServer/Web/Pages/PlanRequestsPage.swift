import Assessment
import Foundation

/// The extension requests waiting for a decision from people in the planner's scope, the one waiting longest
/// first; each links to the member's record, where it is decided.
public enum PlanRequestsPage {
    public static let pageSize = 50

    public struct Model: Sendable {
        public var lines: [PendingRequest]
        public var total: Int
        public var page: Int
        public var departments: [DepartmentID: Department]
        public var notice: String?

        public init(lines: [PendingRequest], total: Int, page: Int, departments: [DepartmentID: Department], notice: String?) {
            self.lines = lines
            self.total = total
            self.page = page
            self.departments = departments
            self.notice = notice
        }
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String) -> HTML {
        let title = context.t("plans.requests.title")
        let table: HTML
        if model.lines.isEmpty {
            table = "<p>\(context.t("plans.requests.none"))</p>"
        } else {
            let rows = model.lines.map { line -> HTML in
                let link = "/plans/\(line.assignmentID)/people/\(line.userID.rawValue)"
                return """
                    <tr><th scope="row"><a href="\(link)">\(line.name)</a><br><span class="meta">\(line.login)</span></th>\
                    <td>\(HRComponents.shortPath(model.departments[line.departmentID]))</td>\
                    <td>\(line.assignmentName)</td><td>\(PlanParts.day(line.effectiveDueDay, context))</td>\
                    <td>\(PlanParts.day(line.requestedDay, context))</td><td>\(line.reason)</td>\
                    <td>\(context.dateTime(line.createdAt))</td></tr>
                    """
            }
            table = """
                <div class="table-scroll wide-table" role="region" tabindex="0" aria-labelledby="requests-caption"><table>
                <caption id="requests-caption">\(context.t("plans.requests.caption", ["count": String(model.total)]))</caption>
                <thead><tr><th scope="col">\(context.t("plans.requests.column.person"))</th>\
                <th scope="col">\(context.t("plans.requests.column.department"))</th>\
                <th scope="col">\(context.t("plans.requests.column.assignment"))</th>\
                <th scope="col">\(context.t("plans.requests.column.current_day"))</th>\
                <th scope="col">\(context.t("plans.requests.column.requested_day"))</th>\
                <th scope="col">\(context.t("plans.requests.column.reason"))</th>\
                <th scope="col">\(context.t("plans.requests.column.asked_at"))</th></tr></thead>
                <tbody>\(rows)</tbody></table></div>
                \(PlanParts.pages(model.page, total: model.total, size: pageSize, base: "/plans/requests?",
                                  label: context.t("plans.requests.pages"), context: context))
                """
        }
        let body: HTML = """
            \(model.notice.map(Components.notice) ?? .empty)
            <h1>\(title)</h1>
            <p>\(context.t("plans.requests.intro"))</p>
            \(table)
            """
        return PlanFrame.page(title: title, section: .requests, context: context, stylesheet: stylesheet, body: body)
    }
}
