import Foundation

/// Sort keys that put people's names in the order of the Chinese collation (ICU's `zh`, the pinyin order that
/// Foundation's `String.compare(_:options:range:locale:)` gives with `Locale(identifier: "zh")`): 李 < 孙 < 王 <
/// 吴 < 张 < 周, Chinese names before names in Latin letters, and Latin letters as in English (`alice` < `Bob`).
///
/// SQLite cannot call ICU, so the order is stored: every person's key is computed here when their name is written
/// and kept in `users.name_key`, where a plain byte comparison (and so an index, `ORDER BY` and keyset paging)
/// gives the collation's order. A key is the collation's primary weight of each character (its rank among the
/// ranked characters sorted with Foundation's comparator, two bytes; see `weights`), then a zero separator and the
/// name's own UTF-8, so names that differ only in case or accents still sort the same way every time. Characters
/// outside the ranked blocks (rare CJK extensions, other scripts) follow every ranked one, by code point.
public enum NameCollation {
    /// The blocks ranked: printable ASCII, Latin-1 and Latin Extended-A letters, general and CJK punctuation, the
    /// CJK ideographs of the basic block, extension A and the compatibility block, and full-width forms.
    static let rankedBlocks: [ClosedRange<UInt32>] = [
        0x20...0x7E, 0xA0...0x17F, 0x2010...0x2027, 0x3000...0x303F, 0x3400...0x4DBF, 0x4E00...0x9FFF,
        0xF900...0xFAFF, 0xFF01...0xFF5E,
    ]

    /// The collation's primary weights of the ranked characters, in order: each entry the characters sharing one
    /// weight (they differ only in case, accents or width). Read from the shipped table
    /// (`Resources/Collation/zh-primary.txt`, one weight per line), which `NameCollationTests` checks against
    /// Foundation's comparator on this platform; computed when the table cannot be read.
    static let weights: [[Unicode.Scalar]] = shippedWeights() ?? computedWeights()

    /// Each ranked character's weight, from 1.
    static let ranks: [UInt32: UInt16] = {
        var ranks: [UInt32: UInt16] = [:]
        ranks.reserveCapacity(30_000)
        for (index, group) in weights.enumerated() {
            for scalar in group { ranks[scalar.value] = UInt16(index + 1) }
        }
        return ranks
    }()

    /// The weights as Foundation's comparator with the `zh` locale gives them on this platform: the ranked
    /// characters sorted, neighbours that compare equal ignoring case, accents and width sharing a weight. About a
    /// second of work, which is why the result is shipped.
    static func computedWeights() -> [[Unicode.Scalar]] {
        let locale = Locale(identifier: "zh")
        var characters: [String] = []
        for block in rankedBlocks {
            for value in block {
                guard let scalar = Unicode.Scalar(value), scalar.properties.generalCategory != .nonspacingMark else { continue }
                characters.append(String(Character(scalar)))
            }
        }
        characters.sort { $0.compare($1, options: [], range: nil, locale: locale) == .orderedAscending }
        var weights: [[Unicode.Scalar]] = []
        var previous: String?
        for character in characters {
            let scalar = character.unicodeScalars.first!
            if let previous, character.compare(previous, options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive],
                                               range: nil, locale: locale) == .orderedSame {
                weights[weights.count - 1].append(scalar)
            } else {
                weights.append([scalar])
            }
            previous = character
        }
        return weights
    }

    /// The weights as the table's text: one line per weight, its characters side by side.
    static func tableText(_ weights: [[Unicode.Scalar]]) -> String {
        weights.map { group in String(String.UnicodeScalarView(group)) }.joined(separator: "\n") + "\n"
    }

    /// The shipped table, or nil when it cannot be read.
    static func shippedWeights() -> [[Unicode.Scalar]]? {
        guard let url = Bundle.module.url(forResource: "Resources/Collation/zh-primary", withExtension: "txt"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        // Split on the scalars, not on characters: a line break never joins its neighbours into one character.
        var weights: [[Unicode.Scalar]] = []
        var group: [Unicode.Scalar] = []
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                if !group.isEmpty { weights.append(group) }
                group = []
            } else {
                group.append(scalar)
            }
        }
        if !group.isEmpty { weights.append(group) }
        return weights.isEmpty ? nil : weights
    }

    /// Names the weights (a hash of every ranked character's weight): keys computed with other weights (another
    /// table) are computed again.
    public static let version: String = {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in tableText(weights).utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return "zh-" + String(hash, radix: 16)
    }()

    /// The sort key of `name` (see the type's description).
    public static func key(_ name: String) -> [UInt8] {
        let text = name.precomposedStringWithCanonicalMapping
        var key: [UInt8] = []
        key.reserveCapacity(text.utf8.count * 2 + 2)
        for scalar in text.unicodeScalars {
            if let rank = ranks[scalar.value] {
                key.append(UInt8(rank >> 8))
                key.append(UInt8(rank & 0xFF))
            } else if scalar.properties.generalCategory == .nonspacingMark {
                // Accents weigh nothing at the first level, as in the collation.
                continue
            } else {
                // After every ranked character (ranks stay below 0xFFFF), by code point.
                key += [0xFF, 0xFF, UInt8(scalar.value >> 16), UInt8((scalar.value >> 8) & 0xFF), UInt8(scalar.value & 0xFF)]
            }
        }
        key += [0, 0]
        key += text.utf8
        return key
    }
}
