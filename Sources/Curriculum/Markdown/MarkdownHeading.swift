/// A heading of a rendered document; `anchor` is its `id` attribute.
public struct MarkdownHeading: Sendable, Hashable {
    /// 1 to 6.
    public let level: Int
    /// The heading's plain text.
    public let text: String
    /// The heading's `id`, unique in its document.
    public let anchor: String

    /// A heading.
    public init(level: Int, text: String, anchor: String) {
        self.level = level
        self.text = text
        self.anchor = anchor
    }
}
