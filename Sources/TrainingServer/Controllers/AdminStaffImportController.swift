/// Staff import in the browser: upload a staff file (CSV in UTF-8, UTF-16 or GB18030, or an .xlsx workbook), see
/// the dry run (people to create, update and disable, new departments, every problem with its line or sheet row),
/// then confirm to apply it in one transaction exactly as previewed. Only people and departments within the
/// administrator's scope are touched; applied imports are listed newest first.
struct AdminStaffImportController {
    let context: ControllerContext

    private var service: StaffImportService { StaffImportService(storage: context.storage) }

    func register(in router: inout Router) {
        router.get("/admin/staff-import", index)
        // The file rides in a multipart body: the file's limit and room for the form around it.
        router.post("/admin/staff-import", bodyLimit: StaffImportService.maximumFileSize + 64 * 1024, upload)
        router.get("/admin/staff-import/:upload", preview)
        router.post("/admin/staff-import/:upload/apply", apply)
    }

    private func index(_ request: Request) throws -> Response {
        let scope = try context.adminScope(request)
        let page = context.page(request)
        let notice = request.query["done"] == "applied" ? page.t("admin.import.done.applied") : nil
        return try renderIndex(request, scope: scope, notice: notice, errors: [], status: .ok)
    }

    private func upload(_ request: Request) throws -> Response {
        let scope = try context.adminScope(request)
        let page = context.page(request)
        guard let file = try request.files().first(where: { $0.name == "file" }), !file.body.isEmpty else {
            return try renderIndex(request, scope: scope, notice: nil, errors: [("file", page.t("admin.import.error.no_file"))],
                                   status: .unprocessableContent)
        }
        guard file.body.count <= StaffImportService.maximumFileSize else {
            return try renderIndex(request, scope: scope, notice: nil, errors: [("file", page.t("admin.import.error.too_large"))],
                                   status: .unprocessableContent)
        }
        let kept = try service.upload(fileName: file.filename ?? "", content: file.body, by: scope.user)
        return Response.redirect(to: "/admin/staff-import/\(kept.id)")
    }

    private func preview(_ request: Request) throws -> Response {
        let scope = try context.adminScope(request)
        guard let preview = try service.preview(try request.parameter("upload"), scope: scope) else { throw HTTPError.notFound }
        return render(request, preview, errors: [], status: .ok)
    }

    private func apply(_ request: Request) throws -> Response {
        let scope = try context.adminScope(request)
        let id = try request.parameter("upload")
        let form = try request.form()
        let page = context.page(request)
        do {
            _ = try service.apply(id, sha256: form["sha256"] ?? "", fingerprint: form["fingerprint"] ?? "", scope: scope)
            return Response.redirect(to: "/admin/staff-import?done=applied")
        } catch StaffImportService.Refusal.notFound {
            throw HTTPError.notFound
        } catch let refusal as StaffImportService.Refusal {
            // Show the dry run as it is now, with why nothing was applied.
            guard let preview = try service.preview(id, scope: scope) else { throw HTTPError.notFound }
            let key = refusal == .fileChanged ? "admin.import.error.file_changed" : "admin.import.error.data_changed"
            return render(request, preview, errors: [("confirm", page.t(key))], status: .conflict)
        }
    }

    private func renderIndex(_ request: Request, scope: AdminScope, notice: String?, errors: [(field: String, message: String)],
                             status: HTTPStatus) throws -> Response {
        let model = AdminStaffImportPage.Model(history: try service.history(scope: scope), scope: scope.roots,
                                               notice: notice, errors: errors)
        return Response.html(AdminStaffImportPage.render(model, context: context.page(request),
                                                         stylesheet: context.stylesheet).rendered, status: status)
    }

    private func render(_ request: Request, _ preview: StaffImportService.Preview, errors: [(field: String, message: String)],
                        status: HTTPStatus) -> Response {
        let html = AdminStaffImportPreviewPage.render(.init(preview: preview, errors: errors), context: context.page(request),
                                                      stylesheet: context.stylesheet)
        return Response.html(html.rendered, status: status)
    }
}
