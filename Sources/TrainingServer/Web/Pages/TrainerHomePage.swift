import Assessment
import Curriculum

/// Trainers' and admins' overview: the state of the course files (with every problem of the last reload),
/// the reload action, and preview links for every module and quiz.
public enum TrainerHomePage {
    public struct Model: Sendable {
        public var catalogue: Catalogue
        public var loadedAt: Double
        public var diagnostics: [Diagnostic]
        public var lastReloadFailed: Bool
        public var notice: String?
        /// What the last reload did, shown until the next one.
        public var lastReload: ReloadOutcome?
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String) -> HTML {
        let diagnostics: HTML
        if model.diagnostics.isEmpty {
            diagnostics = "<p>\(context.t("trainer.diagnostics.none"))</p>"
        } else {
            let rows = model.diagnostics.map { item -> HTML in
                let severity = context.t(item.isError ? "trainer.severity.error" : "trainer.severity.warning")
                return "<tr><td><code>\(item.file):\(item.line):\(item.column)</code></td><td>\(severity)</td><td>\(item.message)</td></tr>"
            }
            diagnostics = """
                <table><caption>\(context.t("trainer.diagnostics.caption"))</caption>
                <thead><tr><th scope="col">\(context.t("trainer.diagnostics.file"))</th><th scope="col">\(context.t("trainer.diagnostics.severity"))</th>\
                <th scope="col">\(context.t("trainer.diagnostics.message"))</th></tr></thead><tbody>\(rows)</tbody></table>
                """
        }
        let failed: HTML = model.lastReloadFailed
            ? "<div class=\"error-summary\" role=\"alert\"><p>\(context.t("trainer.reload.failed"))</p></div>" : .empty
        let courses = model.catalogue.courses.map { course -> HTML in
            let modules = course.modules.map { module -> HTML in
                let base = "/trainer/courses/\(course.id.rawValue)/modules/\(module.id.rawValue)"
                let watching: HTML = module.media == nil ? .empty
                    : " <span class=\"meta\">(<a href=\"\(base)/watching\">\(context.t("watching.link"))</a>)</span>"
                return "<li><a href=\"\(base)\">\(module.title.t(context))</a>\(watching)</li>"
            }
            let quizzes = course.quizzes.map { quiz -> HTML in
                let base = "/trainer/courses/\(course.id.rawValue)/quizzes/\(quiz.id.rawValue)"
                return """
                    <li><a href="\(base)">\(quiz.title.t(context))</a> \
                    <span class="meta">(<a href="\(base)/statistics">\(context.t("trainer.statistics"))</a>)</span></li>
                    """
            }
            return """
                <section class="card"><h3>\(course.title.t(context)) <span class="meta">\(context.t("trainer.version", ["version": String(course.version)]))</span></h3>
                <p class="meta"><code>\(course.folder)/course.yaml</code> · \(context.t("trainer.hash", ["hash": String(course.contentHash.prefix(12))]))</p>
                <ul>\(modules)</ul><ul>\(quizzes)</ul></section>
                """
        }
        let notice: HTML = model.notice.map { Components.notice($0) } ?? .empty
        let report = model.lastReload.map { reloadReport($0, context: context) } ?? .empty
        let body: HTML = """
            <h1>\(context.t("trainer.title"))</h1>
            \(notice)
            <h2>\(context.t("trainer.status"))</h2>
            <p>\(context.t("trainer.loaded_at", ["time": Components.dateTime(model.loadedAt, context)]))</p>
            \(failed)
            \(report)
            \(diagnostics)
            <form method="post" action="/trainer/reload">\(Components.csrf(context))
            <button type="submit" class="button button-secondary">\(context.t("trainer.reload"))</button></form>
            <h2>\(context.t("trainer.courses"))</h2>
            \(courses)
            """
        return Layout.page(title: context.t("trainer.title"), context: context, stylesheet: stylesheet, width: .wide, body: body)
    }

    /// When and how the last reload ran, and what it added, changed and removed (the warnings and errors are
    /// the problems table below it).
    static func reloadReport(_ outcome: ReloadOutcome, context: PageContext) -> HTML {
        let time = Components.dateTime(outcome.at, context)
        let how = switch outcome.trigger {
        case .button: context.t("trainer.reload.by_button", ["time": time, "login": outcome.by ?? ""])
        case .signal: context.t("trainer.reload.by_signal", ["time": time])
        case .otherServer: context.t("trainer.reload.by_other_server", ["time": time])
        }
        let count = { (change: CatalogueChange.Change) in String(outcome.changes.filter { $0.change == change }.count) }
        let summary: String = outcome.taken
            ? context.t("trainer.reload.summary", ["added": count(.added), "changed": count(.changed),
                                                   "removed": count(.removed), "warnings": String(outcome.warnings.count)])
            : context.t("trainer.reload.refused", ["errors": String(outcome.errors.count)])
        let changes: HTML
        if outcome.changes.isEmpty {
            changes = outcome.taken ? "<p>\(context.t("trainer.reload.none"))</p>" : .empty
        } else {
            let rows = outcome.changes.map { change -> HTML in
                let kind: String = change.change == .removed ? "wrong" : change.change == .added ? "completed" : "in_progress"
                let version: HTML = change.versions.map {
                    " <span class=\"meta\">\(context.t("trainer.change.version", ["before": String($0.before), "after": String($0.after)]))</span>"
                } ?? .empty
                return """
                    <tr><td>\(Components.tag(context.t("trainer.change.\(change.change.rawValue)"), kind: kind))</td>\
                    <td>\(context.t("trainer.item.\(change.kind.rawValue)"))</td>\
                    <td>\(change.title.t(context))\(version)<br><code>\(change.path)</code></td></tr>
                    """
            }
            changes = """
                <div class="table-scroll" role="region" tabindex="0" aria-label="\(context.t("trainer.changes.caption"))"><table>
                <caption>\(context.t("trainer.changes.caption"))</caption>
                <thead><tr><th scope="col">\(context.t("trainer.changes.change"))</th><th scope="col">\(context.t("trainer.changes.kind"))</th>\
                <th scope="col">\(context.t("trainer.changes.item"))</th></tr></thead><tbody>\(rows)</tbody></table></div>
                """
        }
        return """
            <section aria-labelledby="last-reload"><h3 id="last-reload">\(context.t("trainer.reload.last"))</h3>
            <p>\(how) \(summary)</p>
            \(changes)</section>
            """
    }
}
