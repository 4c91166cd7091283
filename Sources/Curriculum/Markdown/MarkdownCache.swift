import Synchronization

/// Rendered module HTML, keyed by the text's content hash and the media prefix; safe to share between threads.
///
/// A module's HTML is rendered once per content version. When the cache holds more than `limit` entries
/// (after many reloads) it starts over, which costs one render per module.
public final class MarkdownCache: Sendable {
    private struct Key: Hashable {
        let contentHash: String
        let mediaURLPrefix: String
    }

    private let entries = Mutex<[Key: RenderedMarkdown]>([:])
    /// How many rendered texts are kept before the cache starts over.
    public let limit: Int

    /// An empty cache.
    public init(limit: Int = 20_000) {
        self.limit = max(1, limit)
    }

    /// The rendered HTML of one language of a module.
    public func rendered(_ text: ModuleText, mediaURLPrefix: String) -> RenderedMarkdown {
        rendered(markdown: text.body, contentHash: text.contentHash, mediaURLPrefix: mediaURLPrefix)
    }

    /// The rendered HTML of `markdown`, whose content hash is `contentHash`.
    public func rendered(markdown: String, contentHash: String, mediaURLPrefix: String) -> RenderedMarkdown {
        let key = Key(contentHash: contentHash, mediaURLPrefix: mediaURLPrefix)
        if let cached = entries.withLock({ $0[key] }) { return cached }
        let rendered = MarkdownRenderer(mediaURLPrefix: mediaURLPrefix).render(markdown)
        entries.withLock { entries in
            if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
            entries[key] = rendered
        }
        return rendered
    }

    /// How many rendered texts are held.
    public var count: Int {
        entries.withLock { $0.count }
    }

    /// Forgets everything.
    public func removeAll() {
        entries.withLock { $0.removeAll() }
    }
}
