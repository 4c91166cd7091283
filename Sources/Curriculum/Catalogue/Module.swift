/// One module of a course: timing shared by its languages plus the text of each language.
public struct Module: Sendable, Hashable, Identifiable {
    /// Stable forever; records refer to it.
    public let id: ModuleID
    /// The `NN` of its file names (`04-phishing.zh.md`); study order comes from `course.yaml`, not from this.
    public let number: Int
    /// Minimum study minutes before the module can be completed.
    public let minutes: Int
    /// Study hours (学时) credited on completion.
    public let hours: Double
    /// The Chinese text (always present in a loaded catalogue).
    public let zh: ModuleText?
    /// The English text (always present in a loaded catalogue).
    public let en: ModuleText?
    /// The module's recorded lectures, if it has a `.media.yaml` file.
    public let media: ModuleMedia?
    /// Covers timing, both languages and the media (a module without media hashes as it always did).
    public let contentHash: String

    /// A module from its parts; the content hash is computed unless given.
    public init(id: ModuleID, number: Int, minutes: Int, hours: Double, zh: ModuleText?, en: ModuleText?,
                media: ModuleMedia? = nil, contentHash: String? = nil) {
        self.id = id
        self.number = number
        self.minutes = minutes
        self.hours = hours
        self.zh = zh
        self.en = en
        self.media = media
        self.contentHash = contentHash
            ?? ContentHashes.module(minutes: minutes, hours: hours, textHashes: [zh?.contentHash, en?.contentHash],
                                    media: media)
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
