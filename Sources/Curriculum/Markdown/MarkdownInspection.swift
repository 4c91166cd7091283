/// Problems found in a Markdown text and the media files it uses; positions are relative to the text.
public struct MarkdownInspection: Sendable, Hashable {
    /// A link, image or piece of raw HTML that rendering removes, or an emphasis marker it shows as text.
    public struct Issue: Sendable, Hashable {
        /// Errors for unsafe links and images outside `media/`, warnings for raw HTML and literal emphasis markers.
        public let severity: Diagnostic.Severity
        /// 1-based, within the Markdown text.
        public let line: Int
        /// 1-based, in characters.
        public let column: Int
        /// What was removed and why.
        public let message: String
    }

    /// An image from `media/`; `path` is relative to the media folder.
    public struct MediaReference: Sendable, Hashable {
        /// The path under `media/`.
        public let path: String
        /// 1-based, within the Markdown text.
        public let line: Int
        /// 1-based, in characters.
        public let column: Int
    }

    /// In document order.
    public let issues: [Issue]
    /// Every media image used, in document order.
    public let media: [MediaReference]
}
