#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
            if isWithinLimits(bytes) { return nil }
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

    /// Whether no limit can be exceeded, from per-line sums (a line never has more characters than bytes);
    /// false sends the text through the exact check above, which finds the line to report.
    private static func isWithinLimits(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var start = 0
        var blockBytes = 0
        var blockBrackets = 0
        while start < bytes.count {
            let end = memchr(base + start, 0x0A, bytes.count - start)
                .map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? bytes.count
            let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
            var brackets = 0
            var pipes = 0
            for byte in line {
                brackets &+= byte == UInt8(ascii: "[") ? 1 : 0
                pipes &+= byte == UInt8(ascii: "|") ? 1 : 0
            }
            blockBytes += line.count
            blockBrackets += brackets
            if line.count > maximumLineCharacters || pipes > maximumPipesPerLine || blockBytes > maximumBlockBytes
                || blockBrackets > maximumBracketsPerBlock {
                return false
            }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                blockBytes = 0
                blockBrackets = 0
            }
            start = end + 1
        }
        return true
    }
}
