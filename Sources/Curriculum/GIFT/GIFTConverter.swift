import Foundation

/// Conversions behind `training-server import-gift` and `export-gift`.
public enum GIFTConverter {
    /// The result of converting a GIFT file into a quiz file.
    public struct Conversion: Sendable, Hashable {
        /// The quiz file text; nil when the GIFT file has errors (then nothing should be written).
        public let yaml: String?
        /// Every problem found in the GIFT file, by its line and column.
        public let diagnostics: [Diagnostic]
        /// How many questions the quiz file holds.
        public let questionCount: Int
    }

    /// Converts a GIFT file into a practice quiz file with one pool per `$CATEGORY`.
    ///
    /// - Parameters:
    ///   - bytes: the GIFT file as read; a file that is not UTF-8 is refused with an error naming the line.
    ///   - fileName: the name used in diagnostics.
    ///   - quizID: the new quiz's id (its file must be `quizzes/<quizID>.yaml`); must be a valid id.
    ///   - language: the language of the GIFT texts.
    public static func quizYAML(fromGIFT bytes: [UInt8], fileName: String, quizID: String,
                                language: Language) -> Conversion {
        guard Identifier.isValid(quizID) else {
            return Conversion(yaml: nil, diagnostics: [
                .error("'\(quizID)' is not a valid quiz id: use lowercase letters a-z, digits and hyphens",
                       file: fileName),
            ], questionCount: 0)
        }
        let imported = GIFTParser.parse(bytes: bytes, fileName: fileName, language: language)
        guard !imported.hasErrors else {
            return Conversion(yaml: nil, diagnostics: imported.diagnostics, questionCount: 0)
        }
        guard !imported.questions.isEmpty else {
            return Conversion(yaml: nil, diagnostics: imported.diagnostics + [
                .error("\(fileName) has no question this platform supports", file: fileName),
            ], questionCount: 0)
        }
        var pools: [QuestionPool] = []
        var comments: [String: String] = [:]
        var usedPoolIDs: Set<String> = []
        for category in imported.categories where !category.questions.isEmpty {
            let lastPart = category.name.split(separator: "/").last.map(String.init) ?? ""
            let base = Identifier.slug(from: lastPart).isEmpty ? "main" : Identifier.slug(from: lastPart)
            var id = base
            var suffix = 2
            while usedPoolIDs.contains(id) { id = "\(base)-\(suffix)"; suffix += 1 }
            usedPoolIDs.insert(id)
            if !category.name.isEmpty { comments[id] = "Moodle category: \(category.name)" }
            pools.append(QuestionPool(id: id, questions: category.questions))
        }
        let stem = fileName.fileStem
        let title = language == .zh ? LocalizedText(zh: stem) : LocalizedText(en: stem)
        let quiz = QuizDefinition(id: QuizID(quizID), title: title, behaviour: .immediateFeedback, passMark: 0.8,
                                  pools: pools)
        let header = [
            "Converted from \(fileName.lastPathPart) (Moodle GIFT).",
            "Check the title, mode and pass_mark, and add the \(language == .zh ? "English (en)" : "Chinese (zh)") texts.",
        ]
        return Conversion(yaml: QuizYAMLWriter.yaml(for: quiz, header: header, poolComments: comments),
                          diagnostics: imported.diagnostics, questionCount: imported.questions.count)
    }

    /// Reads the quiz file at `url` (and any GIFT files its pools use, from the same folder) and writes its
    /// questions as GIFT in `language`. The text is nil when the quiz file has errors. Texts missing in `language`
    /// are summarised in one warning per file unless `verbose`.
    public static func gift(fromQuizFile url: URL, language: Language,
                            verbose: Bool = false) -> (text: String?, diagnostics: [Diagnostic]) {
        let fileName = url.lastPathComponent
        guard let data = try? Data(contentsOf: url) else {
            return (nil, [.error("cannot read \(url.path)", file: fileName)])
        }
        let folder = url.deletingLastPathComponent()
        return gift(fromQuizBytes: [UInt8](data), fileName: fileName, language: language, verbose: verbose) { name in
            (try? Data(contentsOf: folder.appendingPathComponent(name))).map { [UInt8]($0) }
        }
    }

    /// Like `gift(fromQuizFile:language:)` for text in memory; `giftFile` supplies the bytes of a GIFT file
    /// a pool names.
    public static func gift(fromQuizBytes bytes: [UInt8], fileName: String, language: Language, verbose: Bool = false,
                            giftFile: (String) -> [UInt8]? = { _ in nil }) -> (text: String?, diagnostics: [Diagnostic]) {
        let text: String
        switch TextDecoding.decode(bytes) {
        case .success(let decoded): text = decoded
        case .failure(let invalid):
            return (nil, [.error("\(fileName) is not UTF-8 text (first bad byte on line \(invalid.line))",
                                 file: fileName, line: invalid.line, column: invalid.column)])
        }
        let (file, diagnostics) = QuizFile.parse(text: text, fileName: fileName) { name, giftLanguage in
            giftFile(name).map { GIFTParser.parse(bytes: $0, fileName: name, language: giftLanguage) }
        }
        guard let quiz = file?.definition, !diagnostics.contains(where: \.isError) else {
            return (nil, diagnostics.sorted())
        }
        let output = GIFTExporter.export(quiz, language: language)
        if verbose { return (output.text, (diagnostics + output.warnings).sorted()) }
        return (output.text, summarised(quizDiagnostics: diagnostics, export: output, language: language))
    }

    /// The diagnostics of an export with the warnings that repeat for every text or question replaced by one line
    /// each per file and kind, with a count: texts missing in a language (the quiz file's own warnings and the
    /// export's fallbacks to the other language) and explanations left out.
    static func summarised(quizDiagnostics: [Diagnostic], export: GIFTExporter.Output,
                           language: Language) -> [Diagnostic] {
        let exported = language.giftWarningName
        let other = (language == .zh ? Language.en : .zh).giftWarningName
        var kept: [Diagnostic] = []
        var missing: [Language: [Diagnostic]] = [:]
        for diagnostic in quizDiagnostics {
            if !diagnostic.isError, let absent = Language.allCases.first(where: {
                diagnostic.message.hasSuffix("' has no \($0.giftWarningName) text")
            }) {
                missing[absent, default: []].append(diagnostic)
            } else {
                kept.append(diagnostic)
            }
        }
        let grouped = Set(export.untranslated).union(export.explanations)
        kept += export.warnings.filter { !grouped.contains($0) }
        // Texts missing in the exported language: counted as the export used them, once each (the quiz file's own
        // warnings about that language say the same and are left out).
        kept += summary(export.untranslated) { texts, questions in
            "\(texts) in \(questions) \(texts.hasPrefix("1 ") ? "has" : "have") no \(exported) text; the \(other) text "
                + "was used (--verbose lists each one)"
        }
        // Texts missing in the other language do not change the export: only counted.
        let otherLanguage: Language = language == .zh ? .en : .zh
        kept += summary(missing[otherLanguage] ?? [], countingQuestions: false) { texts, _ in
            "\(texts) \(texts.hasPrefix("1 ") ? "has" : "have") no \(other) text (--verbose lists each one)"
        }
        kept += summary(export.explanations, countingQuestions: false, noun: ("question", "questions")) { count, _ in
            "\(count) \(count.hasPrefix("1 ") ? "has an explanation" : "have explanations"), which GIFT has no place "
                + "for; left out (--verbose lists each one)"
        }
        return kept.sorted()
    }

    /// One warning per file for `warnings`, at the first one's position; `message` gets the counts written out
    /// (`3 texts`, `2 questions`).
    private static func summary(_ warnings: [Diagnostic], countingQuestions: Bool = true,
                                noun: (String, String) = ("text", "texts"),
                                message: (String, String) -> String) -> [Diagnostic] {
        var files: [String] = []
        var byFile: [String: [Diagnostic]] = [:]
        for warning in warnings {
            if byFile[warning.file] == nil { files.append(warning.file) }
            byFile[warning.file, default: []].append(warning)
        }
        return files.map { file in
            let list = byFile[file] ?? []
            let count = "\(list.count) \(list.count == 1 ? noun.0 : noun.1)"
            let questions = Set(list.map(\.message.questionPart)).count
            let inQuestions = countingQuestions ? "\(questions) \(questions == 1 ? "question" : "questions")" : ""
            return .warning(message(count, inQuestions), file: file, line: list[0].line, column: list[0].column)
        }
    }
}

private extension Language {
    /// The language as warnings name it: `Chinese (zh)`, `English (en)`.
    var giftWarningName: String { self == .zh ? "Chinese (zh)" : "English (en)" }
}

private extension String {
    /// `question 'x'` from a warning `question 'x': ...`.
    var questionPart: Substring {
        guard let colon = range(of: "': ") else { return self[...] }
        return self[..<colon.lowerBound]
    }
}
