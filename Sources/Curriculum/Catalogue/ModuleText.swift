/// A module in one language, from its file `modules/NN-<id>.<lang>.md`.
public struct ModuleText: Sendable, Hashable {
    /// Which language this text is in.
    public let language: Language
    /// The module's title in this language.
    public let title: String
    /// The learning objectives, in order.
    public let objectives: [String]
    /// A one- to three-sentence summary.
    public let summary: String
    /// The Markdown after the front matter.
    public let body: String
    /// The line of the file on which `body` starts, to map Markdown positions back to the file.
    public let bodyLine: Int
    /// The file, relative to the course folder, and line 1.
    public let source: SourceReference
    /// Covers title, objectives, summary and body; keys the rendered-HTML cache.
    public let contentHash: String

    /// A module text from its parts; the content hash is computed.
    public init(language: Language, title: String, objectives: [String], summary: String, body: String,
                bodyLine: Int, source: SourceReference) {
        self.language = language
        self.title = title
        self.objectives = objectives
        self.summary = summary
        self.body = body
        self.bodyLine = bodyLine
        self.source = source
        self.contentHash = ContentHashes.moduleText(title: title, objectives: objectives, summary: summary,
                                                    body: body)
    }
}
