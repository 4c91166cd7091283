import Foundation

/// Yearly study-hour requirements for planners: how a person's requirement is found, the rules in scope with
/// the people each reaches (change the hours in place, remove), and a form adding a rule.
public enum PlanRequirementsPage {
    /// A refused field of the form.
    public struct Problem: Sendable, Hashable {
        public enum Reason: String, Sendable {
            case departmentMissing = "department_missing", categoryTooLong = "category_too_long"
            case categoryControlCharacter = "category_control_character", hoursInvalid = "hours_invalid"
        }

        public var field: String
        public var reason: Reason

        public init(field: String, reason: Reason) {
            self.field = field
            self.reason = reason
        }

        var messageKey: String { "plans.requirements.error.\(reason.rawValue)" }
    }

    /// One rule as listed.
    public struct Line: Sendable {
        public var rule: YearlyRequirement
        public var department: Department?
        /// False for a rule above the viewer's scope (shown because it reaches people in it).
        public var changeable: Bool
        /// Enabled people in the viewer's scope whose requirement this rule sets.
        public var people: Int
    }

    public struct Model: Sendable {
        public var rules: [Line]
        public var global: Double
        public var globalPeople: Int
        public var departments: [Department]
        public var categories: [String]
        public var done: String?
        public var problems: [Problem]
        public var values: [String: String]
    }

    /// Departments listed in a select up to this many; beyond, the form takes a path of names.
    static let departmentListLimit = 300

    static func done(_ raw: String?) -> String? {
        guard let raw, ["added", "changed", "unchanged", "removed"].contains(raw) else { return nil }
        return raw
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String) -> HTML {
        let title = context.t("plans.requirements.title")
        let global = context.strings.number(model.global)
        let sorted = model.rules.sorted { first, second in
            let a = first.department?.namePath ?? [], b = second.department?.namePath ?? []
            if a != b { return a.lexicographicallyPrecedes(b) }
            return (first.rule.jobCategory ?? "") < (second.rule.jobCategory ?? "")
        }
        let rows = sorted.map { row(line: $0, context: context) }
        let table: HTML = """
            <div class="table-scroll wide-table" role="region" tabindex="0" aria-labelledby="requirements-caption">
            <table><caption id="requirements-caption">\(context.t("plans.requirements.caption"))</caption>
            <thead><tr><th scope="col">\(context.t("plans.requirements.column.department"))</th>\
            <th scope="col">\(context.t("plans.requirements.column.job_category"))</th>\
            <th scope="col">\(context.t("plans.requirements.column.hours"))</th>\
            <th scope="col">\(context.t("plans.requirements.column.people"))</th>\
            <th scope="col">\(context.t("plans.requirements.column.action"))</th></tr></thead>
            <tbody>\(rows)</tbody>
            <tfoot><tr><th scope="row">\(context.t("plans.requirements.global_row"))</th><td>\(context.t("plans.requirements.everyone_else"))</td>\
            <td>\(global)</td><td>\(String(model.globalPeople))</td><td>\(context.t("plans.requirements.global_action"))</td></tr></tfoot>
            </table></div>
            """
        let empty: HTML = model.rules.isEmpty ? "<p>\(context.t("plans.requirements.empty", ["hours": global]))</p>" : .empty
        let notice: HTML = model.done.map { Components.notice(context.t("plans.requirements.done.\($0)")) } ?? .empty
        let summary = Components.errorSummary(model.problems.map { (field: $0.field, message: context.t($0.messageKey)) },
                                              context: context)
        let body: HTML = """
            <h1>\(title)</h1>
            \(notice)
            <p>\(context.t("plans.requirements.intro"))</p>
            <h2>\(context.t("plans.requirements.rule_title"))</h2>
            <ol>
            <li>\(context.t("plans.requirements.rule.category"))</li>
            <li>\(context.t("plans.requirements.rule.plain"))</li>
            <li>\(context.t("plans.requirements.rule.global", ["hours": global]))</li>
            </ol>
            <p>\(context.t("plans.requirements.rule.example"))</p>
            \(empty)
            \(table)
            \(summary)
            <form method="post" action="/plans/requirements" class="form" novalidate>
            \(Components.csrf(context))
            <h2>\(context.t("plans.requirements.add_title"))</h2>
            <p>\(context.t("plans.requirements.add_intro"))</p>
            \(departmentField(model, context: context))
            \(field("job_category", label: context.t("plans.requirements.field.job_category"),
                    hint: context.t("plans.requirements.field.job_category_hint"), value: model.values["job_category"] ?? "",
                    maxLength: JobCategory.maximumLength, list: model.categories.isEmpty ? nil : "job-categories",
                    model.problems, context: context))
            \(categoryList(model.categories))
            \(field("hours", label: context.t("plans.requirements.field.hours"),
                    hint: context.t("plans.requirements.field.hours_hint"), value: model.values["hours"] ?? "",
                    maxLength: 6, inputMode: "decimal", model.problems, context: context))
            <button type="submit" class="button">\(context.t("plans.requirements.save"))</button>
            </form>
            """
        return PlanFrame.page(title: title, section: .requirements, context: context, stylesheet: stylesheet, body: body)
    }

    private static func row(line: Line, context: PageContext) -> HTML {
        let rule = line.rule
        let path: HTML = "\(line.department?.displayPath ?? "—")"
        let category: HTML = "\(rule.jobCategory ?? context.t("plans.requirements.any_category"))"
        let hours = context.strings.number(rule.hours)
        let label = context.t("plans.requirements.rule_label", ["department": line.department?.name ?? "",
                                                                "category": rule.jobCategory ?? context.t("plans.requirements.any_category")])
        let action: HTML
        if line.changeable {
            let id = String(rule.id)
            action = """
                <form method="post" action="/plans/requirements" class="button-row">\(Components.csrf(context))\
                <input type="hidden" name="department" value="\(String(rule.departmentID.rawValue))">\
                <input type="hidden" name="job_category" value="\(rule.jobCategory ?? "")">\
                <label for="hours-\(id)" class="visually-hidden">\(context.t("plans.requirements.change_hours", ["rule": label]))</label>\
                <input type="text" inputmode="decimal" id="hours-\(id)" name="hours" value="\(hours)" maxlength="6" \
                class="inline-number">\
                <button type="submit" class="button button-secondary" \
                aria-label="\(context.t("plans.requirements.change_label", ["rule": label]))">\(context.t("plans.requirements.change"))</button>\
                </form>
                <form method="post" action="/plans/requirements/\(id)/remove" class="button-row">\(Components.csrf(context))\
                <button type="submit" class="button button-secondary" \
                aria-label="\(context.t("plans.requirements.remove_label", ["rule": label]))">\
                \(context.t("plans.requirements.remove"))</button></form>
                """
        } else {
            action = "\(context.t("plans.requirements.above_scope"))"
        }
        return """
            <tr><th scope="row">\(path)</th><td>\(category)</td><td>\(hours)</td><td>\(String(line.people))</td>\
            <td>\(action)</td></tr>
            """
    }

    private static func departmentField(_ model: Model, context: PageContext) -> HTML {
        let label = context.t("plans.requirements.field.department")
        let hint = context.t("plans.requirements.field.department_hint")
        let selected = model.values["department"] ?? ""
        guard model.departments.count <= departmentListLimit else {
            return field("department", label: label, hint: hint + " " + context.t("plans.requirements.field.department_path_hint"),
                         value: selected, maxLength: 2000, model.problems, context: context)
        }
        let options = [("", context.t("plans.requirements.field.department_choose"))]
            + model.departments.map { (String($0.id.rawValue), $0.displayPath) }
        let items = options.map { value, text -> HTML in
            "<option value=\"\(value)\"\(value == selected ? " selected" : HTML.empty)>\(text)</option>"
        }
        return """
            <div class="field\(invalid("department", model.problems) ? " field-invalid" : "")">\
            <label for="department">\(label)</label><p class="hint" id="department-hint">\(hint)</p>\(error("department", model.problems, context: context))
            <select id="department" name="department"\(described("department", model.problems))>\(items)</select></div>
            """
    }

    private static func categoryList(_ categories: [String]) -> HTML {
        guard !categories.isEmpty else { return .empty }
        let options = categories.map { category -> HTML in "<option value=\"\(category)\"></option>" }
        return "<datalist id=\"job-categories\">\(options)</datalist>"
    }

    private static func field(_ name: String, label: String, hint: String, value: String, maxLength: Int,
                              list: String? = nil, inputMode: String? = nil, _ problems: [Problem],
                              context: PageContext) -> HTML {
        let listAttribute: HTML = list.map { " list=\"\($0)\"" } ?? .empty
        let mode: HTML = inputMode.map { " inputmode=\"\($0)\"" } ?? .empty
        return """
            <div class="field\(invalid(name, problems) ? " field-invalid" : "")">\
            <label for="\(name)">\(label)</label><p class="hint" id="\(name)-hint">\(hint)</p>\(error(name, problems, context: context))
            <input type="text" id="\(name)" name="\(name)" value="\(value)" maxlength="\(String(maxLength))" \
            autocomplete="off"\(listAttribute)\(mode)\(described(name, problems))></div>
            """
    }

    private static func invalid(_ field: String, _ problems: [Problem]) -> Bool { problems.contains { $0.field == field } }

    private static func error(_ field: String, _ problems: [Problem], context: PageContext) -> HTML {
        guard let problem = problems.first(where: { $0.field == field }) else { return .empty }
        return "<p class=\"field-error\" id=\"\(field)-error\">\(context.t(problem.messageKey))</p>"
    }

    private static func described(_ field: String, _ problems: [Problem]) -> HTML {
        let ids = ["\(field)-hint"] + (invalid(field, problems) ? ["\(field)-error"] : [])
        return (invalid(field, problems) ? " aria-invalid=\"true\"" : HTML.empty) + " aria-describedby=\"\(ids.joined(separator: " "))\""
    }
}
