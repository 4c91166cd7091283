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
                "<li><a href=\"/trainer/courses/\(course.id.rawValue)/modules/\(module.id.rawValue)\">\(module.title.t(context))</a></li>"
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
        let body: HTML = """
            <h1>\(context.t("trainer.title"))</h1>
            \(notice)
            <h2>\(context.t("trainer.status"))</h2>
            <p>\(context.t("trainer.loaded_at", ["time": Components.dateTime(model.loadedAt, context)]))</p>
            \(failed)
            \(diagnostics)
            <form method="post" action="/trainer/reload">\(Components.csrf(context))
            <button type="submit" class="button button-secondary">\(context.t("trainer.reload"))</button></form>
            <h2>\(context.t("trainer.courses"))</h2>
            \(courses)
            """
        return Layout.page(title: context.t("trainer.title"), context: context, stylesheet: stylesheet, body: body)
    }
}
