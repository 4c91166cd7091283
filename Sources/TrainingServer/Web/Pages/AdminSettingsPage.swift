import Assessment
import Foundation

/// `/admin/settings`: the organisation's name and logo, the accent colour, the issuer name and seal on
/// certificates, and the help contact, in one form (multipart, for the two images). A refused form is shown again
/// with what was typed, a summary of the problems and each beside its field; files must be chosen again.
public enum AdminSettingsPage {
    /// The values the form shows: its texts (`form.organisationZh`, ...) and the two removal boxes.
    @dynamicMemberLookup
    public struct Form: Sendable, Equatable {
        public var texts = SettingsTexts()
        public var removeLogo = false
        public var removeSeal = false

        public subscript(dynamicMember field: WritableKeyPath<SettingsTexts, String>) -> String {
            get { texts[keyPath: field] }
            set { texts[keyPath: field] = newValue }
        }

        /// The form filled with the settings in force.
        public init(_ settings: PlatformSettings) {
            texts.organisationZh = settings.organisationName.zh ?? ""
            texts.organisationEn = settings.organisationName.en ?? ""
            texts.accent = settings.accent.rawValue
            texts.issuerZh = settings.issuerName.zh ?? ""
            texts.issuerEn = settings.issuerName.en ?? ""
            texts.phone = settings.help.phone
            texts.email = settings.help.email
            texts.officeZh = settings.help.office.zh ?? ""
            texts.officeEn = settings.help.office.en ?? ""
        }

        /// The form as submitted.
        public init(input: SettingsInput, removeLogo: Bool, removeSeal: Bool) {
            texts = input.texts
            self.removeLogo = removeLogo
            self.removeSeal = removeSeal
        }
    }

    public struct Model: Sendable {
        /// The settings in force (the current images come from here).
        public var settings: PlatformSettings
        public var form: Form
        public var notice: String?
        public var problems: [SettingsProblem] = []

        public init(settings: PlatformSettings, form: Form, notice: String?, problems: [SettingsProblem] = []) {
            self.settings = settings
            self.form = form
            self.notice = notice
            self.problems = problems
        }
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String) -> HTML {
        let messages = model.problems.map { (field: $0.field, message: context.t($0.key, $0.arguments)) }
        func error(_ field: String) -> String? { messages.first { $0.field == field }?.message }
        func text(_ id: String, label: String, value: String, hint: String? = nil, limit: Int,
                  type: String = "text", autocomplete: String? = nil, lang: String? = nil) -> HTML {
            let problem = error(id)
            let described = [hint == nil ? nil : "\(id)-hint", problem == nil ? nil : "\(id)-error"].compactMap { $0 }
            let describedBy: HTML = described.isEmpty ? .empty : " aria-describedby=\"\(described.joined(separator: " "))\""
            let invalid: HTML = problem == nil ? .empty : " aria-invalid=\"true\""
            let auto: HTML = autocomplete.map { " autocomplete=\"\($0)\"" } ?? .empty
            let language: HTML = lang.map { " lang=\"\($0)\"" } ?? .empty
            return """
                <div class="field\(problem == nil ? "" : " field-invalid")">
                <label for="\(id)">\(label)</label>
                \(hint.map { "<p class=\"hint\" id=\"\(id)-hint\">\($0)</p>" as HTML } ?? .empty)\
                \(problem.map { "<p class=\"field-error\" id=\"\(id)-error\">\($0)</p>" as HTML } ?? .empty)
                <input type="\(type)" id="\(id)" name="\(id)" value="\(value)" maxlength="\(limit)"\(auto)\(language)\(describedBy)\(invalid)>
                </div>
                """
        }
        func image(_ id: String, current: BrandImage?, remove: Bool, noun: String) -> HTML {
            let problem = error(id)
            let preview: HTML = current.map { image in
                """
                <figure class="settings-image"><img src="\(image.url)" alt="\(context.t("admin.settings.\(noun).current_alt"))">\
                <figcaption>\(context.t("admin.settings.\(noun).current"))</figcaption></figure>
                <div class="field choice">
                <input type="checkbox" id="remove_\(id)" name="remove_\(id)" value="yes"\(remove ? " checked" : "")>
                <label for="remove_\(id)">\(context.t("admin.settings.\(noun).remove"))</label>
                </div>
                """
            } ?? "<p>\(context.t("admin.settings.\(noun).none"))</p>"
            let invalid: HTML = problem == nil ? .empty : " aria-invalid=\"true\""
            return """
                \(preview)
                <div class="field\(problem == nil ? "" : " field-invalid")">
                <label for="\(id)">\(context.t("admin.settings.\(noun).upload"))</label>
                <p class="hint" id="\(id)-hint">\(context.t("admin.settings.image.hint", ["limit": String(BrandImageUpload.maximumBytes / 1024), "min": String(BrandImageUpload.pngDimensions.lowerBound), "max": String(BrandImageUpload.pngDimensions.upperBound)]))</p>
                \(problem.map { "<p class=\"field-error\" id=\"\(id)-error\">\($0)</p>" as HTML } ?? .empty)
                <input type="file" id="\(id)" name="\(id)" accept=".svg,.png,image/svg+xml,image/png" \
                aria-describedby="\(id)-hint\(problem == nil ? "" : " \(id)-error")"\(invalid)>
                </div>
                """
        }
        let form = model.form
        let accentProblem = error("accent-\(AccentColour.standard.rawValue)")
        let swatches = AccentColour.allCases.map { colour -> HTML in
            let checked: HTML = colour.rawValue == form.accent ? " checked" : .empty
            let ratio = String(format: "%.1f", colour.contrastWithWhite)
            return """
                <div class="field choice accent-choice">
                <input type="radio" id="accent-\(colour.rawValue)" name="accent" value="\(colour.rawValue)"\(checked)>
                <label for="accent-\(colour.rawValue)"><svg class="swatch" aria-hidden="true" focusable="false" \
                width="28" height="28" viewBox="0 0 28 28"><rect width="28" height="28" rx="4" fill="\(colour.hex)"/>\
                <text x="14" y="19" text-anchor="middle" font-size="13" fill="#ffffff">A</text></svg> \
                \(context.t(colour.labelKey))<span class="hint"> \(context.t("admin.settings.accent.contrast", ["ratio": ratio]))</span></label>
                </div>
                """
        }
        let notice: HTML = model.notice.map(Components.notice) ?? .empty
        let body: HTML = """
            <h1>\(context.t("admin.section.settings.title"))</h1>
            \(notice)
            \(Components.errorSummary(messages, context: context))
            <p>\(context.t("admin.settings.intro"))</p>
            <form method="post" action="/admin/settings" enctype="multipart/form-data" class="form settings-form" novalidate>
            \(Components.csrf(context))
            <fieldset>
            <legend>\(context.t("admin.settings.organisation.legend"))</legend>
            <p class="hint">\(context.t("admin.settings.organisation.hint"))</p>
            \(text("organisation_zh", label: context.t("admin.settings.organisation.zh"), value: form.organisationZh,
                   limit: SettingsService.maximumNameLength, autocomplete: "organization", lang: "zh-CN"))
            \(text("organisation_en", label: context.t("admin.settings.organisation.en"), value: form.organisationEn,
                   limit: SettingsService.maximumNameLength, autocomplete: "organization", lang: "en"))
            \(image("logo", current: model.settings.logo, remove: form.removeLogo, noun: "logo"))
            </fieldset>
            <fieldset\(accentProblem == nil ? "" : " class=\"field-invalid\"")>
            <legend>\(context.t("admin.settings.accent.legend"))</legend>
            <p class="hint">\(context.t("admin.settings.accent.hint"))</p>
            \(accentProblem.map { "<p class=\"field-error\" id=\"accent-error\">\($0)</p>" as HTML } ?? .empty)
            <div class="accent-palette">\(swatches)</div>
            </fieldset>
            <fieldset>
            <legend>\(context.t("admin.settings.issuer.legend"))</legend>
            <p class="hint">\(context.t("admin.settings.issuer.hint", ["name": model.settings.configuredIssuerName]))</p>
            \(text("issuer_zh", label: context.t("admin.settings.issuer.zh"), value: form.issuerZh,
                   limit: SettingsService.maximumNameLength, lang: "zh-CN"))
            \(text("issuer_en", label: context.t("admin.settings.issuer.en"), value: form.issuerEn,
                   limit: SettingsService.maximumNameLength, lang: "en"))
            \(image("seal", current: model.settings.seal, remove: form.removeSeal, noun: "seal"))
            </fieldset>
            <fieldset>
            <legend>\(context.t("admin.settings.help.legend"))</legend>
            <p class="hint">\(context.t("admin.settings.help.hint"))</p>
            \(text("help_phone", label: context.t("help.phone"), value: form.phone,
                   limit: SettingsService.maximumPhoneLength, type: "tel", autocomplete: "off"))
            \(text("help_email", label: context.t("help.email"), value: form.email,
                   limit: SettingsService.maximumEmailLength, type: "email", autocomplete: "off"))
            \(text("help_office_zh", label: context.t("admin.settings.help.office_zh"), value: form.officeZh,
                   limit: SettingsService.maximumOfficeLength, lang: "zh-CN"))
            \(text("help_office_en", label: context.t("admin.settings.help.office_en"), value: form.officeEn,
                   limit: SettingsService.maximumOfficeLength, lang: "en"))
            </fieldset>
            <button type="submit" class="button">\(context.t("admin.settings.submit"))</button>
            </form>
            """
        return AdminFrame.page(title: context.t("admin.section.settings.title"), section: .settings, context: context,
                               stylesheet: stylesheet, body: body)
    }
}
