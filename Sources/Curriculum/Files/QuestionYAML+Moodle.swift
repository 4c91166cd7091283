extension QuestionYAML {
    /// The keys of a question's optional `moodle:` mapping, written by `import-gift` and read by `export-gift`.
    static let moodleKeys = ["title", "category", "format"]
    /// The text formats a GIFT `[format]` marker can name.
    static let moodleFormats = ["moodle", "html", "plain", "markdown"]

    /// `moodle: {title: ..., category: ..., format: ...}`: what the question was called in Moodle. It changes
    /// neither grading nor display, so it stays out of the content hash.
    static func moodleOrigin(_ node: YAMLNode, reader: YAMLReader) -> MoodleOrigin? {
        guard let mapping = reader.mapping(node, "'moodle'") else { return nil }
        reader.checkKeys(mapping, in: "moodle", allowed: moodleKeys, required: [])
        let origin = MoodleOrigin(title: mapping["title"].flatMap { reader.text($0, "title") },
                                  category: mapping["category"].flatMap { reader.text($0, "category") },
                                  format: mapping["format"].flatMap { reader.choice($0, "format", moodleFormats) })
        return origin.isEmpty ? nil : origin
    }
}
