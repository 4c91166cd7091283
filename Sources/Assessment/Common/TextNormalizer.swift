internal import Foundation

/// Folds typed text into the form answers are compared in.
///
/// Both the learner's text and the authored answer go through the same steps:
/// 1. Unicode compatibility normalisation (NFKC), so full-width letters, digits, spaces and punctuation
///    ("ＡＢＣ１２３", "　", "，", "（") equal their half-width forms ("ABC123", " ", ",", "(");
/// 2. leading and trailing white space removed, inner runs of white space collapsed to one space, and a space
///    next to a CJK character (a Han character, kana, CJK punctuation) removed: Chinese is written without
///    spaces, so "第 31 条" equals "第31条" while "citizen driven" keeps its space;
/// 3. lower case, unless the question is case-sensitive.
///
/// CJK punctuation without a compatibility form (the ideographic full stop "。", the enumeration comma "、")
/// stays as typed: it differs from "." and "," in meaning, not only in width.
public enum TextNormalizer {
    /// `text` normalised for comparison.
    public static func normalize(_ text: String, caseSensitive: Bool = false) -> String {
        let folded = text.precomposedStringWithCompatibilityMapping
        var result = ""
        var spacePending = false
        for character in folded {
            if character.isWhitespace {
                spacePending = !result.isEmpty
                continue
            }
            if spacePending {
                if !(result.last.map(isCJK) ?? false) && !isCJK(character) { result.append(" ") }
                spacePending = false
            }
            result.append(character)
        }
        return caseSensitive ? result : result.lowercased()
    }

    /// `text` (already normalised) without the `wrappers` around it, each wrapper normalised the same way.
    ///
    /// Wrappers are removed repeatedly until none applies: a prefix at the start; a suffix at the end; and when a
    /// wrapper has both and the text starts with the prefix, the prefix with the first suffix after it
    /// ("《网络安全法》(2025年修正)" → "网络安全法(2025年修正)"). A prefix or suffix ending or starting with a letter or
    /// digit is removed only at a word boundary ("art" is not taken from "artificial"). Text that would be
    /// left empty is kept whole.
    public static func unwrap(_ text: String, wrappers: [AnswerWrapper], caseSensitive: Bool = false) -> String {
        let forms = wrappers.map { wrapper in
            (prefix: normalize(wrapper.prefix, caseSensitive: caseSensitive),
             suffix: normalize(wrapper.suffix, caseSensitive: caseSensitive))
        }.filter { !$0.prefix.isEmpty || !$0.suffix.isEmpty }
        var current = text
        var changed = true
        while changed {
            changed = false
            for form in forms {
                if let next = strip(current, prefix: form.prefix, suffix: form.suffix), next != current {
                    current = next
                    changed = true
                }
            }
        }
        return current
    }

    private static func strip(_ text: String, prefix: String, suffix: String) -> String? {
        var text = Substring(text)
        var stripped = false
        if !prefix.isEmpty, text.hasPrefix(prefix), boundary(after: prefix, in: text) {
            text = text.dropFirst(prefix.count).trimmingSpaces()
            stripped = true
            if !suffix.isEmpty, !text.hasSuffix(suffix), let range = text.range(of: suffix) {
                text = (text[..<range.lowerBound] + text[range.upperBound...]).trimmingSpaces()
            }
        }
        if !suffix.isEmpty, text.hasSuffix(suffix), boundary(before: suffix, in: text) {
            text = text.dropLast(suffix.count).trimmingSpaces()
            stripped = true
        }
        guard stripped, !text.isEmpty else { return nil }
        return String(text)
    }

    private static func boundary(after prefix: String, in text: Substring) -> Bool {
        guard let last = prefix.last, last.isLetter || last.isNumber, !isCJK(last) else { return true }
        let next = text.dropFirst(prefix.count).first
        return next.map { !($0.isLetter || $0.isNumber) || isCJK($0) } ?? true
    }

    private static func boundary(before suffix: String, in text: Substring) -> Bool {
        guard let first = suffix.first, first.isLetter || first.isNumber, !isCJK(first) else { return true }
        let previous = text.dropLast(suffix.count).last
        return previous.map { !($0.isLetter || $0.isNumber) || isCJK($0) } ?? true
    }

    /// Whether `character` belongs to a script written without spaces between words (Han, kana) or is CJK
    /// punctuation.
    static func isCJK(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first else { return false }
        switch scalar.value {
        case 0x3001...0x303F, 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0xFE30...0xFE4F,
             0xFF00...0xFFEF, 0x20000...0x3FFFF:
            return true
        default:
            return false
        }
    }
}

private extension Substring {
    func trimmingSpaces() -> Substring {
        var slice = self
        while slice.first == " " { slice.removeFirst() }
        while slice.last == " " { slice.removeLast() }
        return slice
    }
}
