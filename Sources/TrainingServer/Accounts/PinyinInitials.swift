import Foundation

/// Pinyin initials of Chinese names ("zw" for 张伟), read from the name collation's weights (`NameCollation`):
/// the collation puts Chinese characters in pinyin order, so the characters read with one initial letter hold one
/// range of weights, from the collation's first character of that letter (吖 for a, 八 for b, … 帀 for z, the
/// boundaries the Chinese collation's alphabetic index uses) up to the next letter's. A character with several
/// readings counts under the one the collation sorts it by (its most common). No dictionary is shipped: the
/// weights people's names are sorted by already say it.
public enum PinyinInitials {
    /// The letters that start a pinyin syllable (none starts with i, u or v).
    static let letters: [Character] = Array("abcdefghjklmnopqrstwxyz")
    /// Each letter's first character in the collation.
    static let boundaries: [Character] = Array("吖八嚓咑妸发旮哈丌咔垃呣拏噢妑七呥仨他屲夕丫帀")
    /// The collation's last character with a pinyin reading (characters after it have none).
    static let last: Character = "咗"
    /// The longest search read as initials.
    public static let maximumLength = 8

    /// Each letter's range of weights.
    static let ranges: [Character: ClosedRange<UInt16>] = {
        func weight(_ character: Character) -> UInt16? {
            character.unicodeScalars.first.flatMap { NameCollation.ranks[$0.value] }
        }
        var result: [Character: ClosedRange<UInt16>] = [:]
        for (index, letter) in letters.enumerated() {
            guard let start = weight(boundaries[index]) else { continue }
            let end = index + 1 < boundaries.count ? weight(boundaries[index + 1]).map { $0 - 1 } : weight(last)
            if let end, end >= start { result[letter] = start...end }
        }
        return result
    }()

    /// The weight ranges a search of initials asks for, one per letter; nil when the search cannot be initials
    /// (anything but 1 to `maximumLength` Latin letters that start pinyin syllables).
    public static func ranges(for search: String) -> [ClosedRange<UInt16>]? {
        let letters = Array(search.lowercased())
        guard (1...maximumLength).contains(letters.count) else { return nil }
        var result: [ClosedRange<UInt16>] = []
        for letter in letters {
            guard let range = ranges[letter] else { return nil }
            result.append(range)
        }
        return result
    }

    /// The initials of a name's Chinese characters, in order ("张伟" → "zw"); characters without a reading are
    /// left out.
    public static func initials(of name: String) -> String {
        var result = ""
        for scalar in name.precomposedStringWithCanonicalMapping.unicodeScalars {
            guard let weight = NameCollation.ranks[scalar.value],
                  let letter = ranges.first(where: { $0.value.contains(weight) })?.key else { continue }
            result.append(letter)
        }
        return result
    }
}
