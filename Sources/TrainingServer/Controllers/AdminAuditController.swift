import Foundation

/// `/admin/audit`: the audit log for administrators. An organisation-wide administrator (whose scope covers every
/// top-level department) reads the whole log and may verify the chain; a unit administrator reads only the rows
/// about the people and departments in their scope (see `AuditReadScope`). Reading, exporting and verifying are
/// themselves recorded (`audit.view`, `audit.export`, `audit.verify`).
struct AdminAuditController {
    let context: ControllerContext

    func register(in router: inout Router) {
        router.get("/admin/audit", page)
        router.get("/admin/audit.csv", export)
        router.post("/admin/audit/verify", verify)
    }

    private var queries: any AuditQueryRepository { context.storage.auditQueries }

    private func page(_ request: Request) throws -> Response {
        let scope = try context.adminScope(request)
        let page = context.page(request)
        let (filter, query, problems) = AdminAuditFilter.parse(request.query, timeZone: page.timeZone)
        var result: AuditPage?
        var status: HTTPStatus = .ok
        if problems.isEmpty {
            var details = filter.details
            if filter.page > 1 { details["page"] = String(filter.page) }
            try context.audit.append(AuditEvent(action: "audit.view", subject: "audit_log", details: details),
                                     by: AuditActor(scope.user))
            let size = AdminAuditPage.pageSize
            var found = try queries.page(query, scope: scope.auditReadScope, limit: size, offset: (filter.page - 1) * size)
            if found.records.isEmpty, found.total > 0, found.totalExact {
                let last = max(1, (found.total + size - 1) / size)
                found = try queries.page(query, scope: scope.auditReadScope, limit: size, offset: (last - 1) * size)
                var shown = filter
                shown.page = last
                return try render(request, scope: scope, filter: shown, problems: [], page: found, status: .ok)
            }
            result = found
        } else {
            status = .unprocessableContent
        }
        return try render(request, scope: scope, filter: filter, problems: problems, page: result, status: status)
    }

    private func render(_ request: Request, scope: AdminScope, filter: AdminAuditFilter,
                        problems: [AdminAuditFilter.Problem], page: AuditPage?, status: HTTPStatus) throws -> Response {
        let context = self.context.page(request)
        var verification: AdminAuditPage.Verification?
        if scope.isOrganisationWide, let row = try queries.latest(action: "audit.verify") {
            verification = AdminAuditPage.Verification(at: row.at, actor: row.actor, details: AuditSubjects.decode(row.details))
        }
        let notice: String? = request.query["done"] == "verified" ? context.t("admin.audit.verify.done") : nil
        let model = AdminAuditPage.Model(filter: filter, problems: problems, page: page,
                                         organisationWide: scope.isOrganisationWide, verification: verification,
                                         departments: scope.visibleDepartmentsByID, notice: notice)
        return Response.html(AdminAuditPage.render(model, context: context, stylesheet: self.context.stylesheet).rendered,
                             status: status)
    }

    private func export(_ request: Request) throws -> Response {
        let scope = try context.adminScope(request)
        let page = context.page(request)
        let (filter, query, problems) = AdminAuditFilter.parse(request.query, timeZone: page.timeZone)
        guard problems.isEmpty else {
            return try render(request, scope: scope, filter: filter, problems: problems, page: nil,
                              status: .unprocessableContent)
        }
        try context.audit.append(AuditEvent(action: "audit.export", subject: "audit_log",
                                            details: filter.details.merging(["format": "csv"]) { first, _ in first }),
                                 by: AuditActor(scope.user))
        let queries = self.queries
        let readScope = scope.auditReadScope
        let words = AdminAuditWords(context: page, departments: scope.visibleDepartmentsByID)
        let stream = AdminAuditExport(words: words, timeZone: page.timeZone) { before, limit in
            try queries.batch(query, scope: readScope, before: before, limit: limit)
        }
        let day = ISODay(seconds: context.clock(), timeZone: page.timeZone)
        return Response(status: .ok, headers: HTTPHeaders([
            ("Content-Type", PeopleExportFormat.csv.contentType),
            ("Content-Disposition", "attachment; filename=\"audit-log-\(day).csv\""),
        ]), body: .stream(stream))
    }

    private func verify(_ request: Request) throws -> Response {
        let scope = try context.adminScope(request)
        guard scope.isOrganisationWide else { throw HTTPError.forbidden }
        let report = try context.storage.verifyAudit(databasePath: context.configuration.databasePath,
                                                     settings: context.configuration.auditAnchor)
        try context.audit.append(AuditEvent(action: "audit.verify", subject: "audit_log", details: report.auditDetails),
                                 by: AuditActor(scope.user))
        return Response.redirect(to: "/admin/audit?done=verified#verification")
    }
}

extension AdminScope {
    /// Whether the administrator's scope is the whole organisation: every top-level department (one without a
    /// parent) is in it. Only such administrators read the whole audit log and reach the system page.
    var isOrganisationWide: Bool {
        let tops = departments.values.filter { $0.parentID == nil }
        return !tops.isEmpty && tops.allSatisfy(isVisible)
    }

    /// The part of the audit log this administrator may read.
    var auditReadScope: AuditReadScope {
        isOrganisationWide ? .organisation : .subtrees(prefixes: access.prefixes)
    }

    /// The departments in scope by id (names may be shown for these only).
    var visibleDepartmentsByID: [DepartmentID: Department] {
        departments.filter { isVisible($0.value) }
    }
}

extension AuditVerificationReport {
    /// The report as the `audit.verify` row's details: `result` (intact, broken, tampered or unchecked), the row
    /// count or the first broken row and why, the checkpoint compared with and the operator's findings.
    var auditDetails: [String: String] {
        var details: [String: String] = [:]
        switch chain {
        case .intact(let rows):
            details["result"] = "intact"
            details["rows"] = String(rows)
        case .broken(let row, let reason):
            details["result"] = "broken"
            details["broken_row"] = String(row)
            details["reason"] = reason
        }
        if details["result"] == "intact" {
            if check == nil { details["result"] = "unchecked" } else if check?.tampered == true { details["result"] = "tampered" }
        }
        if let latest = matchedCheckpoint {
            details["checkpoint_row"] = String(latest.row)
            details["checkpoint_at"] = String(latest.at)
            details["since"] = String(rowsSinceCheckpoint ?? 0)
        }
        let findings = lines.dropFirst().filter { !$0.hasPrefix("checked against") }
        if !findings.isEmpty { details["findings"] = findings.joined(separator: "\n") }
        return details
    }
}
