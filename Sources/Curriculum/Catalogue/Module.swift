/// One module of a course: timing shared by its languages plus the text of each language.
public struct Module: Sendable, Hashable, Identifiable {
    public let id: ModuleID
    /// The `NN` of its file names (`04-phishing.zh.md`); study order comes from `course.yaml`, not from this.
    public let number: Int
    /// Minimum study minutes before the module can be completed.
    public let minutes: Int
    /// Study hours (学时) credited on completion.
    public let hours: Double
    public let zh: ModuleText?
    public let en: ModuleText?
    /// Covers timing and both languages.
    public let contentHash: String

    public init(id: ModuleID, number: Int, minutes: Int, hours: Double, zh: ModuleText?, en: ModuleText?,
                contentHash: String? = nil) {
        self.id = id
        self.number = number
        self.minutes = minutes
        self.hours = hours
        self.zh = zh
        self.en = en
        self.contentHash = contentHash
            ?? ContentHashes.module(minutes: minutes, hours: hours, textHashes: [zh?.contentHash, en?.contentHash])
    }

    /// The text in `language`, falling back to the other language.
    public func text(in language: Language) -> ModuleText? {
        switch language {
        case .zh: return zh ?? en
        case .en: return en ?? zh
        }
    }

    /// The title in both languages.
    public var title: LocalizedText {
        LocalizedText(zh: zh?.title, en: en?.title)
    }

    /// The summary in both languages.
    public var summary: LocalizedText {
        LocalizedText(zh: zh?.summary, en: en?.summary)
    }
}

/// A module in one language, from its file `modules/NN-<id>.<lang>.md`.
public struct ModuleText: Sendable, Hashable {
    public let language: Language
    public let title: String
    public let objectives: [String]
    public let summary: String
    /// The Markdown after the front matter.
    public let body: String
    /// The line of the file on which `body` starts, to map Markdown positions back to the file.
    public let bodyLine: Int
    /// The file, relative to the course folder, and line 1.
    public let source: SourceReference
    /// Covers title, objectives, summary and body; keys the rendered-HTML cache.
    public let contentHash: String

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
