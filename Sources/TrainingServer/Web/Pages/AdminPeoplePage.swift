/// The people an administrator manages: search (name, pinyin initials, login, employee number), filters
/// (department subtree, role, state), sortable columns as plain links, 50 per page, and the count.
public enum AdminPeoplePage {
    public struct Result: Sendable {
        public var lines: [AccountLine]
        public var total: Int
        public var page: Int
        public var pages: Int

        public init(lines: [AccountLine], total: Int, page: Int, pages: Int) {
            self.lines = lines
            self.total = total
            self.page = page
            self.pages = pages
        }
    }

    public struct Model: Sendable {
        public var query: PeopleListQuery
        public var problems: [AccountProblem]
        /// nil when the filters could not be read.
        public var result: Result?
        public var scope: AdminScope
        public var department: Department?
        /// Job categories in use in scope, for the category filter.
        public var categories: [String] = []

        public init(query: PeopleListQuery, problems: [AccountProblem], result: Result?, scope: AdminScope,
                    department: Department?) {
            self.query = query
            self.problems = problems
            self.result = result
            self.scope = scope
            self.department = department
        }
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String) -> HTML {
        let title = context.t("admin.people.title")
        let body: HTML = """
            <h1>\(title)</h1>
            <p><a class="button" href="/admin/people/new">\(context.t("admin.people.add"))</a></p>
            \(AdminPeopleFields.summary(model.problems, context: context))
            \(filters(model, context: context))
            \(results(model, context: context))
            """
        return AdminFrame.page(title: title, section: .people, context: context, stylesheet: stylesheet, body: body)
    }

    private static func filters(_ model: Model, context: PageContext) -> HTML {
        let query = model.query
        let problems = model.problems
        let roles = [("", context.t("admin.people.filter.role_any"))]
            + Role.allCases.map { ($0.rawValue, AdminPeopleFields.roleName($0, context)) }
        let states = [("", context.t("admin.people.filter.state_any"))]
            + PeopleListQuery.State.allCases.map { ($0.rawValue, context.t("admin.people.state.\($0.rawValue)")) }
        let sortFields: HTML = """
            \(query.sort == .name ? HTML.empty : "<input type=\"hidden\" name=\"sort\" value=\"\(query.sort.rawValue)\">")\
            \(query.descending ? "<input type=\"hidden\" name=\"dir\" value=\"desc\">" : HTML.empty)
            """
        return """
            <form method="get" action="/admin/people" class="form" novalidate>
            <h2>\(context.t("admin.people.filter.title"))</h2>
            \(AdminPeopleFields.text("q", label: context.t("admin.people.filter.search"),
                                     hint: context.t("admin.people.filter.search_hint"), value: query.search ?? "",
                                     maxLength: PeopleListQuery.searchLimit, problems, context: context, type: "search"))
            \(AdminPeopleFields.department("department", label: context.t("admin.people.filter.department"),
                                           empty: context.t("admin.people.filter.department_all"),
                                           selected: model.department.map { String($0.id.rawValue) } ?? query.department,
                                           scope: model.scope, problems, context: context))
            \(AdminPeopleFields.select("role", label: context.t("admin.people.filter.role"), options: roles,
                                       selected: query.role?.rawValue ?? "", problems, context: context))
            \(AdminPeopleFields.select("state", label: context.t("admin.people.filter.state"), options: states,
                                       selected: query.state?.rawValue ?? "", problems, context: context))
            \(categoryFilter(model, context: context))
            \(sortFields)
            <div class="button-row"><button type="submit" class="button">\(context.t("admin.people.filter.apply"))</button>
            <a href="/admin/people">\(context.t("admin.people.filter.clear"))</a></div>
            </form>
            """
    }

    /// The job category filter, when someone in scope has a category (or one is asked for).
    private static func categoryFilter(_ model: Model, context: PageContext) -> HTML {
        let chosen = model.query.jobCategory
        let categories = model.categories + (chosen.map { model.categories.contains($0) ? [] : [$0] } ?? [])
        guard !categories.isEmpty else { return .empty }
        let options = [("", context.t("admin.people.filter.job_category_any"))] + categories.map { ($0, $0) }
        return AdminPeopleFields.select("job_category", label: context.t("admin.people.filter.job_category"), options: options,
                                        selected: chosen ?? "", model.problems, context: context)
    }

    private static func results(_ model: Model, context: PageContext) -> HTML {
        guard let result = model.result else { return .empty }
        let query = model.query
        guard result.total > 0 else {
            return """
                <h2 id="people-results">\(context.t("admin.people.results"))</h2>
                <p>\(context.t("admin.people.empty"))</p>
                """
        }
        let first = (result.page - 1) * PeopleListQuery.pageSize + 1
        let caption = context.t("admin.people.caption", ["total": String(result.total), "from": String(first),
                                                         "to": String(first + result.lines.count - 1)])
        let columns: [(AccountFilter.Sort?, String)] = [
            (.name, "admin.people.column.name"), (.login, "admin.people.column.login"),
            (.employeeNumber, "admin.people.column.employee_number"), (.department, "admin.people.column.department"),
            (nil, "admin.people.column.roles"), (.state, "admin.people.column.state"),
        ]
        let header = columns.map { sort, key -> HTML in
            guard let sort else { return "<th scope=\"col\">\(context.t(key))</th>" }
            let current = query.sort == sort
            var next = query
            next.sort = sort
            next.descending = current ? !query.descending : false
            let ariaSort: HTML = current ? " aria-sort=\"\(query.descending ? "descending" : "ascending")\"" : .empty
            let marker: HTML = current
                ? " <span class=\"meta\">(\(context.t(query.descending ? "hr.sort.descending" : "hr.sort.ascending")))</span>"
                : .empty
            return "<th scope=\"col\"\(ariaSort)><a href=\"/admin/people\(next.queryString())\">\(context.t(key))</a>\(marker)</th>"
        }
        let rows = result.lines.map { line -> HTML in
            let roles = Role.allCases.filter { line.roles.contains($0) && $0 != .learner }
                .map { AdminPeopleFields.roleName($0, context) }.joined(separator: context.t("list.separator"))
            return """
                <tr><th scope="row"><a href="/admin/people/\(String(line.id.rawValue))">\(line.name)</a></th>\
                <td>\(line.login)</td><td>\(line.employeeNumber ?? "—")</td>\
                <td>\(AdminPeopleFields.path(model.scope.departments[line.departmentID]))</td>\
                <td>\(roles.isEmpty ? "—" : roles)</td><td>\(AdminPeopleFields.state(disabled: line.disabled, context))</td></tr>
                """
        }
        return """
            <h2 id="people-results">\(context.t("admin.people.results"))</h2>
            <p id="people-count" role="status">\(context.t("admin.people.count", ["total": String(result.total)]))</p>
            <div class="table-scroll wide-table" role="region" tabindex="0" aria-labelledby="people-caption">
            <table class="people-table">
            <caption id="people-caption">\(caption)</caption>
            <thead><tr>\(header)</tr></thead>
            <tbody>\(rows)</tbody>
            </table></div>
            \(pager(query: query, page: result.page, pages: result.pages, context: context))
            """
    }

    /// First, previous, next and last page links with the position between them.
    private static func pager(query: PeopleListQuery, page: Int, pages: Int, context: PageContext) -> HTML {
        guard pages > 1 else { return .empty }
        func link(_ target: Int, _ key: String, rel: String?) -> HTML {
            let relation: HTML = rel.map { " rel=\"\($0)\"" } ?? .empty
            return "<li><a href=\"/admin/people\(query.queryString(page: target))\"\(relation)>\(context.t(key))</a></li>"
        }
        let before: HTML = page > 1 ? link(1, "admin.people.pager.first", rel: nil) + link(page - 1, "hr.pager.previous", rel: "prev")
            : .empty
        let after: HTML = page < pages ? link(page + 1, "hr.pager.next", rel: "next") + link(pages, "admin.people.pager.last", rel: nil)
            : .empty
        return """
            <nav aria-label="\(context.t("hr.pager.label"))"><ul class="inline-list">\(before)\
            <li>\(context.t("hr.pager.position", ["page": String(page), "pages": String(pages)]))</li>\(after)</ul></nav>
            """
    }
}
