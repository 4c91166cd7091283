import Assessment
import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// Posting notices: once per person and dedupe key, the unread count on the users row kept by triggers, mail queued
/// in the person's language only where it should be, the reminder preference and its one-click unsubscribe.
@Suite struct NoticeServiceTests {
    struct Fixture {
        let temporary: TemporaryStore
        let users: SQLiteUserRepository
        let department: Department

        init() throws {
            temporary = try TemporaryStore()
            users = SQLiteUserRepository(store: temporary.store, clock: { 1 })
            department = try SQLiteDepartmentRepository(store: temporary.store, clock: { 1 }).ensure(path: ["省", "数据局"], by: .system)
        }

        func person(_ login: String, language: String? = nil, email: String? = nil) throws -> User {
            let user = try users.create(NewUser(login: login, displayName: "名\(login)", departmentID: department.id,
                                                passwordHash: "h", roles: [.learner]), by: .system)
            if let language { try users.setLanguage(language, id: user.id) }
            if let email { try SQLiteMailAddressRepository(store: temporary.store, clock: { 1 }).setEmail(email, id: user.id, by: .system) }
            return user
        }

        func service(mail: Bool) -> NoticeService {
            NoticeService(store: temporary.store, strings: .shipped, publicURL: "https://academy.example/", mailConfigured: mail)
        }

        func post(_ service: NoticeService, _ notice: NewNotice) throws -> NoticeService.Posted {
            try temporary.store.write { db in try service.post(notice, at: 100, in: db) }
        }

        func outbox() throws -> [OutboxMessage] { try SQLiteMailOutbox(store: temporary.store).recent(limit: 100) }

        func unread(_ user: User) throws -> Int { try users.find(id: user.id)?.unreadNotices ?? -1 }
    }

    static func dueSoon(_ user: User, day: String = "2026-12-20") -> NewNotice {
        NewNotice(userID: user.id, kind: .assignmentDueSoon, parameters: ["name": "信息安全复训", "due": day],
                  link: "/due/4", dedupeKey: "assignment:4:due_soon:\(day)")
    }

    @Test func aNoticePostedTwiceIsStoredOnceAndCountedUnreadUntilRead() throws {
        let fixture = try Fixture()
        let li = try fixture.person("li")
        let service = fixture.service(mail: false)
        #expect(try fixture.post(service, Self.dueSoon(li)).noticeID != nil)
        #expect(try fixture.post(service, Self.dueSoon(li)).noticeID == nil)
        #expect(try fixture.post(service, Self.dueSoon(li, day: "2026-12-27")).noticeID != nil)
        #expect(try fixture.unread(li) == 2)
        let notices = try service.notices.notices(of: li.id, limit: 30, offset: 0)
        #expect(notices.map(\.parameters["due"]) == ["2026-12-27", "2026-12-20"], "newest first")
        #expect(try service.notices.markRead(id: notices[0].id, of: li.id, at: 200))
        #expect(try !service.notices.markRead(id: notices[0].id, of: li.id, at: 201), "read already")
        #expect(try fixture.unread(li) == 1)
        let other = try fixture.person("wang")
        #expect(try !service.notices.markRead(id: notices[1].id, of: other.id, at: 200), "not theirs")
        #expect(try service.notices.markAllRead(of: li.id, at: 300) == 1)
        #expect(try fixture.unread(li) == 0)
        #expect(try service.notices.counts(of: li.id) == (total: 2, unread: 0))
        #expect(try fixture.outbox().isEmpty, "mail is off: nothing queued")
    }

    @Test func aReminderIsMailedInThePersonsLanguageWithAnUnsubscribeLink() throws {
        let fixture = try Fixture()
        let zh = try fixture.person("li", language: "zh", email: "li@example.gov")
        let en = try fixture.person("amy", language: "en", email: "amy@example.gov")
        let both = try fixture.person("zhao", email: "zhao@example.gov")
        let none = try fixture.person("wu", language: "zh")
        let service = fixture.service(mail: true)
        for user in [zh, en, both, none] { _ = try fixture.post(service, Self.dueSoon(user)) }
        let mails = Dictionary(uniqueKeysWithValues: try fixture.outbox().map { ($0.recipient, $0) })
        #expect(mails.count == 3, "no address, no mail")
        #expect(mails["li@example.gov"]?.subject == "【培训提醒】即将到期：信息安全复训")
        #expect(mails["li@example.gov"]?.body.contains("2026年12月20日") == true)
        #expect(mails["li@example.gov"]?.body.contains("https://academy.example/due/4") == true)
        #expect(mails["amy@example.gov"]?.subject == "[Training] Due soon: 信息安全复训")
        #expect(mails["amy@example.gov"]?.body.contains("20 December 2026") == true)
        #expect(mails["amy@example.gov"]?.body.contains("Dear 名amy,") == true)
        #expect(mails["zhao@example.gov"]?.subject == "【培训提醒】即将到期：信息安全复训 / [Training] Due soon: 信息安全复训")
        #expect(mails["li@example.gov"]?.kind == "notice.assignment.due_soon")
        let link = try #require(mails["li@example.gov"]?.body.firstMatch(of: /https:\/\/academy\.example\/mail\/unsubscribe\/([A-Za-z0-9_-]{43})/))
        let token = String(link.1)
        #expect(mails["li@example.gov"]?.unsubscribeURL == "https://academy.example/mail/unsubscribe/\(token)")
        let html = try #require(mails["li@example.gov"]?.html)
        #expect(html.contains("<html lang=\"zh-CN\">") && html.contains("即将到期：信息安全复训"))
        #expect(html.contains("<a href=\"https://academy.example/due/4\""))
        #expect(mails["zhao@example.gov"]?.html?.contains("<div lang=\"en\">") == true, "both languages")
        #expect(try service.unsubscribeState(token: token) == true)
        #expect(try service.unsubscribe(token: token, at: 500) == true)
        #expect(try service.unsubscribe(token: token, at: 501) == false, "a second click changes nothing")
        #expect(try service.notices.reminderMail(of: zh.id) == false)
        #expect(try service.unsubscribe(token: String(repeating: "A", count: 43), at: 500) == nil)
        #expect(try service.unsubscribe(token: "short", at: 500) == nil)
        let stored = try fixture.temporary.store.read { db in try String.fetchAll(db, sql: "SELECT token_hash FROM mail_unsubscribe_tokens") }
        #expect(!stored.contains(token) && stored.contains(Tokens.digest(token)), "only the digest is kept")
    }

    @Test func turningRemindersOffStopsRemindersButNotNoticesThatMustBeDelivered() throws {
        let fixture = try Fixture()
        let li = try fixture.person("li", language: "zh", email: "li@example.gov")
        let service = fixture.service(mail: true)
        #expect(try service.notices.setReminderMail(false, of: li.id, at: 2))
        _ = try fixture.post(service, Self.dueSoon(li))
        #expect(try fixture.outbox().isEmpty)
        let revoked = NewNotice(userID: li.id, kind: .certificateRevoked, parameters: ["name_zh": "信息安全认证", "name_en": "Security"],
                                link: "/programs/security", dedupeKey: "certificate:1:revoked")
        let posted = try fixture.post(service, revoked)
        #expect(posted.mailID != nil)
        let mail = try #require(try fixture.outbox().first)
        #expect(mail.subject == "【培训提醒】证书已撤销：信息安全认证")
        #expect(!mail.body.contains("/mail/unsubscribe/"), "no unsubscribe link on a notice that must be delivered")
        #expect(mail.unsubscribeURL == nil && mail.html?.contains("/mail/unsubscribe/") == false)
        #expect(mail.body.contains("必须送达"))
        let refused = NewNotice(userID: li.id, kind: .extensionRefused, parameters: ["name": "复训", "note": "名额已满"],
                                dedupeKey: "extension:9")
        _ = try fixture.post(service, refused)
        #expect(try fixture.outbox().count == 2)
        let announcement = NewNotice(userID: li.id, kind: .announcement, parameters: ["name": "春节安排"], dedupeKey: "announcement:1")
        #expect(try service.notices.setReminderMail(true, of: li.id, at: 3))
        #expect(try fixture.post(service, announcement).mailID == nil, "announcements are read in the platform, not mailed")
    }

    @Test func wordsFillTheKindsSentenceInEachLanguage() {
        let zh = NoticeWords(strings: .shipped, language: .zh)
        let en = NoticeWords(strings: .shipped, language: .en)
        let parameters = ["name_zh": "信息安全", "name_en": "Information security", "due": "2027-01-05"]
        #expect(zh.title(.certificateExpiring, parameters) == "证书即将到期：信息安全")
        #expect(en.text(.certificateExpiring, parameters).contains("Information security"))
        #expect(en.text(.certificateExpiring, parameters).contains("5 January 2027"))
        #expect(zh.text(.assignmentAssigned, ["name": "复训"]) == "您有一项新的培训任务“复训”。")
        #expect(zh.text(.extensionRefused, ["name": "复训", "note": "名额已满"]).hasSuffix("说明：名额已满"))
        for kind in NoticeKind.allCases {
            #expect(!zh.title(kind, ["name": "x"]).hasPrefix("notices."), "\(kind) has words")
            #expect(!en.text(kind, ["name": "x", "due": "2027-01-05"]).hasPrefix("notices."), "\(kind) has words")
        }
    }
}
