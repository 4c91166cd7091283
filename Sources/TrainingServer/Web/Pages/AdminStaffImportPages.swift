/// `/admin/staff-import`: the upload form (with what the file holds) and the history of imports, newest first.
public enum AdminStaffImportPage {
    public struct Model: Sendable {
        public var history: [StaffImportRecord]
        /// The tops of the administrator's scope: rows must lie within them.
        public var scope: [Department]
        public var notice: String?
        public var errors: [(field: String, message: String)]
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String) -> HTML {
        let form = AdminFormErrors(errors: model.errors)
        let notice: HTML = model.notice.map { Components.notice($0) } ?? .empty
        let scope = model.scope.map { department -> HTML in "<li>\(department.displayPath)</li>" }
        let history: HTML
        if model.history.isEmpty {
            history = "<p>\(context.t("admin.import.history.none"))</p>"
        } else {
            let rows = model.history.map { record -> HTML in
                """
                <tr><td>\(context.dateTime(record.at))</td><td>\(record.actor)</td><th scope="row">\(record.fileName)</th>\
                <td><code>\(record.sha256)</code></td><td>\(record.created)</td><td>\(record.updated)</td>\
                <td>\(record.disabled)</td><td>\(record.unchanged)</td><td>\(record.departments)</td></tr>
                """
            }
            let headers = ["when", "who", "file", "sha256", "created", "updated", "disabled", "unchanged", "departments"]
                .map { key -> HTML in "<th scope=\"col\">\(context.t("admin.import.col.\(key)"))</th>" }
            history = """
                <div class="table-scroll wide-table" role="region" tabindex="0" aria-labelledby="import-history"><table>
                <thead><tr>\(headers)</tr></thead><tbody>\(rows)</tbody></table></div>
                """
        }
        let body: HTML = """
            <h1>\(context.t("admin.section.staff-import.title"))</h1>
            \(Components.errorSummary(model.errors, context: context))
            \(notice)
            <p>\(context.t("admin.import.intro"))</p>
            <h2 id="import-scope">\(context.t("admin.import.scope.title"))</h2>
            <ul aria-labelledby="import-scope">\(scope)</ul>
            <form method="post" action="/admin/staff-import" enctype="multipart/form-data" class="form" novalidate>
            \(Components.csrf(context))
            <h2>\(context.t("admin.import.upload.title"))</h2>
            <div class="\(form.fieldClass("file"))">
            <label for="file">\(context.t("admin.import.upload.label"))</label>
            <p class="hint" id="file-hint">\(context.t("admin.import.upload.hint"))</p>
            \(form.message("file"))
            <input type="file" id="file" name="file" accept=".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"\(form.attributes("file", hint: "file-hint"))>
            </div>
            <button type="submit" class="button">\(context.t("admin.import.upload.submit"))</button>
            </form>
            <h2>\(context.t("admin.import.columns.title"))</h2>
            <p>\(context.t("admin.import.columns.text"))</p>
            <h2 id="import-history">\(context.t("admin.import.history.title"))</h2>
            \(history)
            """
        return AdminFrame.page(title: context.t("admin.section.staff-import.title"), section: .staffImport, context: context,
                               stylesheet: stylesheet, body: body)
    }
}

/// `/admin/staff-import/ID`: the dry run of an uploaded file. Nothing has changed yet: the page lists the
/// problems (with their lines or sheet rows), or what applying would do and the button that applies it.
public enum AdminStaffImportPreviewPage {
    public struct Model: Sendable {
        public var preview: StaffImportService.Preview
        public var errors: [(field: String, message: String)]
    }

    /// Rows listed per kind of change; the rest are counted (the page stays small for a file of any size).
    static let listed = 100

    public static func render(_ model: Model, context: PageContext, stylesheet: String) -> HTML {
        let upload = model.preview.upload
        let facts: HTML = """
            <dl class="summary-list">
            <div><dt>\(context.t("admin.import.col.file"))</dt><dd>\(upload.fileName)</dd></div>
            <div><dt>\(context.t("admin.import.col.sha256"))</dt><dd><code>\(upload.sha256)</code></dd></div>
            <div><dt>\(context.t("admin.import.preview.uploaded"))</dt><dd>\(context.dateTime(upload.createdAt))</dd></div>
            </dl>
            """
        let content: HTML
        switch model.preview.outcome {
        case .problems(let problems):
            let rows = problems.prefix(listed).map { problem -> HTML in
                "<tr><th scope=\"row\">\(problem.line == 0 ? "—" : String(problem.line))</th><td>\(says(problem, context))</td></tr>"
            }
            content = """
                <div class="error-summary" role="alert" aria-labelledby="problems-title" tabindex="-1">
                <h2 id="problems-title">\(context.t("admin.import.problems.title", ["count": String(problems.count)]))</h2>
                <p>\(context.t("admin.import.problems.text"))</p></div>
                \(table(id: "problems", caption: context.t("admin.import.problems.caption"),
                        headers: [context.t("admin.import.col.line"), context.t("admin.import.col.problem")], rows: rows,
                        total: problems.count, context: context))
                <p><a href="/admin/staff-import">\(context.t("admin.import.again"))</a></p>
                """
        case .plan(let plan):
            content = planSection(plan, fingerprint: plan.fingerprint, upload: upload, context: context)
        }
        let body: HTML = """
            <h1>\(context.t("admin.import.preview.title"))</h1>
            \(Components.errorSummary(model.errors, context: context))
            \(Components.notice(context.t("admin.import.preview.nothing_changed")))
            \(facts)
            \(content)
            """
        return AdminFrame.page(title: context.t("admin.import.preview.title"), section: .staffImport,
                               trail: [(context.t("admin.import.preview.title"), nil)], context: context,
                               stylesheet: stylesheet, body: body)
    }

    static func planSection(_ plan: StaffImport.Plan, fingerprint: String, upload: StaffImportUpload,
                            context: PageContext) -> HTML {
        func person(_ person: StaffImport.Person) -> [HTML] {
            ["<th scope=\"row\">\(String(person.line))</th>", "<td>\(person.employeeNumber)</td>", "<td>\(person.name)</td>",
             "<td>\(person.department.joined(separator: " / "))</td>"]
        }
        var creates: [HTML] = []
        var updates: [HTML] = []
        var disables: [HTML] = []
        for change in plan.changes {
            switch change {
            case .create(let new):
                let roles = Set(new.grants.map(\.role)).sorted().map { context.t("admin.import.role.\($0.rawValue)") }
                creates.append("<tr>\(person(new))<td>\(new.login ?? "")</td><td>\(roles.joined(separator: "、"))</td></tr>")
            case .update(_, let changed, let fields):
                let names = fields.map { context.t("admin.import.field.\($0)") }
                updates.append("<tr>\(person(changed))<td>\(names.joined(separator: "、"))</td></tr>")
            case .disable(_, let left):
                disables.append("<tr>\(person(left))</tr>")
            }
        }
        let base = [context.t("admin.import.col.line"), context.t("admin.import.col.number"), context.t("admin.import.col.name"),
                    context.t("admin.import.col.department")]
        let counts: [(String, Int)] = [("created", plan.created), ("updated", plan.updated), ("disabled", plan.disabled),
                                       ("unchanged", plan.unchanged), ("departments", plan.newDepartments.count),
                                       ("warnings", plan.warnings.count)]
        let summary = counts.map { key, value -> HTML in
            "<div><dt>\(context.t("admin.import.count.\(key)"))</dt><dd>\(value)</dd></div>"
        }
        var sections: [HTML] = ["<h2>\(context.t("admin.import.preview.summary"))</h2><dl class=\"summary-list\">\(summary)</dl>"]
        if !plan.warnings.isEmpty {
            let rows = plan.warnings.prefix(listed).map { warning -> HTML in
                "<tr><th scope=\"row\">\(String(warning.line))</th><td>\(says(warning, context))</td></tr>"
            }
            sections.append(table(id: "warnings", caption: context.t("admin.import.warnings.title"),
                                  headers: [context.t("admin.import.col.line"), context.t("admin.import.col.problem")],
                                  rows: Array(rows), total: plan.warnings.count, context: context))
        }
        if !plan.newDepartments.isEmpty {
            let items = plan.newDepartments.prefix(listed).map { path -> HTML in "<li>\(path.joined(separator: " / "))</li>" }
            let more: HTML = plan.newDepartments.count > listed
                ? "<p>\(context.t("admin.import.more", ["count": String(plan.newDepartments.count - listed)]))</p>" : .empty
            sections.append("<h2 id=\"new-departments\">\(context.t("admin.import.departments.title"))</h2><ul aria-labelledby=\"new-departments\">\(items)</ul>\(more)")
        }
        if !creates.isEmpty {
            sections.append(table(id: "creates", caption: context.t("admin.import.creates.title"),
                                  headers: base + [context.t("admin.import.col.login"), context.t("admin.import.col.roles")],
                                  rows: Array(creates.prefix(listed)), total: creates.count, context: context))
        }
        if !updates.isEmpty {
            sections.append(table(id: "updates", caption: context.t("admin.import.updates.title"),
                                  headers: base + [context.t("admin.import.col.fields")], rows: Array(updates.prefix(listed)),
                                  total: updates.count, context: context))
        }
        if !disables.isEmpty {
            sections.append(table(id: "disables", caption: context.t("admin.import.disables.title"), headers: base,
                                  rows: Array(disables.prefix(listed)), total: disables.count, context: context))
        }
        if plan.changes.isEmpty && plan.newDepartments.isEmpty {
            sections.append("<p>\(context.t("admin.import.nothing_to_do"))</p><p><a href=\"/admin/staff-import\">\(context.t("admin.import.again"))</a></p>")
        } else {
            sections.append("""
                <form method="post" action="/admin/staff-import/\(upload.id)/apply" class="form">
                \(Components.csrf(context))
                <input type="hidden" name="sha256" value="\(upload.sha256)">
                <input type="hidden" name="fingerprint" value="\(fingerprint)">
                <h2>\(context.t("admin.import.confirm.title"))</h2>
                <p id="confirm-hint">\(context.t("admin.import.confirm.hint"))</p>
                <button type="submit" id="confirm" class="button" aria-describedby="confirm-hint">\(context.t("admin.import.confirm.submit"))</button>
                </form>
                <p><a href="/admin/staff-import">\(context.t("admin.import.cancel"))</a></p>
                """)
        }
        return HTML.join(sections)
    }

    /// A problem in the page's language; problems of reading the file (encoding, a damaged workbook) as the
    /// import tells them.
    static func says(_ problem: StaffImport.Problem, _ context: PageContext) -> String {
        problem.code.map { context.t("admin.import.problem.\($0)", problem.values) } ?? problem.message
    }

    /// A titled table of rows (at most `listed` shown), saying how many more there are.
    static func table(id: String, caption: String, headers: [String], rows: [HTML], total: Int, context: PageContext) -> HTML {
        let head = headers.map { header -> HTML in "<th scope=\"col\">\(header)</th>" }
        let more: HTML = total > rows.count
            ? "<p>\(context.t("admin.import.more", ["count": String(total - rows.count)]))</p>" : .empty
        return """
            <h2 id="\(id)">\(caption)</h2>
            <div class="table-scroll wide-table" role="region" tabindex="0" aria-labelledby="\(id)"><table>
            <thead><tr>\(head)</tr></thead><tbody>\(rows)</tbody></table></div>\(more)
            """
    }
}
