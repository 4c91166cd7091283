import Foundation

/// The platform's own identity at `/admin/settings` (administrators of the whole organisation only: a unit
/// administrator gets 403), and what it serves to every page: the logo and seal images by digest and the theme
/// stylesheet of the accent colour.
struct AdminSettingsController {
    let context: ControllerContext

    /// The form's largest body: a logo and a seal of 200 KB each, the text fields and the multipart framing.
    static let bodyLimit = 2 * BrandImageUpload.maximumBytes + 64 * 1024

    func register(in router: inout Router) {
        router.get("/admin/settings", show)
        router.post("/admin/settings", bodyLimit: Self.bodyLimit, save)
        router.get("/branding/:file", image)
        router.get("/theme.css", theme)
    }

    /// The administrator, when their scope is the whole organisation (every top department); 403 otherwise.
    private func organisationAdministrator(_ request: Request) throws -> User {
        let scope = try context.adminScope(request)
        guard scope.managesWholeOrganisation else { throw HTTPError.forbidden }
        return scope.user
    }

    private func show(_ request: Request) throws -> Response {
        _ = try organisationAdministrator(request)
        let settings = context.settings.current()
        let notice: String? = switch request.query["done"] {
        case "saved": context.page(request).t("admin.settings.saved")
        case "unchanged": context.page(request).t("admin.settings.unchanged")
        default: nil
        }
        let page = AdminSettingsPage.render(AdminSettingsPage.Model(settings: settings, form: .init(settings), notice: notice),
                                            context: context.page(request), stylesheet: context.stylesheet)
        return Response.html(page.rendered)
    }

    private func save(_ request: Request) throws -> Response {
        let user = try organisationAdministrator(request)
        let form = try request.form()
        let files = try request.files()
        func file(_ name: String) -> [UInt8]? {
            // A file input left empty still sends its part, with no file name and no bytes.
            guard let part = files.first(where: { $0.name == name }),
                  !(part.filename ?? "").isEmpty || !part.body.isEmpty else { return nil }
            return part.body
        }
        var input = SettingsInput()
        input.organisationZh = form["organisation_zh"] ?? ""
        input.organisationEn = form["organisation_en"] ?? ""
        input.accent = form["accent"] ?? ""
        input.issuerZh = form["issuer_zh"] ?? ""
        input.issuerEn = form["issuer_en"] ?? ""
        input.phone = form["help_phone"] ?? ""
        input.email = form["help_email"] ?? ""
        input.officeZh = form["help_office_zh"] ?? ""
        input.officeEn = form["help_office_en"] ?? ""
        var problems: [SettingsProblem] = []
        func imageChange(_ name: String, remove: String) -> ImageChange {
            let upload = file(name)
            let removing = form[remove] == "yes"
            if upload != nil && removing {
                problems.append(SettingsProblem(field: name, key: "admin.settings.error.upload_and_remove"))
            }
            if let upload { return .upload(upload) }
            return removing ? .remove : .keep
        }
        input.logo = imageChange("logo", remove: "remove_logo")
        input.seal = imageChange("seal", remove: "remove_seal")
        do {
            guard problems.isEmpty else { throw SettingsRejection(problems: problems) }
            let changed = try context.settings.update(input, by: AuditActor(user))
            return Response.redirect(to: "/admin/settings?done=\(changed.isEmpty ? "unchanged" : "saved")")
        } catch let rejection as SettingsRejection {
            let page = context.page(request)
            let values = AdminSettingsPage.Form(input: input, removeLogo: form["remove_logo"] == "yes",
                                                removeSeal: form["remove_seal"] == "yes")
            let html = AdminSettingsPage.render(
                AdminSettingsPage.Model(settings: context.settings.current(), form: values, notice: nil,
                                        problems: rejection.problems),
                context: page, stylesheet: context.stylesheet)
            return Response.html(html.rendered, status: .unprocessableContent)
        }
    }

    /// A logo or seal by its digest: a year's cache lifetime (the URL changes with the content), its own content
    /// type, and for SVG a policy that lets it run and fetch nothing even when opened on its own.
    private func image(_ request: Request) throws -> Response {
        guard let image = BrandImage(fileName: try request.parameter("file")),
              let bytes = try context.settings.imageData(image) else { throw HTTPError.notFound }
        var response = Response(status: .ok, body: .bytes(bytes))
        response.headers.add("Content-Type", image.format.contentType)
        response.headers.add("Cache-Control", "public, max-age=31536000, immutable")
        if image.format == .svg {
            response.headers.add("Content-Security-Policy", "default-src 'none'; sandbox")
        }
        return response
    }

    /// The accent colour as a stylesheet: cached for a year when asked for by its current version.
    private func theme(_ request: Request) throws -> Response {
        let accent = context.settings.current().accent
        var response = Response(status: .ok, body: .bytes(Array(accent.stylesheet.utf8)))
        response.headers.add("Content-Type", "text/css; charset=utf-8")
        response.headers.add("Cache-Control", request.query["v"] == accent.stylesheetVersion
            ? "public, max-age=31536000, immutable" : "no-cache")
        return response
    }
}

extension AdminScope {
    /// Whether the scope is the whole organisation: an admin grant on every department at the top of the tree.
    var managesWholeOrganisation: Bool {
        let tops = departments.values.filter { $0.parentID == nil }
        return !tops.isEmpty && tops.allSatisfy(isVisible)
    }
}
