/// Size limits checked before Markdown reaches cmark-gfm.
///
/// cmark-gfm 0.29 needs time quadratic in some inputs: many brackets in one paragraph (`![[]()` repeated),
/// a table row with thousands of columns, very long runs of autolink candidates. No module needs anything
/// near these limits, and within them every input renders in well under a second, so a hostile or broken file
/// cannot stall loading or a page.
enum MarkdownLimits {
    static let maximumBytes = 256 * 1024
    static let maximumLineCharacters = 4_000
    /// A block is a run of non-blank lines (a paragraph, a table, a list item, a code block).
    static let maximumBlockBytes = 64 * 1024
    static let maximumBracketsPerBlock = 500
    /// Table cells are separated by `|`; this bounds the columns of a table.
    static let maximumPipesPerLine = 200

    /// The first limit `text` exceeds: the 1-based line and what to do, or nil.
    static func problem(in text: String) -> (line: Int, message: String)? {
        var text = text
        return text.withUTF8 { bytes -> (line: Int, message: String)? in
            if bytes.count > maximumBytes {
                return (1, "the text is larger than \(maximumBytes / 1024) KB; split it into several modules")
            }
            var line = 1
            var lineCharacters = 0
            var lineIsBlank = true
            var linePipes = 0
            var blockBytes = 0
            var blockBrackets = 0
            for byte in bytes {
                if byte == 0x0A {
                    if lineIsBlank {
                        blockBytes = 0
                        blockBrackets = 0
                    }
                    line += 1
                    lineCharacters = 0
                    linePipes = 0
                    lineIsBlank = true
                    continue
                }
                if byte & 0xC0 != 0x80 { lineCharacters += 1 }
                if byte != 0x20 && byte != 0x09 && byte != 0x0D { lineIsBlank = false }
                blockBytes += 1
                if byte == UInt8(ascii: "[") { blockBrackets += 1 }
                if byte == UInt8(ascii: "|") { linePipes += 1 }
                if linePipes > maximumPipesPerLine {
                    return (line, "the line has more than \(maximumPipesPerLine) '|' characters; a table may have at most "
                            + "\(maximumPipesPerLine - 1) columns")
                }
                if lineCharacters > maximumLineCharacters {
                    return (line, "the line is longer than \(maximumLineCharacters) characters; break it into shorter lines")
                }
                if blockBytes > maximumBlockBytes {
                    return (line, "this paragraph or table is larger than \(maximumBlockBytes / 1024) KB; "
                            + "separate it with blank lines")
                }
                if blockBrackets > maximumBracketsPerBlock {
                    return (line, "this paragraph has more than \(maximumBracketsPerBlock) '[' characters; split it")
                }
            }
            return nil
        }
    }
}
