/// Chinese numerals as people type them: "十五", "三十一", "一百零五", "两千零一十八", "一百五" (150), "两万三" (23,000),
/// digit by digit ("二〇一八"), with a decimal part ("三点五"), and in the financial forms (壹, 贰, 拾, 佰, 仟).
/// Anything not well formed ("十十", "五五十", "万") is refused rather than guessed.
enum ChineseNumerals {
    static let digits: [Character: Int] = [
        "〇": 0, "零": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
        "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
    ]
    static let smallUnits: [Character: Int] = ["十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000]
    static let largeUnits: [Character: Double] = ["万": 10_000, "亿": 100_000_000]
    static let point: Character = "点"
    static let characters: Set<Character> = Set(digits.keys).union(smallUnits.keys).union(largeUnits.keys)
        .union([point])

    /// The value of `text`, or nil when it is not a well-formed Chinese numeral.
    static func value<C: Collection>(_ text: C) -> Double? where C.Element == Character {
        let parts = Array(text).split(separator: point, omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty else { return nil }
        var value: Double
        if whole.allSatisfy({ digits[$0] != nil && $0 != "两" }) {
            value = Double(whole.reduce(0) { $0 * 10 + digits[$1]! })
            if whole.count > 15 { return nil }
        } else if let structured = large(whole) {
            value = structured
        } else {
            return nil
        }
        if parts.count == 2 {
            let fraction = parts[1]
            guard !fraction.isEmpty, fraction.allSatisfy({ digits[$0] != nil && $0 != "两" }) else { return nil }
            var scale = 0.1
            for character in fraction {
                value += Double(digits[character]!) * scale
                scale /= 10
            }
        }
        return value
    }

    /// A number with 亿 and 万: each part before them is a section below 10,000 (万 may itself carry a section
    /// of 万 before 亿); a lone digit right after 万 or 亿 (no 零) is the next place down ("两万三" = 23,000).
    private static func large(_ text: ArraySlice<Character>) -> Double? {
        var total = 0.0
        var rest = text
        for (unit, scale) in [("亿" as Character, 100_000_000.0), ("万", 10_000.0)] {
            guard let index = rest.firstIndex(of: unit) else { continue }
            let head = rest[..<index]
            guard !head.isEmpty else { return nil }
            let headValue: Double
            if unit == "亿" {
                guard let value = large(head) else { return nil }
                headValue = value
            } else {
                guard let value = section(head) else { return nil }
                headValue = Double(value)
            }
            total += headValue * scale
            rest = rest[rest.index(after: index)...]
            guard !rest.contains(unit) else { return nil }
            if rest.count == 1, let digit = digits[rest.first!], digit != 0 {
                return total + Double(digit) * scale / 10
            }
        }
        if rest.isEmpty { return total }
        guard let value = section(rest) else { return nil }
        return total + Double(value)
    }

    /// A section below 10,000: "三千零五十", "十五", "一百五" (150), "零五" (5, after a higher unit).
    private static func section(_ text: ArraySlice<Character>) -> Int? {
        var total = 0
        var pending: Int?
        var lastUnit = 10_000
        var zeroSeen = false
        var started = false
        for character in text {
            if let unit = smallUnits[character] {
                guard unit < lastUnit else { return nil }
                let count: Int
                if let pending {
                    count = pending
                } else if unit == 10 && !started {
                    count = 1
                } else {
                    return nil
                }
                guard count > 0 else { return nil }
                total += count * unit
                lastUnit = unit
                pending = nil
                zeroSeen = false
            } else if let digit = digits[character] {
                if digit == 0 {
                    guard pending == nil else { return nil }
                    zeroSeen = true
                } else {
                    guard pending == nil else { return nil }
                    pending = digit
                }
            } else {
                return nil
            }
            started = true
        }
        if let pending {
            if lastUnit > 10 && lastUnit <= 1000 && !zeroSeen {
                total += pending * lastUnit / 10
            } else {
                total += pending
            }
        }
        guard started, total > 0 || text.allSatisfy({ digits[$0] == 0 }) else { return nil }
        return total
    }
}
