/// Plain-text tables for a terminal: columns lined up by the width characters take on screen, so Chinese names
/// (two columns each) line up with Latin ones.
public enum TextTable {
    /// The rows, each cell padded to its column's widest cell plus `gap` spaces; the last cell of a row is not
    /// padded, so no line ends in spaces. Tabs and line breaks in cells become spaces (one row, one line).
    public static func render(_ rows: [[String]], gap: Int = 2) -> String {
        let cleaned = rows.map { $0.map(oneLine) }
        var widths: [Int] = []
        for row in cleaned {
            for (index, cell) in row.enumerated() {
                let width = displayWidth(cell)
                if index < widths.count { widths[index] = max(widths[index], width) } else { widths.append(width) }
            }
        }
        var text = ""
        for row in cleaned {
            for (index, cell) in row.enumerated() {
                text += cell
                if index < row.count - 1 {
                    text += String(repeating: " ", count: widths[index] - displayWidth(cell) + gap)
                }
            }
            text += "\n"
        }
        return text
    }

    /// Terminal columns `text` takes: two for East Asian Wide and Fullwidth characters (Unicode's East Asian
    /// Width W and F, emoji shown as pictures among them), none for combining marks, format and control
    /// characters, one for everything else.
    public static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + displayWidth($1) }
    }

    /// Terminal columns one scalar takes (0, 1 or 2).
    public static func displayWidth(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x7F { return value < 0x20 ? 0 : 1 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control: return 0
        default: break
        }
        // Hangul vowels and final consonants join the preceding syllable.
        if (0x1160...0x11FF).contains(value) || (0xD7B0...0xD7FF).contains(value) { return 0 }
        if scalar.properties.isEmojiPresentation { return 2 }
        return wideRanges.contains { $0.contains(value) } ? 2 : 1
    }

    /// East Asian Width W and F blocks (Unicode 15.1), apart from emoji, which `isEmojiPresentation` covers.
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F,   // Hangul Jamo initial consonants
        0x2329...0x232A,   // angle brackets
        0x2E80...0x2FDF,   // CJK radicals, Kangxi radicals
        0x2FF0...0x303E,   // ideographic description, CJK symbols and punctuation (ideographic space included)
        0x3041...0x33FF,   // Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, Kanbun, CJK strokes, enclosed
        0x3400...0x4DBF,   // CJK extension A
        0x4E00...0x9FFF,   // CJK unified ideographs
        0xA000...0xA4CF,   // Yi
        0xA960...0xA97F,   // Hangul Jamo extended A
        0xAC00...0xD7A3,   // Hangul syllables
        0xF900...0xFAFF,   // CJK compatibility ideographs
        0xFE10...0xFE19,   // vertical forms
        0xFE30...0xFE6F,   // CJK compatibility forms, small form variants
        0xFF00...0xFF60,   // fullwidth forms
        0xFFE0...0xFFE6,   // fullwidth signs
        0x16FE0...0x16FE4, // ideographic symbols
        0x17000...0x18CFF, // Tangut
        0x1B000...0x1B2FF, // Kana supplement and extensions, Nüshu
        0x1F200...0x1F2FF, // enclosed ideographic supplement
        0x20000...0x2FFFD, // CJK extensions B–F, compatibility supplement
        0x30000...0x3FFFD, // CJK extensions G, H
    ]

    private static func oneLine(_ text: String) -> String {
        guard text.contains(where: { $0 == "\t" || $0.isNewline }) else { return text }
        return String(text.map { $0 == "\t" || $0.isNewline ? " " : $0 })
    }
}
