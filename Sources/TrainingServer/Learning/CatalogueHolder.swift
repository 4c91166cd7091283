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
    }

    public let directory: URL
    private let state: Mutex<(catalogue: Catalogue, status: Status)>
    private let markdownCache = MarkdownCache()

    /// Loads `directory`; throws with every diagnostic when it has errors (the server does not start on a
    /// broken catalogue).
    public init(directory: URL, now: Double) throws(CatalogueLoadError) {
        self.directory = directory
        let (catalogue, diagnostics) = CatalogueLoader.load(directory: directory)
        guard let catalogue else { throw CatalogueLoadError(diagnostics: diagnostics) }
        state = Mutex((catalogue, Status(loadedAt: now, diagnostics: diagnostics, lastReloadFailed: false)))
    }

    public var catalogue: Catalogue { state.withLock { $0.catalogue } }
    public var status: Status { state.withLock { $0.status } }

    /// Reloads from disk; on errors the running catalogue stays. Returns whether the new one was taken.
    @discardableResult
    public func reload(now: Double) -> Bool {
        let (catalogue, diagnostics) = CatalogueLoader.load(directory: directory)
        return state.withLock { state in
            if let catalogue {
                state = (catalogue, Status(loadedAt: now, diagnostics: diagnostics, lastReloadFailed: false))
                return true
            }
            state.status = Status(loadedAt: state.status.loadedAt, diagnostics: diagnostics, lastReloadFailed: true)
            return false
        }
    }

    /// A module's body as HTML (cached by content hash); images resolve under the course's media URL.
    public func html(of text: ModuleText, course: CourseID) -> String {
        markdownCache.rendered(text, mediaURLPrefix: "/media/\(course.rawValue)/").html
    }
}

/// The catalogue could not be loaded; `diagnostics` says why.
public struct CatalogueLoadError: Error, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public var description: String {
        diagnostics.filter(\.isError).map(\.description).joined(separator: "\n")
    }
}
