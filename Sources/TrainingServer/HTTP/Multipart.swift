/// A parser for `multipart/form-data` bodies (RFC 7578), written in Swift rather than using MHD's post
/// processor, whose boundary handling had a crash bug (CVE-2023-27371).
public enum Multipart {
    /// One part of the body.
    public struct Part: Sendable, Equatable {
        public var name: String
        public var filename: String?
        public var contentType: String?
        public var body: [UInt8]
    }

    public enum Failure: Error, Sendable, Equatable {
        case missingBoundary
        case malformed
    }

    /// The boundary parameter of a `multipart/form-data` content type, if valid (1-70 characters, no NUL).
    public static func boundary(contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let trimmed = parameter.trimmingWhitespace()
            guard trimmed.lowercased().hasPrefix("boundary=") else { continue }
            var value = trimmed.dropFirst("boundary=".count)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
            guard (1...70).contains(value.utf8.count), !value.utf8.contains(0) else { return nil }
            return String(value)
        }
        return nil
    }

    /// Splits `body` into its parts.
    public static func parse(body: [UInt8], boundary: String) throws(Failure) -> [Part] {
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [Part] = []
        guard var position = find(delimiter, in: body, from: 0) else { throw .malformed }
        position += delimiter.count
        while true {
            // After a delimiter: "--" ends the body, otherwise CRLF starts a part.
            if body.count >= position + 2, body[position] == UInt8(ascii: "-"), body[position + 1] == UInt8(ascii: "-") {
                return parts
            }
            guard body.count >= position + 2, body[position] == 13, body[position + 1] == 10 else { throw .malformed }
            position += 2
            guard let headerEnd = find([13, 10, 13, 10], in: body, from: position) else { throw .malformed }
            guard let headerText = String(validating: body[position..<headerEnd], as: UTF8.self) else {
                throw .malformed
            }
            let contentStart = headerEnd + 4
            guard let next = find([13, 10] + delimiter, in: body, from: contentStart) else { throw .malformed }
            var name: String?
            var filename: String?
            var contentType: String?
            for line in headerText.split(separator: "\r\n") {
                guard let colon = line.firstIndex(of: ":") else { throw .malformed }
                let field = line[..<colon].lowercased()
                let value = line[line.index(after: colon)...].trimmingWhitespace()
                if field == "content-disposition" {
                    name = dispositionParameter("name", in: value)
                    filename = dispositionParameter("filename", in: value)
                } else if field == "content-type" {
                    contentType = String(value)
                }
            }
            guard let partName = name else { throw .malformed }
            parts.append(Part(name: partName, filename: filename, contentType: contentType,
                              body: Array(body[contentStart..<next])))
            position = next + 2 + delimiter.count
        }
    }

    private static func dispositionParameter(_ key: String, in value: Substring) -> String? {
        for piece in splitParameters(value).dropFirst() {
            let trimmed = piece.trimmingWhitespace()
            guard let equals = trimmed.firstIndex(of: "=") else { continue }
            guard trimmed[..<equals].lowercased() == key else { continue }
            var raw = trimmed[trimmed.index(after: equals)...]
            if raw.hasPrefix("\""), raw.hasSuffix("\""), raw.count >= 2 { raw = raw.dropFirst().dropLast() }
            return String(raw)
        }
        return nil
    }

    /// Splits at semicolons that are not inside a quoted string (`filename="a;b.pdf"` stays whole).
    static func splitParameters(_ value: Substring) -> [Substring] {
        var pieces: [Substring] = []
        var start = value.startIndex
        var quoted = false
        var index = value.startIndex
        while index < value.endIndex {
            let character = value[index]
            if character == "\"" { quoted.toggle() }
            if character == ";" && !quoted {
                pieces.append(value[start..<index])
                start = value.index(after: index)
            }
            index = value.index(after: index)
        }
        pieces.append(value[start..<value.endIndex])
        return pieces
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else {
            return nil
        }
        let first = needle[0]
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first {
                var matched = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingWhitespace() -> Substring {
        let scalars = Substring(self)
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, scalars[start] == " " || scalars[start] == "\t" { start = scalars.index(after: start) }
        while end > start {
            let before = scalars.index(before: end)
            guard scalars[before] == " " || scalars[before] == "\t" else { break }
            end = before
        }
        return scalars[start..<end]
    }
}
