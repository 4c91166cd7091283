import Curriculum
import Foundation
import Synchronization

/// The catalogue the server runs with, replaced whole on reload. An invalid change keeps the running catalogue
/// and keeps the problems for admins and trainers to see.
public final class CatalogueHolder: Sendable {
    public struct Status: Sendable {
        public var loadedAt: Double
        /// Problems of the last reload attempt (errors mean it was refused).
        public var diagnostics: [Diagnostic]
        public var lastReloadFailed: Bool
        /// What the last reload did (nil until the first reload since start).
        public var lastReload: ReloadOutcome?
    }

    public let directory: URL
    private let state: Mutex<(catalogue: Catalogue, status: Status)>
    private let markdownCache = MarkdownCache()
    private let reloading = Mutex(())
    /// Called with the new catalogue after every reload that was taken (the plan file sync).
    private let reloadObservers = Mutex<[@Sendable (Catalogue) -> Void]>([])
    /// Called after every reload this server started (button or signal) that was taken (the other servers' wake-up).
    private let startedHereObservers = Mutex<[@Sendable () -> Void]>([])
    /// Warnings from applying the plan files to the organisation, shown with the lint state.
    private let planProblems = Mutex<[Diagnostic]>([])

    /// Loads `directory`; throws with every diagnostic when it has errors (the server does not start on a
    /// broken catalogue).
    public init(directory: URL, now: Double) throws(CatalogueLoadError) {
        self.directory = directory
        let (catalogue, diagnostics) = CatalogueLoader.load(directory: directory)
        guard let catalogue else { throw CatalogueLoadError(diagnostics: diagnostics) }
        state = Mutex((catalogue, Status(loadedAt: now, diagnostics: diagnostics, lastReloadFailed: false, lastReload: nil)))
    }

    public var catalogue: Catalogue { state.withLock { $0.catalogue } }
    public var status: Status {
        var status = state.withLock { $0.status }
        let problems = planProblems.withLock { $0 }
        if !problems.isEmpty { status.diagnostics = (status.diagnostics + problems).sorted() }
        return status
    }

    /// Calls `observer` with the new catalogue after every reload that is taken, before `reload` returns.
    public func onReload(_ observer: @escaping @Sendable (Catalogue) -> Void) {
        reloadObservers.withLock { $0.append(observer) }
    }

    /// Calls `observer` after every reload this server started (the button or SIGHUP, not one following another
    /// server) that was taken, before `reload` returns.
    public func onReloadStartedHere(_ observer: @escaping @Sendable () -> Void) {
        startedHereObservers.withLock { $0.append(observer) }
    }

    /// Replaces the plan files' problems shown with the catalogue's diagnostics (`status`).
    public func recordPlanProblems(_ problems: [Diagnostic]) {
        planProblems.withLock { $0 = problems }
    }

    /// Reloads from disk and says what changed; on errors the running catalogue stays. The outcome is kept in
    /// `status.lastReload` until the next reload.
    public func reload(now: Double, trigger: ReloadOutcome.Trigger, by login: String?) -> ReloadOutcome {
        // One reload at a time, so each outcome compares against the catalogue the previous one left.
        reloading.withLock { _ in
            let (catalogue, diagnostics) = CatalogueLoader.load(directory: directory)
            let running = self.catalogue
            let outcome = ReloadOutcome(at: now, trigger: trigger, by: login, taken: catalogue != nil,
                                        changes: catalogue.map { CatalogueChange.between(running, $0) } ?? [],
                                        warnings: diagnostics.filter { !$0.isError },
                                        errors: diagnostics.filter(\.isError))
            state.withLock { state in
                if let catalogue {
                    state = (catalogue, Status(loadedAt: now, diagnostics: diagnostics, lastReloadFailed: false,
                                               lastReload: outcome))
                } else {
                    state.status = Status(loadedAt: state.status.loadedAt, diagnostics: diagnostics, lastReloadFailed: true,
                                          lastReload: outcome)
                }
            }
            if let catalogue {
                for observer in reloadObservers.withLock({ $0 }) { observer(catalogue) }
                if trigger != .otherServer {
                    for observer in startedHereObservers.withLock({ $0 }) { observer() }
                }
            }
            return outcome
        }
    }

    /// A module's body as HTML (cached by content hash); images resolve under the course's media URL.
    public func html(of text: ModuleText, course: CourseID) -> String {
        markdownCache.rendered(text, mediaURLPrefix: "/media/\(course.rawValue)/").html
    }

    /// The transcripts of a module's recordings as HTML (cached like the body), by item id: each in `language`, or
    /// in the other language where the course has none in `language`.
    public func transcripts(of module: Module, in language: Language, course: CourseID) -> [String: ModulePage.Transcript] {
        guard let media = module.media else { return [:] }
        var result: [String: ModulePage.Transcript] = [:]
        for item in media.items {
            let shown = item.transcripts[language] != nil ? language : (language == .zh ? Language.en : .zh)
            guard let transcript = item.transcripts[shown] else { continue }
            let html = markdownCache.rendered(markdown: transcript.body, contentHash: transcript.contentHash,
                                              mediaURLPrefix: "/media/\(course.rawValue)/").html
            result[item.id] = ModulePage.Transcript(language: shown, html: html)
        }
        return result
    }
}

/// The catalogue could not be loaded; `diagnostics` says why.
public struct CatalogueLoadError: Error, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public var description: String {
        diagnostics.filter(\.isError).map(\.description).joined(separator: "\n")
    }
}
