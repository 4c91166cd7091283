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
        quickNormalize(text, caseSensitive: caseSensitive) ?? fullNormalize(text, caseSensitive: caseSensitive)
    }

    /// `normalize` through Foundation's compatibility normalisation, for any text.
    static func fullNormalize(_ text: String, caseSensitive: Bool) -> String {
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

    /// `normalize` for text made only of characters that compatibility normalisation leaves as they are and
    /// that have no case beyond ASCII (`isStable`): ASCII, CJK ideographs and the common CJK punctuation, so
    /// Chinese and English answers skip Foundation's normalisation and `lowercased()`; nil for any other text.
    /// The same steps as `normalize`, on the text's bytes; each stable scalar is a character of its own.
    static func quickNormalize(_ text: String, caseSensitive: Bool) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            var result: [UInt8] = []
            result.reserveCapacity(bytes.count)
            var spacePending = false
            var lastWasCJK = false
            var index = 0
            while index < bytes.count {
                let lead = bytes[index]
                var scalar: UInt32
                var length: Int
                if lead < 0x80 {
                    scalar = UInt32(lead)
                    length = 1
                } else if lead & 0xF0 == 0xE0, index + 2 < bytes.count {
                    // Every stable non-ASCII scalar is in the Basic Multilingual Plane above U+0800: three bytes.
                    scalar = UInt32(lead & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F)
                    length = 3
                } else {
                    return nil
                }
                guard isStable(scalar) else { return nil }
                if scalar == 0x20 || (0x09...0x0D).contains(scalar) {
                    spacePending = !result.isEmpty
                    index += length
                    continue
                }
                let cjk = scalar >= 0x80
                if spacePending {
                    if !lastWasCJK && !cjk { result.append(0x20) }
                    spacePending = false
                }
                if length == 1 {
                    result.append(!caseSensitive && (0x41...0x5A).contains(lead) ? lead | 0x20 : lead)
                } else {
                    result.append(contentsOf: bytes[index..<(index + length)])
                }
                lastWasCJK = cjk
                index += length
            }
            return String(decoding: result, as: UTF8.self)
        }
    }

    /// Scalars that NFKC maps to themselves, that never compose with a neighbour, that have no lower-case form
    /// other than ASCII's, and that are each a character on their own (no combining marks, no Hangul, nothing
    /// with a compatibility mapping such as full-width forms or the ideographic space). Non-ASCII ones are CJK
    /// for `isCJK`. `TextNormalizerTests` checks every one against Foundation.
    static func isStable(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x09...0x0D, 0x20...0x7E: true
        case 0x3001...0x3002, 0x3008...0x3011, 0x3014...0x301B, 0x3400...0x4DBF, 0x4E00...0x9FFF: true
        default: false
        }
    }

    /// `text` (already normalised) without the `wrappers` around it, each wrapper normalised the same way.
    ///
    /// Wrappers are removed repeatedly until none applies: a prefix at the start; a suffix at the end; and when a
    /// wrapper has both and the text starts with the prefix, the prefix with the first suffix after it
    /// ("《网络安全法》(2025年修正)" → "网络安全法(2025年修正)"). A prefix or suffix ending or starting with a letter or
    /// digit is removed only at a word boundary ("art" is not taken from "artificial"). Text that would be
    /// left empty is kept whole.
    public static func unwrap(_ text: String, wrappers: [AnswerWrapper], caseSensitive: Bool = false) -> String {
        unwrap(text, forms: wrapperForms(wrappers, caseSensitive: caseSensitive))
    }

    /// The wrappers' prefixes and suffixes normalised, without wrappers that normalise to nothing: what `unwrap`
    /// compares with, computed once when several texts are unwrapped with the same wrappers.
    static func wrapperForms(_ wrappers: [AnswerWrapper], caseSensitive: Bool) -> [(prefix: String, suffix: String)] {
        wrappers.map { wrapper in
            (prefix: normalize(wrapper.prefix, caseSensitive: caseSensitive),
             suffix: normalize(wrapper.suffix, caseSensitive: caseSensitive))
        }.filter { !$0.prefix.isEmpty || !$0.suffix.isEmpty }
    }

    /// `unwrap` with the wrappers' forms from `wrapperForms`.
    static func unwrap(_ text: String, forms: [(prefix: String, suffix: String)]) -> String {
        guard !forms.isEmpty else { return text }
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
