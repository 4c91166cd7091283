import Assessment
import Curriculum

/// The HR home: certification status of a department and each of its sub-departments for one programme
/// (counts and rates per state, drill-down links), with charts of the certified rate, the state distribution
/// and this year's study hours, each followed by the same numbers in a table.
public enum HRDashboardPage {
    public static func render(_ dashboard: Dashboard, context: PageContext, stylesheet: String) -> HTML {
        let title = dashboard.department.map { context.t("hr.dashboard.title_department", ["department": $0.name]) }
            ?? context.t("hr.dashboard.title")
        let programID = dashboard.program?.id.rawValue
        let departmentID = dashboard.department.map { String($0.id.rawValue) }
        let trail = dashboard.trail.enumerated().map { index, department -> (String, String?) in
            index == dashboard.trail.count - 1 ? (department.name, nil)
                : (department.name, "/hr" + HRComponents.query([("department", String(department.id.rawValue)), ("program", programID)]))
        }
        let peopleLink = "/hr/people" + HRComponents.query([("department", departmentID), ("program", programID)])
        let body: HTML = """
            \(HRComponents.breadcrumbs(trail, context: context))
            <h1>\(title)</h1>
            \(programLine(dashboard, context: context))
            \(HRComponents.programPicker(programs: dashboard.programs, current: dashboard.program, action: "/hr",
                                         keep: departmentID.map { [("department", $0)] } ?? [], context: context))
            \(headline(dashboard, context: context))
            <p><a class="button" href="\(peopleLink)">\(context.t("hr.dashboard.people_link"))</a></p>
            <p><a href="/hr/watching">\(context.t("watching.index.title"))</a></p>
            \(summaryTable(dashboard, context: context))
            \(rateChart(dashboard, context: context))
            \(stateChart(dashboard, context: context))
            \(hoursChart(dashboard, context: context))
            """
        return Layout.page(title: title, context: context, stylesheet: stylesheet, width: .wide, body: body)
    }

    private static func programLine(_ dashboard: Dashboard, context: PageContext) -> HTML {
        guard let program = dashboard.program else {
            return "<div class=\"notice\"><p>\(context.t("hr.program.empty"))</p></div>"
        }
        return "<p>\(context.t("hr.dashboard.program", ["program": program.title.t(context)]))</p>"
    }

    private static func headline(_ dashboard: Dashboard, context: PageContext) -> HTML {
        let total = dashboard.total
        guard total.people > 0 else {
            let key = dashboard.department == nil && dashboard.rows.isEmpty ? "hr.dashboard.no_scope" : "hr.dashboard.no_people"
            return "<p>\(context.t(key))</p>"
        }
        let valid = (total.counts[.certified] ?? 0) + (total.counts[.dueForRenewal] ?? 0)
        let text = context.t("hr.dashboard.headline", ["people": String(total.people), "certified": String(valid),
                                                       "rate": HRComponents.rate(total.certifiedRate, context)])
        return "<p>\(text)</p>"
    }

    private static func summaryTable(_ dashboard: Dashboard, context: PageContext) -> HTML {
        let programID = dashboard.program?.id.rawValue
        let states = CertificationStateName.allCases
        let header = states.map { "<th scope=\"col\">\(HRComponents.stateName($0, context))</th>" as HTML }
        func cells(_ totals: SummaryTotals) -> HTML {
            let counts = states.map { "<td>\(totals.counts[$0] ?? 0)</td>" as HTML }
            return "<td>\(totals.people)</td>\(counts)<td>\(HRComponents.rate(totals.certifiedRate, context))</td>"
        }
        // The department's own people first, then each sub-department: the rows add up to the total.
        let rows = dashboard.parts.map { row, direct -> HTML in
            if direct {
                return "<tr><th scope=\"row\">\(context.t("hr.summary.direct"))</th>\(cells(SummaryTotals(row)))</tr>"
            }
            let link = "/hr" + HRComponents.query([("department", String(row.department.id.rawValue)), ("program", programID)])
            return "<tr><th scope=\"row\"><a href=\"\(link)\">\(row.department.name)</a></th>\(cells(SummaryTotals(row)))</tr>"
        }
        let empty: HTML = dashboard.rows.isEmpty && dashboard.department != nil
            ? "<p>\(context.t("hr.dashboard.no_children"))</p>" : .empty
        let exportQuery = HRComponents.query([("department", dashboard.department.map { String($0.id.rawValue) }),
                                              ("program", programID)])
        let totalLabel = dashboard.department.map { context.t("hr.dashboard.total_of", ["department": $0.name]) }
            ?? context.t("hr.dashboard.total")
        let caption = context.t("hr.dashboard.table_caption", ["program": HRComponents.programTitle(dashboard.program, context)])
        return """
            <h2>\(context.t("hr.dashboard.by_department"))</h2>
            \(empty)
            \(HRComponents.scrollBox(caption))<table>
            <caption>\(caption)</caption>
            <thead><tr><th scope="col">\(context.t("hr.column.department"))</th><th scope="col">\(context.t("hr.column.people"))</th>\
            \(header)<th scope="col">\(context.t("hr.column.certified_rate"))</th></tr></thead>
            <tbody>\(rows)</tbody>
            <tfoot><tr><th scope="row">\(totalLabel)</th>\(cells(dashboard.total))</tr></tfoot>
            </table></div>
            \(HRComponents.downloads(csv: "/hr/summary.csv" + exportQuery, json: "/api/v1/hr/summary" + exportQuery, context: context))
            """
    }

    private static func rateChart(_ dashboard: Dashboard, context: PageContext) -> HTML {
        guard !dashboard.rows.isEmpty else { return .empty }
        let title = context.t("hr.chart.rate.title")
        func label(_ row: DepartmentSummary, _ direct: Bool) -> String {
            direct ? context.t("hr.summary.direct") : row.department.name
        }
        let bars = dashboard.parts.map { row, direct in
            let totals = SummaryTotals(row)
            return BarChart.Bar(label: label(row, direct), value: totals.certifiedRate ?? 0,
                                text: HRComponents.rate(totals.certifiedRate, context))
        }
        let chart = BarChart(id: "chart-rate", title: title, summary: context.t("hr.chart.rate.summary"), bars: bars, maximum: 1)
        let rows = dashboard.parts.map { row, direct -> HTML in
            let totals = SummaryTotals(row)
            return """
                <tr><th scope="row">\(label(row, direct))</th><td>\(HRComponents.rate(totals.certifiedRate, context))</td>\
                <td>\(totals.people)</td></tr>
                """
        }
        return """
            <h2>\(title)</h2>
            \(chart.render())
            <table><caption>\(context.t("hr.chart.table_caption", ["chart": title]))</caption>
            <thead><tr><th scope="col">\(context.t("hr.column.department"))</th><th scope="col">\(context.t("hr.column.certified_rate"))</th>\
            <th scope="col">\(context.t("hr.column.people"))</th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }

    private static func stateChart(_ dashboard: Dashboard, context: PageContext) -> HTML {
        let total = dashboard.total
        guard total.people > 0 else { return .empty }
        let title = context.t("hr.chart.states.title")
        func share(_ count: Int) -> String {
            context.t("hr.chart.people_share", ["count": String(count),
                                               "percent": Components.percent(Double(count) / Double(total.people))])
        }
        let states = CertificationStateName.allCases
        let bars = states.map { state in
            BarChart.Bar(label: HRComponents.stateName(state, context), value: Double(total.counts[state] ?? 0),
                         text: share(total.counts[state] ?? 0))
        }
        let chart = BarChart(id: "chart-states", title: title, summary: context.t("hr.chart.states.summary"),
                             bars: bars, maximum: Double(total.people))
        let rows = states.map { state -> HTML in
            let count = total.counts[state] ?? 0
            let share = context.t("percent", ["value": Components.percent(Double(count) / Double(total.people))])
            return "<tr><th scope=\"row\">\(HRComponents.stateName(state, context))</th><td>\(count)</td><td>\(share)</td></tr>"
        }
        return """
            <h2>\(title)</h2>
            \(chart.render())
            <table><caption>\(context.t("hr.chart.table_caption", ["chart": title]))</caption>
            <thead><tr><th scope="col">\(context.t("hr.column.state"))</th><th scope="col">\(context.t("hr.column.people"))</th>\
            <th scope="col">\(context.t("hr.column.share"))</th></tr></thead><tbody>\(rows)</tbody>
            <tfoot><tr><th scope="row">\(context.t("hr.dashboard.total"))</th><td>\(total.people)</td><td>100%</td></tr></tfoot></table>
            """
    }

    private static func hoursChart(_ dashboard: Dashboard, context: PageContext) -> HTML {
        let hours = dashboard.hours
        guard hours.people > 0 else { return .empty }
        let title = context.t("hr.chart.hours.title", ["year": String(dashboard.year)])
        let labels = hours.buckets.map {
            dashboard.requirementsVary ? shareLabel($0, required: hours.required, context: context) : bucketLabel($0, context: context)
        }
        let bars = zip(labels, hours.buckets).map { label, bucket in
            BarChart.Bar(label: label, value: Double(bucket.people),
                         text: context.t("hr.chart.people_share", ["count": String(bucket.people),
                                                                   "percent": Components.percent(Double(bucket.people) / Double(hours.people))]))
        }
        let summary = context.t(dashboard.requirementsVary ? "plans.requirements.chart.summary" : "hr.chart.hours.summary",
                                ["required": context.strings.number(dashboard.requiredHours)])
        let chart = BarChart(id: "chart-hours", title: title, summary: summary, bars: bars,
                             maximum: Double(hours.buckets.map(\.people).max() ?? 0))
        let rows = zip(labels, hours.buckets).map { label, bucket -> HTML in
            "<tr><th scope=\"row\">\(label)</th><td>\(bucket.people)</td></tr>"
        }
        return """
            <h2>\(title)</h2>
            <p>\(summary)</p>
            \(chart.render())
            <table><caption>\(context.t("hr.chart.table_caption", ["chart": title]))</caption>
            <thead><tr><th scope="col">\(context.t("hr.column.hours_range"))</th><th scope="col">\(context.t("hr.column.people"))</th></tr></thead>
            <tbody>\(rows)</tbody>
            <tfoot><tr><th scope="row">\(context.t("hr.dashboard.total"))</th><td>\(hours.people)</td></tr></tfoot></table>
            """
    }

    /// With requirements of people's own: "No hours", "under 25 % of their requirement", ..., "requirement met".
    static func shareLabel(_ bucket: HoursDistribution.Bucket, required: Double, context: PageContext) -> String {
        func percent(_ hours: Double) -> String { Components.percent(required > 0 ? hours / required : 0) }
        guard let upper = bucket.upper else {
            return bucket.lower == 0 ? context.t("hr.hours.some") : context.t("plans.requirements.chart.met")
        }
        if upper == 0 { return context.t("hr.hours.none") }
        if bucket.lower == 0 { return context.t("plans.requirements.chart.under", ["percent": percent(upper)]) }
        return context.t("plans.requirements.chart.range", ["from": percent(bucket.lower), "to": percent(upper)])
    }

    /// "No hours", "under 22.5", "22.5 to under 45", ..., "90 or more".
    static func bucketLabel(_ bucket: HoursDistribution.Bucket, context: PageContext) -> String {
        let lower = context.strings.number(bucket.lower)
        guard let upper = bucket.upper else {
            return bucket.lower == 0 ? context.t("hr.hours.some") : context.t("hr.hours.at_least", ["hours": lower])
        }
        if upper == 0 { return context.t("hr.hours.none") }
        if bucket.lower == 0 { return context.t("hr.hours.under", ["hours": context.strings.number(upper)]) }
        return context.t("hr.hours.range", ["from": lower, "to": context.strings.number(upper)])
    }
}
