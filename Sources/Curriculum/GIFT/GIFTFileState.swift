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
        currentQuestions.append(imported)
    }

    /// `[id:...]` (made a valid id), else the title as an id, else `gift-<line>`; unique within the file.
    private mutating func uniqueID(for question: GIFTQuestionReader.Parsed, at first: GIFTUnit) -> String {
        var base: String
        var explicit = false
        if let written = question.explicitID {
            base = Identifier.slug(from: written)
            explicit = true
            if base.isEmpty {
                warning("the id '\(written)' has no letters or digits a-z, 0-9; using the line number instead", at: first)
                base = "gift-\(first.line)"
                explicit = false
            } else if base != written {
                warning("the id '\(written)' is not a valid id; using '\(base)'", at: first)
            }
        } else if let title = question.title, !Identifier.slug(from: title).isEmpty {
            base = Identifier.slug(from: title)
        } else {
            base = "gift-\(first.line)"
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
