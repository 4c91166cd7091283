import Foundation

/// The audit log: filters (actor, action, target, date range in the viewer's zone), 50 rows per page newest first,
/// each in words; the CSV download of everything the filters match; for organisation-wide administrators, the
/// chain's latest verification and the button that runs a new one.
public enum AdminAuditPage {
    public static let pageSize = 50

    /// The latest chain verification as its `audit.verify` row recorded it.
    public struct Verification: Sendable, Equatable {
        public var at: Double
        public var actor: String
        public var details: [String: String]

        public init(at: Double, actor: String, details: [String: String]) {
            self.at = at
            self.actor = actor
            self.details = details
        }
    }

    public struct Model: Sendable {
        public var filter: AdminAuditFilter
        public var problems: [AdminAuditFilter.Problem]
        /// The matching rows; nil when the filters could not be read.
        public var page: AuditPage?
        /// Whether the viewer sees the whole organisation's log (else: only rows about their scope).
        public var organisationWide: Bool
        /// The latest verification (organisation-wide viewers only); nil when the chain was never verified.
        public var verification: Verification?
        public var departments: [DepartmentID: Department]
        public var notice: String?

        public init(filter: AdminAuditFilter, problems: [AdminAuditFilter.Problem], page: AuditPage?,
                    organisationWide: Bool, verification: Verification?, departments: [DepartmentID: Department],
                    notice: String?) {
            self.filter = filter
            self.problems = problems
            self.page = page
            self.organisationWide = organisationWide
            self.verification = verification
            self.departments = departments
            self.notice = notice
        }
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String) -> HTML {
        let title = context.t("admin.section.audit.title")
        let errors = model.problems.map { (field: $0.field, message: context.t($0.key)) }
        let words = AdminAuditWords(context: context, departments: model.departments)
        let scopeNote = context.t(model.organisationWide ? "admin.audit.scope_all" : "admin.audit.scope_unit")
        let body: HTML = """
            <h1>\(title)</h1>
            \(model.notice.map(Components.notice) ?? .empty)
            <p>\(scopeNote)</p>
            \(Components.errorSummary(errors, context: context))
            \(model.organisationWide ? verification(model.verification, context: context) : .empty)
            \(filters(model.filter, errors: errors, words: words, context: context))
            \(results(model, words: words, context: context))
            """
        return AdminFrame.page(title: title, section: .audit, context: context, stylesheet: stylesheet, body: body)
    }

    private static func verification(_ verification: Verification?, context: PageContext) -> HTML {
        let summary: HTML
        if let verification {
            let details = verification.details
            var lines: [HTML] = []
            let ran = context.t("admin.audit.verify.ran", ["time": context.dateTime(verification.at),
                                                           "actor": verification.actor])
            switch details["result"] {
            case "intact":
                let text = context.t("admin.audit.verify.intact", ["rows": details["rows"] ?? "0"])
                lines.append("<p>\(Components.tag(context.t("admin.audit.result.intact"), kind: "passed")) \(text)</p>")
            case "broken":
                let reason = details["reason"].map { reason -> String in
                    switch reason {
                    case "its link to the previous row does not match": return context.t("admin.audit.verify.reason_link")
                    case "its content does not match its hash": return context.t("admin.audit.verify.reason_content")
                    default: return reason
                    }
                } ?? ""
                let text = context.t("admin.audit.verify.broken", ["row": details["broken_row"] ?? "?", "reason": reason])
                lines.append("<p>\(Components.tag(context.t("admin.audit.result.broken"), kind: "wrong")) \(text)</p>")
            default:
                lines.append("<p>\(Components.tag(context.t("admin.audit.result.\(details["result"] ?? "tampered")"), kind: "wrong"))</p>")
            }
            if let row = details["checkpoint_row"], let at = details["checkpoint_at"].flatMap(Double.init) {
                lines.append("<p>\(context.t("admin.audit.verify.checkpoint", ["time": context.dateTime(at), "row": row, "since": details["since"] ?? "0"]))</p>")
            } else if details["result"] == "intact" {
                lines.append("<p>\(context.t("admin.audit.verify.no_checkpoint"))</p>")
            }
            if let findings = details["findings"], !findings.isEmpty {
                let items = findings.split(separator: "\n").map { line -> HTML in "<li>\(String(line))</li>" }
                lines.append("<p>\(context.t("admin.audit.verify.findings"))</p><ul lang=\"en\">\(items)</ul>")
            }
            summary = "<p class=\"meta\">\(ran)</p>\(lines)"
        } else {
            summary = "<p>\(context.t("admin.audit.verify.never"))</p>"
        }
        return """
            <section aria-labelledby="verification"><h2 id="verification">\(context.t("admin.audit.verify.title"))</h2>
            <p>\(context.t("admin.audit.verify.intro"))</p>
            \(summary)
            <form method="post" action="/admin/audit/verify" class="no-print">\(Components.csrf(context))\
            <button type="submit" class="button">\(context.t("admin.audit.verify.button"))</button></form>
            </section>
            """
    }

    private static func filters(_ filter: AdminAuditFilter, errors: [(field: String, message: String)],
                                words: AdminAuditWords, context: PageContext) -> HTML {
        func error(_ field: String) -> HTML {
            guard let message = errors.first(where: { $0.field == field })?.message else { return .empty }
            return "<p class=\"field-error\" id=\"\(field)-error\">\(message)</p>"
        }
        func invalid(_ field: String) -> HTML {
            errors.contains { $0.field == field } ? " aria-invalid=\"true\" aria-describedby=\"\(field)-error\"" : .empty
        }
        var actions = AdminAuditWords.actions
        if !filter.action.isEmpty && !actions.contains(filter.action) { actions.append(filter.action) }
        let options = ["<option value=\"\"\(filter.action.isEmpty ? " selected" : "")>\(context.t("admin.audit.filter.action_all"))</option>" as HTML]
            + actions.map { action -> HTML in
                let selected: HTML = action == filter.action ? " selected" : .empty
                return "<option value=\"\(action)\"\(selected)>\(words.actionName(action))</option>"
            }
        return """
            <form method="get" action="/admin/audit" class="form no-print" novalidate>
            <h2>\(context.t("admin.audit.filter.title"))</h2>
            <div class="field"><label for="actor">\(context.t("admin.audit.filter.actor"))</label>
            <p class="hint" id="actor-hint">\(context.t("admin.audit.filter.actor_hint"))</p>\(error("actor"))
            <input type="text" id="actor" name="actor" value="\(filter.actor)" maxlength="\(AdminAuditFilter.textLimit)"\(invalid("actor"))></div>
            <div class="field"><label for="action">\(context.t("admin.audit.filter.action"))</label>\(error("action"))
            <select id="action" name="action"\(invalid("action"))>\(options)</select></div>
            <div class="field"><label for="target">\(context.t("admin.audit.filter.target"))</label>
            <p class="hint">\(context.t("admin.audit.filter.target_hint"))</p>\(error("target"))
            <input type="text" id="target" name="target" value="\(filter.target)" maxlength="\(AdminAuditFilter.textLimit)"\(invalid("target"))></div>
            <div class="field"><label for="from">\(context.t("admin.audit.filter.from"))</label>
            <p class="hint">\(context.t("admin.audit.filter.date_hint", ["zone": context.zoneName(at: Date().timeIntervalSince1970)]))</p>\(error("from"))
            <input type="date" id="from" name="from" value="\(filter.from)"\(invalid("from"))></div>
            <div class="field"><label for="to">\(context.t("admin.audit.filter.to"))</label>\(error("to"))
            <input type="date" id="to" name="to" value="\(filter.to)"\(invalid("to"))></div>
            <div class="button-row"><button type="submit" class="button">\(context.t("admin.audit.filter.apply"))</button>
            <a href="/admin/audit">\(context.t("admin.audit.filter.clear"))</a></div>
            </form>
            """
    }

    private static func results(_ model: Model, words: AdminAuditWords, context: PageContext) -> HTML {
        guard let page = model.page else { return .empty }
        let download: HTML = """
            <p class="no-print"><a href="/admin/audit.csv\(model.filter.queryString())" download>\(context.t("admin.audit.download"))</a></p>
            """
        guard page.total > 0 else {
            return """
                <h2 id="audit-results">\(context.t("admin.audit.results"))</h2>
                <p>\(context.t("admin.audit.empty"))</p>
                """
        }
        let first = page.offset + 1
        let last = page.offset + page.records.count
        let caption = context.t(page.totalExact ? "admin.audit.caption" : "admin.audit.caption_more",
                                ["total": String(page.total), "from": String(first), "to": String(last)])
        let rows = page.records.map { record -> HTML in
            """
            <tr><th scope="row">\(context.dateTime(record.entry.at))<br><span class="meta">#\(String(record.entry.id))</span></th>\
            <td>\(words.actor(record))</td><td>\(words.actionName(record.entry.action))</td>\
            <td>\(words.sentence(record))</td></tr>
            """
        }
        let pages: Int? = page.totalExact ? max(1, (page.total + page.limit - 1) / page.limit) : nil
        let more = pages.map { model.filter.page < $0 } ?? (page.records.count == page.limit)
        return """
            <h2 id="audit-results">\(context.t("admin.audit.results"))</h2>
            \(download)
            <div class="table-scroll wide-table" role="region" tabindex="0" aria-labelledby="audit-caption">
            <table class="audit-table">
            <caption id="audit-caption">\(caption)</caption>
            <thead><tr><th scope="col">\(context.t("admin.audit.column.time"))</th>\
            <th scope="col">\(context.t("admin.audit.column.actor"))</th>\
            <th scope="col">\(context.t("admin.audit.column.action"))</th>\
            <th scope="col">\(context.t("admin.audit.column.description"))</th></tr></thead>
            <tbody>\(rows)</tbody>
            </table></div>
            \(pager(model.filter, pages: pages, more: more, context: context))
            """
    }

    private static func pager(_ filter: AdminAuditFilter, pages: Int?, more: Bool, context: PageContext) -> HTML {
        let page = filter.page
        guard page > 1 || more else { return .empty }
        let previous: HTML = page > 1
            ? "<li><a href=\"/admin/audit\(filter.queryString(page: page - 1))\" rel=\"prev\">\(context.t("hr.pager.previous"))</a></li>"
            : .empty
        let next: HTML = more
            ? "<li><a href=\"/admin/audit\(filter.queryString(page: page + 1))\" rel=\"next\">\(context.t("hr.pager.next"))</a></li>"
            : .empty
        let position = pages.map { context.t("hr.pager.position", ["page": String(page), "pages": String($0)]) }
            ?? context.t("hr.pager.position_open", ["page": String(page)])
        return """
            <nav class="no-print" aria-label="\(context.t("hr.pager.label"))"><ul class="inline-list">\(previous)\
            <li>\(position)</li>\(next)</ul></nav>
            """
    }
}
