import Assessment
import Foundation
import Testing
@testable import TrainingServer

@Suite struct AdminMailPageTests {
    private func context(_ language: Language) -> PageContext {
        PageContext(language: language, user: nil, csrfToken: "csrf-x", currentPath: "/admin/mail", strings: .shipped)
    }

    private func letter(_ id: Int64, kind: String, sensitive: Bool = false, expiresAt: Double? = nil,
                        error: String = "421 <down>") -> OutboxMessage {
        OutboxMessage(id: id, kind: kind, recipient: "li@example.gov", subject: "绝密主题", body: "绝密正文",
                      html: "<p>绝密正文</p>", unsubscribeURL: nil, sensitive: sensitive, messageID: "<m@example.gov>",
                      state: .failed, attempts: 8, createdAt: 0, nextAttemptAt: 0, expiresAt: expiresAt, sentAt: nil,
                      failedAt: 1_796_000_000, discardedAt: nil, lastError: error)
    }

    @Test(arguments: Language.allCases)
    func deadLettersShowWhatAndWhyButNeverTheContents(language: Language) {
        let model = AdminMailPage.Model(
            settings: MailSettings(url: "smtp://mail.example.gov:587", from: "academy@example.gov"),
            counts: [.pending: 3, .sent: 10, .failed: 4], discarded: 1,
            deadLetters: [letter(7, kind: "plans.digest"), letter(6, kind: "password.reset_link", sensitive: true),
                          letter(5, kind: "custom.kind", expiresAt: 10)],
            deadLetterTotal: 3, now: 100, notice: nil, failure: nil)
        let page = AdminMailPage.render(model, context: context(language), stylesheet: "/s.css").rendered
        #expect(!page.contains("绝密"), "neither subject nor body is shown")
        #expect(page.contains("li@example.gov") && page.contains("421 &lt;down&gt;"))
        #expect(page.contains("action=\"/admin/mail/7/retry\"") && page.contains("action=\"/admin/mail/7/discard\""))
        #expect(!page.contains("/admin/mail/6/retry"), "an erased password link cannot be sent again")
        #expect(!page.contains("/admin/mail/5/retry"), "an expired message cannot be sent again")
        #expect(page.contains("/admin/mail/6/discard") && page.contains("/admin/mail/5/discard"))
        #expect(page.contains("custom.kind"), "a kind without words shows its code")
        #expect(page.contains(language == .zh ? "人事每周逾期汇总" : "Weekly HR overdue digest"))
        #expect(page.contains(language == .zh ? "每分钟最多 60 封" : "at most 60 messages a minute"))
        // Failed 4, of which 1 discarded: 3 dead letters.
        #expect(page.contains(language == .zh ? "未送达（退信）</th><td>3</td>" : "Undelivered (dead letters)</th><td>3</td>"))
        #expect(page.contains("name=\"csrf_token\" value=\"csrf-x\""))
        #expect(page.contains("href=\"/admin/mail\" aria-current=\"page\""))
    }

    @Test func withoutMailItSaysSoAndAnEmptyListIsNamed() {
        let model = AdminMailPage.Model(settings: nil, counts: [:], discarded: 0, deadLetters: [], deadLetterTotal: 0,
                                        now: 0, notice: nil, failure: nil)
        let page = AdminMailPage.render(model, context: context(.en), stylesheet: "/s.css").rendered
        #expect(page.contains("it sends no mail") && page.contains("No undelivered messages."))
    }

    @Test(arguments: Language.allCases)
    func aFullPageOfDeadLettersStaysUnderFiftyKilobytesAndPages(language: Language) {
        let error = String(repeating: "Couldn't connect to server: Failed to connect to 127.0.0.1 port 55293 ", count: 14)
        let letters = (1...Int64(AdminMailPage.pageSize)).map {
            letter($0, kind: "plans.digest", error: String(error.prefix(1000)))
        }
        let model = AdminMailPage.Model(
            settings: MailSettings(url: "smtp://mail.example.gov:587", from: "academy@example.gov"),
            counts: [.failed: 60], discarded: 0, deadLetters: letters, deadLetterTotal: 60, page: 2, pages: 3,
            now: 0, notice: nil, failure: nil)
        let page = AdminMailPage.render(model, context: context(language), stylesheet: "/s.css").rendered
        #expect(page.utf8.count <= 50_000, "\(page.utf8.count) bytes")
        #expect(page.contains("href=\"/admin/mail?page=1\" rel=\"prev\"") && page.contains("href=\"/admin/mail?page=3\" rel=\"next\""))
    }
}
