import Assessment
import Curriculum
import Foundation
import PostgresStorage
import Testing
import SQLiteStorage
import TrainingServer

/// The dashboard's one read gives the same answers on SQLite and PostgreSQL (the cases of `SQLiteDashboardTests`):
/// what the separate reads of progress, records, memberships, certification states and unread announcements give,
/// leaving out what it is not asked for, and nothing of a marker person in a sibling department.
@Suite struct DashboardConformanceTests {
    @Test(arguments: StorageKind.enabled)
    func theSnapshotHoldsWhatTheSeparateReadsGive(_ kind: StorageKind) throws {
        try StorageFixture.with(kind, clock: TestClock(AssignmentsConformanceTests.start)) { storage in
            let f = try AssignmentsConformanceTests.Plan(storage)
            let person = try f.person("a1", in: f.office)
            let marker = try f.person("zzmarker", in: f.sibling)
            let course = try f.assign("课程")
            let program = try f.assign("项目", item: AssignmentItem(kind: .program, id: "egov"), due: .afterAssignment(days: 100))
            let gone = try f.assign("撤回", due: .afterAssignment(days: 1))
            #expect(try f.repository.withdraw(gone.id, by: .system))
            for (user, department) in [(person, f.office), (marker, f.sibling)] {
                try storage.execute("""
                    INSERT INTO certifications (user_id, program_id, department_id, state, updated_at)
                    VALUES (?, 'egov', ?, 'certified', 0)
                    """, [.int(user.id.rawValue), .int(department.id.rawValue)])
                try storage.execute("""
                    INSERT INTO module_progress (user_id, course_id, module_id, seconds, started_at, last_activity_at, content_hash)
                    VALUES (?, 'ethics', 'm1', 42, 1, 2, 'h')
                    """, [.int(user.id.rawValue)])
                try storage.learning.credit(userID: user.id, source: .module, courseID: "ethics", itemID: "m1", hours: 1.5,
                                            year: 2027, at: storage.clock.current)
            }
            _ = try storage.node.announcements.publish(AnnouncementDraft(department: f.bureau, title: "值班", body: "正文",
                                                                         endsOn: nil),
                                                       by: .system, at: storage.clock.current)
            _ = try storage.node.announcements.publish(AnnouncementDraft(department: f.bureau, title: "已过", body: "正文",
                                                                         endsOn: ISODay("2027-01-01")),
                                                       by: .system, at: storage.clock.current)
            _ = try storage.node.announcements.publish(AnnouncementDraft(department: f.sibling, title: "人社", body: "正文",
                                                                         endsOn: nil),
                                                       by: .system, at: storage.clock.current)

            let dashboard = storage.node.dashboard
            let snapshot = try dashboard.snapshot(of: person.id, announcementsOn: f.today)
            #expect(snapshot.memberships == (try f.repository.memberships(of: person.id)))
            #expect(Set(snapshot.memberships.map(\.assignment.id)) == [course.id, program.id, gone.id])
            #expect(snapshot.certificationStates == (try f.repository.certificationStates(of: person.id)))
            #expect(snapshot.certificationStates == ["egov": .certified])
            #expect(snapshot.progress == (try storage.learning.progress(userID: person.id)))
            #expect(snapshot.progress.map(\.seconds) == [42])
            let records = try storage.certifications.learnerRecords(userID: person.id)
            #expect(snapshot.records.ledger == records.ledger && snapshot.records.ledger.count == 1)
            #expect(snapshot.records.outcomes == records.outcomes)
            #expect(snapshot.records.certificates == records.certificates)
            #expect(snapshot.announcements.map(\.announcement.title) == ["值班"],
                    "one past its last day and one of another department are left out")
            #expect(snapshot.announcements.allSatisfy { $0.notice.userID == person.id && $0.notice.readAt == nil
                && $0.notice.announcementID == $0.announcement.id })
            let unread = try storage.node.notices.notices(of: person.id, limit: 10, offset: 0)
                .filter { $0.readAt == nil && $0.announcementID == snapshot.announcements.first?.announcement.id }
            #expect(snapshot.announcements.map(\.notice) == unread)
            let (progress, outcomes) = try dashboard.courseRecords(of: person.id)
            #expect(progress == snapshot.progress && outcomes == records.outcomes)

            let without = try dashboard.snapshot(of: person.id, announcementsOn: nil)
            #expect(without.announcements.isEmpty, "not asked for")
            #expect(without.memberships == snapshot.memberships)
            // Once read, an announcement leaves the snapshot.
            let notice = try #require(snapshot.announcements.first?.notice)
            #expect(try storage.node.notices.markRead(id: notice.id, of: person.id, at: storage.clock.current))
            #expect(try dashboard.snapshot(of: person.id, announcementsOn: f.today).announcements.isEmpty)

            // With no programme among the memberships the certification states are not read; the marker's
            // snapshot holds only the marker's rows.
            let plain = try dashboard.snapshot(of: marker.id, announcementsOn: f.today)
            #expect(plain.memberships.isEmpty && plain.certificationStates.isEmpty)
            #expect(plain.announcements.map(\.announcement.title) == ["人社"])
            #expect(plain.progress.map(\.seconds) == [42])
            #expect(plain.records.ledger.count == 1)
        }
    }

    /// What one statement reads beside the rest comes out as the separate reads give it: an assignment to named
    /// people carries all of them, in id order; the newest 20 unread announcements, newest first; several quizzes'
    /// outcomes and passes in their order.
    @Test(arguments: StorageKind.enabled)
    func namedPeopleTheNewestTwentyAnnouncementsAndSeveralQuizzes(_ kind: StorageKind) throws {
        try StorageFixture.with(kind, clock: TestClock(AssignmentsConformanceTests.start)) { storage in
            let f = try AssignmentsConformanceTests.Plan(storage)
            let person = try f.person("a1", in: f.office)
            let colleague = try f.person("a2", in: f.office)
            let named = try f.assign("点名", audience: .people([colleague.id, person.id]))
            let course = try f.assign("课程")
            for index in 1...23 {
                _ = try storage.node.announcements.publish(
                    AnnouncementDraft(department: f.bureau, title: "通知 \(index)", body: "正文", endsOn: nil),
                    by: .system, at: storage.clock.current)
                storage.clock.advance(by: 1)
            }
            try AttemptsConformanceTests.insertAttempts(storage, person, [
                (course: "ethics", quiz: "final", count: 5, passes: [2, 4]),
                (course: "Ethics", quiz: "a", count: 2, passes: [1]),
            ])

            let snapshot = try storage.node.dashboard.snapshot(of: person.id, announcementsOn: f.today)
            #expect(snapshot.memberships == (try f.repository.memberships(of: person.id)))
            #expect(Set(snapshot.memberships.map(\.assignment.id)) == [named.id, course.id])
            let people = snapshot.memberships.first { $0.assignment.id == named.id }?.assignment.audience
            #expect(people == .people([person.id, colleague.id].sorted { $0.rawValue < $1.rawValue }))
            #expect(snapshot.announcements.map(\.announcement.title) == (4...23).reversed().map { "通知 \($0)" })
            let records = try storage.certifications.learnerRecords(userID: person.id)
            #expect(snapshot.records.outcomes == records.outcomes && records.outcomes.count == 2)
            #expect(snapshot.records.passes.map { "\($0.courseID)/\($0.quizID)/\($0.at)" }
                    == records.passes.map { "\($0.courseID)/\($0.quizID)/\($0.at)" })
            #expect(snapshot.records.passes.map(\.at) == [1.5, 2.5, 4.5])
            #expect(snapshot.certificationStates.isEmpty, "no programme among the memberships")
        }
    }
}
