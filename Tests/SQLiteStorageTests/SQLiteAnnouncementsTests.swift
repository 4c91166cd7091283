import Assessment
import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// Announcements reach everyone enabled in the department's subtree (never a sibling), people who come into the
/// subtree later once, and withdrawing removes what they were sent; the unread counts follow.
@Suite struct SQLiteAnnouncementsTests {
    @Test func anAnnouncementReachesTheSubtreeOnceAndIsWithdrawnWithItsNotices() throws {
        let temporary = try TemporaryStore()
        let clock = ManualClock(1_800_000_000)
        let departments = SQLiteDepartmentRepository(store: temporary.store, clock: clock.function)
        let users = SQLiteUserRepository(store: temporary.store, clock: clock.function)
        let bureau = try departments.ensure(path: ["省", "数据局"], by: .system)
        let office = try departments.ensure(path: ["省", "数据局", "综合处"], by: .system)
        let sibling = try departments.ensure(path: ["省", "ZZMARKER厅"], by: .system)
        func person(_ login: String, _ department: Department) throws -> User {
            try users.create(NewUser(login: login, displayName: login, departmentID: department.id, passwordHash: "h",
                                     roles: [.learner]), by: .system)
        }
        let head = try person("head", bureau)
        let clerk = try person("clerk", office)
        let marker = try person("zzmarker.b", sibling)
        let gone = try person("gone", office)
        try users.setDisabled(true, id: gone.id, by: .system)
        let announcements = SQLiteAnnouncements(store: temporary.store)
        let notices = SQLiteNotices(store: temporary.store)
        let planner = AuditActor(userID: head.id, name: "head")
        let published = try announcements.publish(.init(department: bureau, title: "春节值班安排", body: "第一段。\n\n第二段。",
                                                        endsOn: ISODay("2027-02-01")), by: planner, at: clock.now)
        #expect(published.recipients == 2)
        #expect(try users.find(id: clerk.id)?.unreadNotices == 1)
        #expect(try users.find(id: marker.id)?.unreadNotices == 0, "a sibling department is never reached")
        #expect(try notices.notices(of: gone.id, limit: 10, offset: 0).isEmpty, "disabled people are left out")
        let today = ISODay("2027-01-10")!
        let shown = try notices.unreadAnnouncements(of: clerk.id, today: today)
        #expect(shown.map(\.announcement.title) == ["春节值班安排"])
        #expect(shown.first?.announcement.paragraphs == ["第一段。", "第二段。"])
        #expect(try notices.unreadAnnouncements(of: clerk.id, today: ISODay("2027-02-02")!).isEmpty, "past its last day")

        // Someone who comes into the subtree later gets it once; those who had it are not posted again.
        clock.advance(by: 60)
        let newcomer = try person("newcomer", office)
        #expect(try announcements.catchUp(today: today, at: clock.now) == 1)
        #expect(try announcements.catchUp(today: today, at: clock.now) == 0)
        #expect(try users.find(id: newcomer.id)?.unreadNotices == 1)
        #expect(try announcements.catchUp(today: ISODay("2027-02-02")!, at: clock.now) == 0)

        let listed = try announcements.list(prefixes: [bureau.idPath], limit: 10, offset: 0)
        #expect(listed.total == 1 && listed.announcements.first?.recipients == 3 && listed.announcements.first?.readers == 0)
        #expect(try announcements.list(prefixes: [sibling.idPath], limit: 10, offset: 0).total == 0)
        let clerkNotice = try #require(try notices.noticeFor(announcement: published.id, of: clerk.id))
        try notices.markRead(id: clerkNotice.id, of: clerk.id, at: clock.now)
        #expect(try announcements.withCounts(id: published.id)?.readers == 1)

        #expect(try announcements.withdraw(id: published.id, by: planner, at: clock.now))
        #expect(try !announcements.withdraw(id: published.id, by: planner, at: clock.now))
        #expect(try users.find(id: newcomer.id)?.unreadNotices == 0)
        #expect(try users.find(id: head.id)?.unreadNotices == 0)
        #expect(try notices.notices(of: clerk.id, limit: 10, offset: 0).isEmpty)
        #expect(try announcements.find(id: published.id)?.withdrawnAt != nil)
        let actions = try SQLiteAuditLog(store: temporary.store, clock: clock.function).recent(limit: 20).map(\.action)
        #expect(actions.contains("announcement.publish") && actions.contains("announcement.withdraw"))
    }

    @Test func aDraftIsCheckedBeforeAnythingIsStored() {
        let today = ISODay("2027-01-10")!
        #expect(AnnouncementProblem.check(title: "", body: "", endsOn: "", today: today).problems == [.titleMissing, .bodyMissing])
        #expect(AnnouncementProblem.check(title: "a\u{7}", body: "x\ny", endsOn: "2027-02-30", today: today).problems
            == [.titleControl, .endsOnInvalid])
        #expect(AnnouncementProblem.check(title: "t", body: String(repeating: "字", count: 10_001), endsOn: "2027-01-09",
                                          today: today).problems == [.bodyTooLong, .endsOnPast])
        let fine = AnnouncementProblem.check(title: "t", body: "b", endsOn: "2027-01-10", today: today)
        #expect(fine.problems.isEmpty && fine.endsOn == today)
    }
}
