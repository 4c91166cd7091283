import Assessment
import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Synchronization
import Testing
@testable import TrainingServer

/// The sender's bookkeeping with a transport that records what it is given and fails on demand (the real SMTP
/// dialogue is tested end to end against aiosmtpd in Tests/e2e/test_mail.py).
@Suite struct MailServiceTests {
    final class RecordingTransport: MailTransport {
        let sent = Mutex<[[UInt8]]>([])
        let failures = Mutex<[String]>([])

        func send(from sender: String, to recipients: [String], message: [UInt8]) throws(MailDeliveryError) {
            if let failure = failures.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) { throw MailDeliveryError(failure) }
            sent.withLock { $0.append(message) }
        }
    }

    private struct Fixture {
        let temporary: TemporaryStore
        let clock = ManualClock()
        let transport = RecordingTransport()
        let service: MailService

        init(attempts: Int = 3, rate: Int = 60) throws {
            temporary = try TemporaryStore()
            var settings = MailSettings(url: "smtp://127.0.0.1:1", from: "academy@example.gov")
            settings.firstRetryDelay = 10
            settings.maximumAttempts = attempts
            settings.ratePerWindow = rate
            service = MailService(settings: settings, store: temporary.store, transport: transport, counters: MailCounters(),
                                  logger: .silent, clock: clock.function)
        }

        func enqueue(_ body: String = "正文", sensitive: Bool = false, expiresAt: Double? = nil) throws -> Int64 {
            try service.outbox.enqueue(OutgoingMail(kind: "test", recipient: "li@example.gov", subject: "主题", body: body,
                                                    expiresAt: expiresAt, sensitive: sensitive), at: clock.now)
        }
    }

    @Test func aDeliveredMessageIsMarkedSentAndNeverSentAgain() throws {
        let fixture = try Fixture()
        let id = try fixture.enqueue(sensitive: true)
        #expect(fixture.service.runOnce() == 1)
        #expect(fixture.service.runOnce() == 0)
        fixture.clock.advance(by: 3600)
        #expect(fixture.service.runOnce() == 0)
        #expect(fixture.transport.sent.withLock { $0.count } == 1)
        let stored = try #require(try fixture.service.outbox.find(id: id))
        #expect(stored.state == .sent && stored.attempts == 1 && stored.sentAt == fixture.clock.now - 3600)
        #expect(stored.body.isEmpty, "a sensitive body is erased once delivered")
        #expect(fixture.service.counters.sentCount == 1)
    }

    @Test func failuresAreRecordedRetriedWithBackoffAndGivenUp() throws {
        let fixture = try Fixture(attempts: 3)
        fixture.transport.failures.withLock { $0 = ["535 no", "535 no", "535 still no"] }
        let id = try fixture.enqueue()
        fixture.service.runOnce()
        var stored = try #require(try fixture.service.outbox.find(id: id))
        #expect(stored.state == .pending && stored.attempts == 1 && stored.lastError == "535 no")
        #expect(stored.nextAttemptAt == fixture.clock.now + 10)
        fixture.clock.advance(by: 9)
        fixture.service.runOnce()
        #expect(try fixture.service.outbox.find(id: id)?.attempts == 1, "not retried before its time")
        fixture.clock.advance(by: 1)
        fixture.service.runOnce()
        stored = try #require(try fixture.service.outbox.find(id: id))
        #expect(stored.attempts == 2 && stored.nextAttemptAt == fixture.clock.now + 20)
        fixture.clock.advance(by: 20)
        fixture.service.runOnce()
        stored = try #require(try fixture.service.outbox.find(id: id))
        #expect(stored.state == .failed && stored.attempts == 3 && stored.lastError == "535 still no")
        #expect(fixture.transport.sent.withLock { $0.isEmpty })
        #expect(fixture.service.counters.failedAttemptCount == 3 && fixture.service.counters.givenUpCount == 1)
    }

    @Test func retriesKeepTheirMessageID() throws {
        let fixture = try Fixture()
        fixture.transport.failures.withLock { $0 = ["421 busy"] }
        let id = try fixture.enqueue()
        fixture.service.runOnce()
        let first = try #require(try fixture.service.outbox.find(id: id)?.messageID)
        fixture.clock.advance(by: 10)
        fixture.service.runOnce()
        let sent = String(decoding: try #require(fixture.transport.sent.withLock { $0.first }), as: UTF8.self)
        #expect(sent.contains("Message-ID: \(first)\r\n"))
    }

    @Test func expiredMessagesAreGivenUpUnsent() throws {
        let fixture = try Fixture()
        let id = try fixture.enqueue("链接", sensitive: true, expiresAt: fixture.clock.now + 5)
        fixture.clock.advance(by: 6)
        #expect(fixture.service.runOnce() == 0)
        let stored = try #require(try fixture.service.outbox.find(id: id))
        #expect(stored.state == .failed && stored.body.isEmpty && stored.lastError?.contains("expired") == true)
    }

    @Test func aClaimLeftBySomeoneWhoStoppedIsGivenUpNotSentTwice() throws {
        let fixture = try Fixture()
        let id = try fixture.enqueue()
        // A sender claimed it and stopped before it could record the outcome.
        _ = try fixture.service.outbox.claimNext(now: fixture.clock.now) { "<x@example.gov>" }
        #expect(fixture.service.runOnce() == 0, "a claimed message is not claimed again")
        #expect(try fixture.service.outbox.abandonInterrupted(claimedBefore: fixture.clock.now - 60, at: fixture.clock.now).isEmpty)
        fixture.clock.advance(by: 600)
        #expect(try fixture.service.outbox.abandonInterrupted(claimedBefore: fixture.clock.now - 60, at: fixture.clock.now) == [id])
        #expect(try fixture.service.outbox.find(id: id)?.state == .failed)
        #expect(fixture.transport.sent.withLock { $0.isEmpty })
    }

    @Test func producersRunBeforeDeliveryOnEachPass() throws {
        let fixture = try Fixture()
        let outbox = fixture.service.outbox
        let clock = fixture.clock
        fixture.service.addProducer {
            try outbox.enqueue(OutgoingMail(kind: "reminder", recipient: "li@example.gov", subject: "提醒", body: "请学习"),
                               at: clock.now)
        }
        #expect(fixture.service.runOnce() == 1)
        #expect(try outbox.counts()[.sent] == 1)
    }

    @Test func theRateLimitSpreadsMessagesOverMinutes() throws {
        let fixture = try Fixture(rate: 2)
        for _ in 0..<5 { _ = try fixture.enqueue() }
        #expect(fixture.service.runOnce() == 2, "two a minute: the first pass sends two of five")
        #expect(try fixture.service.outbox.counts()[.pending] == 3)
        fixture.clock.advance(by: 30)
        #expect(fixture.service.runOnce() == 0, "still the same minute")
        fixture.clock.advance(by: 30)
        #expect(fixture.service.runOnce() == 2)
        fixture.clock.advance(by: 60)
        #expect(fixture.service.runOnce() == 1)
        #expect(try fixture.service.outbox.counts()[.sent] == 5)
        #expect(fixture.transport.sent.withLock { $0.count } == 5)
    }

    @Test func failedAttemptsCountAgainstTheRateAndAnEmptyPassDoesNot() throws {
        let fixture = try Fixture(rate: 2)
        #expect(fixture.service.runOnce() == 0, "nothing queued: no place in the window is used")
        fixture.transport.failures.withLock { $0 = ["421 busy"] }
        _ = try fixture.enqueue()
        _ = try fixture.enqueue()
        _ = try fixture.enqueue()
        #expect(fixture.service.runOnce() == 1, "one failed attempt and one delivery fill the minute")
        #expect(try fixture.service.outbox.counts()[.pending] == 2)
    }

    @Test func theHTMLPartAndUnsubscribeAddressTravelThroughTheOutbox() throws {
        let fixture = try Fixture()
        let html = MailHTML.document(title: "T", language: .en, body: MailHTML.paragraph("Hello"))
        _ = try fixture.service.outbox.enqueue(OutgoingMail(kind: "test", recipient: "li@example.gov", subject: "S",
                                                            body: "Hello", html: html,
                                                            unsubscribeURL: "https://x.example.gov/mail/unsubscribe/t"),
                                               at: fixture.clock.now)
        #expect(fixture.service.runOnce() == 1)
        let sent = String(decoding: try #require(fixture.transport.sent.withLock { $0.first }), as: UTF8.self)
        #expect(sent.contains("Content-Type: multipart/alternative;"))
        #expect(sent.contains("List-Unsubscribe: <https://x.example.gov/mail/unsubscribe/t>\r\n"))
        #expect(sent.contains(Data(html.replacingOccurrences(of: "\n", with: "\r\n").utf8).base64EncodedString().prefix(76)))
    }
}
