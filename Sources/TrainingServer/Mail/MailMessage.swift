import Foundation

/// An Internet message (RFC 5322) as it goes over SMTP: `Date`, `From`, `To`, `Subject` (RFC 2047 encoded words
/// when it is not plain ASCII), `Message-ID`, MIME headers, optionally `List-Unsubscribe` with one-click
/// `List-Unsubscribe-Post` (RFC 8058), and a UTF-8 body in base64: plain text alone, or plain text then HTML as the
/// two parts of a multipart/alternative message. Every line ends with CRLF; header lines are folded to at most 78
/// characters where they have room to fold (lines holding encoded words to at most 76), body lines are at most 76.
public struct MailMessage: Sendable, Hashable {
    public var from: String
    public var to: String
    public var subject: String
    public var body: String
    /// The HTML alternative of `body`; nil: a plain-text message.
    public var html: String?
    /// The one-click unsubscribe address (`List-Unsubscribe`); nil: none.
    public var unsubscribeURL: String?
    public var messageID: String
    public var date: Double
    /// The multipart boundary (random unless a test fixes it). Starting with "=_", it can never occur in base64.
    public var boundary: String

    public init(from: String, to: String, subject: String, body: String, html: String? = nil,
                unsubscribeURL: String? = nil, messageID: String, date: Double,
                boundary: String = "=_part_\(Tokens.random(bytes: 12))") {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.html = html
        self.unsubscribeURL = unsubscribeURL
        self.messageID = messageID
        self.date = date
        self.boundary = boundary
    }

    /// A new Message-ID in the sender's domain: `<random@domain>`.
    public static func newMessageID(domain: String) -> String {
        "<\(UUID().uuidString.lowercased()).\(Tokens.random(bytes: 6))@\(domain)>"
    }

    /// The message's bytes.
    public var rendered: [UInt8] {
        var lines = [
            "Date: \(Self.date(date))",
            "From: \(Self.headerSafe(from))",
            "To: \(Self.headerSafe(to))",
            Self.subjectLine(Self.headerSafe(subject)),
            "Message-ID: \(Self.headerSafe(messageID))",
            "MIME-Version: 1.0",
        ]
        if let unsubscribeURL {
            lines.append(Self.folded("List-Unsubscribe: <\(Self.headerSafe(unsubscribeURL).replacingOccurrences(of: " ", with: "%20"))>"))
            lines.append("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
        }
        lines.append("Auto-Submitted: auto-generated")
        if let html {
            lines.append("Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"")
            lines.append("")
            lines.append("This is a message in two formats: plain text and HTML.")
            lines.append("")
            lines.append("--\(boundary)")
            lines += Self.part(body, type: "text/plain")
            lines.append("--\(boundary)")
            lines += Self.part(html, type: "text/html")
            lines.append("--\(boundary)--")
        } else {
            lines += Self.part(body, type: "text/plain")
        }
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    /// A body part's headers, an empty line and its text as base64 of UTF-8 in lines of 76 characters (line ends
    /// made CRLF first, whatever the text used).
    private static func part(_ text: String, type: String) -> [String] {
        var lines = ["Content-Type: \(type); charset=UTF-8", "Content-Transfer-Encoding: base64", ""]
        let crlf = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        let encoded = Data(crlf.utf8).base64EncodedString()
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        return lines
    }

    /// The `Subject:` header: plain ASCII folded at spaces, anything else as encoded words.
    static func subjectLine(_ subject: String) -> String {
        if subject.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) {
            return folded("Subject: \(subject)")
        }
        return "Subject: \(encodedWords(subject, firstLineUsed: "Subject: ".count))"
    }

    /// A header line folded (CRLF and a space) at spaces so that each line is at most `limit` characters where a
    /// space allows it; a single word longer than that stays whole (RFC 5322 allows lines up to 998 characters).
    static func folded(_ line: String, limit: Int = 78) -> String {
        guard line.count > limit else { return line }
        var lines: [String] = []
        var current = ""
        for word in line.split(separator: " ", omittingEmptySubsequences: false) {
            if current.isEmpty && lines.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count > limit, !current.trimmingCharacters(in: .whitespaces).isEmpty {
                lines.append(current)
                current = " " + word
            } else {
                current += " " + word
            }
        }
        lines.append(current)
        return lines.joined(separator: "\r\n")
    }

    /// `text` without line breaks or other control characters, which would end a header early (header injection).
    static func headerSafe(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    }

    /// `text` as it may stand in a header: itself when printable ASCII, else RFC 2047 "B" encoded words of UTF-8
    /// (never splitting a character), folded onto continuation lines so that no line is longer than 76 characters:
    /// the first word leaves room for `firstLineUsed` characters before it (the header's name), each further one
    /// stands after a space.
    static func encodedWords(_ text: String, firstLineUsed: Int = 0) -> String {
        guard !text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) else { return text }
        // A word is "=?UTF-8?B?" + base64 + "?=": 12 characters around 4 for every 3 bytes.
        func budget(_ room: Int) -> Int { max(3, (room - 12) / 4 * 3) }
        var words: [String] = []
        var chunk: [UInt8] = []
        var limit = budget(min(75, 76 - firstLineUsed))
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > limit, !chunk.isEmpty {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
                limit = budget(75)
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// `seconds` as RFC 5322 writes a date: `Sun, 06 Dec 2026 18:40:00 +0000`.
    static func date(_ seconds: Double) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }
}
