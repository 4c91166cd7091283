import Assessment
import Curriculum

/// The people list: filters (department subtree, programme, state, expiry range, below the hours requirement,
/// search), sortable columns as plain links, 50 people per page, and CSV and JSON downloads of everything
/// that matches the same filters.
public enum HRPeoplePage {
    public static let pageSize = 50
    /// Above this many departments in scope, the department is chosen on the summary page instead of in a list.
    public static let departmentListLimit = 400

    public struct Model: Sendable {
        public var query: PeopleQuery
        public var problems: [PeopleQuery.Problem]
        /// The matching people; nil when the filters could not be read.
        public var result: PeoplePage?
        public var program: Program?
        public var programs: [Program]
        public var department: Department?
        /// Every department in scope, for the department filter.
        public var departments: [Department]
        public var requiredHours: Double
        public var year: Int
        public var pageNumber: Int
        /// The assignments the reader follows up, for the "overdue for" filter.
        public var assignments: [Assignment] = []

        public init(query: PeopleQuery, problems: [PeopleQuery.Problem], result: PeoplePage?, program: Program?,
                    programs: [Program], department: Department?, departments: [Department], requiredHours: Double,
                    year: Int, pageNumber: Int) {
            self.query = query
            self.problems = problems
            self.result = result
            self.program = program
            self.programs = programs
            self.department = department
            self.departments = departments
            self.requiredHours = requiredHours
            self.year = year
            self.pageNumber = pageNumber
        }
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String) -> HTML {
        let title = context.t("hr.people.title")
        var trail: [(String, String?)] = []
        if let department = model.department {
            trail.append((department.name, "/hr" + HRComponents.query([("department", String(department.id.rawValue)),
                                                                      ("program", model.program?.id.rawValue)])))
        }
        trail.append((title, nil))
        let errors = model.problems.map { (field: $0.field, message: context.t("hr.error.\($0.reason.rawValue)")) }
        let body: HTML = """
            \(HRComponents.breadcrumbs(trail, context: context))
            <h1>\(title)</h1>
            \(Components.errorSummary(errors, context: context))
            \(filters(model, errors: errors, context: context))
            \(results(model, context: context))
            """
        return Layout.page(title: title, context: context, stylesheet: stylesheet, width: .wide, body: body)
    }

    private static func filters(_ model: Model, errors: [(field: String, message: String)], context: PageContext) -> HTML {
        let query = model.query
        func error(_ field: String) -> HTML {
            guard let message = errors.first(where: { $0.field == field })?.message else { return .empty }
            return "<p class=\"field-error\" id=\"\(field)-error\">\(message)</p>"
        }
        func invalid(_ field: String) -> HTML {
            errors.contains { $0.field == field } ? " aria-invalid=\"true\" aria-describedby=\"\(field)-error\"" : .empty
        }
        func option(_ value: String, _ label: String, selected: Bool) -> HTML {
            let mark: HTML = selected ? " selected" : .empty
            return "<option value=\"\(value)\"\(mark)>\(label)</option>"
        }
        let departmentField: HTML
        if model.departments.count <= departmentListLimit {
            let options = [option("", context.t("hr.filter.department_all"), selected: model.department == nil)]
                + model.departments.map { department in
                    option(String(department.id.rawValue), department.displayPath, selected: department.id == model.department?.id)
                }
            departmentField = """
                <div class="field"><label for="department">\(context.t("hr.filter.department"))</label>
                <p class="hint">\(context.t("hr.filter.department_hint"))</p>
                <select id="department" name="department">\(options)</select></div>
                """
        } else {
            let hidden: HTML = model.department.map { department -> HTML in
                "<input type=\"hidden\" name=\"department\" value=\"\(String(department.id.rawValue))\">"
            } ?? .empty
            departmentField = """
                <div class="field"><p><strong>\(context.t("hr.filter.department"))</strong>: \
                \(model.department?.displayPath ?? context.t("hr.filter.department_all"))</p>
                <p class="hint">\(context.t("hr.filter.department_many"))</p>\(hidden)</div>
                """
        }
        let programField: HTML
        if model.programs.isEmpty {
            programField = .empty
        } else {
            let options = model.programs.map { program in
                option(program.id.rawValue, program.title.t(context), selected: program.id == model.program?.id)
            }
            programField = """
                <div class="field"><label for="program">\(context.t("hr.program.label"))</label>
                <select id="program" name="program">\(options)</select></div>
                """
        }
        let stateOptions = [option("", context.t("hr.filter.state_any"), selected: query.state == nil)]
            + CertificationStateName.allCases.map { state in
                option(state.rawValue, HRComponents.stateName(state, context), selected: state == query.state)
            }
        let belowChecked: HTML = query.belowRequired ? " checked" : .empty
        let belowLabel = context.t("hr.filter.below_required", ["required": context.strings.number(model.requiredHours),
                                                                "year": String(model.year)])
        let sortFields: HTML = """
            \(query.sort == .name ? HTML.empty : "<input type=\"hidden\" name=\"sort\" value=\"\(query.sort.rawValue)\">")\
            \(query.descending ? "<input type=\"hidden\" name=\"dir\" value=\"desc\">" : HTML.empty)
            """
        return """
            <form method="get" action="/hr/people" class="form no-print" novalidate>
            <h2>\(context.t("hr.filter.title"))</h2>
            \(departmentField)
            \(programField)
            <div class="field"><label for="state">\(context.t("hr.filter.state"))</label>
            \(error("state"))<select id="state" name="state"\(invalid("state"))>\(stateOptions)</select></div>
            <div class="field"><label for="expires_from">\(context.t("hr.filter.expires_from"))</label>
            <p class="hint">\(context.t("hr.filter.date_hint"))</p>\(error("expires_from"))
            <input type="date" id="expires_from" name="expires_from" value="\(query.expiresFrom?.description ?? "")"\(invalid("expires_from"))></div>
            <div class="field"><label for="expires_to">\(context.t("hr.filter.expires_to"))</label>
            \(error("expires_to"))
            <input type="date" id="expires_to" name="expires_to" value="\(query.expiresTo?.description ?? "")"\(invalid("expires_to"))></div>
            \(PlanParts.overdueField(model.assignments, selected: query.overdueFor, error: error("overdue_for"), context: context))
            <div class="field choice"><input type="checkbox" id="below_required" name="below_required" value="1"\(belowChecked)>\
            <label for="below_required">\(belowLabel)</label></div>
            <div class="field"><label for="q">\(context.t("hr.filter.search"))</label>
            <p class="hint">\(context.t("hr.filter.search_hint"))</p>\(error("q"))
            <input type="text" id="q" name="q" value="\(query.search ?? "")" maxlength="\(PeopleQuery.searchLimit)"\(invalid("q"))></div>
            \(sortFields)
            <div class="button-row"><button type="submit" class="button">\(context.t("hr.filter.apply"))</button>
            <a href="/hr/people">\(context.t("hr.filter.clear"))</a></div>
            </form>
            """
    }

    private static func results(_ model: Model, context: PageContext) -> HTML {
        guard let result = model.result else { return .empty }
        let query = model.query
        let downloads = HRComponents.downloads(csv: "/hr/people.csv" + query.queryString(),
                                               json: "/hr/people.json" + query.queryString(), context: context)
        guard result.total > 0 else {
            return """
                <h2>\(context.t("hr.people.results"))</h2>
                <p>\(context.t("hr.people.empty"))</p>
                """
        }
        let first = result.offset + 1
        let last = result.offset + result.lines.count
        let caption = context.t(result.totalExact ? "hr.people.caption" : "hr.people.caption_more",
                                ["total": String(result.total), "from": String(first), "to": String(last)])
        let columns: [(PeopleFilter.Sort, String)] = [
            (.name, "hr.column.name"), (.department, "hr.column.department"), (.state, "hr.column.state"),
            (.expires, "hr.column.expires_at"), (.hours, "hr.column.hours"),
        ]
        let header = columns.map { sort, key -> HTML in
            let current = query.sort == sort
            var next = query
            next.sort = sort
            next.descending = current ? !query.descending : false
            let ariaSort: HTML = current ? " aria-sort=\"\(query.descending ? "descending" : "ascending")\"" : .empty
            let marker: HTML = current
                ? " <span class=\"meta\">(\(context.t(query.descending ? "hr.sort.descending" : "hr.sort.ascending")))</span>"
                : .empty
            return "<th scope=\"col\"\(ariaSort)><a href=\"/hr/people\(next.queryString())\">\(context.t(key))</a>\(marker)</th>"
        }
        let departments = Dictionary(model.departments.map { ($0.id.rawValue, $0) }, uniquingKeysWith: { first, _ in first })
        let rows = result.lines.map { line -> HTML in
            // Each person against their own yearly requirement (the global one when no rule reaches them).
            let required = line.requiredHours ?? model.requiredHours
            let below: HTML = line.hours < required
                ? "<br>\(Components.tag(context.t("hr.hours.below"), kind: "not_started"))" : .empty
            let identity = [line.login, line.employeeNumber].compactMap { $0 }.joined(separator: " · ")
            return """
                <tr><th scope="row"><a href="/hr/people/\(String(line.userID))">\(line.name)</a>\
                <br><span class="meta">\(identity)</span></th>\
                <td>\(HRComponents.shortPath(departments[line.departmentID]))</td>\
                <td>\(HRComponents.state(line.state, context))</td><td>\(HRComponents.date(line.expiresAt, context))</td>\
                <td>\(context.strings.number(line.hours)) / \(context.strings.number(required))\(below)</td></tr>
                """
        }
        // With a total that is only a lower bound, the last page is unknown: offer the next one while pages are full.
        let pages: Int? = result.totalExact ? max(1, (result.total + result.limit - 1) / result.limit) : nil
        let more = pages.map { model.pageNumber < $0 } ?? (result.lines.count == result.limit)
        return """
            <h2>\(context.t("hr.people.results"))</h2>
            \(downloads)
            \(HRComponents.scrollBox(caption))<table class="people-table">
            <caption>\(caption)</caption>
            <thead><tr>\(header)</tr></thead>
            <tbody>\(rows)</tbody>
            <tfoot><tr><th scope="row">\(context.t("hr.dashboard.total"))</th>\
            <td colspan="4">\(context.t(result.totalExact ? "hr.people.total" : "hr.people.total_more",
                                        ["total": String(result.total)]))</td></tr></tfoot>
            </table></div>
            \(pager(query: query, page: model.pageNumber, pages: pages, more: more, context: context))
            """
    }

    /// Previous and next links; `pages` is nil when the number of pages is not known.
    private static func pager(query: PeopleQuery, page: Int, pages: Int?, more: Bool, context: PageContext) -> HTML {
        guard page > 1 || more else { return .empty }
        let back = query.queryString(page - 1 > 1 ? [("page", String(page - 1))] : [])
        let previous: HTML = page > 1
            ? "<li><a href=\"/hr/people\(back)\" rel=\"prev\">\(context.t("hr.pager.previous"))</a></li>" : .empty
        let next: HTML = more
            ? "<li><a href=\"/hr/people\(query.queryString([("page", String(page + 1))]))\" rel=\"next\">\(context.t("hr.pager.next"))</a></li>"
            : .empty
        return """
            <nav class="no-print" aria-label="\(context.t("hr.pager.label"))"><ul class="inline-list">\(previous)\
            <li>\(pages.map { context.t("hr.pager.position", ["page": String(page), "pages": String($0)]) }
                ?? context.t("hr.pager.position_open", ["page": String(page)]))</li>\(next)</ul></nav>
            """
    }
}
