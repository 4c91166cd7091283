/// Rendered module HTML and its headings (for a table of contents).
public struct RenderedMarkdown: Sendable, Hashable {
    /// Safe HTML, headings with `id` anchors.
    public let html: String
    /// The headings in document order.
    public let headings: [MarkdownHeading]

    /// A rendered text.
    public init(html: String, headings: [MarkdownHeading]) {
        self.html = html
        self.headings = headings
    }
}
