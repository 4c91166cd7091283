import Assessment

/// The recorded lectures of a module (video or audio), from its file `modules/NN-<id>.media.yaml`: the recordings,
/// their captions and transcripts, and the rule that decides when watching them completes the module.
public struct ModuleMedia: Sendable, Hashable {
    /// Whether a learner may skip ahead to parts not yet watched.
    public enum Seeking: String, Sendable, Hashable, CaseIterable {
        /// Any part may be played in any order (the default).
        case free
        /// The player does not move past the furthest point watched, and the server credits only parts that
        /// continue what was already watched.
        case watchedOnly = "watched-only"
    }

    /// In the order the file lists them; the page shows them in this order, before the module's text.
    public let items: [MediaItem]
    /// The share (0 < share ≤ 1) of every recording that must be watched for watching to complete the module;
    /// nil when the module has no watch rule (only the page-time rule applies, as for a text module).
    public let watchShare: Double?
    public let seeking: Seeking
    /// The `.media.yaml` file, relative to the course folder.
    public let source: SourceReference

    public init(items: [MediaItem], watchShare: Double?, seeking: Seeking, source: SourceReference) {
        self.items = items
        self.watchShare = watchShare
        self.seeking = seeking
        self.source = source
    }

    /// The item with `id`, if the module has it.
    public func item(_ id: String) -> MediaItem? {
        items.first { $0.id == id }
    }
}

/// The container formats a recording may use, recognised by the file's first bytes, never by its name.
public enum MediaContainer: String, Sendable, Hashable, CaseIterable {
    /// ISO base media file (`ftyp` box) holding video: MP4 with H.264/AAC.
    case mp4
    /// Matroska/WebM (`EBML` header with doc type `webm`).
    case webm
    /// MPEG audio layer III (an ID3v2 tag or a frame sync).
    case mp3
    /// ISO base media file holding audio only (`ftyp` brand `M4A `, or an MP4 without a video track): AAC.
    case m4a

    /// The `Content-Type` the server sends and the `<source type>` the page gives.
    public var mimeType: String {
        switch self {
        case .mp4: return "video/mp4"
        case .webm: return "video/webm"
        case .mp3: return "audio/mpeg"
        case .m4a: return "audio/mp4"
        }
    }
}

/// One recording of a module.
public struct MediaItem: Sendable, Hashable, Identifiable {
    public enum Kind: String, Sendable, Hashable {
        case video
        case audio
    }

    /// Unique within the module; watch records refer to it, so it never changes.
    public let id: String
    public let kind: Kind
    public let container: MediaContainer
    /// The recording, relative to the course's `media/` folder (as `Course.mediaFiles` lists it).
    public let file: String
    /// The file's size in bytes when the catalogue was loaded.
    public let size: Int64
    /// The running time in seconds, read from the file's header.
    public let duration: Double
    /// Shown above the player and used as its accessible name.
    public let title: LocalizedText
    /// A still image shown before a video plays, relative to `media/`.
    public let poster: String?
    /// WebVTT captions per language, relative to `media/`.
    public let captions: [Language: String]
    /// The transcript per language: Markdown shown below the player (so the module works without the player).
    public let transcripts: [Language: MediaTranscript]
    /// Whether the page offers the file for download.
    public let download: Bool

    public init(id: String, kind: Kind, container: MediaContainer, file: String, size: Int64, duration: Double,
                title: LocalizedText, poster: String?, captions: [Language: String],
                transcripts: [Language: MediaTranscript], download: Bool) {
        self.id = id
        self.kind = kind
        self.container = container
        self.file = file
        self.size = size
        self.duration = duration
        self.title = title
        self.poster = poster
        self.captions = captions
        self.transcripts = transcripts
        self.download = download
    }

    /// The transcript in `language`, falling back to the other language.
    public func transcript(in language: Language) -> MediaTranscript? {
        transcripts[language] ?? transcripts[language == .zh ? .en : .zh]
    }
}

/// A transcript file: its Markdown and where it came from.
public struct MediaTranscript: Sendable, Hashable {
    /// The Markdown text (rendered like a module's body, without raw HTML).
    public let body: String
    /// The file, relative to the course folder.
    public let source: SourceReference
    /// Keys the rendered-HTML cache.
    public let contentHash: String

    public init(body: String, source: SourceReference, contentHash: String) {
        self.body = body
        self.source = source
        self.contentHash = contentHash
    }
}
