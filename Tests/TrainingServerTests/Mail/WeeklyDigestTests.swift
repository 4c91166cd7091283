import Assessment
import Curriculum
import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// The weekly HR digest against a real database: who gets one, what it says, scope, and at most one per person and
/// week even from two servers.
@Suite struct WeeklyDigestTests {
    /// Monday 2027-01-18 08:00 in Shanghai (the fixture starts on Friday 2027-01-15 12:00).
    static let monday = PlanFixture.start + 2 * 86_400 + 20 * 3600

    private func digest(_ f: PlanFixture, weekday: Int = 1, hour: Int = 8, language: Localization = .shipped) -> WeeklyDigest {
        let catalogue = f.catalogue
        return WeeklyDigest(store: f.store, strings: language, catalogue: { catalogue },
                            schedule: WeeklyDigestSchedule(weekday: weekday, hour: hour, timeZone: PlanCalendar().timeZone),
                            publicURL: "https://academy.example.gov", logger: .silent, clock: f.clock.function)
    }

    private func go(_ f: PlanFixture, _ moment: Double) { f.clock.advance(by: moment - f.clock.now) }

    private func setEmail(_ f: PlanFixture, _ user: User, _ email: String, language: String? = nil) throws {
        try f.store.write { db in
            try db.execute(sql: "UPDATE users SET email = ?, language = ? WHERE id = ?",
                           arguments: [email, language, user.id.rawValue])
        }
    }

    private func outbox(_ f: PlanFixture) throws -> [OutboxMessage] {
        try SQLiteMailOutbox(store: f.store).recent(limit: 100).reversed()
    }

    /// An organisation with overdue people on both sides: hr (数据局, English) sees a1 and a2, never the marker
    /// person in the sibling bureau.
    private func organisation(_ f: PlanFixture) throws -> (hr: User, sibling: User) {
        let hr = try f.person("hr", in: f.bureau, grants: [RoleGrant(role: .hr, departmentID: f.bureau.id)])
        try setEmail(f, hr, "hr@example.gov", language: "en")
        let sibling = try f.person("hr.sibling", in: f.sibling, grants: [RoleGrant(role: .hr, departmentID: f.sibling.id)])
        try setEmail(f, sibling, "hr.sibling@example.gov")
        let admin = try f.person("admin", in: f.province, grants: [RoleGrant(role: .admin, departmentID: f.province.id)])
        try setEmail(f, admin, "admin@example.gov")
        try f.person("hr.noaddress", in: f.bureau, grants: [RoleGrant(role: .hr, departmentID: f.bureau.id)])
        try f.person("a1", in: f.office)
        try f.person("a2", in: f.bureau)
        try f.person("zzmarker", in: f.sibling)
        return (hr, sibling)
    }

    @Test func eachHRPersonGetsOneDigestOfTheirScopeOnlyAndNeverTwiceAWeek() throws {
        let f = try PlanFixture()
        let (hr, _) = try organisation(f)
        // Anchored at the province: everybody is a member; due on Sunday, so overdue on Monday.
        let plan = try f.assign("信息安全 <复训>", at: f.province, due: .fixed(ISODay("2027-01-17")!))
        // Not due yet: never in a digest.
        _ = try f.assign("保密教育", at: f.province, due: .fixed(ISODay("2027-03-01")!))
        go(f, Self.monday - 60)
        #expect(try digest(f).run() == 0, "not before Monday 08:00")
        go(f, Self.monday)
        let first = digest(f)
        #expect(try first.run() == 2, "hr and hr.sibling; not the administrator, not the person without an address")
        #expect(try first.run() == 0)
        #expect(try digest(f).run() == 0, "a second server sharing the database sends nothing more this week")
        let messages = try outbox(f)
        #expect(messages.map(\.recipient).sorted() == ["hr.sibling@example.gov", "hr@example.gov"])
        let mine = try #require(messages.first { $0.recipient == "hr@example.gov" })
        #expect(mine.kind == "plans.digest" && mine.subject == "Weekly overdue training digest (2027-W03)")
        #expect(mine.body.contains("Dear hr,"))
        #expect(mine.body.contains("信息安全 <复训>: 4 overdue"), "a1, a2, hr.noaddress and hr, who is a member too")
        #expect(mine.body.contains("a1 (省 / 数据局 / 一处), due by 2027-01-17"))
        #expect(mine.body.contains("https://academy.example.gov/plans/\(plan.id)/progress"))
        #expect(!mine.body.contains("保密教育"))
        #expect(!mine.body.lowercased().contains("zzmarker") && !(mine.html ?? "").lowercased().contains("zzmarker"),
                "the marker person is outside hr's scope")
        let html = try #require(mine.html)
        #expect(html.contains("<html lang=\"en\">") && html.contains("信息安全 &lt;复训&gt;: 4 overdue"))
        #expect(html.contains("href=\"https://academy.example.gov/plans/\(plan.id)/progress\""))
        let theirs = try #require(messages.first { $0.recipient == "hr.sibling@example.gov" })
        #expect(theirs.body.contains("zzmarker") && !theirs.body.contains("a1 "))
        #expect(theirs.subject == "每周培训逾期汇总（2027-W03） / Weekly overdue training digest (2027-W03)", "no language chosen: both")
        let records = try f.store.read { db in
            try Row.fetchAll(db, sql: "SELECT user_id, week, outbox_id FROM mail_digests ORDER BY user_id")
        }
        #expect(records.count == 2 && records.allSatisfy { ($0["week"] as String) == "2027-W03" && ($0["outbox_id"] as Int64?) != nil })
        #expect(records.contains { ($0["user_id"] as Int64) == hr.id.rawValue })
        // The next week brings the next digest.
        go(f, Self.monday + 7 * 86_400)
        #expect(try first.run() == 2)
    }

    @Test func nothingIsSentWhenNothingIsOverdueAndTheListStopsAtTwenty() throws {
        let f = try PlanFixture()
        _ = try organisation(f)
        let plan = try f.assign(at: f.bureau, due: .fixed(ISODay("2027-01-17")!))
        try f.store.write { db in
            try db.execute(sql: "UPDATE assignment_members SET exempt_at = 1 WHERE assignment_id = ?", arguments: [plan.id.rawValue])
        }
        go(f, Self.monday)
        #expect(try digest(f).run() == 0, "everyone exempt: nothing overdue, nothing sent")
        #expect(try outbox(f).isEmpty)
        // The next week, 25 people are overdue: 20 are listed, the count says 25 and the rest are mentioned.
        try f.store.write { db in
            try db.execute(sql: "UPDATE assignment_members SET exempt_at = NULL WHERE assignment_id = ?", arguments: [plan.id.rawValue])
        }
        for index in 0..<22 { try f.person(String(format: "p%02d", index), in: f.office) }
        try f.store.write { db in try SQLiteAssignmentRepository.reconcileAll(at: f.clock.now, in: db) }
        try f.store.write { db in
            try db.execute(sql: "UPDATE assignment_members SET due_day = '2027-01-17' WHERE assignment_id = ?", arguments: [plan.id.rawValue])
        }
        go(f, Self.monday + 7 * 86_400)
        #expect(try digest(f).run() == 1)
        let mail = try #require(try outbox(f).first)
        let total = try f.store.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM assignment_members WHERE assignment_id = ? AND left_at IS NULL",
                             arguments: [plan.id.rawValue])
        } ?? 0
        #expect(mail.body.contains(": \(total) overdue"))
        #expect(mail.body.components(separatedBy: "\n- ").count - 1 == 20)
        #expect(mail.body.contains("And \(total - 20) more not listed here."))
    }
}
