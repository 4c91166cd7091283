/// What a question imported from a Moodle GIFT bank was called there, so an export gives Moodle users back what
/// they wrote. None of it affects grading, display or the content hash.
public struct MoodleOrigin: Sendable, Hashable, Codable {
    /// The `::title::` as written in Moodle (Moodle's question name).
    public var title: String?
    /// The `$CATEGORY:` path the question was in, e.g. `$course$/保密/基础`.
    public var category: String?
    /// The text format marker of the question text (`markdown`, `plain`, `html` or `moodle`) when one was written.
    public var format: String?

    public init(title: String? = nil, category: String? = nil, format: String? = nil) {
        self.title = title
        self.category = category
        self.format = format
    }

    /// Whether nothing is recorded.
    public var isEmpty: Bool { title == nil && category == nil && format == nil }
}
