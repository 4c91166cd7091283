import Crypto
import Foundation

/// What a file's import has gathered so far: the current category, ids in use, questions, diagnostics.
struct GIFTFileState {
    let fileName: String
    let language: Language
    private(set) var diagnostics: [Diagnostic] = []
    private var categories: [GIFTImport.Category] = []
    private var currentCategory = ""
    private var currentQuestions: [Question] = []
    private var usedIDs: Set<String> = []

    init(fileName: String, language: Language) {
        self.fileName = fileName
        self.language = language
    }

    func result() -> GIFTImport {
        var all = categories
        all.append(GIFTImport.Category(name: currentCategory, questions: currentQuestions))
        return GIFTImport(categories: all, diagnostics: diagnostics)
    }

    mutating func error(_ message: String, at unit: GIFTUnit) {
        diagnostics.append(.error(message, file: fileName, line: unit.line, column: unit.column))
    }

    mutating func warning(_ message: String, at unit: GIFTUnit) {
        diagnostics.append(.warning(message, file: fileName, line: unit.line, column: unit.column))
    }

    mutating func read(_ block: GIFTParser.Block) {
        let comments = block.lines.filter(\.isComment).map { String(String.UnicodeScalarView($0.scalars)) }
        let units = Self.units(of: block)
        let text = units[...].trimmedRaw()
        guard let first = text.first else { return }

        if text.hasControlPrefix("$CATEGORY:") {
            let name = text.dropFirst(10).trimmedAll()
            if name.contains(where: { $0.scalar == "\n" }) {
                warning("Moodle reads everything up to the next blank line as the category name, so the lines "
                        + "after '$CATEGORY:' are not imported as a question; leave a blank line after it", at: first)
            }
            categories.append(GIFTImport.Category(name: currentCategory, questions: currentQuestions))
            currentCategory = name.string
            currentQuestions = []
            return
        }

        var question = GIFTQuestionReader(units: text, language: language, comments: comments)
        let parsed = question.read()
        for issue in question.issues {
            switch issue.severity {
            case .error: error(issue.message, at: issue.unit)
            case .warning: warning(issue.message, at: issue.unit)
            }
        }
        guard let parsed else { return }

        let id = uniqueID(for: parsed, at: first)
        var imported = Question(id: QuestionID(id), text: parsed.text, kind: parsed.kind,
                                generalFeedback: parsed.generalFeedback, tags: parsed.tags,
                                source: SourceReference(file: fileName, line: first.line))
        imported.contentHash = ContentHashes.question(imported)
        // The export writes the id where there is no title, so a title that is just the id needs no keeping.
        let title = parsed.title.flatMap { $0.isEmpty || $0 == id ? nil : $0 }
        let format = parsed.format.flatMap { $0 == .html ? nil : $0.rawValue }
        let origin = MoodleOrigin(title: title, category: currentCategory.isEmpty ? nil : currentCategory, format: format)
        imported.moodle = origin.isEmpty ? nil : origin
        currentQuestions.append(imported)
    }

    /// `[id:...]` (made a valid id), else an id derived from the title, else from the text (never from the line,
    /// so ids survive edits elsewhere in the file); unique within the file with `-2`, `-3`, ... in file order.
    private mutating func uniqueID(for question: GIFTQuestionReader.Parsed, at first: GIFTUnit) -> String {
        var base: String
        var explicit = false
        if let written = question.explicitID {
            base = Identifier.slug(from: written)
            explicit = true
            if base.isEmpty {
                base = Self.derivedID(title: question.title, text: question.text.text(in: language))
                warning("the id '\(written)' has no letters or digits a-z, 0-9; using '\(base)' instead", at: first)
                explicit = false
            } else if base != written {
                warning("the id '\(written)' is not a valid id; using '\(base)'", at: first)
            }
        } else {
            base = Self.derivedID(title: question.title, text: question.text.text(in: language))
        }
        var candidate = base
        var suffix = 2
        while usedIDs.contains(candidate) {
            candidate = "\(base)-\(suffix)"
            suffix += 1
        }
        if explicit && candidate != base {
            warning("the id '\(base)' is already used in this file; this question gets '\(candidate)'", at: first)
        }
        usedIDs.insert(candidate)
        return candidate
    }

    /// An ASCII title's slug (`::Jesus' hometown::` gives `jesus-hometown`); otherwise `q-` and the first 8 hex
    /// digits of the SHA-256 of the normalised title (`::敏感信息::`), or of the text when there is no title.
    static func derivedID(title: String?, text: String) -> String {
        if let title, !title.isEmpty {
            let slug = Identifier.slug(from: title)
            if title.unicodeScalars.allSatisfy(\.isASCII), !slug.isEmpty { return slug }
            return "q-" + shortHash(title)
        }
        return "q-" + shortHash(text)
    }

    /// 8 hex digits of the SHA-256 of `text` in Unicode NFKC, lowercased, with runs of whitespace made one space.
    static func shortHash(_ text: String) -> String {
        let normalised = text.precomposedStringWithCompatibilityMapping.lowercased()
            .split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return SHA256.hash(data: Data(normalised.utf8)).prefix(4).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// The block's non-comment lines joined with newlines, escapes resolved; comment lines count as a space,
    /// as in Moodle.
    static func units(of block: GIFTParser.Block) -> [GIFTUnit] {
        var raw: [GIFTUnit] = []
        for (index, line) in block.lines.enumerated() {
            if index > 0, let previous = raw.last {
                raw.append(GIFTUnit(scalar: "\n", escaped: false, line: previous.line, column: previous.column + 1))
            }
            if line.isComment {
                raw.append(GIFTUnit(scalar: " ", escaped: false, line: line.number, column: line.column))
                continue
            }
            for (offset, scalar) in line.scalars.enumerated() {
                raw.append(GIFTUnit(scalar: scalar, escaped: false, line: line.number, column: line.column + offset))
            }
        }
        var units: [GIFTUnit] = []
        units.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            let unit = raw[index]
            if unit.scalar == "\\", index + 1 < raw.count, raw[index + 1].line == unit.line {
                let next = raw[index + 1].scalar
                switch next {
                case "\\", ":", "#", "=", "{", "}", "~":
                    units.append(GIFTUnit(scalar: next, escaped: true, line: unit.line, column: unit.column))
                    index += 2
                    continue
                case "n":
                    units.append(GIFTUnit(scalar: "\n", escaped: true, line: unit.line, column: unit.column))
                    index += 2
                    continue
                default:
                    break
                }
            }
            units.append(unit)
            index += 1
        }
        return units
    }
}
