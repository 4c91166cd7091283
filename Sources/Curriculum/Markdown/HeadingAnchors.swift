/// Makes `id` values for headings from their text, unique within one document.
///
/// Letters and digits of any script are kept (so Chinese headings get Chinese anchors), ASCII letters are
/// lowercased, spaces and hyphens become one hyphen, other punctuation is dropped. Repeats get `-1`, `-2`, ...
struct HeadingAnchors {
    private var used: [String: Int] = [:]

    mutating func anchor(for text: String) -> String {
        let base = Self.slug(text)
        var candidate = base
        if let count = used[base] {
            var next = count
            repeat {
                next += 1
                candidate = "\(base)-\(next)"
            } while used[candidate] != nil
            used[base] = next
        }
        used[candidate] = used[candidate] ?? 0
        return candidate
    }

    static func slug(_ text: String) -> String {
        var result = ""
        var pendingHyphen = false
        for scalar in text.unicodeScalars {
            let properties = scalar.properties
            if scalar == " " || scalar == "-" || scalar == "\t" || scalar == "\u{3000}" {
                pendingHyphen = !result.isEmpty
            } else if properties.isAlphabetic || properties.numericType != nil || scalar == "_" {
                if pendingHyphen { result.append("-") }
                pendingHyphen = false
                if scalar.isASCII {
                    result.unicodeScalars.append(contentsOf: String(scalar).lowercased().unicodeScalars)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result.isEmpty ? "section" : result
    }
}
