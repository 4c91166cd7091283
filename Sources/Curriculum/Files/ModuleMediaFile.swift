import Foundation

/// One file `modules/NN-<id>.media.yaml` as written: the watch rule and the recordings of a module, before the
/// files it names are checked.
struct ModuleMediaFile: Sendable {
    struct Item: Sendable {
        let id: Located<String>
        let kind: MediaItem.Kind
        /// Relative to the course's `media/` folder.
        let file: Located<String>
        let title: LocalizedText
        let poster: Located<String>?
        let captions: [Language: Located<String>]
        let transcripts: [Language: Located<String>]
        let download: Bool
        let location: SourceLocation
    }

    let fileName: String
    /// From the file name: `NN` and the module id; nil when the name does not follow the pattern.
    let number: Int?
    let fileID: ModuleID?
    let watchShare: Double?
    let seeking: ModuleMedia.Seeking
    let items: [Item]

    static let keys = ["watch", "seeking", "items"]
    static let itemKeys = ["id", "video", "audio", "title", "poster", "captions", "transcript", "download"]

    static func isMediaFileName(_ name: String) -> Bool { name.hasSuffix(".media.yaml") }

    /// The parts of a media file name: `04-phishing.media.yaml` -> (4, phishing).
    static func nameParts(_ fileName: String) -> (number: Int, id: String)? {
        let name = fileName.lastPathPart
        guard isMediaFileName(name) else { return nil }
        let numbered = name.dropLast(".media.yaml".count)
        guard let dash = numbered.firstIndex(of: "-") else { return nil }
        let digits = numbered[..<dash]
        let id = String(numbered[numbered.index(after: dash)...])
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(digits),
              Identifier.isValid(id) else { return nil }
        return (number, id)
    }

    /// `90%` or `0.9`: a share in (0, 1].
    static func share(_ node: YAMLNode, reader: YAMLReader) -> Double? {
        let message = "'watch' must be a share of each recording such as 90% or 0.9 (more than 0, at most 100%)"
        guard let value = reader.value(node) else {
            reader.error(message + ", not \(reader.describe(node))", at: node)
            return nil
        }
        var share: Double?
        if case .string(let text) = value, text.hasSuffix("%") {
            let digits = text.dropLast().trimmingCharacters(in: .whitespaces)
            if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
               let percent = Double(digits) {
                share = percent / 100
            }
        } else if let number = value.number {
            share = number
        }
        guard let share, share.isFinite, share > 0, share <= 1 else {
            reader.error(message + ", not \(reader.describe(node))", at: node)
            return nil
        }
        return share
    }

    /// A path written `media/...`, returned relative to `media/`; reports anything else.
    static func mediaPath(_ node: YAMLNode, _ name: String, reader: YAMLReader) -> Located<String>? {
        guard let text = reader.text(node, name) else { return nil }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0] == "media",
              parts.dropFirst().allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." && !$0.hasPrefix(".") }),
              !text.contains("\\"), !text.contains("\0") else {
            reader.error("'\(name)' must be a file in the course's media/ folder, written media/<file>, not '\(text)'",
                         at: node)
            return nil
        }
        return Located(value: parts.dropFirst().joined(separator: "/"), location: reader.location(of: node))
    }

    /// `{zh: media/..., en: media/...}`: a path per language; a missing language is reported by the caller.
    static func perLanguage(_ node: YAMLNode, _ name: String, reader: YAMLReader) -> [Language: Located<String>] {
        guard let mapping = reader.mapping(node, "'\(name)'") else { return [:] }
        var result: [Language: Located<String>] = [:]
        for (index, key) in mapping.keys.enumerated() {
            guard let key else { continue }
            let entry = mapping.mapping[mapping.mapping.startIndex + index]
            guard let language = Language(rawValue: key) else {
                var message = "unknown language '\(key)' in '\(name)'; use zh and en"
                if let suggestion = KeySuggestion.closest(to: key, among: ["zh", "en"]) {
                    message += " (did you mean '\(suggestion)'?)"
                }
                reader.error(message, at: entry.key)
                continue
            }
            guard result[language] == nil else {
                reader.error("'\(name)' gives \(key) twice", at: entry.key)
                continue
            }
            if let path = mediaPath(entry.value, name + "." + key, reader: reader) { result[language] = path }
        }
        return result
    }

    static func parse(text: String, fileName: String) -> (ModuleMediaFile?, [Diagnostic]) {
        let sink = DiagnosticSink(file: fileName)
        let parts = nameParts(fileName)
        if parts == nil {
            sink.error("media file names look like 04-module-id.media.yaml: the number and id of the module's "
                       + "language files", line: 1, column: 1)
        }
        guard let root = YAMLDocument.compose(text, sink: sink) else {
            if !sink.hasErrors { sink.error("the media file is empty: list the module's recordings under 'items'",
                                            line: 1, column: 1) }
            return (nil, sink.diagnostics)
        }
        let reader = YAMLReader(sink: sink)
        guard let mapping = reader.mapping(root, "a media file") else { return (nil, sink.diagnostics) }
        reader.checkKeys(mapping, in: "the media file", allowed: keys, required: ["items"])
        let watch = mapping["watch"].flatMap { share($0, reader: reader) }
        var seeking = ModuleMedia.Seeking.free
        if let node = mapping["seeking"],
           let choice = reader.choice(node, "seeking", ModuleMedia.Seeking.allCases.map(\.rawValue)) {
            seeking = ModuleMedia.Seeking(rawValue: choice) ?? .free
            if seeking == .watchedOnly && mapping["watch"] == nil {
                reader.warning("'seeking: watched-only' has no effect without a watch rule: add 'watch: 90%' (or "
                               + "the share to watch), or remove 'seeking'", at: node)
            }
        }
        var items: [Item] = []
        if let node = mapping["items"], let list = reader.sequence(node, "items") {
            if list.isEmpty { reader.error("'items' must list at least one recording", at: node) }
            var seen: [String: Int] = [:]
            for entry in list {
                guard let item = item(entry, reader: reader) else { continue }
                if let line = seen[item.id.value] {
                    reader.error("item id '\(item.id.value)' is already used on line \(line); ids must be unique in "
                                 + "the module", at: entry)
                    continue
                }
                seen[item.id.value] = item.id.location.line
                items.append(item)
            }
        }
        let file = ModuleMediaFile(fileName: fileName, number: parts?.number, fileID: parts.map { ModuleID($0.id) },
                                   watchShare: watch, seeking: seeking, items: items)
        return (file, sink.diagnostics)
    }

    private static func item(_ node: YAMLNode, reader: YAMLReader) -> Item? {
        guard let mapping = reader.mapping(node, "an item of 'items'") else { return nil }
        reader.checkKeys(mapping, in: "the item", allowed: itemKeys, required: ["id", "title", "captions", "transcript"])
        let id = mapping["id"].flatMap { node in
            reader.identifier(node, "item id").map { Located(value: $0, location: reader.location(of: node)) }
        }
        var kind: MediaItem.Kind?
        var file: Located<String>?
        switch (mapping["video"], mapping["audio"]) {
        case (let video?, nil):
            kind = .video
            file = mediaPath(video, "video", reader: reader)
        case (nil, let audio?):
            kind = .audio
            file = mediaPath(audio, "audio", reader: reader)
        case (_?, let audio?):
            reader.error("an item has one recording: keep 'video' or 'audio', not both", at: audio)
        case (nil, nil):
            reader.error("the item needs its recording: 'video: media/<file>' or 'audio: media/<file>'",
                         at: mapping.node)
        }
        let title = mapping["title"].flatMap { reader.localized($0, "title") }
        var poster: Located<String>?
        if let node = mapping["poster"] {
            if kind == .audio {
                reader.error("'poster' is for video; an audio item has none", at: node)
            } else {
                poster = mediaPath(node, "poster", reader: reader)
            }
        }
        var captions: [Language: Located<String>] = [:]
        if let node = mapping["captions"] {
            captions = perLanguage(node, "captions", reader: reader)
            for language in Language.allCases where captions[language] == nil && !hasKey(node, language) {
                reader.error("'captions' has no \(languageName(language)) file: every recording needs captions in "
                             + "each language of the course", at: node)
            }
        }
        var transcripts: [Language: Located<String>] = [:]
        if let node = mapping["transcript"] {
            transcripts = perLanguage(node, "transcript", reader: reader)
            for language in Language.allCases where transcripts[language] == nil && !hasKey(node, language) {
                reader.error("'transcript' has no \(languageName(language)) file: every recording needs a transcript "
                             + "in each language of the course", at: node)
            }
        }
        let download = mapping["download"].flatMap { reader.boolean($0, "download") } ?? false
        guard let id, let kind, let file, let title else { return nil }
        return Item(id: id, kind: kind, file: file, title: title, poster: poster, captions: captions,
                    transcripts: transcripts, download: download, location: reader.location(of: node))
    }

    private static func hasKey(_ node: YAMLNode, _ language: Language) -> Bool {
        guard case .mapping(let mapping) = node else { return true }
        return mapping.indices.contains { index in
            if case .scalar(let key) = mapping[index].key { return key.string == language.rawValue }
            return false
        }
    }

    static func languageName(_ language: Language) -> String {
        language == .zh ? "Chinese (zh)" : "English (en)"
    }
}
