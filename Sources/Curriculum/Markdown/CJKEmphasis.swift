/// Emphasis next to Chinese, Japanese and Korean text, as a reader of those languages expects it.
///
/// CommonMark decides whether `*`, `**`, `_` and `__` open or close emphasis from the characters on either side
/// (left- and right-flanking delimiter runs). Its rules treat CJK punctuation like English punctuation, so
/// `**第4版（SP 800-63B-4）**进一步` and `**68%**的泄露` show their asterisks. The CJK-friendly amendment to
/// CommonMark (the rules of markdown-it-cjk-friendly) fixes this: CJK punctuation does not count as punctuation
/// for flanking, and a run between other punctuation and a CJK character may still open or close.
///
/// cmark-gfm has no such option, so this pre-pass finds every delimiter run whose open/close ability differs
/// between the two rule sets and puts `marker` (a noncharacter that cmark sees as a letter) right before or
/// after it, which gives cmark the amendment's answer. Rendering removes every marker from the HTML.
///
/// Asterisks between two digits (`2*3*4`) are multiplication in course text, so the pre-pass escapes them and
/// they show as written (CommonMark alone would make `2<em>3</em>4`).
///
/// Code spans, fenced code, link destinations, autolinks, raw HTML, link reference definitions and escaped
/// characters are copied unchanged. Text without `*` or `_` is returned as it is.
struct CJKEmphasis {
    /// U+FDD0, a noncharacter: never text a trainer means to show, neither whitespace nor punctuation for cmark.
    static let marker = Unicode.Scalar(UInt32(0xFDD0))!

    /// A delimiter run in the prepared text (after markers were inserted).
    struct Run: Equatable {
        /// 1-based line.
        let line: Int
        /// 1-based byte column in the prepared text.
        let byteColumn: Int
        let delimiter: Unicode.Scalar
        let length: Int
        /// Whether the run can open or close emphasis (after the amendment); runs that can do neither, like the
        /// `_` in `file_name` or a `*` between spaces, are plain text by design.
        let isDelimiter: Bool
    }

    /// The text handed to cmark.
    let text: String
    /// Whether any marker was inserted (and must be removed from what cmark produces).
    let hasMarkers: Bool
    /// Every `*` and `_` run outside code, link destinations and raw HTML, in document order.
    let runs: [Run]
    /// `\*`, `\_` and entities for `*` and `_`: literal by the author's choice. Line and byte column of the
    /// backslash or ampersand in the prepared text.
    let escapes: [(line: Int, byteColumn: Int)]
    /// Per line, where text was inserted (prepared-text byte column) and how many bytes, ascending.
    private let insertions: [Int: [(byteColumn: Int, bytes: Int)]]

    /// The byte column in the original text of a byte column in the prepared text.
    func originalByteColumn(line: Int, byteColumn: Int) -> Int {
        guard let inserted = insertions[line] else { return byteColumn }
        let before = inserted.prefix { $0.byteColumn < byteColumn }.reduce(0) { $0 + $1.bytes }
        return max(1, byteColumn - before)
    }

    /// `text` with every marker removed.
    static func removingMarkers(_ text: String) -> String {
        guard text.unicodeScalars.contains(marker) else { return text }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.lazy.filter { $0 != marker })
        return String(scalars)
    }

    /// Prepares `markdown` for cmark.
    init(_ markdown: String) {
        guard markdown.utf8.contains(where: { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "_") }) else {
            self.text = markdown
            self.hasMarkers = false
            self.runs = []
            self.escapes = []
            self.insertions = [:]
            return
        }
        var scanner = Scanner(Array(markdown.unicodeScalars))
        scanner.scan()
        self.hasMarkers = scanner.hasMarkers
        self.text = scanner.insertions.isEmpty ? markdown : String(scanner.output)
        self.runs = scanner.runs
        self.escapes = scanner.escapes
        self.insertions = scanner.insertions
    }

    // MARK: - Character classes

    /// cmark-gfm's whitespace for flanking (`cmark_utf8proc_is_space`); nil (line start or end) counts too.
    static func isWhitespace(_ scalar: Unicode.Scalar?) -> Bool {
        guard let value = scalar?.value else { return true }
        switch value {
        case 0x09, 0x0A, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// cmark-gfm's punctuation: ASCII punctuation and Unicode's punctuation categories (P*).
    static func isPunctuation(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        if scalar.isASCII {
            let value = scalar.value
            return (0x21...0x2F).contains(value) || (0x3A...0x40).contains(value)
                || (0x5B...0x60).contains(value) || (0x7B...0x7E).contains(value)
        }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// A CJK character: East Asian Width W, F or H that is not shown as an emoji by default, or Hangul.
    static func isCJK(_ scalar: Unicode.Scalar?) -> Bool {
        guard let value = scalar?.value else { return false }
        switch value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xD7B0...0xD7FF, 0xF900...0xFAFF,
             0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFF61...0xFFDC, 0xFFE0...0xFFE6,
             0x1B000...0x1B2FF, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// Variation selectors, which belong to the character before them.
    static func isVariationSelector(_ scalar: Unicode.Scalar) -> Bool {
        (0xFE00...0xFE0E).contains(scalar.value) || (0xE0100...0xE01EF).contains(scalar.value)
    }

    private static func isNonCJKPunctuation(_ scalar: Unicode.Scalar?) -> Bool {
        isPunctuation(scalar) && !isCJK(scalar)
    }

    /// Whether a run of `delimiter` between `before` and `after` can open and close emphasis.
    /// `cjkFriendly` selects the amendment's flanking rules; otherwise CommonMark's, as cmark-gfm applies them.
    static func ability(_ delimiter: Unicode.Scalar, before: Unicode.Scalar?, after: Unicode.Scalar?,
                        cjkFriendly: Bool) -> (open: Bool, close: Bool) {
        let left: Bool
        let right: Bool
        if cjkFriendly {
            left = !isWhitespace(after) && (!isNonCJKPunctuation(after) || isWhitespace(before)
                                            || isNonCJKPunctuation(before) || isCJK(before))
            right = !isWhitespace(before) && (!isNonCJKPunctuation(before) || isWhitespace(after)
                                              || isNonCJKPunctuation(after) || isCJK(after))
        } else {
            left = !isWhitespace(after) && (!isPunctuation(after) || isWhitespace(before) || isPunctuation(before))
            right = !isWhitespace(before) && (!isPunctuation(before) || isWhitespace(after) || isPunctuation(after))
        }
        if delimiter == "_" {
            return (left && (!right || isPunctuation(before)), right && (!left || isPunctuation(after)))
        }
        return (left, right)
    }

    // MARK: - Scanning

    private struct Scanner {
        let input: [Unicode.Scalar]
        var index = 0
        var output = String.UnicodeScalarView()
        var line = 1
        var byteColumn = 1
        var runs: [Run] = []
        var escapes: [(line: Int, byteColumn: Int)] = []
        var insertions: [Int: [(byteColumn: Int, bytes: Int)]] = [:]
        var hasMarkers = false

        init(_ input: [Unicode.Scalar]) {
            self.input = input
            output.reserveCapacity(input.count + 16)
        }

        func at(_ position: Int) -> Unicode.Scalar? {
            position >= 0 && position < input.count ? input[position] : nil
        }

        mutating func emit(_ scalar: Unicode.Scalar) {
            output.append(scalar)
            if scalar == "\n" {
                line += 1
                byteColumn = 1
            } else {
                byteColumn += scalar.utf8.count
            }
        }

        mutating func copy(upTo end: Int) {
            while index < min(end, input.count) {
                emit(input[index])
                index += 1
            }
        }

        mutating func insertMarker() {
            insertions[line, default: []].append((byteColumn, CJKEmphasis.marker.utf8.count))
            hasMarkers = true
            emit(CJKEmphasis.marker)
        }

        /// Copies the run of `count` asterisks at `index`, each escaped with a backslash.
        mutating func copyEscaped(_ count: Int) {
            for _ in 0..<count {
                insertions[line, default: []].append((byteColumn, 1))
                emit("\\")
                emit(input[index])
                index += 1
            }
        }

        /// The end of the line starting at `start` (the index of its newline, or the end of input).
        func lineEnd(from start: Int) -> Int {
            var end = start
            while end < input.count, input[end] != "\n" { end += 1 }
            return end
        }

        func isBlank(from start: Int, to end: Int) -> Bool {
            (start..<end).allSatisfy { input[$0] == " " || input[$0] == "\t" || input[$0] == "\r" }
        }

        mutating func scan() {
            var fence: (scalar: Unicode.Scalar, count: Int)?
            while index < input.count {
                let end = lineEnd(from: index)
                if let open = fence {
                    if let close = fenceRun(from: index, to: end), close.scalar == open.scalar,
                       close.count >= open.count, isBlank(from: close.end, to: end) {
                        fence = nil
                    }
                    copy(upTo: end + 1)
                    continue
                }
                if let open = fenceRun(from: index, to: end) {
                    fence = (open.scalar, open.count)
                    copy(upTo: end + 1)
                    continue
                }
                if isReferenceDefinition(from: index, to: end) {
                    copy(upTo: end + 1)
                    continue
                }
                scanInline(to: end)
                copy(upTo: end + 1)
            }
        }

        /// A code fence (three or more backticks or tildes after at most three spaces) starting the line.
        func fenceRun(from start: Int, to end: Int) -> (scalar: Unicode.Scalar, count: Int, end: Int)? {
            var position = start
            while position < end, position - start < 3, input[position] == " " { position += 1 }
            guard position < end, input[position] == "`" || input[position] == "~" else { return nil }
            let scalar = input[position]
            var count = 0
            while position < end, input[position] == scalar { count += 1; position += 1 }
            guard count >= 3 else { return nil }
            if scalar == "`", (position..<end).contains(where: { input[$0] == "`" }) { return nil }
            return (scalar, count, position)
        }

        /// `[label]: destination` after at most three spaces.
        func isReferenceDefinition(from start: Int, to end: Int) -> Bool {
            var position = start
            while position < end, position - start < 3, input[position] == " " { position += 1 }
            guard position < end, input[position] == "[" else { return false }
            position += 1
            while position < end, input[position] != "]" {
                if input[position] == "\\" { position += 1 }
                position += 1
            }
            return position + 1 < end && input[position + 1] == ":"
        }

        mutating func scanInline(to end: Int) {
            while index < end {
                let scalar = input[index]
                switch scalar {
                case "\\":
                    if let next = at(index + 1), next != "\n", CJKEmphasis.isPunctuation(next), next.isASCII {
                        if next == "*" || next == "_" { escapes.append((line, byteColumn)) }
                        copy(upTo: index + 2)
                    } else {
                        copy(upTo: index + 1)
                    }
                case "&":
                    copy(upTo: entityEnd(from: index))
                case "`":
                    copy(upTo: codeSpanEnd(from: index))
                case "<":
                    copy(upTo: angleEnd(from: index, lineEnd: end))
                case "]":
                    if at(index + 1) == "(" {
                        copy(upTo: destinationEnd(from: index + 2))
                    } else {
                        copy(upTo: index + 1)
                    }
                case "h", "H", "w", "W":
                    copy(upTo: bareURLEnd(from: index, lineEnd: end))
                case "*", "_":
                    delimiterRun(to: end)
                default:
                    copy(upTo: index + 1)
                }
            }
        }

        /// After an entity for `*` or `_` (recorded as an escape) or any other `&`.
        mutating func entityEnd(from start: Int) -> Int {
            var position = start + 1
            var name = ""
            while position < input.count, position - start <= 32,
                  input[position].isASCII, input[position].properties.isAlphabetic
                    || ("0"..."9").contains(input[position]) || input[position] == "#" {
                name.unicodeScalars.append(input[position])
                position += 1
            }
            guard position < input.count, input[position] == ";", !name.isEmpty else { return start + 1 }
            let delimiterEntities: Set<String> = ["ast", "midast", "lowbar", "UnderBar", "#42", "#042", "#x2a",
                                                  "#x2A", "#X2a", "#X2A", "#95", "#095", "#x5f", "#x5F", "#X5f",
                                                  "#X5F"]
            if delimiterEntities.contains(name) { escapes.append((line, byteColumn)) }
            return position + 1
        }

        /// After the code span opened at `start`, or after its backticks if none closes it in the paragraph.
        func codeSpanEnd(from start: Int) -> Int {
            var count = 0
            while at(start + count) == "`" { count += 1 }
            var position = start + count
            var lineStart = false
            while position < input.count {
                let scalar = input[position]
                if scalar == "\n" {
                    if lineStart { break }
                    lineStart = true
                    position += 1
                    continue
                }
                if scalar == "`" {
                    var run = 0
                    while at(position + run) == "`" { run += 1 }
                    if run == count { return position + run }
                    position += run
                } else {
                    position += 1
                }
                if scalar != " " && scalar != "\t" && scalar != "\r" { lineStart = false }
            }
            return start + count
        }

        /// After an autolink or raw HTML tag opened at `start`, or after the `<` itself.
        func angleEnd(from start: Int, lineEnd: Int) -> Int {
            guard let next = at(start + 1), next.isASCII,
                  next.properties.isAlphabetic || next == "/" || next == "!" || next == "?" else { return start + 1 }
            var position = start + 1
            while position < lineEnd, input[position] != ">", input[position] != "<" { position += 1 }
            return position < lineEnd && input[position] == ">" ? position + 1 : start + 1
        }

        /// After a link destination and title starting at `start` (just after `](`) and ending on the same line;
        /// `start` when there is none, which keeps the scan linear in the line's length.
        func destinationEnd(from start: Int) -> Int {
            var depth = 1
            var position = start
            while position < input.count {
                switch input[position] {
                case "\\": position += 1
                case "(": depth += 1
                case ")":
                    depth -= 1
                    if depth == 0 { return position + 1 }
                case "\n": return start
                default: break
                }
                position += 1
            }
            return start
        }

        /// After a bare `http://`, `https://` or `www.` link (GitHub's autolinks), or after one character.
        func bareURLEnd(from start: Int, lineEnd: Int) -> Int {
            if let previous = at(start - 1), previous.isASCII,
               previous.properties.isAlphabetic || ("0"..."9").contains(previous) {
                return start + 1
            }
            let prefixes = ["http://", "https://", "www."]
            let starts = prefixes.contains { prefix in
                prefix.unicodeScalars.enumerated().allSatisfy { offset, scalar in
                    at(start + offset).map { String($0).lowercased() == String(scalar) } ?? false
                }
            }
            guard starts else { return start + 1 }
            var position = start
            while position < lineEnd, !CJKEmphasis.isWhitespace(input[position]), input[position] != "<" {
                position += 1
            }
            return position
        }

        /// Copies the run of `*` or `_` at `index`, with markers where cmark would decide differently from the
        /// CJK-friendly rules.
        mutating func delimiterRun(to end: Int) {
            let delimiter = input[index]
            var length = 0
            while index + length < end, input[index + length] == delimiter { length += 1 }
            var previousIndex = index - 1
            while previousIndex >= 0, CJKEmphasis.isVariationSelector(input[previousIndex]) { previousIndex -= 1 }
            let before = previousIndex >= 0 && input[previousIndex] != "\n" ? input[previousIndex] : nil
            let after = index + length < end ? input[index + length] : nil
            if delimiter == "*", let before, let after, before.isASCII, after.isASCII,
               ("0"..."9").contains(before), ("0"..."9").contains(after) {
                runs.append(Run(line: line, byteColumn: byteColumn, delimiter: delimiter, length: length,
                                isDelimiter: false))
                copyEscaped(length)
                return
            }
            let wanted = CJKEmphasis.ability(delimiter, before: before, after: after, cjkFriendly: true)
            let plain = CJKEmphasis.ability(delimiter, before: before, after: after, cjkFriendly: false)
            var markBefore = false
            var markAfter = false
            if wanted != plain {
                let letter = CJKEmphasis.marker
                for (useBefore, useAfter) in [(true, false), (false, true), (true, true)] {
                    let ability = CJKEmphasis.ability(delimiter, before: useBefore ? letter : before,
                                                      after: useAfter ? letter : after, cjkFriendly: false)
                    if ability == wanted {
                        markBefore = useBefore
                        markAfter = useAfter
                        break
                    }
                }
            }
            if markBefore { insertMarker() }
            runs.append(Run(line: line, byteColumn: byteColumn, delimiter: delimiter, length: length,
                            isDelimiter: wanted.open || wanted.close))
            copy(upTo: index + length)
            if markAfter { insertMarker() }
        }
    }
}
