import Curriculum
import Foundation
import PostgresStorage
import Testing
import SQLiteStorage
import TrainingServer

/// Calendar feed tokens and what a feed lists give the same answers on SQLite and PostgreSQL: one token per person
/// (a reset replaces it, audited with whether it did), a removal audited only when there was a feed, owners only
/// while enabled with "last fetched" written at most hourly, and due items for current, not withdrawn assignments
/// with the status the HR counts give, never another person's.
@Suite struct CalendarFeedsConformanceTests {
    static let first = String(repeating: "a", count: 64)
    static let second = String(repeating: "b", count: 64)

    static func audit(_ storage: StorageFixture, _ action: String) throws -> [AuditEntry] {
        try storage.audit.recent(limit: 100).filter { $0.action == action }
    }

    @Test(arguments: StorageKind.enabled)
    func aResetReplacesThePersonsTokenAndIsAudited(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let feeds = storage.node.calendarFeeds
            let user = try storage.user("li", in: try storage.department("处"))
            #expect(try feeds.feed(of: user.id) == nil)
            #expect(try feeds.reset(userID: user.id, tokenHash: Self.first, by: .commandLine) == false)
            #expect(try feeds.feed(of: user.id) == CalendarFeedRecord(createdAt: storage.clock.current, lastUsedAt: nil))
            #expect(try feeds.owner(tokenHash: Self.first) == user)
            storage.clock.advance(by: 60)
            #expect(try feeds.reset(userID: user.id, tokenHash: Self.second, by: .commandLine) == true)
            #expect(try feeds.feed(of: user.id) == CalendarFeedRecord(createdAt: storage.clock.current, lastUsedAt: nil),
                    "a new token starts unused")
            #expect(try feeds.owner(tokenHash: Self.first) == nil, "the old token stops working")
            #expect(try feeds.owner(tokenHash: Self.second) == user)
            let resets = try Self.audit(storage, "calendar.reset")
            #expect(resets.map(\.details) == [#"{"replaced":"1"}"#, #"{"replaced":"0"}"#])
            #expect(resets.allSatisfy { $0.subject == "user:\(user.id)" })
            #expect(try storage.count("calendar_feeds") == 1)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func aRemovalIsAuditedOnlyWhenThereWasAFeed(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let feeds = storage.node.calendarFeeds
            let user = try storage.user("li", in: try storage.department("处"))
            #expect(try feeds.remove(userID: user.id, by: .commandLine) == false)
            #expect(try Self.audit(storage, "calendar.revoke").isEmpty)
            try feeds.reset(userID: user.id, tokenHash: Self.first, by: .commandLine)
            #expect(try feeds.remove(userID: user.id, by: .commandLine) == true)
            #expect(try feeds.feed(of: user.id) == nil && feeds.owner(tokenHash: Self.first) == nil)
            #expect(try Self.audit(storage, "calendar.revoke").count == 1)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func ownersAreEnabledPeopleAndUseIsNotedHourly(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let feeds = storage.node.calendarFeeds
            let user = try storage.user("li", in: try storage.department("处"))
            try feeds.reset(userID: user.id, tokenHash: Self.first, by: .commandLine)
            let start = storage.clock.current
            #expect(try feeds.owner(tokenHash: Self.first) == user)
            #expect(try feeds.feed(of: user.id)?.lastUsedAt == start)
            storage.clock.advance(by: 3_000)
            #expect(try feeds.owner(tokenHash: Self.first) == user)
            #expect(try feeds.feed(of: user.id)?.lastUsedAt == start, "within the hour nothing is written")
            storage.clock.advance(by: 600)
            #expect(try feeds.owner(tokenHash: Self.first) == user)
            #expect(try feeds.feed(of: user.id)?.lastUsedAt == start + 3_600)
            try storage.accounts.setDisabled(true, id: user.id, reason: "离职", by: .system)
            #expect(try feeds.owner(tokenHash: Self.first) == nil, "a disabled person's feed shows nothing")
            #expect(try feeds.owner(tokenHash: Self.second) == nil)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func dueItemsAreThePersonsCurrentAssignmentsWithTheirStatus(_ kind: StorageKind) throws {
        try StorageFixture.with(kind, clock: TestClock(AssignmentsConformanceTests.start)) { storage in
            let plan = try AssignmentsConformanceTests.Plan(storage)
            let feeds = storage.node.calendarFeeds
            let catalogue = AssignmentsConformanceTests.catalogue
            let person = try plan.person("li", in: plan.office)
            let marker = try plan.person("zzmarker", in: plan.sibling)
            let course = try plan.assign("年度培训", due: .afterAssignment(days: 30))
            let withdrawn = try plan.assign("旧计划", due: .afterAssignment(days: 10))
            let elsewhere = try plan.assign("人社培训", at: plan.sibling)
            #expect(try plan.repository.withdraw(withdrawn.id, by: .system))
            let today = plan.today
            var items = try feeds.dueItems(of: person.id, catalogue: catalogue, today: today)
            #expect(items.map(\.assignment.id) == [course.id], "neither withdrawn nor other departments' assignments")
            #expect(items.first?.status == .notStarted)
            #expect(items.first?.member == (try plan.repository.member(course.id, userID: person.id)))
            #expect(items.first?.member.dueDay == today.adding(days: 30))
            try storage.execute("""
                INSERT INTO module_progress (user_id, course_id, module_id, seconds, started_at, last_activity_at,
                                             completed_at, content_hash)
                VALUES (?, 'ethics', 'm1', 600, 1, 2, 3, 'h')
                """, [.int(person.id.rawValue)])
            items = try feeds.dueItems(of: person.id, catalogue: catalogue, today: today)
            #expect(items.map(\.status) == [.inProgress])
            items = try feeds.dueItems(of: person.id, catalogue: catalogue, today: today.adding(days: 31))
            #expect(items.map(\.status) == [.overdue])
            #expect(try feeds.dueItems(of: marker.id, catalogue: catalogue, today: today).map(\.assignment.id) == [elsewhere.id])
        }
    }
}
