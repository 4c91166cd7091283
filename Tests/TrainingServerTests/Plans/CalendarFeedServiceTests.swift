import Curriculum
import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// Feed addresses (stored as digests, reset voids the old one) and what a feed holds: open assignments on their
/// effective due day (逾期 when overdue), certificate expiry, in the person's language.
@Suite struct CalendarFeedServiceTests {
    private func service(_ f: PlanFixture) -> CalendarFeedService {
        let catalogue = f.catalogue
        return CalendarFeedService(feeds: SQLiteCalendarFeeds(store: f.store, clock: f.clock.function),
                                   certificates: SQLiteCertificationRepository(store: f.store), catalogue: { catalogue },
                                   calendar: f.calendar, strings: .shipped, publicURL: "https://academy.example.org/",
                                   clock: f.clock.function)
    }

    private func token(_ address: String) -> String {
        String(address.dropFirst("https://academy.example.org/calendar/".count).dropLast(".ics".count))
    }

    @Test func aResetVoidsTheOldAddressAndOnlyTheDigestIsKept() throws {
        let f = try PlanFixture()
        let person = try f.person("a1", in: f.office)
        let feeds = service(f)
        #expect(try feeds.feeds.feed(of: person.id) == nil)
        let first = try feeds.reset(for: person)
        #expect(first.hasPrefix("https://academy.example.org/calendar/") && first.hasSuffix(".ics"))
        #expect(try feeds.owner(token: token(first))?.id == person.id)
        let stored = try f.store.read { db in try String.fetchAll(db, sql: "SELECT token_hash FROM calendar_feeds") }
        #expect(stored == [Tokens.digest(token(first))], "the token itself is never stored")

        f.clock.advance(by: 7200)
        let second = try feeds.reset(for: person)
        #expect(second != first)
        #expect(try feeds.owner(token: token(first)) == nil, "the old address is void")
        #expect(try feeds.owner(token: token(second))?.id == person.id)
        #expect(try feeds.feeds.feed(of: person.id)?.lastUsedAt == f.clock.now)
        #expect(try feeds.owner(token: "short") == nil && feeds.owner(token: token(second) + "x") == nil)

        try f.users.setDisabled(true, id: person.id, by: .system)
        #expect(try feeds.owner(token: token(second)) == nil, "a disabled account's feed answers nothing")
        try f.users.setDisabled(false, id: person.id, by: .system)
        #expect(try feeds.feeds.remove(userID: person.id, by: AuditActor(person)))
        #expect(try feeds.owner(token: token(second)) == nil)
        #expect(try !feeds.feeds.remove(userID: person.id, by: AuditActor(person)))
        let audit = try f.store.read { db in
            try String.fetchAll(db, sql: """
                SELECT action || ' ' || details FROM audit_log WHERE action LIKE 'calendar.%' ORDER BY id
                """)
        }
        #expect(audit == [#"calendar.reset {"replaced":"0"}"#, #"calendar.reset {"replaced":"1"}"#, "calendar.revoke {}"])
    }

    @Test func theFeedHoldsOpenItemsOnTheirEffectiveDayWithTheDashboardsStatuses() throws {
        let f = try PlanFixture()
        let person = try f.person("a1", in: f.office)
        let overdue = try f.assign("逾期任务", due: .fixed(f.today.adding(days: 2)))
        let soon = try f.assign("近期任务", required: false, due: .afterAssignment(days: 20))
        let exempt = try f.assign("免修任务", due: .afterAssignment(days: 5))
        _ = try f.assign("无截止", due: .none)
        try f.store.write { db in
            try db.execute(sql: "UPDATE assignment_members SET exempt_at = 1 WHERE assignment_id = ?",
                           arguments: [exempt.id.rawValue])
            try db.execute(sql: "UPDATE assignment_members SET extended_day = ? WHERE assignment_id = ?",
                           arguments: [f.today.adding(days: 8).description, soon.id.rawValue])
        }
        f.clock.advance(by: 3 * 86_400)
        let feeds = service(f)
        let items = try feeds.feeds.dueItems(of: person.id, catalogue: f.catalogue, today: f.today)
        #expect(Dictionary(uniqueKeysWithValues: items.map { ($0.assignment.name, $0.status) }) == [
            "逾期任务": .overdue, "近期任务": .dueSoon, "免修任务": .exempt, "无截止": .notStarted,
        ])
        let zh = try feeds.document(for: person)
        #expect(zh.name == "培训日历 · a1")
        #expect(zh.events.map(\.uid) == ["assignment-\(overdue.id)-user-\(person.id)@academy.example.org",
                                         "assignment-\(soon.id)-user-\(person.id)@academy.example.org"])
        let title = f.catalogue.courses[0].title
        #expect(zh.events[0].summary == "【逾期】\(title.zh ?? "") 已过截止日期")
        #expect(zh.events[0].day == f.today.adding(days: -1))
        #expect(zh.events[0].description.contains("状态：逾期") && zh.events[0].description.contains("必修 · 逾期任务"))
        #expect(zh.events[1].summary == "\(title.zh ?? "") 截止" && zh.events[1].day == PlanCalendar().day(of: PlanFixture.start).adding(days: 8),
                "an approved extension's day")
        #expect(zh.events[1].description.contains("选修 · 近期任务") && zh.events[1].description.contains("即将到期"))
        #expect(zh.events[1].url == "https://academy.example.org/courses/\(f.catalogue.courses[0].id.rawValue)")

        try f.users.setLanguage("en", id: person.id)
        let en = try feeds.document(for: try #require(try f.users.find(id: person.id)))
        #expect(en.events[0].summary == "[Overdue] \(title.en ?? "") was due")
        #expect(en.name == "Training calendar · a1")
    }

    @Test func theNewestCertificateOfEachProgrammeGivesItsExpiryUnlessRevoked() throws {
        let f = try PlanFixture()
        let person = try f.person("a1", in: f.office)
        func certificate(_ id: String, issued: Double, expires: Double, revoked: Double? = nil, program: String = "egov")
            -> StoredCertificate {
            StoredCertificate(id: CertificateID(rawValue: id), userID: person.id, programID: program, kind: .initial,
                              issuedAt: issued, expiresAt: expires, revokedAt: revoked, revokedReason: nil, revokedBy: nil,
                              credential: "")
        }
        let start = PlanFixture.start
        let document = service(f).document(for: person, language: .zh, items: [], certificates: [
            certificate("C-1", issued: start - 800 * 86_400, expires: start - 70 * 86_400),
            certificate("C-2", issued: start - 70 * 86_400, expires: start + 660 * 86_400),
            certificate("C-3", issued: start, expires: start + 730 * 86_400, revoked: start + 1, program: "other"),
        ], catalogue: f.catalogue)
        #expect(document.events.map(\.uid) == ["certificate-C-2@academy.example.org"])
        #expect(document.events[0].summary == "证书到期：eGov")
        #expect(document.events[0].day == PlanCalendar().day(of: start + 660 * 86_400))
        #expect(document.events[0].url == "https://academy.example.org/certificates/C-2")
    }
}
