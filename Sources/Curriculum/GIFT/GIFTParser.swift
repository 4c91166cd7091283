/// Imports Moodle GIFT question banks, accepting every construct Moodle's own importer accepts
/// (`question/format/gift/format.php`), with a line and column for every problem.
///
/// Questions are separated by blank lines; `//` lines are comments (and may carry `[id:...]` and `[tag:...]`);
/// `$CATEGORY:` switches category; `::title::` names a question; `[html]`, `[moodle]`, `[plain]` and
/// `[markdown]` set a text's format; the answer block `{...}` decides the type exactly as Moodle does.
/// Essay and description questions have no equivalent here: they are reported as unsupported and skipped.
public enum GIFTParser {
    /// Imports a GIFT file's bytes. A file that is not UTF-8 stops the import with one error naming the first
    /// bad line, and nothing is imported.
    public static func parse(bytes: [UInt8], fileName: String, language: Language = .zh) -> GIFTImport {
        switch TextDecoding.decode(bytes) {
        case .success(let text):
            return parse(text: text, fileName: fileName, language: language)
        case .failure(let invalid):
            let encoding = GIFTEncodingGuess.encoding(of: bytes)
            let likely = encoding == "GB18030" ? "it looks like Chinese text in GB18030 (GBK); " : ""
            let message = "\(fileName) is not UTF-8 text: the first bad byte is on line \(invalid.line); " + likely
                + "save the file as UTF-8 (for example: iconv -f \(encoding) -t UTF-8) and import it again"
            return GIFTImport(categories: [], diagnostics: [
                .error(message, file: fileName, line: invalid.line, column: invalid.column),
            ])
        }
    }

    /// Imports GIFT text. Texts go into `language` of each question's bilingual fields.
    public static func parse(text: String, fileName: String, language: Language = .zh) -> GIFTImport {
        var state = GIFTFileState(fileName: fileName, language: language)
        for block in blocks(of: TextDecoding.normalizingNewlines(text)) {
            state.read(block)
        }
        return state.result()
    }

    /// One question's lines (comments apart), as Moodle splits a file: at lines that are blank once trimmed.
    struct Block {
        struct Line {
            let number: Int
            /// 1-based column of the first character kept after trimming.
            let column: Int
            let scalars: ArraySlice<Unicode.Scalar>
            let isComment: Bool
        }
        var lines: [Line] = []
    }

    static func blocks(of text: String) -> [Block] {
        var blocks: [Block] = []
        var current = Block()
        var number = 0
        var startsWithBOM = true
        for rawLine in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            var scalars = Array(rawLine)[...]
            if startsWithBOM, scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
            startsWithBOM = false
            var leading = 0
            while let first = scalars.first, GIFTUnit.whitespace.contains(first) {
                scalars = scalars.dropFirst()
                leading += 1
            }
            while let last = scalars.last, GIFTUnit.whitespace.contains(last) { scalars = scalars.dropLast() }
            if scalars.isEmpty {
                if !current.lines.isEmpty { blocks.append(current) }
                current = Block()
                continue
            }
            let isComment = scalars.count >= 2 && scalars[scalars.startIndex] == "/"
                && scalars[scalars.startIndex + 1] == "/"
            current.lines.append(Block.Line(number: number, column: leading + 1, scalars: scalars, isComment: isComment))
        }
        if !current.lines.isEmpty { blocks.append(current) }
        return blocks
    }
}
