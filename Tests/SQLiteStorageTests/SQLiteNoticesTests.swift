import Assessment
import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// The users row counts a person's unread notices and, among them, their unread announcements; triggers keep both
/// in step with every insert, read, unread and delete, so the header and the dashboard need no query to know.
@Suite struct SQLiteNoticesTests {
    @Test func theUnreadAnnouncementCountFollowsEveryChange() throws {
        let temporary = try TemporaryStore()
        let users = SQLiteUserRepository(store: temporary.store, clock: { 1 })
        let bureau = try SQLiteDepartmentRepository(store: temporary.store, clock: { 1 }).ensure(path: ["省", "数据局"], by: .system)
        let li = try users.create(NewUser(login: "li", displayName: "李", departmentID: bureau.id, passwordHash: "h",
                                          roles: [.learner]), by: .system)
        let notices = SQLiteNotices(store: temporary.store)
        let announcements = SQLiteAnnouncements(store: temporary.store)
        func counts() throws -> [Int] {
            let user = try #require(try users.find(id: li.id))
            return [user.unreadNotices, user.unreadAnnouncements]
        }
        #expect(try counts() == [0, 0])

        let first = try announcements.publish(.init(department: bureau, title: "一", body: "正文", endsOn: nil), by: .system, at: 10)
        let second = try announcements.publish(.init(department: bureau, title: "二", body: "正文", endsOn: nil), by: .system, at: 11)
        _ = try temporary.store.write { db in
            try SQLiteNotices.insert(NewNotice(userID: li.id, kind: .assignmentDueSoon, parameters: ["name": "复训"],
                                               link: "/due/4", dedupeKey: "assignment:4:due_soon:2027-01-20"), at: 12, in: db)
        }
        #expect(try counts() == [3, 2])

        let firstNotice = try #require(try notices.noticeFor(announcement: first.id, of: li.id))
        #expect(try notices.markRead(id: firstNotice.id, of: li.id, at: 20))
        #expect(try counts() == [2, 1])
        try temporary.store.write { db in
            try db.execute(sql: "UPDATE notices SET read_at = NULL WHERE id = ?", arguments: [firstNotice.id])
        }
        #expect(try counts() == [3, 2], "unread again")

        // Withdrawing removes the notices it posted, read or not; only unread ones count down.
        #expect(try notices.markRead(id: firstNotice.id, of: li.id, at: 21))
        #expect(try announcements.withdraw(id: first.id, by: .system, at: 30))
        #expect(try counts() == [2, 1])
        #expect(try announcements.withdraw(id: second.id, by: .system, at: 31))
        #expect(try counts() == [1, 0])
        #expect(try notices.markAllRead(of: li.id, at: 40) == 1)
        #expect(try counts() == [0, 0])

        _ = try announcements.publish(.init(department: bureau, title: "三", body: "正文", endsOn: nil), by: .system, at: 50)
        #expect(try counts() == [1, 1])
        #expect(try notices.markAllRead(of: li.id, at: 60) == 1)
        #expect(try counts() == [0, 0])
    }
}
