import Assessment
import Foundation

/// Pieces the member record, the learner's due page, the requests list and the progress report share: status
/// words, days, request histories and form fields.
enum PlanParts {
    /// A member's status as a word in a tag (the colour only repeats the word).
    static func status(_ status: AssignmentStatus, _ context: PageContext) -> HTML {
        let kind = switch status {
        case .done: "completed"
        case .overdue: "wrong"
        case .dueSoon, .inProgress: "in_progress"
        case .notStarted: "not_started"
        case .exempt: "not_taken"
        }
        return Components.tag(statusName(status, context), kind: kind)
    }

    static func statusName(_ status: AssignmentStatus, _ context: PageContext) -> String {
        context.t("plans.status.\(status.rawValue)")
    }

    /// A day written YYYY-MM-DD for people: 2027年1月31日 / 31 January 2027; "—" for none.
    static func day(_ text: String?, _ context: PageContext) -> String {
        guard let text, let day = ISODay(text) else { return text ?? "—" }
        return context.strings.date(day.start(in: .gmt) + 43_200, context.language, timeZone: .gmt)
    }

    /// The due day with its extension: "2027年3月1日（延期自 2027年1月31日）".
    static func dueDay(_ member: PlanMembership, _ context: PageContext) -> String {
        guard let due = member.dueDay else { return context.t("plans.member.no_due_day") }
        guard let extended = member.extendedDay, extended != due else { return day(due, context) }
        return context.t("plans.member.extended_from", ["day": day(extended, context), "original": day(due, context)])
    }

    static func requestState(_ request: AssignmentRequest, _ context: PageContext) -> HTML {
        let kind = switch request.state {
        case .approved: "completed"
        case .pending: "in_progress"
        case .refused: "wrong"
        case .cancelled: "not_started"
        }
        let key = request.kind == .exemption && request.state == .cancelled ? "plans.member.request_state.lifted"
            : "plans.member.request_state.\(request.state.rawValue)"
        return Components.tag(context.t(key), kind: kind)
    }

    /// Someone named on a request: "人事甲（hr.a）" / "HR A (hr.a)".
    static func person(_ person: AssignmentRequest.Person?, _ context: PageContext) -> String {
        guard let person else { return "—" }
        return context.language == .zh ? "\(person.name)（\(person.login)）" : "\(person.name) (\(person.login))"
    }

    /// The history of a member's exemptions and extension requests, newest first, with their decisions.
    static func history(_ requests: [AssignmentRequest], id: String, title: String, context: PageContext) -> HTML {
        guard !requests.isEmpty else {
            return "<h2 id=\"\(id)\">\(title)</h2><p>\(context.t("plans.member.no_requests"))</p>"
        }
        let rows = requests.map { request -> HTML in
            let what = request.kind == .exemption ? context.t("plans.member.kind.exemption")
                : context.t("plans.member.kind.extension", ["day": day(request.requestedDay, context)])
            let decided: HTML = request.decidedAt.map { at in
                "\(person(request.decidedByName, context))<br><span class=\"meta\">\(context.dateTime(at))</span>"
            } ?? "—"
            return """
                <tr><th scope="row">\(what)</th><td>\(request.reason)</td>\
                <td>\(person(request.createdByName, context))<br><span class="meta">\(context.dateTime(request.createdAt))</span></td>\
                <td>\(requestState(request, context))</td><td>\(decided)</td><td>\(request.decisionNote ?? "—")</td></tr>
                """
        }
        return """
            <h2 id="\(id)">\(title)</h2>
            <div class="table-scroll wide-table" role="region" tabindex="0" aria-labelledby="\(id)"><table>
            <caption class="visually-hidden">\(title)</caption>
            <thead><tr><th scope="col">\(context.t("plans.member.column.request"))</th>\
            <th scope="col">\(context.t("plans.member.column.reason"))</th>\
            <th scope="col">\(context.t("plans.member.column.made_by"))</th>\
            <th scope="col">\(context.t("plans.member.column.state"))</th>\
            <th scope="col">\(context.t("plans.member.column.decided_by"))</th>\
            <th scope="col">\(context.t("plans.member.column.note"))</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
    }

    /// A field with its label, hint and message (when refused); `multiline` makes it a text area.
    static func field(_ field: String, label: String, hint: String? = nil, value: String, errors: [(field: String, message: String)],
                      type: String = "text", multiline: Bool = false, maxLength: Int = AssignmentExtensions.maximumText,
                      required: Bool = true) -> HTML {
        let message = errors.first { $0.field == field }?.message
        let hintHTML: HTML = hint.map { "<p class=\"hint\" id=\"\(field)-hint\">\($0)</p>" } ?? .empty
        let errorHTML: HTML = message.map { "<p class=\"field-error\" id=\"\(field)-error\">\($0)</p>" } ?? .empty
        let ids = [hint == nil ? nil : "\(field)-hint", message == nil ? nil : "\(field)-error"].compactMap { $0 }
        var attributes: HTML = required ? " required" : .empty
        if message != nil { attributes = attributes + " aria-invalid=\"true\"" }
        if !ids.isEmpty { attributes = attributes + " aria-describedby=\"\(ids.joined(separator: " "))\"" }
        let control: HTML = multiline
            ? "<textarea id=\"\(field)\" name=\"\(field)\" rows=\"3\" maxlength=\"\(maxLength)\"\(attributes)>\(value)</textarea>"
            : "<input type=\"\(type)\" id=\"\(field)\" name=\"\(field)\" value=\"\(value)\" maxlength=\"\(maxLength)\" autocomplete=\"off\"\(attributes)>"
        return """
            <div class="field\(message == nil ? "" : " field-invalid")"><label for="\(field)">\(label)</label>\(hintHTML)\(errorHTML)
            \(control)</div>
            """
    }

    /// Links to pages 1...n of a list, keeping `base`'s query (`base` ends with `?` or `&`).
    static func pages(_ current: Int, total: Int, size: Int, base: String, label: String, context: PageContext) -> HTML {
        let count = max(1, (total + size - 1) / size)
        guard count > 1 else { return .empty }
        var items: [HTML] = []
        if current > 1 { items.append("<li><a href=\"\(base)page=\(current - 1)\">\(context.t("plans.progress.previous"))</a></li>") }
        items.append("<li>\(context.t("plans.progress.page_of", ["page": String(current), "pages": String(count)]))</li>")
        if current < count { items.append("<li><a href=\"\(base)page=\(current + 1)\">\(context.t("plans.progress.next"))</a></li>") }
        return "<nav aria-label=\"\(label)\"><ul class=\"inline-list\">\(items)</ul></nav>"
    }

    /// The HR people filter's "overdue for assignment" select (nothing when no assignment is followed up).
    static func overdueField(_ assignments: [Assignment], selected: Int64?, error: HTML, context: PageContext) -> HTML {
        guard !assignments.isEmpty else { return .empty }
        let options = [HTML("<option value=\"\">\(context.t("plans.progress.filter_any"))</option>")] + assignments.map { item -> HTML in
            let mark: HTML = item.id.rawValue == selected ? " selected" : .empty
            return "<option value=\"\(String(item.id.rawValue))\"\(mark)>\(item.name)</option>"
        }
        return """
            <div class="field"><label for="overdue_for">\(context.t("plans.progress.filter_label"))</label>
            <p class="hint" id="overdue_for-hint">\(context.t("plans.progress.filter_hint"))</p>\(error)
            <select id="overdue_for" name="overdue_for" aria-describedby="overdue_for-hint">\(options)</select></div>
            """
    }
}

/// One member of an assignment as a planner sees them: who, where, their status and due day (with any extension),
/// their exemption, their requests with decisions and who decided; forms to decide a pending extension request,
/// to exempt them or to lift the exemption.
public enum PlanMemberPage {
    public struct Model: Sendable {
        public var assignment: Assignment
        public var itemTitle: String
        public var person: User
        public var department: Department?
        public var membership: PlanMembership
        public var status: AssignmentStatus
        public var requests: [AssignmentRequest]
        public var notice: String?
        public var errors: [(field: String, message: String)]
        public var values: [String: String]

        public init(assignment: Assignment, itemTitle: String, person: User, department: Department?,
                    membership: PlanMembership, status: AssignmentStatus, requests: [AssignmentRequest], notice: String?,
                    errors: [(field: String, message: String)], values: [String: String]) {
            self.assignment = assignment
            self.itemTitle = itemTitle
            self.person = person
            self.department = department
            self.membership = membership
            self.status = status
            self.requests = requests
            self.notice = notice
            self.errors = errors
            self.values = values
        }
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String) -> HTML {
        let person = model.person
        let member = model.membership
        let base = "/plans/\(model.assignment.id)/people/\(person.id.rawValue)"
        let exemption = model.requests.first { $0.kind == .exemption && $0.state == .approved }
        let exemptText: HTML = member.exemptAt.map { at in
            let reason = exemption?.reason ?? ""
            return "\(context.t("plans.member.exempt_since", ["when": context.dateTime(at), "reason": reason, "by": PlanParts.person(exemption?.createdByName, context)]))"
        } ?? "\(context.t("plans.member.not_exempt"))"
        let left: HTML = member.leftAt.map { "<div><dt>\(context.t("plans.member.left"))</dt><dd>\(context.dateTime($0))</dd></div>" } ?? .empty
        let body: HTML = """
            \(Components.errorSummary(model.errors, context: context))
            \(model.notice.map(Components.notice) ?? .empty)
            <h1>\(context.t("plans.member.title", ["name": person.displayName]))</h1>
            <p>\(context.t("plans.member.intro", ["assignment": model.assignment.name, "item": model.itemTitle]))</p>
            <dl class="summary-list">
            <div><dt>\(context.t("plans.member.name"))</dt><dd>\(person.displayName)</dd></div>
            <div><dt>\(context.t("plans.member.login"))</dt><dd>\(person.login)</dd></div>
            <div><dt>\(context.t("plans.member.employee_number"))</dt><dd>\(person.employeeNumber ?? "—")</dd></div>
            <div><dt>\(context.t("plans.member.department"))</dt><dd>\(model.department?.displayPath ?? "—")</dd></div>
            <div><dt>\(context.t("plans.member.status"))</dt><dd>\(PlanParts.status(model.status, context))</dd></div>
            <div><dt>\(context.t("plans.member.due_day"))</dt><dd>\(PlanParts.dueDay(member, context))</dd></div>
            <div><dt>\(context.t("plans.member.assigned_at"))</dt><dd>\(context.dateTime(member.assignedAt))</dd></div>
            <div><dt>\(context.t("plans.member.exemption"))</dt><dd>\(exemptText)</dd></div>\(left)
            </dl>
            <p class="no-print"><a href="/hr/people/\(String(person.id.rawValue))">\(context.t("plans.member.hr_record"))</a></p>
            \(pending(model, base: base, context: context))
            \(exemptForm(model, base: base, context: context))
            \(PlanParts.history(model.requests, id: "history", title: context.t("plans.member.history"), context: context))
            """
        return PlanFrame.page(title: person.displayName, section: .plans,
                              trail: [(model.assignment.name, "/plans/\(model.assignment.id)"),
                                      (context.t("plans.progress.title"), "/plans/\(model.assignment.id)/progress"),
                                      (person.displayName, nil)],
                              context: context, stylesheet: stylesheet, body: body)
    }

    private static func pending(_ model: Model, base: String, context: PageContext) -> HTML {
        guard model.membership.isCurrent, let request = model.requests.first(where: { $0.state == .pending }) else { return .empty }
        return """
            <h2 id="decide">\(context.t("plans.member.decide.title"))</h2>
            <p>\(context.t("plans.member.decide.asked", ["day": PlanParts.day(request.requestedDay, context),
                                                         "current": PlanParts.dueDay(model.membership, context),
                                                         "when": context.dateTime(request.createdAt)]))</p>
            <blockquote>\(request.reason)</blockquote>
            <form method="post" action="\(base)/requests/\(String(request.id))" class="form no-print" novalidate>
            \(Components.csrf(context))
            \(PlanParts.field("note", label: context.t("plans.member.decide.note"), hint: context.t("plans.member.decide.note_hint"),
                              value: model.values["note"] ?? "", errors: model.errors, multiline: true, required: false))
            <div class="inline-list">
            <button type="submit" name="decision" value="approve" class="button">\(context.t("plans.member.decide.approve"))</button>
            <button type="submit" name="decision" value="refuse" class="button button-warning">\(context.t("plans.member.decide.refuse"))</button>
            </div></form>
            """
    }

    private static func exemptForm(_ model: Model, base: String, context: PageContext) -> HTML {
        guard model.membership.isCurrent else { return .empty }
        let exempt = model.membership.exemptAt != nil
        return """
            <h2 id="exempt">\(context.t(exempt ? "plans.member.lift.title" : "plans.member.exempt.title"))</h2>
            <form method="post" action="\(base)/\(exempt ? "lift" : "exempt")" class="form no-print" novalidate>
            \(Components.csrf(context))
            <p>\(context.t(exempt ? "plans.member.lift.intro" : "plans.member.exempt.intro"))</p>
            \(PlanParts.field("reason", label: context.t("plans.member.reason"), hint: context.t("plans.member.reason_hint"),
                              value: model.values["reason"] ?? "", errors: model.errors, multiline: true))
            <button type="submit" class="button\(exempt ? "" : " button-warning")">\
            \(context.t(exempt ? "plans.member.lift.submit" : "plans.member.exempt.submit"))</button>
            </form>
            """
    }
}

/// The "Training plans" section of the HR person page: the person's assignments, current first, then past ones
/// (they left the audience or the assignment was withdrawn), with the status of current ones.
public enum HRPersonPlans {
    public struct Line: Sendable {
        public var assignment: Assignment
        public var itemTitle: String
        public var membership: PlanMembership
        /// nil for a past membership.
        public var status: AssignmentStatus?
        /// Whether the reader may open the member record (the assignment is visible to them).
        public var linked: Bool

        public init(assignment: Assignment, itemTitle: String, membership: PlanMembership, status: AssignmentStatus?,
                    linked: Bool) {
            self.assignment = assignment
            self.itemTitle = itemTitle
            self.membership = membership
            self.status = status
            self.linked = linked
        }
    }

    static func section(_ lines: [Line], context: PageContext) -> HTML {
        let heading: HTML = "<h2 id=\"plans\">\(context.t("plans.member.hr_section"))</h2>"
        guard !lines.isEmpty else { return heading + "<p>\(context.t("plans.member.hr_none"))</p>" }
        let rows = lines.map { line -> HTML in
            let path = "/plans/\(line.assignment.id)/people/\(line.membership.userID.rawValue)"
            let name: HTML = line.linked ? "<a href=\"\(path)\">\(line.assignment.name)</a>" : "\(line.assignment.name)"
            let state: HTML
            if let status = line.status {
                state = PlanParts.status(status, context)
            } else if line.assignment.withdrawnAt != nil {
                state = Components.tag(context.t("plans.member.past_withdrawn"), kind: "not_started")
            } else {
                state = Components.tag(context.t("plans.member.past_left"), kind: "not_started")
            }
            return """
                <tr><th scope="row">\(name)</th><td>\(line.itemTitle)</td>\
                <td>\(context.t(line.assignment.required ? "due.required" : "due.elective"))</td>\
                <td>\(PlanParts.dueDay(line.membership, context))</td><td>\(state)</td></tr>
                """
        }
        return heading + """
            <div class="table-scroll wide-table" role="region" tabindex="0" aria-labelledby="plans"><table>
            <caption class="visually-hidden">\(context.t("plans.member.hr_section"))</caption>
            <thead><tr><th scope="col">\(context.t("plans.requests.column.assignment"))</th>\
            <th scope="col">\(context.t("due.what"))</th><th scope="col">\(context.t("plans.member.kind"))</th>\
            <th scope="col">\(context.t("plans.member.due_day"))</th><th scope="col">\(context.t("plans.member.status"))</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
    }
}
