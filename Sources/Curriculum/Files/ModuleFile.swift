import Foundation

/// One module file `modules/NN-<id>.<lang>.md` as written: front matter, body and the media it uses.
struct ModuleFile: Sendable {
    let fileName: String
    /// From the file name: `NN`, id and language; nil when the name does not follow the pattern.
    let number: Int?
    let fileID: ModuleID?
    let language: Language?
    let id: Located<ModuleID>?
    let title: String
    let minutes: Located<Int>?
    let hours: Located<Double>?
    let objectives: [String]
    let summary: String
    let body: String
    let bodyLine: Int
    let media: [Located<String>]

    static let keys = ["id", "title", "minutes", "hours", "objectives", "summary"]

    /// The parts of a module file name: `04-phishing.zh.md` -> (4, phishing, zh).
    static func nameParts(_ fileName: String) -> (number: Int, id: String, language: Language)? {
        let name = fileName.lastPathPart
        guard name.hasSuffix(".md") else { return nil }
        let stem = name.dropLast(3)
        guard let languageDot = stem.lastIndex(of: "."),
              let language = Language(rawValue: String(stem[stem.index(after: languageDot)...])) else { return nil }
        let numbered = stem[..<languageDot]
        guard let dash = numbered.firstIndex(of: "-") else { return nil }
        let digits = numbered[..<dash]
        let id = String(numbered[numbered.index(after: dash)...])
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(digits),
              Identifier.isValid(id) else { return nil }
        return (number, id, language)
    }

    /// The text between the opening `---` line and the closing `---` (or `...`) line, the text after it, and
    /// the line the body starts on; nil when the file does not start with a `---` line or never closes it.
    static func splitFrontMatter(_ text: String) -> (frontMatter: String, body: String, bodyLine: Int)? {
        var text = text
        return text.withUTF8 { bytes -> (frontMatter: String, body: String, bodyLine: Int)? in
            func isMarker(_ start: Int, _ end: Int, allowDots: Bool) -> Bool {
                var start = start
                var end = end
                while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
                while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
                guard end - start == 3 else { return false }
                let marker = bytes[start]
                guard marker == UInt8(ascii: "-") || (allowDots && marker == UInt8(ascii: ".")) else { return false }
                return bytes[start + 1] == marker && bytes[start + 2] == marker
            }
            var start = 0
            var lineNumber = 1
            var firstLineEnd: Int?
            while start <= bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                if let firstLineEnd {
                    if isMarker(start, end, allowDots: true) {
                        let front = UnsafeBufferPointer(rebasing: bytes[min(firstLineEnd + 1, start)..<start])
                        let frontMatter = String(decoding: front, as: UTF8.self)
                        let body = end < bytes.count
                            ? String(decoding: UnsafeBufferPointer(rebasing: bytes[(end + 1)...]), as: UTF8.self) : ""
                        return (frontMatter, body, lineNumber + 1)
                    }
                } else {
                    guard isMarker(start, end, allowDots: false) else { return nil }
                    firstLineEnd = end
                }
                start = end + 1
                lineNumber += 1
            }
            return nil
        }
    }

    static func parse(text: String, fileName: String) -> (ModuleFile?, [Diagnostic]) {
        let sink = DiagnosticSink(file: fileName)
        let parts = nameParts(fileName)
        if parts == nil {
            sink.error("module file names look like 04-module-id.zh.md: a number, the module id and zh or en",
                       line: 1, column: 1)
        }
        guard let split = splitFrontMatter(text) else {
            if text.utf8.starts(with: "---".utf8) {
                sink.error("the front matter is not closed: add a line '---' after the module's keys", line: 1, column: 1)
            } else {
                sink.error("a module file must start with front matter: a line '---', the module's keys, then '---'",
                           line: 1, column: 1)
            }
            return (nil, sink.diagnostics)
        }
        let frontMatter = split.frontMatter
        let body = split.body
        let bodyLine = split.bodyLine

        let yamlSink = DiagnosticSink(file: fileName, lineOffset: 1)
        let reader = YAMLReader(sink: yamlSink)
        var id: Located<ModuleID>?
        var title = ""
        var minutes: Located<Int>?
        var hours: Located<Double>?
        var objectives: [String] = []
        var summary = ""
        if let root = YAMLDocument.compose(frontMatter, sink: yamlSink) {
            if let mapping = reader.mapping(root, "front matter") {
                reader.checkKeys(mapping, in: "the front matter", allowed: keys, required: keys)
                if let node = mapping["id"], let value = reader.identifier(node, "module id") {
                    id = Located(value: ModuleID(value), location: reader.location(of: node))
                    if let parts, parts.id != value {
                        reader.error("the front matter says id '\(value)' but the file name says '\(parts.id)'",
                                     at: node)
                    }
                }
                title = mapping["title"].flatMap { reader.text($0, "title") } ?? ""
                if let node = mapping["minutes"], let value = reader.integer(node, "minutes", in: 1...Int.max) {
                    minutes = Located(value: value, location: reader.location(of: node))
                }
                if let node = mapping["hours"], let value = reader.number(node, "hours", exclusiveMinimum: 0) {
                    hours = Located(value: value, location: reader.location(of: node))
                }
                if let node = mapping["objectives"] {
                    objectives = reader.textList(node, "objectives") ?? []
                    if case .sequence(let list) = node, list.isEmpty {
                        reader.error("'objectives' must list at least one objective", at: node)
                    }
                }
                summary = mapping["summary"].flatMap { reader.text($0, "summary") } ?? ""
            }
        } else if !yamlSink.hasErrors {
            sink.error("the front matter is empty", line: 1, column: 1)
        }
        sink.append(contentsOf: yamlSink.diagnostics)

        let inspection = MarkdownRenderer.inspect(body)
        for issue in inspection.issues {
            let line = issue.line + bodyLine - 1
            switch issue.severity {
            case .error: sink.error(issue.message, line: line, column: issue.column)
            case .warning: sink.warning(issue.message, line: line, column: issue.column)
            }
        }
        let media = inspection.media.map {
            Located(value: $0.path, location: SourceLocation(file: fileName, line: $0.line + bodyLine - 1,
                                                               column: $0.column))
        }
        let file = ModuleFile(
            fileName: fileName, number: parts?.number, fileID: parts.map { ModuleID($0.id) },
            language: parts?.language, id: id, title: title, minutes: minutes, hours: hours,
            objectives: objectives, summary: summary, body: body, bodyLine: bodyLine, media: media)
        return (file, sink.diagnostics)
    }
}
