/// Turns the HTML Moodle questions often carry (`[html]` texts) into the plain text our questions hold.
enum HTMLText {
    /// Tags dropped, line-breaking tags turned into newlines, character references decoded.
    static func plainText(from html: String) -> String {
        var output = ""
        let scalars = Array(html.unicodeScalars)
        // The next '>' at or after each position, found in one backward pass so that text full of '<'
        // without '>' stays linear.
        var nextClose = [Int?](repeating: nil, count: scalars.count + 1)
        for index in stride(from: scalars.count - 1, through: 0, by: -1) {
            nextClose[index] = scalars[index] == ">" ? index : nextClose[index + 1]
        }
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "<", index + 1 < scalars.count, isTagStart(scalars[index + 1]),
               let end = nextClose[index] {
                let tag = String(String.UnicodeScalarView(scalars[(index + 1)..<end])).lowercased()
                let name = tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }
                if name == "br" || (tag.hasPrefix("/") && blockTags.contains(String(name))) {
                    output.append("\n")
                }
                index = end + 1
                continue
            }
            if scalar == "&", let (decoded, length) = entity(at: index, in: scalars) {
                output.unicodeScalars.append(decoded)
                index += length
                continue
            }
            output.unicodeScalars.append(scalar == "\u{A0}" ? " " : scalar)
            index += 1
        }
        var lines: [Substring] = []
        for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingWhitespaceSlice()
            if trimmed.isEmpty && (lines.last?.isEmpty ?? true) { continue }
            lines.append(trimmed)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    /// Whether `html` has anything an `[html]` conversion changes.
    static func hasMarkup(_ html: String) -> Bool {
        html.contains("<") || html.contains("&")
    }

    private static let blockTags: Set<String> = ["p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
                                                  "blockquote", "pre", "table", "ul", "ol"]

    private static func isTagStart(_ scalar: Unicode.Scalar) -> Bool {
        (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || scalar == "/" || scalar == "!"
    }

    private static let named: [String: Unicode.Scalar] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "ndash": "\u{2013}",
        "mdash": "\u{2014}", "hellip": "\u{2026}", "laquo": "\u{AB}", "raquo": "\u{BB}", "copy": "\u{A9}",
    ]

    private static func entity(at index: Int, in scalars: [Unicode.Scalar]) -> (Unicode.Scalar, Int)? {
        var end = index + 1
        while end < scalars.count, end - index <= 10, scalars[end] != ";" { end += 1 }
        guard end < scalars.count, scalars[end] == ";", end > index + 1 else { return nil }
        let body = String(String.UnicodeScalarView(scalars[(index + 1)..<end]))
        let length = end - index + 1
        if body.hasPrefix("#x") || body.hasPrefix("#X") {
            guard let value = UInt32(body.dropFirst(2), radix: 16), let scalar = Unicode.Scalar(value) else { return nil }
            return (scalar, length)
        }
        if body.hasPrefix("#") {
            guard let value = UInt32(body.dropFirst()), let scalar = Unicode.Scalar(value) else { return nil }
            return (scalar, length)
        }
        return named[body].map { ($0, length) }
    }
}
