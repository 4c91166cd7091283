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
}
