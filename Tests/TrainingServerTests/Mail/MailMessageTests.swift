import Assessment
import Foundation
import Testing
@testable import TrainingServer

@Suite struct MailMessageTests {
    private func headers(_ message: MailMessage) -> (headers: String, body: String) {
        let text = String(decoding: message.rendered, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        return (parts[0], parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    @Test func aChineseSubjectBecomesEncodedWordsThatDecodeBack() throws {
        let subject = String(repeating: "重置您的密码", count: 6) + " / Set a new password"
        let encoded = MailMessage.encodedWords(subject)
        let words = encoded.components(separatedBy: "\r\n ")
        #expect(words.count > 1)
        var decoded = Data()
        for word in words {
            #expect(word.count <= 75 && word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            decoded += try #require(Data(base64Encoded: String(word.dropFirst(10).dropLast(2))))
            // Every word is whole UTF-8 on its own: no character is split between two words.
            #expect(String(data: try #require(Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))), encoding: .utf8) != nil)
        }
        #expect(String(decoding: decoded, as: UTF8.self) == subject)
        #expect(MailMessage.encodedWords("Plain ASCII") == "Plain ASCII")
    }

    @Test func headersCarryDateMessageIDAndMIMEAndNoInjectedLines() throws {
        let message = MailMessage(from: "academy@example.gov", to: "li@example.gov",
                                  subject: "Hello\r\nBcc: spy@example.com", body: "第一行\n第二行\n",
                                  messageID: "<abc@example.gov>", date: 1_796_000_000)
        let (head, body) = headers(message)
        let lines = head.components(separatedBy: "\r\n")
        #expect(lines.contains("Date: Mon, 30 Nov 2026 00:53:20 +0000"))
        #expect(lines.contains("Message-ID: <abc@example.gov>"))
        #expect(lines.contains("From: academy@example.gov") && lines.contains("To: li@example.gov"))
        #expect(lines.contains("Content-Type: text/plain; charset=UTF-8"))
        #expect(lines.contains("Content-Transfer-Encoding: base64"))
        #expect(!lines.contains { $0.hasPrefix("Bcc:") })
        #expect(lines.contains("Subject: Hello  Bcc: spy@example.com"))
        let decoded = try #require(Data(base64Encoded: body.replacingOccurrences(of: "\r\n", with: "")))
        #expect(String(decoding: decoded, as: UTF8.self) == "第一行\r\n第二行\r\n")
        #expect(body.components(separatedBy: "\r\n").allSatisfy { $0.count <= 76 })
    }

    @Test func newMessageIDsAreUniqueInTheSendersDomain() {
        let first = MailMessage.newMessageID(domain: "example.gov")
        #expect(first.hasPrefix("<") && first.hasSuffix("@example.gov>"))
        #expect(first != MailMessage.newMessageID(domain: "example.gov"))
    }

    @Test func addressesAreCheckedStrictly() {
        for good in ["li@example.gov", "zhang.wei+training@mail.example.gov.cn"] { #expect(MailAddress.isValid(good)) }
        for bad in ["", "li", "li@", "@example.gov", "li@example", "li xue@example.gov", "<li@example.gov>",
                    "li@example.gov\r\nBcc: x@y.z", "李@example.gov", "a@b@example.gov", "li@-example.gov"] {
            #expect(!MailAddress.isValid(bad), "\(bad)")
        }
        #expect(MailAddress.normalized("  li@example.gov \n") == "li@example.gov")
    }

    @Test func smtpURLsMustBeSMTPWithoutCredentials() {
        #expect(MailSettings.problem(url: "smtp://127.0.0.1:2525") == nil)
        #expect(MailSettings.problem(url: "smtps://mail.example.gov:465") == nil)
        for bad in ["http://mail.example.gov", "smtp://user:pw@mail.example.gov", "mail.example.gov:25", "smtp://"] {
            #expect(MailSettings.problem(url: bad) != nil, "\(bad)")
        }
    }

    @Test func retriesDoubleUpToTheLimitThenStop() {
        var settings = MailSettings(url: "smtp://127.0.0.1:25", from: "a@example.gov")
        settings.firstRetryDelay = 60
        settings.maximumRetryDelay = 300
        settings.maximumAttempts = 5
        #expect((1...4).map { settings.retryDelay(afterAttempts: $0) } == [60, 120, 240, 300])
        #expect(settings.retryDelay(afterAttempts: 5) == nil)
    }

    /// The message split at its multipart boundary: the top headers and each part's headers and decoded text.
    private func parts(_ message: MailMessage) throws -> (head: String, parts: [(head: String, text: String)]) {
        let text = String(decoding: message.rendered, as: UTF8.self)
        let (head, body) = headers(message)
        #expect(text.hasSuffix("--\(message.boundary)--\r\n"))
        let pieces = body.components(separatedBy: "--\(message.boundary)")
        // Preamble, the parts, and after the closing delimiter ("--" and the final CRLF).
        #expect(pieces.count == 4 && pieces[3] == "--\r\n")
        let decoded = try pieces[1...2].map { piece -> (head: String, text: String) in
            let split = piece.components(separatedBy: "\r\n\r\n")
            let data = try #require(Data(base64Encoded: split[1].replacingOccurrences(of: "\r\n", with: "")))
            return (split[0], String(decoding: data, as: UTF8.self))
        }
        return (head, decoded)
    }

    @Test func textAndHTMLBecomeAMultipartAlternativeTextFirst() throws {
        let html = MailHTML.document(title: "逾期提醒", language: .zh, body: MailHTML.paragraph("<b>不是标签</b> & 你好"))
        let message = MailMessage(from: "academy@example.gov", to: "li@example.gov", subject: "逾期提醒",
                                  body: "你好\n第二行\n", html: html, messageID: "<m@example.gov>", date: 1_796_000_000,
                                  boundary: "=_part_test")
        let (head, parts) = try parts(message)
        let lines = head.components(separatedBy: "\r\n")
        #expect(lines.contains("Content-Type: multipart/alternative;") && lines.contains(" boundary=\"=_part_test\""))
        #expect(lines.contains("MIME-Version: 1.0"))
        #expect(!lines.contains { $0.hasPrefix("List-Unsubscribe") }, "nothing to unsubscribe from unless given")
        #expect(parts[0].head == "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64"
                || parts[0].head == "\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64")
        #expect(parts[0].text == "你好\r\n第二行\r\n")
        #expect(parts[1].head.contains("Content-Type: text/html; charset=UTF-8"))
        #expect(parts[1].text.contains("<html lang=\"zh-CN\">") && parts[1].text.contains("<meta charset=\"utf-8\">"))
        #expect(parts[1].text.contains("&lt;b&gt;不是标签&lt;/b&gt; &amp; 你好"), "text is escaped by construction")
        #expect(parts[1].text.contains("\r\n") && !parts[1].text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        let rendered = String(decoding: message.rendered, as: UTF8.self)
        #expect(rendered.components(separatedBy: "\r\n").allSatisfy { $0.count <= 78 })
        #expect(!rendered.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "every line ends with CRLF")
    }

    @Test func oneClickUnsubscribeHeadersAreSentWhenGiven() {
        let message = MailMessage(from: "academy@example.gov", to: "li@example.gov", subject: "Reminder", body: "x",
                                  html: "<p>x</p>", unsubscribeURL: "https://academy.example.gov/mail/unsubscribe/abc\r\nBcc: x",
                                  messageID: "<m@example.gov>", date: 0)
        let (head, _) = headers(message)
        #expect(head.components(separatedBy: "\r\n").allSatisfy { $0.count <= 78 })
        // Unfolded (a CRLF before a space joins the lines).
        let lines = head.replacingOccurrences(of: "\r\n ", with: " ").components(separatedBy: "\r\n")
        #expect(lines.contains("List-Unsubscribe: <https://academy.example.gov/mail/unsubscribe/abc%20%20Bcc:%20x>"))
        #expect(lines.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"))
        #expect(!lines.contains { $0.hasPrefix("Bcc") })
    }

    @Test func longSubjectsAreFoldedWithinTheLineLimits() throws {
        let ascii = String(repeating: "Overdue training reminder ", count: 8).trimmingCharacters(in: .whitespaces)
        let folded = MailMessage.subjectLine(ascii)
        let asciiLines = folded.components(separatedBy: "\r\n")
        #expect(asciiLines.count > 1 && asciiLines.allSatisfy { $0.count <= 78 })
        #expect(asciiLines.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        // Unfolding (dropping each CRLF before a space) gives the subject back.
        #expect(folded.replacingOccurrences(of: "\r\n", with: "") == "Subject: " + ascii)
        let chinese = MailMessage.subjectLine(String(repeating: "信息安全培训逾期提醒", count: 5) + " (2026-W50)")
        let chineseLines = chinese.components(separatedBy: "\r\n")
        #expect(chineseLines.count > 2 && chineseLines.allSatisfy { $0.count <= 76 }, "RFC 2047: 76 with encoded words")
        #expect(chineseLines[0].hasPrefix("Subject: =?UTF-8?B?"))
    }
}
