import Assessment
import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Synchronization
import Testing
@testable import TrainingServer

/// The reminder pass: assigned, due soon and overdue notices for the members who should get them (not done,
/// exempt, moved away or disabled ones), once per member and due day however often it runs and however many
/// servers run it; extension decisions; the certification outbox turned into certificate notices and marked sent.
@Suite struct ReminderPassTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!
    /// 2027-03-01 10:00 in Shanghai.
    static let start = ISODay("2027-03-01")!.start(in: zone) + 36_000

    struct Fixture {
        let temporary: TemporaryStore
        let clock: ManualClock
        let users: SQLiteUserRepository
        let department: Department
        let catalogue: CatalogueHolder

        init() throws {
            temporary = try TemporaryStore()
            clock = ManualClock(ReminderPassTests.start)
            users = SQLiteUserRepository(store: temporary.store, clock: clock.function)
            department = try SQLiteDepartmentRepository(store: temporary.store, clock: clock.function)
                .ensure(path: ["省", "数据局"], by: .system)
            catalogue = try temporary.emptyCatalogue(now: clock.now)
        }

        func person(_ login: String, language: String = "zh") throws -> User {
            let user = try users.create(NewUser(login: login, displayName: login, departmentID: department.id,
                                                passwordHash: "h", roles: [.learner]), by: .system)
            try users.setLanguage(language, id: user.id)
            try SQLiteMailAddressRepository(store: temporary.store, clock: clock.function)
                .setEmail("\(login)@example.gov", id: user.id, by: .system)
            return user
        }

        func pass() -> ReminderPass {
            ReminderPass(store: temporary.store,
                         notices: NoticeService(store: temporary.store, strings: .shipped, publicURL: "https://academy.example",
                                                mailConfigured: true),
                         catalogue: catalogue, timeZone: ReminderPassTests.zone, logger: .silent, clock: clock.function)
        }

        func sql(_ statement: String, _ arguments: StatementArguments = []) throws {
            try temporary.store.write { db in try db.execute(sql: statement, arguments: arguments) }
        }

        /// A required assignment of programme `security` due on `due`, with `people` as members assigned now.
        func assignment(due: String, people: [User], name: String = "信息安全复训") throws -> Int64 {
            try temporary.store.write { db in
                try db.execute(sql: """
                    INSERT INTO assignments (name, item_kind, item_id, required, audience, department_id, due_kind, due_day, created_at)
                    VALUES (?, 'program', 'security', 1, 'department', ?, 'fixed', ?, ?)
                    """, arguments: [name, department.id.rawValue, due, clock.now])
                let id = db.lastInsertedRowID
                for person in people {
                    try db.execute(sql: "INSERT INTO assignment_members (assignment_id, user_id, assigned_at, due_day) VALUES (?, ?, ?, ?)",
                                   arguments: [id, person.id.rawValue, clock.now, due])
                }
                return id
            }
        }

        func notices(_ user: User) throws -> [String] {
            try temporary.store.read { db in
                try String.fetchAll(db, sql: "SELECT kind || ' ' || dedupe_key FROM notices WHERE user_id = ? ORDER BY id",
                                    arguments: [user.id.rawValue])
            }
        }

        func mails() throws -> [OutboxMessage] { try SQLiteMailOutbox(store: temporary.store).recent(limit: 1000) }
    }

    @Test func membersGetAssignedDueSoonAndOverdueOnceAndOthersNothing() throws {
        let fixture = try Fixture()
        let li = try fixture.person("li")
        let amy = try fixture.person("amy", language: "en")
        let exempt = try fixture.person("exempt")
        let moved = try fixture.person("moved")
        let disabled = try fixture.person("disabled")
        let done = try fixture.person("done")
        let id = try fixture.assignment(due: "2027-03-05", people: [li, amy, exempt, moved, disabled, done])
        try fixture.sql("UPDATE assignment_members SET exempt_at = 1 WHERE user_id = ?", [exempt.id.rawValue])
        try fixture.sql("UPDATE assignment_members SET left_at = 1 WHERE user_id = ?", [moved.id.rawValue])
        try fixture.sql("UPDATE users SET disabled = 1 WHERE id = ?", [disabled.id.rawValue])
        try fixture.sql("""
            INSERT INTO certifications (user_id, program_id, department_id, state, updated_at) VALUES (?, 'security', ?, 'certified', 1)
            """, [done.id.rawValue, fixture.department.id.rawValue])
        // An elective gets nothing.
        try fixture.sql("""
            INSERT INTO assignments (name, item_kind, item_id, required, audience, department_id, due_kind, due_day, created_at)
            VALUES ('选修', 'program', 'security', 0, 'department', ?, 'fixed', '2027-03-02', ?)
            """, [fixture.department.id.rawValue, fixture.clock.now])
        try fixture.sql("INSERT INTO assignment_members (assignment_id, user_id, assigned_at, due_day) SELECT max(id), ?, ?, '2027-03-02' FROM assignments",
                        [li.id.rawValue, fixture.clock.now])

        let pass = fixture.pass()
        let first = try pass.runOnce()
        #expect(first.posted == [.assignmentAssigned: 2, .assignmentDueSoon: 2])
        #expect(first.mailed == 4)
        #expect(try fixture.notices(li) == ["assignment.assigned assignment:\(id):assigned",
                                            "assignment.due_soon assignment:\(id):due_soon:2027-03-05"])
        for other in [exempt, moved, disabled, done] { #expect(try fixture.notices(other).isEmpty, "\(other.login)") }
        #expect(try pass.runOnce().total == 0, "a second pass posts nothing")
        let english = try #require(try fixture.mails().first { $0.recipient == "amy@example.gov" && $0.kind == "notice.assignment.due_soon" })
        #expect(english.subject == "[Training] Due soon: 信息安全复训")
        #expect(english.body.contains("5 March 2027"))

        // The day after the due day: overdue, once, however many passes (and a second server).
        fixture.clock.advance(by: 5 * 86_400)
        #expect(try pass.runOnce().posted == [.assignmentOverdue: 2])
        #expect(try pass.runOnce().total == 0)
        #expect(try fixture.pass().runOnce().total == 0)
        #expect(try fixture.notices(amy).last == "assignment.overdue assignment:\(id):overdue:2027-03-05")

        // An approved extension: the decision is told (even with reminders off), and the new day is due soon again.
        try SQLiteNotices(store: fixture.temporary.store).setReminderMail(false, of: li.id, at: fixture.clock.now)
        let mailsBefore = try fixture.mails().count
        try fixture.sql("UPDATE assignment_members SET extended_day = '2027-03-12' WHERE user_id = ?", [li.id.rawValue])
        try fixture.sql("""
            INSERT INTO assignment_requests (assignment_id, user_id, kind, reason, requested_day, state, created_at, decided_at)
            VALUES (?, ?, 'extension', '出差', '2027-03-12', 'approved', ?, ?)
            """, [id, li.id.rawValue, fixture.clock.now, fixture.clock.now])
        let after = try pass.runOnce()
        #expect(after.posted == [.extensionApproved: 1, .assignmentDueSoon: 1])
        #expect(try fixture.mails().count == mailsBefore + 1, "the decision is mailed; the reminder is not (turned off)")
        #expect(try fixture.mails().first?.kind == "notice.extension.approved")
    }

    @Test func certificationEventsBecomeNoticesAndAreMarkedSent() throws {
        let fixture = try Fixture()
        let li = try fixture.person("li")
        let expires = ISODay("2027-06-01")!.start(in: Self.zone)
        try fixture.sql("""
            INSERT INTO certifications (user_id, program_id, department_id, state, expires_at, updated_at)
            VALUES (?, 'security', ?, 'due_for_renewal', ?, 1)
            """, [li.id.rawValue, fixture.department.id.rawValue, expires])
        for kind in ["certification.window_opened", "certification.certified", "certification.revoked"] {
            try fixture.sql("INSERT INTO notification_outbox (user_id, kind, program_id, payload, created_at) VALUES (?, ?, 'security', '{}', 1)",
                            [li.id.rawValue, kind])
        }
        let outcome = try fixture.pass().runOnce()
        #expect(outcome.posted == [.certificateExpiring: 1, .certificateRevoked: 1])
        let unsent = try fixture.temporary.store.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM notification_outbox WHERE sent_at IS NULL")
        }
        #expect(unsent == 0)
        let notices = try SQLiteNotices(store: fixture.temporary.store).notices(of: li.id, limit: 10, offset: 0)
        let expiring = try #require(notices.first { $0.kind == .certificateExpiring })
        #expect(expiring.parameters["due"] == "2027-05-31", "the last valid day")
        #expect(expiring.link == "/programs/security")
        #expect(try fixture.pass().runOnce().total == 0)
    }

    @Test func twoServersRunningAtOnceTellEachPersonOnce() throws {
        let fixture = try Fixture()
        var people: [User] = []
        for index in 0..<40 { people.append(try fixture.person("p\(index)")) }
        _ = try fixture.assignment(due: "2027-03-03", people: people)
        let passes = [fixture.pass(), fixture.pass()]
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            do { _ = try passes[index].runOnce() } catch { failures.withLock { $0.append("\(error)") } }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        let counts = try fixture.temporary.store.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM notices") ?? 0, try Int.fetchOne(db, sql: "SELECT count(*) FROM mail_outbox") ?? 0)
        }
        #expect(counts.0 == 80 && counts.1 == 80, "assigned and due soon for 40 people, each once, each mailed once")
    }
}
