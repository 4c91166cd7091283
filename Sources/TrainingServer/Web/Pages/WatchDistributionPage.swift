import Curriculum

/// How many people watched how much of a module's recordings, for trainers (everybody) and HR (their departments
/// only): per recording and for all recordings together, people who started, people per bucket of share watched,
/// people who reached the module's share and the median share; and how many completed the module by watching.
public enum WatchDistributionPage {
    /// Whose watching the figures cover.
    public enum Audience: Sendable {
        /// Every learner (trainers and admins on the trainer pages).
        case trainer
        /// The HR reader's departments.
        case hr
    }

    public struct Model: Sendable {
        public var course: Course
        public var module: Module
        public var media: ModuleMedia
        public var distribution: WatchDistribution
        public var audience: Audience
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String) -> HTML {
        let module = model.module, media = model.media, distribution = model.distribution
        let title = context.t("watching.title", ["title": module.title.t(context)])
        let percent = { (value: Double) in context.t("percent", ["value": Components.percent(value)]) }
        let rule: HTML = media.watchShare.map { "<p>\(context.t("watching.rule", ["share": percent($0)]))</p>" }
            ?? "<p>\(context.t("watching.rule.none"))</p>"
        let seeking: HTML = media.seeking == .watchedOnly ? "<p>\(context.t("watching.seeking.watched_only"))</p>" : .empty
        let scope = context.t(model.audience == .trainer ? "watching.scope.all" : "watching.scope.hr")
        let reachedHeader: HTML = media.watchShare.map {
            "<th scope=\"col\">\(context.t("watching.reached", ["share": percent($0)]))</th>"
        } ?? .empty
        let bounds = WatchDistribution.buckets
        let bucketHeaders = bounds.indices.map { index -> HTML in
            let to = index + 1 < bounds.count ? bounds[index + 1] - 1 : 100
            return "<th scope=\"col\">\(context.t("watching.bucket", ["from": String(bounds[index]), "to": String(to)]))</th>"
        }
        let line = { (label: String, line: WatchDistribution.Line) -> HTML in
            let buckets = line.buckets.map { count -> HTML in "<td>\(count)</td>" }
            let reached: HTML = media.watchShare == nil ? .empty : "<td>\(line.reachedShare)</td>"
            let median = line.medianShare.map(percent) ?? "—"
            return "<tr><th scope=\"row\">\(label)</th><td>\(line.started)</td>\(buckets)\(reached)<td>\(median)</td></tr>"
        }
        let rows = distribution.items.map { item -> HTML in
            let title = item.mediaID.flatMap { media.item($0)?.title.t(context) } ?? item.mediaID ?? ""
            return line(title, item)
        }
        let allRow: HTML = media.items.count > 1 ? line(context.t("watching.all"), distribution.module) : .empty
        let content: HTML = distribution.module.started == 0 ? "<p>\(context.t("watching.empty"))</p>" : """
            <div class="table-scroll" role="region" tabindex="0" aria-label="\(context.t("watching.region"))"><table>
            <caption>\(context.t("watching.caption", ["title": module.title.t(context)]))</caption>
            <thead><tr><th scope="col">\(context.t("watching.recording"))</th><th scope="col">\(context.t("watching.started"))</th>\
            \(bucketHeaders)\(reachedHeader)<th scope="col">\(context.t("watching.median"))</th></tr></thead>
            <tbody>\(rows)\(allRow)</tbody></table></div>
            <p>\(context.t("watching.completed", ["count": String(distribution.completedByWatching)]))</p>
            <p class="meta">\(context.t("watching.note"))</p>
            """
        let body: HTML = """
            \(trail(model, context: context))
            <h1>\(title)</h1>
            <p class="meta">\(model.course.title.t(context)) · \(scope)</p>
            \(rule)\(seeking)
            \(content)
            """
        return Layout.page(title: title, context: context, stylesheet: stylesheet, width: .wide, body: body)
    }

    /// The modules with recordings, each linked to its distribution page.
    public static func renderIndex(catalogue: Catalogue, audience: Audience, context: PageContext, stylesheet: String) -> HTML {
        let title = context.t("watching.index.title")
        let base = audience == .trainer ? "/trainer" : "/hr"
        let courses = catalogue.courses.compactMap { course -> HTML? in
            let modules = course.modules.filter { $0.media != nil }
            guard !modules.isEmpty else { return nil }
            let links = modules.map { module -> HTML in
                "<li><a href=\"\(base)/courses/\(course.id.rawValue)/modules/\(module.id.rawValue)/watching\">\(module.title.t(context))</a></li>"
            }
            return "<section class=\"card\"><h2>\(course.title.t(context))</h2><ul>\(links)</ul></section>"
        }
        let content: HTML = courses.isEmpty ? "<p>\(context.t("watching.index.empty"))</p>" : "\(courses)"
        let crumbs: HTML = audience == .trainer
            ? Components.breadcrumbs([(context.t("trainer.title"), "/trainer"), (title, nil)], context: context)
            : HRComponents.breadcrumbs([(title, nil)], context: context)
        let body: HTML = """
            \(crumbs)
            <h1>\(title)</h1>
            <p>\(context.t(audience == .trainer ? "watching.scope.all" : "watching.scope.hr"))</p>
            \(content)
            """
        return Layout.page(title: title, context: context, stylesheet: stylesheet, body: body)
    }

    private static func trail(_ model: Model, context: PageContext) -> HTML {
        let index = context.t("watching.index.title")
        switch model.audience {
        case .trainer:
            return Components.breadcrumbs([(context.t("trainer.title"), "/trainer"), (index, "/trainer/watching"),
                                           (model.module.title.t(context), nil)], context: context)
        case .hr:
            return HRComponents.breadcrumbs([(index, "/hr/watching"), (model.module.title.t(context), nil)], context: context)
        }
    }
}
