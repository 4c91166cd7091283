/// A WebVTT caption file (W3C WebVTT): its cues and every syntax problem, each at its line.
///
/// The file starts with `WEBVTT` (a byte order mark before it is allowed), optionally followed by a space or tab
/// and text, and header lines up to the first blank line. Blocks are separated by blank lines: `NOTE` comments,
/// `STYLE` and `REGION` blocks (before the first cue), and cues: an optional identifier line, a timing line
/// `[hh:]mm:ss.ttt --> [hh:]mm:ss.ttt` with optional settings, then the cue text. Lines end in LF, CRLF or CR.
public struct WebVTT: Sendable, Hashable {
    public struct Cue: Sendable, Hashable {
        public let identifier: String?
        /// Seconds.
        public let start: Double
        /// Seconds.
        public let end: Double
        public let settings: String
        public let text: String
        /// The line of the timing line, 1-based.
        public let line: Int
    }

    public struct Problem: Sendable, Hashable {
        public let severity: Diagnostic.Severity
        /// 1-based.
        public let line: Int
        /// 1-based, in characters.
        public let column: Int
        public let message: String
    }

    public let cues: [Cue]
    public let problems: [Problem]

    public var hasErrors: Bool { problems.contains { $0.severity == .error } }

    static let settingNames: Set<String> = ["vertical", "line", "position", "size", "align", "region"]

    public init(parsing text: String) {
        var parser = Parser()
        parser.run(text)
        cues = parser.cues
        problems = parser.problems
    }

    private struct Parser {
        var cues: [Cue] = []
        var problems: [Problem] = []
        var identifiers: [String: Int] = [:]

        mutating func error(_ message: String, line: Int, column: Int = 1) {
            problems.append(Problem(severity: .error, line: line, column: column, message: message))
        }

        mutating func warning(_ message: String, line: Int, column: Int = 1) {
            problems.append(Problem(severity: .warning, line: line, column: column, message: message))
        }

        static func lines(_ text: String) -> [Substring] {
            var lines: [Substring] = []
            var start = text.startIndex
            var index = text.startIndex
            // Characters: "\r\n" is one grapheme, so CRLF, LF and CR are each one character here.
            while index < text.endIndex {
                let character = text[index]
                if character == "\n" || character == "\r" || character == "\r\n" {
                    lines.append(text[start..<index])
                    index = text.index(after: index)
                    start = index
                } else {
                    index = text.index(after: index)
                }
            }
            lines.append(text[start..<text.endIndex])
            return lines
        }

        mutating func run(_ text: String) {
            var body = Substring(text)
            if body.first == "\u{FEFF}" { body = body.dropFirst() }
            let lines = Self.lines(String(body))
            let signature = lines[0]
            let valid = signature == "WEBVTT" || signature.hasPrefix("WEBVTT ") || signature.hasPrefix("WEBVTT\t")
            guard valid else {
                error("a WebVTT file starts with the line WEBVTT" + (signature.isEmpty ? "" : ", not '\(signature.prefix(40))'"),
                      line: 1)
                return
            }
            var index = 1
            // Header lines, up to the first blank line.
            while index < lines.count, !lines[index].isEmpty {
                if lines[index].contains("-->") {
                    error("put a blank line between the WEBVTT header and the first cue", line: index + 1)
                    break
                }
                index += 1
            }
            while index < lines.count {
                while index < lines.count, lines[index].isEmpty { index += 1 }
                guard index < lines.count else { break }
                var end = index
                while end < lines.count, !lines[end].isEmpty { end += 1 }
                block(Array(lines[index..<end]), firstLine: index + 1)
                index = end
            }
        }

        mutating func block(_ lines: [Substring], firstLine: Int) {
            let first = lines[0]
            if isKeyword(first, "NOTE") {
                if let arrow = lines.firstIndex(where: { $0.contains("-->") }) {
                    error("a NOTE block must not contain '-->' (is a blank line missing before a cue?)",
                          line: firstLine + arrow)
                }
                return
            }
            if (isKeyword(first, "STYLE") || isKeyword(first, "REGION")) && !first.contains("-->") {
                let name = first.hasPrefix("STYLE") ? "STYLE" : "REGION"
                if !cues.isEmpty {
                    error("a \(name) block must come before the first cue", line: firstLine)
                }
                if let arrow = lines.firstIndex(where: { $0.contains("-->") }) {
                    error("a \(name) block must not contain '-->' (is a blank line missing before a cue?)",
                          line: firstLine + arrow)
                }
                return
            }
            var timingIndex = 0
            var identifier: String?
            if !first.contains("-->") {
                let firstWord = first.prefix { $0 != " " && $0 != "\t" }
                if Self.timestamp(String(firstWord)) != nil, lines.count < 2 || !lines[1].contains("-->") {
                    // A timing line with a mistyped arrow: report the arrow.
                    _ = parseTiming(first, line: firstLine)
                    return
                }
                guard lines.count > 1, lines[1].contains("-->") else {
                    error("expected a cue timing line such as '00:00:01.000 --> 00:00:04.000' here (or a blank "
                          + "line before this text, or NOTE before a comment)", line: firstLine + (lines.count > 1 ? 1 : 0))
                    return
                }
                identifier = String(first)
                timingIndex = 1
                if let earlier = identifiers[String(first)] {
                    warning("the cue identifier '\(first)' is already used on line \(earlier)", line: firstLine)
                } else {
                    identifiers[String(first)] = firstLine
                }
            }
            let timingLine = firstLine + timingIndex
            let textLines = lines[(timingIndex + 1)...]
            for (offset, line) in textLines.enumerated() where line.contains("-->") {
                error("cue text must not contain '-->' (is a blank line missing before the next cue?)",
                      line: timingLine + 1 + offset)
            }
            guard let timing = parseTiming(lines[timingIndex], line: timingLine) else { return }
            if timing.end <= timing.start {
                error("the cue must end after it starts (\(format(timing.start)) --> \(format(timing.end)))",
                      line: timingLine)
                return
            }
            if let previous = cues.last, timing.start < previous.start {
                warning("this cue starts before the cue on line \(previous.line); cues should be in time order",
                        line: timingLine)
            }
            cues.append(Cue(identifier: identifier, start: timing.start, end: timing.end, settings: timing.settings,
                            text: textLines.joined(separator: "\n"), line: timingLine))
        }

        func isKeyword(_ line: Substring, _ keyword: String) -> Bool {
            guard line.hasPrefix(keyword) else { return false }
            let rest = line.dropFirst(keyword.count)
            return rest.isEmpty || rest.first == " " || rest.first == "\t"
        }

        mutating func parseTiming(_ line: Substring, line number: Int) -> (start: Double, end: Double, settings: String)? {
            let characters = Array(line)
            var position = 0
            func skipSpace() { while position < characters.count, characters[position] == " " || characters[position] == "\t" { position += 1 } }
            func token() -> (text: String, column: Int) {
                let start = position
                while position < characters.count, characters[position] != " ", characters[position] != "\t" { position += 1 }
                return (String(characters[start..<position]), start + 1)
            }
            skipSpace()
            let startToken = token()
            guard let start = Self.timestamp(startToken.text) else {
                error(timestampMessage(startToken.text), line: number, column: startToken.column)
                return nil
            }
            skipSpace()
            let arrow = token()
            guard arrow.text == "-->" else {
                error("expected ' --> ' with a space on each side after the start time", line: number,
                      column: arrow.column)
                return nil
            }
            skipSpace()
            let endToken = token()
            guard let end = Self.timestamp(endToken.text) else {
                error(timestampMessage(endToken.text), line: number, column: endToken.column)
                return nil
            }
            var settings: [String] = []
            while true {
                skipSpace()
                guard position < characters.count else { break }
                let setting = token()
                settings.append(setting.text)
                let parts = setting.text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                if parts.count != 2 || parts[1].isEmpty || !WebVTT.settingNames.contains(String(parts[0])) {
                    warning("'\(setting.text)' is not a WebVTT cue setting (vertical, line, position, size, align, "
                            + "region as name:value); players ignore it", line: number, column: setting.column)
                }
            }
            return (start, end, settings.joined(separator: " "))
        }

        func timestampMessage(_ text: String) -> String {
            text.isEmpty ? "the cue timing line has no time here: write mm:ss.ttt or hh:mm:ss.ttt"
                : "'\(text.prefix(40))' is not a WebVTT time: write mm:ss.ttt or hh:mm:ss.ttt (for example 01:02.500)"
        }

        /// `[hh:]mm:ss.ttt`: hours two or more digits, minutes and seconds two digits below 60, three decimals.
        static func timestamp(_ text: String) -> Double? {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2 || parts.count == 3 else { return nil }
            let allDigits: (Substring) -> Bool = { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
            var hours = 0
            if parts.count == 3 {
                guard parts[0].count >= 2, allDigits(parts[0]), let value = Int(parts[0]) else { return nil }
                hours = value
            }
            let minutesPart = parts[parts.count - 2]
            let secondsPart = parts[parts.count - 1].split(separator: ".", omittingEmptySubsequences: false)
            guard minutesPart.count == 2, allDigits(minutesPart), let minutes = Int(minutesPart), minutes < 60,
                  secondsPart.count == 2, secondsPart[0].count == 2, allDigits(secondsPart[0]),
                  let seconds = Int(secondsPart[0]), seconds < 60,
                  secondsPart[1].count == 3, allDigits(secondsPart[1]), let millis = Int(secondsPart[1]) else { return nil }
            return Double(hours * 3600 + minutes * 60 + seconds) + Double(millis) / 1000
        }

        func format(_ seconds: Double) -> String { WebVTT.format(seconds) }
    }

    /// `hh:mm:ss.ttt`.
    public static func format(_ seconds: Double) -> String {
        let millis = Int((seconds * 1000).rounded())
        let whole = millis / 1000
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let fraction = millis % 1000
        let three = fraction < 10 ? "00\(fraction)" : fraction < 100 ? "0\(fraction)" : "\(fraction)"
        return "\(two(whole / 3600)):\(two(whole / 60 % 60)):\(two(whole % 60)).\(three)"
    }
}
