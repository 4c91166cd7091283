import Foundation

/// An Internet message (RFC 5322) as it goes over SMTP: `Date`, `From`, `To`, `Subject` (an RFC 2047 encoded word
/// when it is not plain ASCII), `Message-ID`, MIME headers, and a UTF-8 plain-text body in base64, every line ended
/// by CRLF and at most 78 characters long.
public struct MailMessage: Sendable, Hashable {
    public var from: String
    public var to: String
    public var subject: String
    public var body: String
    public var messageID: String
    public var date: Double

    public init(from: String, to: String, subject: String, body: String, messageID: String, date: Double) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.messageID = messageID
        self.date = date
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
            "Subject: \(Self.encodedWords(Self.headerSafe(subject)))",
            "Message-ID: \(Self.headerSafe(messageID))",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
            "Auto-Submitted: auto-generated",
            "",
        ]
        // Line ends as CRLF whatever the text used, then base64 in lines of 76 characters.
        let text = body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        let encoded = Data(text.utf8).base64EncodedString()
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    /// `text` without line breaks or other control characters, which would end a header early (header injection).
    static func headerSafe(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    }

    /// `text` as it may stand in a header: itself when printable ASCII, else RFC 2047 "B" encoded words of UTF-8
    /// (each at most 75 characters, never splitting a character), folded onto continuation lines.
    static func encodedWords(_ text: String) -> String {
        guard !text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) else { return text }
        var words: [String] = []
        var chunk: [UInt8] = []
        // 45 bytes of UTF-8 make 60 characters of base64; with "=?UTF-8?B?" and "?=" a word is 72 characters.
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45, !chunk.isEmpty {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
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
