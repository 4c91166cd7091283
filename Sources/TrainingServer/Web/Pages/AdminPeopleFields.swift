/// Form fields of the people and token pages: label above, hint, the message beside a refused field (linked from
/// the error summary by the field's id), what was typed kept.
enum AdminPeopleFields {
    /// The error summary of refused fields.
    static func summary(_ problems: [AccountProblem], context: PageContext) -> HTML {
        Components.errorSummary(problems.map { (field: $0.field, message: context.t($0.messageKey)) }, context: context)
    }

    static func error(_ field: String, _ problems: [AccountProblem], context: PageContext) -> HTML {
        guard let problem = problems.first(where: { $0.field == field }) else { return .empty }
        return "<p class=\"field-error\" id=\"\(field)-error\">\(context.t(problem.messageKey))</p>"
    }

    /// aria attributes tying a control to its hint and message.
    static func described(_ field: String, hint: Bool, _ problems: [AccountProblem]) -> HTML {
        let invalid = problems.contains { $0.field == field }
        let ids = [hint ? "\(field)-hint" : nil, invalid ? "\(field)-error" : nil].compactMap { $0 }
        var result: HTML = invalid ? " aria-invalid=\"true\"" : .empty
        if !ids.isEmpty { result = result + " aria-describedby=\"\(ids.joined(separator: " "))\"" }
        return result
    }

    static func hint(_ field: String, _ text: String?) -> HTML {
        text.map { "<p class=\"hint\" id=\"\(field)-hint\">\($0)</p>" } ?? .empty
    }

    /// A text field; `name` defaults to the id.
    static func text(_ field: String, name: String? = nil, label: String, hint: String? = nil, value: String, maxLength: Int,
                     required: Bool = false, _ problems: [AccountProblem], context: PageContext,
                     type: String = "text", autocomplete: String = "off", list: String? = nil) -> HTML {
        let requiredMark: HTML = required ? " required" : .empty
        let listAttribute: HTML = list.map { " list=\"\($0)\"" } ?? .empty
        return """
            <div class="field\(problems.contains { $0.field == field } ? " field-invalid" : "")">\
            <label for="\(field)">\(label)</label>\(self.hint(field, hint))\(error(field, problems, context: context))
            <input type="\(type)" id="\(field)" name="\(name ?? field)" value="\(value)" maxlength="\(maxLength)" \
            autocomplete="\(autocomplete)"\(requiredMark)\(listAttribute)\(described(field, hint: hint != nil, problems))></div>
            """
    }

    /// A select; `options` are (value, label).
    static func select(_ field: String, name: String? = nil, label: String, hint: String? = nil,
                       options: [(String, String)], selected: String?, _ problems: [AccountProblem],
                       context: PageContext) -> HTML {
        let items = options.map { value, text -> HTML in
            let mark: HTML = value == selected ? " selected" : .empty
            return "<option value=\"\(value)\"\(mark)>\(text)</option>"
        }
        return """
            <div class="field\(problems.contains { $0.field == field } ? " field-invalid" : "")">\
            <label for="\(field)">\(label)</label>\(self.hint(field, hint))\(error(field, problems, context: context))
            <select id="\(field)" name="\(name ?? field)"\(described(field, hint: hint != nil, problems))>\(items)</select></div>
            """
    }

    /// A department field: the departments in scope as a list, or, when there are too many for a list
    /// (`AdminScope.listsDepartments`), a text field for the department's path. `selected` is an id or what was typed.
    static func department(_ field: String, label: String, hint: String? = nil, empty: String, selected: String?,
                           scope: AdminScope, _ problems: [AccountProblem], context: PageContext) -> HTML {
        if scope.listsDepartments {
            let options = [("", empty)] + scope.visibleDepartments.map { (String($0.id.rawValue), $0.displayPath) }
            return select(field, label: label, hint: hint, options: options, selected: selected, problems, context: context)
        }
        var value = selected ?? ""
        if value.allSatisfy({ $0.isASCII && $0.isNumber }), let id = Int64(value),
           let department = scope.departments[DepartmentID(rawValue: id)], scope.isVisible(department) {
            value = AdminScope.typedPath(department)
        }
        let example = scope.roots.first.map(AdminScope.typedPath) ?? ""
        let typed = context.t("admin.people.field.department_path_hint", ["example": example])
        return text(field, label: label, hint: [hint, typed].compactMap { $0 }.joined(separator: " "), value: value,
                    maxLength: 2000, problems, context: context)
    }

    /// The job category and e-mail fields of the person forms, with the categories in use in scope to choose from.
    static func attributes(jobCategory: String, email: String, categories: [String], _ problems: [AccountProblem],
                           context: PageContext) -> HTML {
        let options = categories.map { category -> HTML in "<option value=\"\(category)\"></option>" }
        let list: HTML = categories.isEmpty ? .empty : "<datalist id=\"job-categories\">\(options)</datalist>"
        return """
            \(text("job_category", label: context.t("admin.people.field.job_category"),
                   hint: context.t("admin.people.field.job_category_hint"), value: jobCategory,
                   maxLength: JobCategory.maximumLength, problems, context: context,
                   list: categories.isEmpty ? nil : "job-categories"))\(list)
            \(text("email", label: context.t("admin.people.field.email"), hint: context.t("admin.people.field.email_hint"),
                   value: email, maxLength: 254, problems, context: context))
            """
    }

    static func roleName(_ role: Role, _ context: PageContext) -> String { context.t("admin.people.role.\(role.rawValue)") }

    /// "Active" or "Disabled" as a tag (the word carries the meaning).
    static func state(disabled: Bool, _ context: PageContext) -> HTML {
        disabled ? Components.tag(context.t("admin.people.state.disabled"), kind: "wrong")
            : Components.tag(context.t("admin.people.state.active"), kind: "completed")
    }

    /// A token's state at `now` as a tag.
    static func tokenState(_ token: APIToken, now: Double, _ context: PageContext) -> HTML {
        switch APITokenService.state(token, at: now) {
        case .active: Components.tag(context.t("admin.tokens.state.active"), kind: "completed")
        case .expired: Components.tag(context.t("admin.tokens.state.expired"), kind: "not_started")
        case .revoked: Components.tag(context.t("admin.tokens.state.revoked"), kind: "wrong")
        }
    }

    /// The department's path below the top of the organisation.
    static func path(_ department: Department?) -> String { HRComponents.shortPath(department) }
}
