internal import Foundation

/// Folds typed text into the form answers are compared in.
///
/// Both the learner's text and the authored answer go through the same steps:
/// 1. Unicode compatibility normalisation (NFKC), so full-width letters, digits, spaces and punctuation
///    ("ＡＢＣ１２３", "　", "，") equal their half-width forms ("ABC123", " ", ",");
/// 2. leading and trailing white space removed, inner runs of white space collapsed to one space;
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
                result.append(" ")
                spacePending = false
            }
            result.append(character)
        }
        return caseSensitive ? result : result.lowercased()
    }
}
