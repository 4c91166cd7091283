import Assessment
import Foundation

/// An assignment's progress for a planner: for the chosen department (or the tops of their scope), one row per
/// department below it with its subtree summed and one for the people directly in it, with a total row; a bar
/// chart of the share done with the same numbers in the table; the overdue people in name order, 50 a page,
/// each linking to their member record; CSV and JSON downloads of every member.
public enum PlanProgressPage {
    public static let pageSize = 50

    public struct Model: Sendable {
        public var assignment: Assignment
        public var itemTitle: String
        public var breakdown: PlanProgressBreakdown
        /// The departments from the top of the scope down to the chosen one, for the drill-down trail.
        public var trail: [Department]
        public var overdue: [PlanMemberLine]
        public var overdueTotal: Int
        public var page: Int
        public var departments: [DepartmentID: Department]
        public var today: String
        /// Whether the scope has one top (the report opens on it, so there is no "all" above it).
        public var singleTop = false

        public init(assignment: Assignment, itemTitle: String, breakdown: PlanProgressBreakdown, trail: [Department],
                    overdue: [PlanMemberLine], overdueTotal: Int, page: Int,
                    departments: [DepartmentID: Department], today: String) {
            self.assignment = assignment
            self.itemTitle = itemTitle
            self.breakdown = breakdown
            self.trail = trail
            self.overdue = overdue
            self.overdueTotal = overdueTotal
            self.page = page
            self.departments = departments
            self.today = today
        }

        var base: String { "/plans/\(assignment.id)/progress" }
        var departmentQuery: String { breakdown.department.map { "department=\($0.id.rawValue)" } ?? "" }
    }

    static let columns: [AssignmentStatus] = [.done, .inProgress, .notStarted, .dueSoon, .overdue, .exempt]

    public static func render(_ model: Model, context: PageContext, stylesheet: String) -> HTML {
        let title = context.t("plans.progress.heading", ["name": model.assignment.name])
        let query = model.departmentQuery.isEmpty ? "" : "?" + model.departmentQuery
        let withdrawn: HTML = model.assignment.withdrawnAt.map {
            "<p>\(Components.tag(context.t("plans.progress.withdrawn", ["when": context.dateTime($0)]), kind: "not_started"))</p>"
        } ?? .empty
        let body: HTML = """
            <h1>\(title)</h1>
            \(withdrawn)
            <p>\(context.t("plans.progress.intro", ["item": model.itemTitle, "today": PlanParts.day(model.today, context)]))</p>
            \(trail(model, context: context))
            \(chart(model, context: context))
            \(table(model, context: context))
            \(HRComponents.downloads(csv: "\(model.base).csv\(query)", json: "\(model.base).json\(query)", context: context))
            \(overdue(model, context: context))
            """
        return PlanFrame.page(title: title, section: .plans,
                              trail: [(model.assignment.name, "/plans/\(model.assignment.id)"), (context.t("plans.progress.title"), nil)],
                              context: context, stylesheet: stylesheet, body: body)
    }

    /// Where the report stands: the scope's tops, then each department down to the chosen one.
    private static func trail(_ model: Model, context: PageContext) -> HTML {
        guard let department = model.breakdown.department else {
            return "<p>\(context.t("plans.progress.scope_all"))</p>"
        }
        var items: [HTML] = model.singleTop ? []
            : ["<li><a href=\"\(model.base)\">\(context.t("plans.progress.scope_top"))</a></li>"]
        for step in model.trail where step.id != department.id {
            items.append("<li><a href=\"\(model.base)?department=\(String(step.id.rawValue))\">\(step.name)</a></li>")
        }
        items.append("<li aria-current=\"page\">\(department.name)</li>")
        return """
            <nav aria-label="\(context.t("plans.progress.trail"))"><ol class="inline-list">\(items)</ol></nav>
            """
    }

    private static func label(_ row: PlanProgressBreakdown.Row, context: PageContext) -> String {
        row.subtree ? row.department.name : context.t("plans.progress.directly", ["name": row.department.name])
    }

    private static func chart(_ model: Model, context: PageContext) -> HTML {
        let rows = model.breakdown.rows.filter { $0.counts.members > 0 }
        guard !rows.isEmpty else { return .empty }
        let bars = rows.map { row in
            BarChart.Bar(label: label(row, context: context), value: row.counts.doneFraction ?? 0,
                         text: HRComponents.rate(row.counts.doneFraction, context))
        }
        let chart = BarChart(id: "plan-progress", title: context.t("plans.progress.chart_title"),
                             summary: context.t("plans.progress.chart_summary"), bars: bars, maximum: 1)
        return "<h2>\(context.t("plans.progress.chart_title"))</h2>\(chart.render())<p class=\"hint\">\(context.t("plans.progress.chart_caption"))</p>"
    }

    private static func cells(_ counts: PlanCounts, context: PageContext) -> HTML {
        let numbers = columns.map { "<td>\(counts.count($0))</td>" as HTML }
        return "<td>\(counts.members)</td>\(numbers)<td>\(HRComponents.rate(counts.doneFraction, context))</td>"
    }

    private static func table(_ model: Model, context: PageContext) -> HTML {
        let rows = model.breakdown.rows.map { row -> HTML in
            let name = label(row, context: context)
            let cell: HTML = row.subtree
                ? "<a href=\"\(model.base)?department=\(String(row.department.id.rawValue))\">\(name)</a>"
                : "\(name)"
            return "<tr><th scope=\"row\">\(cell)</th>\(cells(row.counts, context: context))</tr>"
        }
        let headers = columns.map { "<th scope=\"col\">\(PlanParts.statusName($0, context))</th>" as HTML }
        return """
            <div class="table-scroll wide-table" role="region" tabindex="0" aria-labelledby="progress-caption"><table>
            <caption id="progress-caption">\(context.t("plans.progress.caption"))</caption>
            <thead><tr><th scope="col">\(context.t("plans.progress.column.department"))</th>\
            <th scope="col">\(context.t("plans.progress.column.members"))</th>\(headers)\
            <th scope="col">\(context.t("plans.progress.column.rate"))</th></tr></thead>
            <tbody>\(rows)</tbody>
            <tfoot><tr><th scope="row">\(context.t("plans.progress.total"))</th>\(cells(model.breakdown.total, context: context))</tr></tfoot>
            </table></div>
            <p class="hint">\(context.t("plans.progress.rate_hint"))</p>
            """
    }

    private static func overdue(_ model: Model, context: PageContext) -> HTML {
        let heading: HTML = "<h2 id=\"overdue\">\(context.t("plans.progress.overdue_title", ["count": String(model.overdueTotal)]))</h2>"
        guard !model.overdue.isEmpty else { return heading + "<p>\(context.t("plans.progress.overdue_none"))</p>" }
        let rows = model.overdue.map { line -> HTML in
            """
            <tr><th scope="row"><a href="/plans/\(String(model.assignment.id.rawValue))/people/\(String(line.userID.rawValue))">\(line.name)</a></th>\
            <td>\(line.login)</td><td>\(line.employeeNumber ?? "—")</td>\
            <td>\(HRComponents.shortPath(model.departments[line.departmentID]))</td>\
            <td>\(PlanParts.day(line.extendedDay ?? line.dueDay, context))</td></tr>
            """
        }
        let base = model.base + "?" + (model.departmentQuery.isEmpty ? "" : model.departmentQuery + "&")
        return heading + """
            <div class="table-scroll wide-table" role="region" tabindex="0" aria-labelledby="overdue"><table>
            <caption class="visually-hidden">\(context.t("plans.progress.overdue_caption"))</caption>
            <thead><tr><th scope="col">\(context.t("plans.member.name"))</th><th scope="col">\(context.t("plans.member.login"))</th>\
            <th scope="col">\(context.t("plans.member.employee_number"))</th>\
            <th scope="col">\(context.t("plans.member.department"))</th><th scope="col">\(context.t("plans.member.due_day"))</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            \(PlanParts.pages(model.page, total: model.overdueTotal, size: pageSize, base: base,
                              label: context.t("plans.progress.overdue_pages"), context: context))
            """
    }
}
