import Curriculum

/// The sections of training plans, in the order the section navigation lists them.
public enum PlanSection: String, CaseIterable, Sendable {
    case plans
    case requirements
    case requests
    case announcements

    public var path: String {
        switch self {
        case .plans: "/plans"
        case .requirements: "/plans/requirements"
        case .requests: "/plans/requests"
        case .announcements: "/announcements"
        }
    }

    var titleKey: String { "plans.section.\(rawValue)" }
}

/// The frame of every training-plan page: the full-width data layout, breadcrumbs from the plans list and the
/// navigation between the sections (the current one marked).
public enum PlanFrame {
    /// `trail` adds (label, link) pairs after the section, the last being the current page.
    public static func page(title: String, section: PlanSection, trail: [(String, String?)] = [], context: PageContext,
                            stylesheet: String, body: HTML) -> HTML {
        var crumbs: [(String, String?)] = [(context.t("plans.title"), section == .plans && trail.isEmpty ? nil : "/plans")]
        if section != .plans { crumbs.append((context.t(section.titleKey), trail.isEmpty ? nil : section.path)) }
        crumbs += trail
        let links = PlanSection.allCases.map { item -> HTML in
            let here: HTML = item == section && (trail.isEmpty || item != .plans) ? " aria-current=\"page\"" : .empty
            return "<li><a href=\"\(item.path)\"\(here)>\(context.t(item.titleKey))</a></li>"
        }
        let frame: HTML = """
            \(Components.breadcrumbs(crumbs, context: context))
            <nav class="admin-nav" aria-label="\(context.t("plans.nav.label"))"><ul class="inline-list">\(links)</ul></nav>
            \(body)
            """
        return Layout.page(title: title, context: context, stylesheet: stylesheet, width: .wide, body: frame)
    }
}

/// Assignments in words, in the page's language: the item's title, the audience, the due rule, a status.
public struct PlanWords: Sendable {
    let context: PageContext
    let catalogue: Catalogue
    /// The departments the viewer may see named (others are "a department outside your scope").
    let departments: [DepartmentID: Department]

    public init(context: PageContext, catalogue: Catalogue, departments: [DepartmentID: Department]) {
        self.context = context
        self.catalogue = catalogue
        self.departments = departments
    }

    /// The course's or programme's title; its id when the catalogue no longer has it.
    public func title(_ item: AssignmentItem) -> String {
        switch item.kind {
        case .course: catalogue.course(CourseID(rawValue: item.id))?.title.t(context) ?? item.id
        case .program: catalogue.program(ProgramID(rawValue: item.id))?.title.t(context) ?? item.id
        }
    }

    /// The item's page.
    public func link(_ item: AssignmentItem) -> String {
        item.kind == .course ? "/courses/\(PercentDecoding.encode(item.id))" : "/programs/\(PercentDecoding.encode(item.id))"
    }

    /// "课程：信息安全" / "Course: Information security".
    public func item(_ item: AssignmentItem) -> String {
        context.t("plans.item.\(item.kind.rawValue)", ["title": title(item)])
    }

    public func department(_ id: DepartmentID) -> String {
        departments[id]?.displayPath ?? context.t("plans.department.outside")
    }

    public func audience(_ assignment: Assignment) -> String {
        switch assignment.audience {
        case .department(let subtree, let category):
            let base = context.t(subtree ? "plans.audience.subtree" : "plans.audience.department",
                                 ["department": department(assignment.departmentID)])
            return category.map { base + context.t("plans.audience.category", ["category": $0]) } ?? base
        case .people(let people):
            return context.t("plans.audience.people", ["count": String(people.count),
                                                       "department": department(assignment.departmentID)])
        }
    }

    public func due(_ rule: DueRule) -> String {
        switch rule {
        case .none: context.t("plans.due.none")
        case .fixed(let day): context.t("plans.due.fixed", ["day": day.description])
        case .afterAssignment(let days): context.t("plans.due.after_assignment", ["days": String(days)])
        case .afterJoining(let days): context.t("plans.due.after_joining", ["days": String(days)])
        }
    }

    public func kind(_ assignment: Assignment) -> String {
        context.t(assignment.required ? "plans.required" : "plans.elective")
    }

    public func status(_ status: AssignmentStatus) -> String { context.t("plans.status.\(status.rawValue)") }

    /// The status as a tag; overdue and due soon say so in words, not by colour alone.
    public func statusTag(_ status: AssignmentStatus) -> HTML {
        Components.tag(self.status(status), kind: status.rawValue)
    }
}

/// `/plans`: the assignments the planner may follow up, with their members in the planner's scope and how many of
/// them are done or overdue; withdrawn ones apart.
public enum PlansListPage {
    public struct Line: Sendable {
        public var assignment: Assignment
        public var counts: [AssignmentStatus: Int]
        public var canChange: Bool
    }

    public struct Model: Sendable {
        public var active: [Line]
        public var withdrawn: [Line]
        public var notice: String?
    }

    public static func render(_ model: Model, words: PlanWords, context: PageContext, stylesheet: String) -> HTML {
        let notice: HTML = model.notice.map { Components.notice($0) } ?? .empty
        let body: HTML = """
            <h1>\(context.t("plans.list.title"))</h1>
            \(notice)
            <p>\(context.t("plans.list.intro"))</p>
            <p><a class="button" href="/plans/new">\(context.t("plans.new.link"))</a></p>
            <h2 id="plans-active">\(context.t("plans.list.active"))</h2>
            \(table(model.active, id: "plans-active", words: words, context: context))
            <h2 id="plans-withdrawn">\(context.t("plans.list.withdrawn"))</h2>
            \(table(model.withdrawn, id: "plans-withdrawn", words: words, context: context))
            """
        return PlanFrame.page(title: context.t("plans.list.title"), section: .plans, context: context, stylesheet: stylesheet,
                              body: body)
    }

    static func table(_ lines: [Line], id: String, words: PlanWords, context: PageContext) -> HTML {
        guard !lines.isEmpty else { return "<p>\(context.t("plans.list.none"))</p>" }
        let rows = lines.map { line -> HTML in
            let a = line.assignment
            let members = line.counts.values.reduce(0, +)
            return """
                <tr><th scope="row"><a href="/plans/\(a.id.description)">\(a.name)</a></th>\
                <td>\(words.item(a.item))</td><td>\(words.kind(a))</td><td>\(words.audience(a))</td>\
                <td>\(words.due(a.dueRule))</td><td>\(members)</td><td>\(line.counts[.done] ?? 0)</td>\
                <td>\(line.counts[.overdue] ?? 0)</td></tr>
                """
        }
        return """
            <div class="table-scroll wide-table" role="region" tabindex="0" aria-labelledby="\(id)"><table>
            <thead><tr><th scope="col">\(context.t("plans.col.name"))</th><th scope="col">\(context.t("plans.col.item"))</th>\
            <th scope="col">\(context.t("plans.col.kind"))</th><th scope="col">\(context.t("plans.col.audience"))</th>\
            <th scope="col">\(context.t("plans.col.due"))</th><th scope="col">\(context.t("plans.col.members"))</th>\
            <th scope="col">\(context.t("plans.col.done"))</th><th scope="col">\(context.t("plans.col.overdue"))</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
    }
}

/// `/plans/new`: the form to assign a course or programme, with a "check" step that shows how many people the
/// assignment would reach before it is created.
public enum PlanNewPage {
    /// Departments offered in a list at most; a larger scope names the department by its path.
    public static let listed = 200

    public struct Model: Sendable {
        public var items: [(value: String, label: String)]
        public var departments: [Department]
        public var categories: [String]
        public var draft: AssignmentDraft
        public var errors: [(field: String, message: String)]
        /// After a successful check: how many people the assignment would reach now.
        public var reach: Int?
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String) -> HTML {
        let form = AdminFormErrors(errors: model.errors)
        let draft = model.draft
        func option(_ value: String, _ label: String, selected: Bool) -> HTML {
            "<option value=\"\(value)\"\(selected ? " selected" : "")>\(label)</option>"
        }
        func checked(_ on: Bool) -> HTML { on ? " checked" : .empty }
        let items = [option("", context.t("plans.new.item.choose"), selected: draft.item.isEmpty)]
            + model.items.map { option($0.value, $0.label, selected: $0.value == draft.item) }
        let departmentControl: HTML
        if model.departments.count <= listed {
            let options = model.departments.map {
                option($0.id.description, $0.displayPath, selected: $0.id.description == draft.department)
            }
            departmentControl = "<select id=\"department\" name=\"department\"\(form.attributes("department", hint: "department-hint"))>\(options)</select>"
        } else {
            // Too many to list: the department's path, as staff files write it.
            departmentControl = """
                <input type="text" id="department" name="department_path" value="\(draft.departmentPath)" \
                placeholder="\(model.departments.first?.namePath.joined(separator: "/") ?? "")"\(form.attributes("department", hint: "department-hint"))>
                """
        }
        let departmentHint = context.t("plans.new.department.hint")
            + (model.departments.count <= listed ? "" : context.t("plans.new.department.path_hint"))
        let categories = [option("", context.t("plans.new.category.any"), selected: draft.jobCategory.isEmpty)]
            + model.categories.map { option($0, $0, selected: $0 == draft.jobCategory) }
        let reach: HTML = model.reach.map {
            "<div class=\"notice\" role=\"status\"><p>\(context.t("plans.new.reach", ["count": String($0)]))</p></div>"
        } ?? .empty
        let dueKinds = ["none", "fixed", "after_assignment", "after_joining"].map { kind -> HTML in
            """
            <div class="choice"><input type="radio" id="due_kind-\(kind)" name="due_kind" value="\(kind)"\(checked(draft.dueKind == kind))>\
            <label for="due_kind-\(kind)">\(context.t("plans.new.due.\(kind)"))</label></div>
            """
        }
        let body: HTML = """
            <h1>\(context.t("plans.new.title"))</h1>
            \(Components.errorSummary(model.errors, context: context))
            \(reach)
            <form method="post" action="/plans/new" class="form" novalidate>
            \(Components.csrf(context))
            <div class="\(form.fieldClass("name"))">
            <label for="name">\(context.t("plans.new.name"))</label>
            \(form.message("name"))
            <input type="text" id="name" name="name" maxlength="200" value="\(draft.name)"\(form.attributes("name"))>
            </div>
            <div class="\(form.fieldClass("item"))">
            <label for="item">\(context.t("plans.new.item"))</label>
            \(form.message("item"))
            <select id="item" name="item"\(form.attributes("item"))>\(items)</select>
            </div>
            <fieldset class="field"><legend>\(context.t("plans.new.kind"))</legend>
            <div class="choice"><input type="radio" id="required-1" name="required" value="1"\(checked(draft.required))>\
            <label for="required-1">\(context.t("plans.required"))</label></div>
            <div class="choice"><input type="radio" id="required-0" name="required" value="0"\(checked(!draft.required))>\
            <label for="required-0">\(context.t("plans.elective"))</label></div>
            </fieldset>
            <div class="\(form.fieldClass("department"))">
            <label for="department">\(context.t("plans.new.department"))</label>
            <p class="hint" id="department-hint">\(departmentHint)</p>
            \(form.message("department"))
            \(departmentControl)
            </div>
            <fieldset class="\(form.fieldClass("audience"))"><legend>\(context.t("plans.new.audience"))</legend>
            \(form.message("audience"))
            <div class="choice"><input type="radio" id="audience-department" name="audience" value="department"\(checked(draft.audience != "people"))>\
            <label for="audience-department">\(context.t("plans.new.audience.department"))</label></div>
            <div class="choice"><input type="checkbox" id="include_subtree" name="include_subtree" value="1"\(checked(draft.includeSubtree))>\
            <label for="include_subtree">\(context.t("plans.new.include_subtree"))</label></div>
            <div class="\(form.fieldClass("job_category"))">
            <label for="job_category">\(context.t("plans.new.category"))</label>
            \(form.message("job_category"))
            <select id="job_category" name="job_category"\(form.attributes("job_category"))>\(categories)</select>
            </div>
            <div class="choice"><input type="radio" id="audience-people" name="audience" value="people"\(checked(draft.audience == "people"))>\
            <label for="audience-people">\(context.t("plans.new.audience.people"))</label></div>
            <div class="\(form.fieldClass("people"))">
            <label for="people">\(context.t("plans.new.people"))</label>
            <p class="hint" id="people-hint">\(context.t("plans.new.people.hint"))</p>
            \(form.message("people"))
            <textarea id="people" name="people" rows="5"\(form.attributes("people", hint: "people-hint"))>\(draft.people)</textarea>
            </div>
            </fieldset>
            <fieldset class="\(form.fieldClass("due_kind"))"><legend>\(context.t("plans.new.due"))</legend>
            \(form.message("due_kind"))
            \(dueKinds)
            <div class="\(form.fieldClass("due_date"))">
            <label for="due_date">\(context.t("plans.new.due_date"))</label>
            \(form.message("due_date"))
            <input type="date" id="due_date" name="due_date" value="\(draft.dueDate)"\(form.attributes("due_date"))>
            </div>
            <div class="\(form.fieldClass("due_days"))">
            <label for="due_days">\(context.t("plans.new.due_days"))</label>
            \(form.message("due_days"))
            <input type="number" id="due_days" name="due_days" min="1" max="\(String(DueRule.maximumDays))" inputmode="numeric" \
            value="\(draft.dueDays)"\(form.attributes("due_days"))>
            </div>
            </fieldset>
            <p class="hint">\(context.t("plans.new.check.hint"))</p>
            <button type="submit" name="action" value="check" class="button button-secondary">\(context.t("plans.new.check"))</button>
            <button type="submit" name="action" value="create" class="button">\(context.t("plans.new.create"))</button>
            </form>
            """
        return PlanFrame.page(title: context.t("plans.new.title"), section: .plans,
                              trail: [(context.t("plans.new.title"), nil)], context: context, stylesheet: stylesheet, body: body)
    }
}

/// `/plans/ID`: one assignment in words, its members in the planner's scope by status, and (for one anchored in
/// the scope) the form to withdraw it.
public enum PlanDetailPage {
    public struct Model: Sendable {
        public var assignment: Assignment
        public var counts: [AssignmentStatus: Int]
        public var canChange: Bool
        public var createdBy: String?
        public var notice: String?
        public var errors: [(field: String, message: String)]
    }

    public static func render(_ model: Model, words: PlanWords, context: PageContext, stylesheet: String) -> HTML {
        let a = model.assignment
        let form = AdminFormErrors(errors: model.errors)
        let notice: HTML = model.notice.map { Components.notice($0) } ?? .empty
        let total = model.counts.values.reduce(0, +)
        let rows = AssignmentStatus.allCases.map { status -> HTML in
            "<tr><th scope=\"row\">\(words.status(status))</th><td>\(model.counts[status] ?? 0)</td></tr>"
        }
        let withdrawn: HTML = a.withdrawnAt.map {
            "<p>\(Components.tag(context.t("plans.detail.withdrawn", ["when": context.dateTime($0)]), kind: "not_taken"))</p>"
        } ?? .empty
        let withdraw: HTML
        if let file = a.planFile {
            withdraw = "<p>\(context.t("plans.detail.from_file", ["file": "Courses/" + file]))</p>"
        } else if a.isWithdrawn || !model.canChange {
            withdraw = a.isWithdrawn || model.canChange ? .empty : "<p>\(context.t("plans.detail.not_yours"))</p>"
        } else {
            withdraw = """
                <form method="post" action="/plans/\(a.id.description)/withdraw" class="form" novalidate>
                \(Components.csrf(context))
                <h2>\(context.t("plans.withdraw.title"))</h2>
                <p>\(context.t("plans.withdraw.explain"))</p>
                <div class="\(form.fieldClass("confirm"))">
                \(form.message("confirm"))
                <div class="choice"><input type="checkbox" id="confirm" name="confirm" value="1"\(form.attributes("confirm"))>\
                <label for="confirm">\(context.t("plans.withdraw.confirm"))</label></div>
                </div>
                <button type="submit" class="button button-warning">\(context.t("plans.withdraw.submit"))</button>
                </form>
                """
        }
        let plan: HTML = a.planKey.map { "<dt>\(context.t("plans.detail.plan_file"))</dt><dd>\($0)</dd>" } ?? .empty
        let body: HTML = """
            <h1>\(a.name)</h1>
            \(Components.errorSummary(model.errors, context: context))
            \(notice)
            \(withdrawn)
            <dl class="summary-list">
            <dt>\(context.t("plans.col.item"))</dt><dd><a href="\(words.link(a.item))">\(words.item(a.item))</a></dd>
            <dt>\(context.t("plans.col.kind"))</dt><dd>\(words.kind(a))</dd>
            <dt>\(context.t("plans.col.audience"))</dt><dd>\(words.audience(a))</dd>
            <dt>\(context.t("plans.col.due"))</dt><dd>\(words.due(a.dueRule))</dd>
            <dt>\(context.t("plans.detail.created"))</dt><dd>\(context.dateTime(a.createdAt))\
            \(model.createdBy.map { " · \($0)" } ?? "")</dd>
            \(plan)
            </dl>
            <h2 id="plan-counts">\(context.t("plans.detail.counts", ["count": String(total)]))</h2>
            <p>\(context.t("plans.detail.counts.hint"))</p>
            <div class="table-scroll" role="region" tabindex="0" aria-labelledby="plan-counts"><table>
            <thead><tr><th scope="col">\(context.t("plans.col.status"))</th><th scope="col">\(context.t("plans.col.people"))</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            <p><a href="/plans/\(a.id.description)/progress">\(context.t("plans.detail.progress"))</a></p>
            \(withdraw)
            """
        return PlanFrame.page(title: a.name, section: .plans, trail: [(a.name, nil)], context: context,
                              stylesheet: stylesheet, body: body)
    }
}
