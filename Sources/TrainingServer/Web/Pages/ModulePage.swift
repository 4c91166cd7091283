import Foundation
import Assessment
import Curriculum

/// A module to study: objectives, the rendered text, the summary, time studied, and the way on.
public enum ModulePage {
    public struct Model: Sendable {
        public var course: Course
        public var module: Module
        public var text: ModuleText
        /// cmark-gfm output in safe mode (raw HTML and unsafe links removed by the renderer).
        public var bodyHTML: String
        public var progress: ModuleProgress?
        public var practiceQuiz: QuizDefinition?
        /// A trainer's preview: no study time is recorded and nothing offers to record it.
        public var isPreview: Bool = false
    }

    /// The practice quiz link's text: "练习：{title}" / "Practice: {title}", or the title alone when it already
    /// begins with that word (quiz titles often do), so the prefix never reads twice.
    static func practiceLinkText(_ title: String, context: PageContext) -> String {
        let trimmed = trimmingSpaces(title)
        let folded = fold(trimmed)
        // Either language's prefix: a title shown in the other language (no translation yet) may carry it.
        for language in Language.allCases {
            let prefix = fold(context.strings.text("module.practice", language, ["title": ""]))
            if !prefix.isEmpty && folded.hasPrefix(prefix) { return trimmed }
        }
        return context.t("module.practice", ["title": trimmed])
    }

    /// A title as compared with the prefix: full-width colon as `:`, lower case, spaces trimmed. (Standard
    /// library only: this runs on every module page.)
    private static func fold(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { scalars.append(scalar == "：" ? ":" : scalar) }
        return trimmingSpaces(String(scalars).lowercased())
    }

    /// `text` without leading and trailing spaces and tabs (Unicode's space separators, as Foundation's
    /// `CharacterSet.whitespaces`).
    static func trimmingSpaces(_ text: String) -> String {
        func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator
        }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) { return text }
        return String(scalars[first...last])
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String, script: String?) -> HTML {
        let course = model.course
        let module = model.module
        let text = model.text
        let index = course.index(of: module.id) ?? 0
        let studied = Int(((model.progress?.seconds ?? 0) / 60).rounded(.down))
        let completed = model.progress?.isCompleted == true
        let status: HTML = completed
            ? Components.tag(context.t("module.state.completed"), kind: "completed")
            : Components.tag(context.t(model.progress == nil ? "module.state.not_started" : "module.state.in_progress"),
                             kind: model.progress == nil ? "not_started" : "in_progress")
        let progressText = completed
            ? context.t("module.completed_note", ["hours": Components.number(module.hours, context)])
            : context.t("module.progress", ["done": String(min(studied, module.minutes)), "required": String(module.minutes)])
        let objectives = text.objectives.map { item -> HTML in "<li>\(item)</li>" }
        let fallback: HTML = text.language == context.language ? .empty
            : " lang=\"\(text.language == .zh ? "zh-CN" : "en")\""
        let base = "/courses/\(course.id.rawValue)/modules/"
        var links: [HTML] = []
        if index > 0 {
            let previous = course.modules[index - 1]
            links.append("<li><a href=\"\(base)\(previous.id.rawValue)\" rel=\"prev\">\(context.t("module.previous", ["title": previous.title.t(context)]))</a></li>")
        }
        if let practice = model.practiceQuiz {
            links.append("<li><a href=\"/courses/\(course.id.rawValue)/quizzes/\(practice.id.rawValue)\">\(practiceLinkText(practice.title.t(context), context: context))</a></li>")
        }
        if index + 1 < course.modules.count {
            let next = course.modules[index + 1]
            links.append("<li><a href=\"\(base)\(next.id.rawValue)\" rel=\"next\">\(context.t("module.next", ["title": next.title.t(context)]))</a></li>")
        }
        links.append("<li><a href=\"/courses/\(course.id.rawValue)\">\(context.t("module.back_to_course"))</a></li>")
        let recordForm: HTML = completed || model.isPreview ? .empty : """
            <form method="post" action="\(base)\(module.id.rawValue)/progress" class="record-form">
            \(Components.csrf(context))
            <p class="hint" id="record-hint">\(context.t("module.record_hint"))</p>
            <button type="submit" class="button button-secondary" aria-describedby="record-hint">\(context.t("module.record"))</button>
            </form>
            """
        let studyStatus: HTML = model.isPreview ? .empty : """
            <div class="study-status" id="study-status" data-beat-url="\(base)\(module.id.rawValue)/progress" \
            data-csrf="\(context.csrfToken)" data-required="\(module.minutes)" data-completed="\(completed ? "1" : "0")">
            <p id="study-progress" role="status">\(progressText)</p>
            \(completed ? HTML.empty : "<p class=\"hint\">\(context.t("module.time_note", ["minutes": String(module.minutes)]))</p>")
            </div>
            """
        let body: HTML = """
            \(Components.breadcrumbs([(context.t("nav.catalogue"), "/courses"),
                                      (course.title.t(context), "/courses/\(course.id.rawValue)"),
                                      (module.title.t(context), nil)], context: context))
            <article\(fallback)>
            <h1>\(text.title)</h1>
            <p class="meta">\(context.t("module.minutes", ["minutes": String(module.minutes)])) · \
            \(context.t("course.hours", ["hours": Components.number(module.hours, context)]))\(model.isPreview ? HTML.empty : " · " + status)</p>
            \(studyStatus)
            <section class="objectives" aria-labelledby="objectives-title">
            <h2 id="objectives-title">\(context.t("module.objectives"))</h2>
            <ul>\(objectives)</ul>
            </section>
            <div class="module-body">
            \(HTML(trusted: model.bodyHTML))
            </div>
            <section class="module-summary" aria-labelledby="summary-title">
            <h2 id="summary-title">\(context.t("module.summary"))</h2>
            <p>\(text.summary)</p>
            </section>
            </article>
            \(recordForm)
            <nav class="pager" aria-label="\(context.t("module.back_to_course"))"><ul>\(links)</ul></nav>
            """
        return Layout.page(title: text.title, context: context, stylesheet: stylesheet,
                           scripts: completed ? [] : [script].compactMap { $0 }, body: body)
    }
}
