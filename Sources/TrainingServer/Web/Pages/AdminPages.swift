/// The sections of the administration, in the order the front page and the section navigation list them.
public enum AdminSection: String, CaseIterable, Sendable {
    case people
    case departments
    case staffImport = "staff-import"
    case tokens
    case audit
    case system
    case settings
    case mail

    /// The section's page.
    public var path: String { "/admin/\(rawValue)" }
    var titleKey: String { "admin.section.\(rawValue).title" }
    var descriptionKey: String { "admin.section.\(rawValue).description" }
}

/// The frame of every administration page: the full-width data layout, breadcrumbs from the administration's
/// front page and the navigation between its sections (the current one marked).
public enum AdminFrame {
    /// `trail` adds (label, link) pairs after the section, the last being the current page.
    public static func page(title: String, section: AdminSection?, trail: [(String, String?)] = [], context: PageContext,
                            stylesheet: String, scripts: [String] = [], body: HTML) -> HTML {
        var crumbs: [(String, String?)] = [(context.t("admin.title"), section == nil && trail.isEmpty ? nil : "/admin")]
        if let section {
            crumbs.append((context.t(section.titleKey), trail.isEmpty ? nil : section.path))
        }
        crumbs += trail
        let links = AdminSection.allCases.map { item -> HTML in
            let here: HTML = item == section ? " aria-current=\"page\"" : .empty
            return "<li><a href=\"\(item.path)\"\(here)>\(context.t(item.titleKey))</a></li>"
        }
        let frame: HTML = """
            \(Components.breadcrumbs(crumbs, context: context))
            <nav class="admin-nav" aria-label="\(context.t("admin.nav.label"))"><ul class="inline-list">\(links)</ul></nav>
            \(body)
            """
        return Layout.page(title: title, context: context, stylesheet: stylesheet, scripts: scripts, width: .wide, body: frame)
    }
}

/// The administration's front page: each section with what it is for, and the departments in the viewer's scope.
public enum AdminHomePage {
    public static func render(scope: AdminScope, context: PageContext, stylesheet: String) -> HTML {
        let sections = AdminSection.allCases.map { section -> HTML in
            """
            <li class="card"><h2><a href="\(section.path)">\(context.t(section.titleKey))</a></h2>\
            <p>\(context.t(section.descriptionKey))</p></li>
            """
        }
        let roots = scope.roots.map { department -> HTML in "<li>\(department.displayPath)</li>" }
        let body: HTML = """
            <h1>\(context.t("admin.title"))</h1>
            <p>\(context.t("admin.intro"))</p>
            <h2 id="admin-scope">\(context.t("admin.scope.title"))</h2>
            <ul aria-labelledby="admin-scope">\(roots)</ul>
            <ul class="admin-sections">\(sections)</ul>
            """
        return AdminFrame.page(title: context.t("admin.title"), section: nil, context: context, stylesheet: stylesheet,
                               body: body)
    }
}
