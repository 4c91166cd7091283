import Foundation
import Assessment
import Curriculum
import Synchronization

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
        /// The transcripts of the module's recordings, rendered, by item id (see `Transcript`).
        public var transcripts: [String: Transcript] = [:]
        /// The learner's stored watching of each recording, by item id (none yet: absent).
        public var watched: [String: MediaWatchState] = [:]
    }

    /// A recording's transcript as HTML (the catalogue's Markdown renderer, safe mode) and its language, which is
    /// the page's unless the course has no transcript in that language.
    public struct Transcript: Sendable, Hashable {
        public var language: Language
        public var html: String

        public init(language: Language, html: String) {
            self.language = language
            self.html = html
        }
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

    /// A running time as m:ss (h:mm:ss from an hour), as players show it.
    static func runningTime(_ seconds: Double) -> String {
        let total = max(0, Int(seconds.rounded()))
        let (hours, minutes, rest) = (total / 3600, total / 60 % 60, total % 60)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        return hours > 0 ? "\(hours):\(two(minutes)):\(two(rest))" : "\(two(minutes)):\(two(rest))"
    }

    /// A file size in words a person reads: KB below a megabyte, MB below a gigabyte, then GB.
    static func fileSize(_ bytes: Int64, context: PageContext) -> String {
        let value = Double(max(0, bytes))
        if value < 1024 * 1024 {
            return context.t("media.size.kb", ["size": String(max(1, Int((value / 1024).rounded())))])
        }
        if value < 1024 * 1024 * 1024 {
            return context.t("media.size.mb", ["size": context.strings.number(value / 1024 / 1024)])
        }
        return context.t("media.size.gb", ["size": context.strings.number(value / 1024 / 1024 / 1024)])
    }

    /// The watched share in whole percent, rounded down (so 89.6 % never reads as the 90 % required); 0 unstarted.
    static func watchedPercent(_ state: MediaWatchState?) -> Int {
        state?.wholePercent ?? 0
    }

    /// The watch rule in words: the share of each recording to play and whether skipping ahead is allowed; empty
    /// when watching does not decide anything (no share and free seeking).
    static func watchRule(_ media: ModuleMedia, context: PageContext) -> String? {
        let kinds = Set(media.items.map(\.kind))
        let noun = context.t(kinds == [.video] ? "media.kinds.video" : kinds == [.audio] ? "media.kinds.audio" : "media.kinds.mixed")
        let seeking = media.seeking == .watchedOnly
        guard let share = media.watchShare else { return seeking ? context.t("media.rule.seeking") : nil }
        let percent = Components.percent(share)
        return context.t(seeking ? "media.rule.share_seeking" : "media.rule.share", ["percent": percent, "kinds": noun])
    }

    /// One section per recording, before the module's text: the title as heading, the browser's own player with
    /// captions, the running time, the watched share, a download link where the course allows it, and the transcript.
    static func mediaSections(_ model: Model, media: ModuleMedia, completed: Bool, context: PageContext) -> HTML {
        let course = model.course
        let prefix = "/media/\(course.id.rawValue)/"
        func url(_ file: String) -> String {
            prefix + (file.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? file)
        }
        let watchURL = "/courses/\(course.id.rawValue)/modules/\(model.module.id.rawValue)/watch"
        let required = media.watchShare.map(Components.percent)
        // Only a learner's page reports watching and holds the player back; a trainer's preview plays freely.
        let reports = !model.isPreview
        let holdsBack = reports && !completed && media.seeking == .watchedOnly
        let rule: HTML = watchRule(media, context: context).map { "<p class=\"media-rule\">\($0)</p>" } ?? .empty
        let sections = media.items.map { item -> HTML in
            let id = "media-\(item.id)"
            let title = item.title.t(context)
            let progress = model.watched[item.id]
            let percent = String(watchedPercent(progress))
            let status = required.map { context.t("media.watched_required", ["percent": percent, "required": $0]) }
                ?? context.t("media.watched", ["percent": percent])
            let kind = context.t(item.kind == .video ? "media.kind.video" : "media.kind.audio")
            let tracks = Language.allCases.compactMap { language -> HTML? in
                guard let file = item.captions[language] else { return nil }
                let label = language == .zh ? "中文" : "English"
                let isDefault: HTML = language == context.language ? " default" : .empty
                return "<track kind=\"captions\" srclang=\"\(language.rawValue)\" label=\"\(label)\" src=\"\(url(file))\"\(isDefault)>"
            }
            let fallback: HTML = """
                <p>\(context.t("media.fallback", ["kind": kind])) <a href="\(url(item.file))">\(context.t("media.fallback_link", ["title": title]))</a></p>
                """
            let source: HTML = "<source src=\"\(url(item.file))\" type=\"\(item.container.mimeType)\">"
            let player: HTML
            switch item.kind {
            case .video:
                let poster: HTML = item.poster.map { " poster=\"\(url($0))\"" } ?? .empty
                player = """
                    <video id="\(id)-player" controls preload="metadata" playsinline\(poster) aria-labelledby="\(id)-title">
                    \(source)\(tracks)
                    \(fallback)</video>
                    """
            case .audio:
                player = """
                    <audio id="\(id)-player" controls preload="metadata" aria-labelledby="\(id)-title">
                    \(source)\(tracks)
                    \(fallback)</audio>
                    """
            }
            let download: HTML = item.download ? """
                <p class="media-download"><a href="\(url(item.file))?download=1" download>\(context.t("media.download", [
                    "title": title,
                    "type": context.t(item.kind == .video ? "media.type.video" : "media.type.audio",
                                      ["format": item.container.rawValue.uppercased()]),
                    "size": fileSize(item.size, context: context)]))</a></p>
                """ : .empty
            // The transcript is a section with its own heading rather than a <details>: screen-reader users reach it
            // by heading navigation, read it in the normal reading order without operating a disclosure control,
            // and every screen reader exposes it the same way (support for <details>/<summary> still varies).
            let transcript: HTML
            if let rendered = model.transcripts[item.id] {
                let lang: HTML = rendered.language == context.language ? .empty
                    : " lang=\"\(rendered.language == .zh ? "zh-CN" : "en")\""
                transcript = """
                    <section class="media-transcript" aria-labelledby="\(id)-transcript"\(lang)>
                    <h3 id="\(id)-transcript">\(context.t("media.transcript", ["title": title]))</h3>
                    \(HTML(trusted: rendered.html))
                    </section>
                    """
            } else {
                transcript = .empty
            }
            let data: HTML = reports ? """
                 data-media="\(item.id)" data-watch-url="\(watchURL)" data-duration="\(String(item.duration))" \
                data-frontier="\(String(progress?.frontier ?? 0))"\(holdsBack ? " data-seeking=\"watched-only\"" as HTML : .empty) \
                data-seek-message="\(context.t("media.seek_back", ["time": "{time}"]))"
                """ : .empty
            return """
                <section class="media-item" aria-labelledby="\(id)-title"\(data)>
                <h2 id="\(id)-title">\(title)</h2>
                \(player)
                <p class="meta">\(context.t("media.running_time", ["time": runningTime(item.duration)]))</p>
                <p class="media-status" id="\(id)-status" role="status">\(status)</p>
                \(download)\(transcript)
                </section>
                """
        }
        return """
            <div class="media">
            \(rule)\(HTML.join(sections, separator: "\n"))
            </div>
            """
    }

    /// The parts of a module's page that are the same for every learner who reads it in one language: everything
    /// but the study status, the record form, the recordings (which show the learner's watching) and the frame's
    /// account. Built from the catalogue, the module's rendered text and the UI strings; `Cache` keeps them per
    /// catalogue version.
    public struct Parts: Sendable {
        /// The page title (the module text's title, as given to the frame).
        let title: String
        /// From the breadcrumbs to the hours in the meta line.
        let head: KeptHTML
        /// The objectives section, from the line break after the study status.
        let objectives: KeptHTML
        /// The module's text and summary, to the end of the article.
        let text: KeptHTML
        /// The pager, from the line break after the record form.
        let pager: KeptHTML

        /// The parts of `model`'s page in `context`'s language (only the catalogue's data, `bodyHTML` and the
        /// strings are read).
        public init(_ model: Model, context: PageContext) {
            let course = model.course
            let module = model.module
            let text = model.text
            let index = course.index(of: module.id) ?? 0
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
            title = text.title
            head = KeptHTML("""
                \(Components.breadcrumbs([(context.t("nav.catalogue"), "/courses"),
                                          (course.title.t(context), "/courses/\(course.id.rawValue)"),
                                          (module.title.t(context), nil)], context: context))
                <article\(fallback)>
                <h1>\(text.title)</h1>
                <p class="meta">\(context.t("module.minutes", ["minutes": String(module.minutes)])) · \
                \(context.t("course.hours", ["hours": Components.number(module.hours, context)]))
                """)
            self.objectives = KeptHTML("""

                <section class="objectives" aria-labelledby="objectives-title">
                <h2 id="objectives-title">\(context.t("module.objectives"))</h2>
                <ul>\(objectives)</ul>
                </section>

                """)
            self.text = KeptHTML("""
                <div class="module-body">
                \(HTML(trusted: model.bodyHTML))
                </div>
                <section class="module-summary" aria-labelledby="summary-title">
                <h2 id="summary-title">\(context.t("module.summary"))</h2>
                <p>\(text.summary)</p>
                </section>
                </article>

                """)
            pager = KeptHTML("""

                <nav class="pager" aria-label="\(context.t("module.back_to_course"))"><ul>\(links)</ul></nav>
                """)
        }
    }

    /// The fixed parts of module pages (`Parts`) by course, module and language, for one version of the catalogue:
    /// `invalidate` (called on every catalogue reload) drops them all and starts a new version. A page built from a
    /// catalogue read before the reload is not kept (see `parts`). Readers take a `Snapshot` (one short lock: a
    /// number and a reference) and look it up outside the lock.
    public final class Cache: Sendable {
        struct Key: Hashable {
            var course: String
            var module: String
            var language: Language
        }

        /// The kept parts and the catalogue version they belong to, as they were when taken.
        public struct Snapshot: Sendable {
            public fileprivate(set) var version: Int
            fileprivate var entries: [Key: Parts]
        }

        private let state = Mutex(Snapshot(version: 0, entries: [:]))

        public init() {}

        /// The kept parts now. Take it before reading the catalogue a page is built from.
        public func snapshot() -> Snapshot { state.withLock { $0 } }

        /// The current catalogue version.
        public var version: Int { snapshot().version }

        /// Drops every kept part and starts a new version.
        public func invalidate() {
            state.withLock { state in
                state = Snapshot(version: state.version + 1, entries: [:])
            }
        }

        /// How many pages' parts are kept.
        public var count: Int { snapshot().entries.count }

        /// The parts of `module` of `course` in `language`: kept ones from `snapshot`, or `make()`'s, which are kept
        /// when the snapshot's version (taken before the catalogue that `make` reads) is still the current one.
        public func parts(course: String, module: String, language: Language, from snapshot: Snapshot,
                          make: () -> Parts) -> Parts {
            let key = Key(course: course, module: module, language: language)
            if let found = snapshot.entries[key] { return found }
            let parts = make()
            state.withLock { state in
                if state.version == snapshot.version { state.entries[key] = parts }
            }
            return parts
        }
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String, script: String?,
                              mediaScript: String? = nil) -> HTML {
        let parts = Parts(model, context: context)
        var body = PageWriter(capacity: 8)
        main(model, parts: parts, context: context, into: &body)
        return Layout.page(title: parts.title, context: context, stylesheet: stylesheet,
                           scripts: scripts(model, script: script, mediaScript: mediaScript),
                           body: HTML(trusted: String(decoding: body.bytes, as: UTF8.self)))
    }

    /// The page as the bytes of its HTML, from `parts` (which must be `model`'s, e.g. kept by `Cache`): the same
    /// bytes as `render`, written once into a buffer of their size.
    public static func bytes(_ model: Model, parts: Parts, context: PageContext, stylesheet: String, script: String?,
                             mediaScript: String? = nil) -> [UInt8] {
        writer(model, parts: parts, context: context, stylesheet: stylesheet, script: script, mediaScript: mediaScript).bytes
    }

    /// The page as an HTML answer: `bytes`, with its kept parts (the frame's and `parts`) for its gzip form.
    public static func response(_ model: Model, parts: Parts, context: PageContext, stylesheet: String, script: String?,
                                mediaScript: String? = nil) -> Response {
        writer(model, parts: parts, context: context, stylesheet: stylesheet, script: script, mediaScript: mediaScript).response
    }

    private static func writer(_ model: Model, parts: Parts, context: PageContext, stylesheet: String, script: String?,
                               mediaScript: String?) -> PageWriter {
        var page = PageWriter(capacity: 16)
        Layout.head(into: &page, title: parts.title, context: context, stylesheet: stylesheet,
                    scripts: scripts(model, script: script, mediaScript: mediaScript))
        main(model, parts: parts, context: context, into: &page)
        page.append(Layout.keptTail)
        return page
    }

    private static func scripts(_ model: Model, script: String?, mediaScript: String?) -> [String] {
        (model.progress?.isCompleted == true ? [] : [script].compactMap { $0 })
            + (model.module.media == nil || model.isPreview ? [] : [mediaScript].compactMap { $0 })
    }

    /// The page's main content: the fixed parts with the learner's study status, recordings and record form
    /// between them.
    private static func main(_ model: Model, parts: Parts, context: PageContext, into page: inout PageWriter) {
        let course = model.course
        let module = model.module
        let studied = Int(((model.progress?.seconds ?? 0) / 60).rounded(.down))
        let completed = model.progress?.isCompleted == true
        let status: HTML = completed
            ? Components.tag(context.t("module.state.completed"), kind: "completed")
            : Components.tag(context.t(model.progress == nil ? "module.state.not_started" : "module.state.in_progress"),
                             kind: model.progress == nil ? "not_started" : "in_progress")
        let progressText = completed
            ? context.t("module.completed_note", ["hours": Components.number(module.hours, context)])
            : context.t("module.progress", ["done": String(min(studied, module.minutes)), "required": String(module.minutes)])
        let base = "/courses/\(course.id.rawValue)/modules/"
        let recordForm: HTML = completed || model.isPreview ? .empty : """
            <form method="post" action="\(base)\(module.id.rawValue)/progress" class="record-form">
            \(Components.csrf(context))
            <p class="hint" id="record-hint">\(context.t("module.record_hint"))</p>
            <button type="submit" class="button button-secondary" aria-describedby="record-hint">\(context.t("module.record"))</button>
            </form>
            """
        // With a watch rule, the player's reports take the place of the page-time beats (study.js reads data-watch).
        let watchRule = module.media?.watchShare != nil
        let timeNote = context.t(watchRule ? "media.time_note" : "module.time_note", ["minutes": String(module.minutes)])
        let studyStatus: HTML = model.isPreview ? .empty : """
            <div class="study-status" id="study-status" data-beat-url="\(base)\(module.id.rawValue)/progress" \
            data-csrf="\(context.csrfToken)" data-required="\(module.minutes)" data-completed="\(completed ? "1" : "0")"\
            \(watchRule ? " data-watch=\"1\"" : HTML.empty)>
            <p id="study-progress" role="status">\(progressText)</p>
            \(completed ? HTML.empty : "<p class=\"hint\">\(timeNote)</p>")
            </div>
            """
        let media: HTML = module.media.map { mediaSections(model, media: $0, completed: completed, context: context) + "\n" } ?? .empty
        let meta: HTML = "\(model.isPreview ? HTML.empty : " · " + status)</p>\n\(studyStatus)"
        page.append(parts.head)
        page.append(meta)
        page.append(parts.objectives)
        page.append(media)
        page.append(parts.text)
        page.append(recordForm)
        page.append(parts.pager)
    }
}
