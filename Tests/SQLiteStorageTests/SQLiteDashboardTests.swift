import Assessment
import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// The dashboard's one read gives what the separate reads of progress, records, memberships, certification states and
/// unread announcements give, and leaves out what it is not asked for.
@Suite struct SQLiteDashboardTests {
    @Test func theSnapshotHoldsWhatTheSeparateReadsGive() throws {
        let f = try PlanFixture()
        let person = try f.person("a1", in: f.office)
        let course = try f.assign("课程")
        let program = try f.assign("项目", item: AssignmentItem(kind: .program, id: "egov"), due: .afterAssignment(days: 100))
        let gone = try f.assign("撤回", due: .afterAssignment(days: 1))
        try f.repository.withdraw(gone.id, by: .system)
        try f.store.write { db in
            try db.execute(sql: """
                INSERT INTO certifications (user_id, program_id, department_id, state, updated_at) VALUES (?, 'egov', ?, 'certified', 0)
                """, arguments: [person.id.rawValue, f.office.id.rawValue])
        }
        let learning = SQLiteLearningRepository(store: f.store)
        try f.store.write { db in
            try db.execute(sql: """
                INSERT INTO module_progress (user_id, course_id, module_id, seconds, started_at, last_activity_at, content_hash)
                VALUES (?, 'ethics', 'm1', 42, 1, 2, 'h')
                """, arguments: [person.id.rawValue])
        }
        try learning.credit(userID: person.id, source: .module, courseID: "ethics", itemID: "m1", hours: 1.5, year: 2027,
                            at: f.clock.now)
        let announcements = SQLiteAnnouncements(store: f.store)
        let notices = SQLiteNotices(store: f.store)
        _ = try announcements.publish(.init(department: f.bureau, title: "值班", body: "正文", endsOn: nil), by: .system,
                                      at: f.clock.now)
        _ = try announcements.publish(.init(department: f.bureau, title: "已过", body: "正文", endsOn: ISODay("2027-01-01")),
                                      by: .system, at: f.clock.now)

        let snapshot = try SQLiteDashboard(store: f.store).snapshot(of: person.id, announcementsOn: f.today)
        #expect(snapshot.memberships == (try f.repository.memberships(of: person.id)))
        #expect(Set(snapshot.memberships.map(\.assignment.id)) == [course.id, program.id, gone.id])
        #expect(snapshot.certificationStates == (try f.repository.certificationStates(of: person.id)))
        #expect(snapshot.certificationStates == ["egov": .certified])
        #expect(snapshot.progress == (try learning.progress(userID: person.id)))
        #expect(snapshot.progress.map(\.seconds) == [42])
        let records = try SQLiteCertificationRepository(store: f.store).learnerRecords(userID: person.id)
        #expect(snapshot.records.ledger == records.ledger && snapshot.records.ledger.count == 1)
        #expect(snapshot.records.outcomes == records.outcomes)
        #expect(snapshot.records.certificates == records.certificates)
        let separate = try notices.unreadAnnouncements(of: person.id, today: f.today)
        #expect(snapshot.announcements.map(\.notice.id) == separate.map(\.notice.id))
        #expect(snapshot.announcements.map(\.announcement.title) == ["值班"], "one past its last day is left out")

        let without = try SQLiteDashboard(store: f.store).snapshot(of: person.id, announcementsOn: nil)
        #expect(without.announcements.isEmpty, "not asked for")
        #expect(without.memberships == snapshot.memberships)

        // With no programme among the memberships the certification states are not read.
        let other = try f.person("b1", in: f.sibling)
        try f.store.write { db in
            try db.execute(sql: """
                INSERT INTO certifications (user_id, program_id, department_id, state, updated_at) VALUES (?, 'egov', ?, 'certified', 0)
                """, arguments: [other.id.rawValue, f.sibling.id.rawValue])
        }
        let plain = try SQLiteDashboard(store: f.store).snapshot(of: other.id, announcementsOn: f.today)
        #expect(plain.memberships.isEmpty && plain.certificationStates.isEmpty && plain.announcements.isEmpty)
    }
}
