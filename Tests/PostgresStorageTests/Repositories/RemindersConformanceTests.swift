import Curriculum
import Foundation
import PostgresStorage
import Testing
import SQLiteStorage
import TrainingServer

/// The reminder pass's reads give the same people on SQLite and PostgreSQL: members owed each kind of notice
/// (never the exempt, done, departed or disabled ones, nor those who have it already), extension decisions not yet
/// told, and certification events claimed once.
@Suite struct RemindersConformanceTests {
    static let catalogue = Catalogue(directory: FileManager.default.temporaryDirectory, courses: [], programs: [])

    /// An assignment of programme `security` anchored at `department`; its id.
    static func assignment(_ storage: StorageFixture, _ department: Department, required: Bool = true,
                           withdrawn: Bool = false, name: String = "信息安全复训") throws -> Int64 {
        try storage.execute("""
            INSERT INTO assignments (name, item_kind, item_id, required, audience, department_id, due_kind, due_day,
                                     created_at, withdrawn_at)
            VALUES (?, 'program', 'security', ?, 'department', ?, 'fixed', '2027-03-05', 10, ?)
            """, [.text(name), .int(required ? 1 : 0), .int(department.id.rawValue), withdrawn ? .double(20) : .null])
        return Int64(try #require(try storage.integer("SELECT max(id) FROM assignments", [])))
    }

    static func member(_ storage: StorageFixture, _ assignment: Int64, _ user: User, due: String?, extended: String? = nil,
                       assignedAt: Double = 100, exempt: Bool = false, left: Bool = false) throws {
        try storage.execute("""
            INSERT INTO assignment_members (assignment_id, user_id, assigned_at, due_day, extended_day, exempt_at, left_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [.int(assignment), .int(user.id.rawValue), .double(assignedAt), due.map(SQLValue.text) ?? .null,
                  extended.map(SQLValue.text) ?? .null, exempt ? .double(150) : .null, left ? .double(150) : .null])
    }

    /// Posts `key` to `user` in a batch of `node`.
    static func post(_ node: StorageNode, _ user: User, _ key: String, kind: NoticeKind = .assignmentOverdue) throws -> Int64? {
        try node.reminders.batch { transaction in
            try node.notices.insert(NewNotice(userID: user.id, kind: kind, dedupeKey: key), at: 500, in: transaction)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func membersOwedAreThoseInEachWindowWithoutTheirNotice(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let bureau = try storage.department("省", "数据局")
            let people = try ["li", "zhao", "qian", "sun", "zhou", "wu", "zheng"].map { try storage.user($0, in: bureau) }
            let (li, zhao, qian, sun, zhou, wu, zheng) = (people[0], people[1], people[2], people[3], people[4], people[5], people[6])
            let id = try Self.assignment(storage, bureau)
            _ = try Self.assignment(storage, bureau, required: false, name: "选修")
            _ = try Self.assignment(storage, bureau, withdrawn: true, name: "撤回")
            try Self.member(storage, id, li, due: "2027-02-20")
            try Self.member(storage, id, zhao, due: "2027-02-20", extended: "2027-03-06")
            try Self.member(storage, id, qian, due: "2027-02-20", exempt: true)
            try Self.member(storage, id, sun, due: "2027-02-20", left: true)
            try Self.member(storage, id, zhou, due: "2027-02-20")
            try storage.users.setDisabled(true, id: zhou.id, by: .system)
            try Self.member(storage, id, wu, due: "2027-02-20")
            try storage.execute("""
                INSERT INTO certifications (user_id, program_id, department_id, state, certified_at, updated_at)
                VALUES (?, 'security', ?, 'certified', 50, 50)
                """, [.int(wu.id.rawValue), .int(bureau.id.rawValue)])
            try Self.member(storage, id, zheng, due: nil, assignedAt: 10)

            let reminders = storage.node.reminders
            let active = try reminders.activeRequiredAssignments()
            #expect(active.map(\.id) == [id] && active[0].name == "信息安全复训"
                        && active[0].item == AssignmentItem(kind: .program, id: "security"))
            let today = try #require(ISODay("2027-03-01"))
            let assignment = active[0]
            func owed(_ window: ReminderWindow) throws -> [String] {
                try reminders.membersOwed(assignment, window, catalogue: Self.catalogue)
                    .map { member in "\(people.first { $0.id == member.userID }?.login ?? "?") \(member.due ?? "-")" }
            }
            #expect(try owed(.dueBefore(today)) == ["li 2027-02-20"])
            #expect(try owed(.dueBetween(from: today, to: today.adding(days: 7))) == ["zhao 2027-03-06"])
            #expect(try owed(.assignedSince(50)) == ["li 2027-02-20", "zhao 2027-03-06"])
            #expect(try owed(.assignedSince(200)).isEmpty)

            #expect(reminders.dedupeKeyPrefix(assignment: id, .assignedSince(50)) == "assignment:\(id):assigned")
            #expect(reminders.dedupeKeyPrefix(assignment: id, .dueBefore(today)) == "assignment:\(id):overdue:")
            #expect(reminders.dedupeKeyPrefix(assignment: id, .dueBetween(from: today, to: today)) == "assignment:\(id):due_soon:")
            // Posted notices take their people out; a notice for another due day does not.
            #expect(try Self.post(storage.node, li, "assignment:\(id):overdue:2027-02-20") != nil)
            #expect(try Self.post(storage.node, zhao, "assignment:\(id):due_soon:2027-03-05") != nil)
            #expect(try owed(.dueBefore(today)).isEmpty)
            #expect(try owed(.dueBetween(from: today, to: today.adding(days: 7))) == ["zhao 2027-03-06"])
            #expect(try Self.post(storage.node, li, "assignment:\(id):assigned", kind: .assignmentAssigned) != nil)
            #expect(try owed(.assignedSince(50)) == ["zhao 2027-03-06"])
        }
    }

    @Test(arguments: StorageKind.enabled)
    func extensionDecisionsAreOwedUntilTheirNoticeIsPosted(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let bureau = try storage.department("省")
            let li = try storage.user("li", in: bureau)
            let zhao = try storage.user("zhao", in: bureau)
            let id = try Self.assignment(storage, bureau)
            func request(_ user: User, kind: String, state: String, day: String?, decidedAt: Double?, note: String?) throws {
                try storage.execute("""
                    INSERT INTO assignment_requests (assignment_id, user_id, kind, reason, requested_day, state, created_at,
                                                     decided_at, decision_note)
                    VALUES (?, ?, ?, '出差', ?, ?, 90, ?, ?)
                    """, [.int(id), .int(user.id.rawValue), .text(kind), day.map(SQLValue.text) ?? .null, .text(state),
                          decidedAt.map(SQLValue.double) ?? .null, note.map(SQLValue.text) ?? .null])
            }
            try request(li, kind: "extension", state: "approved", day: "2027-04-01", decidedAt: 500, note: nil)
            try request(zhao, kind: "extension", state: "refused", day: "2027-04-01", decidedAt: 510, note: "不符合条件")
            try request(li, kind: "extension", state: "pending", day: "2027-04-02", decidedAt: nil, note: nil)
            try request(zhao, kind: "exemption", state: "approved", day: nil, decidedAt: 520, note: nil)
            try request(li, kind: "extension", state: "approved", day: "2027-04-03", decidedAt: 10, note: nil)
            let reminders = storage.node.reminders
            let owed = try reminders.decisionsOwed(since: 100)
            #expect(owed.map(\.userID) == [li.id, zhao.id])
            #expect(owed[0].approved && owed[0].day == "2027-04-01" && owed[0].note == nil && owed[0].assignmentID == id
                        && owed[0].assignmentName == "信息安全复训")
            #expect(!owed[1].approved && owed[1].note == "不符合条件")
            #expect(try Self.post(storage.node, li, "extension:\(owed[0].requestID)", kind: .extensionApproved) != nil)
            #expect(try reminders.decisionsOwed(since: 100).map(\.requestID) == [owed[1].requestID])
            #expect(try reminders.decisionsOwed(since: 600).isEmpty)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func certificationEventsAreClaimedOnce(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let bureau = try storage.department("省")
            let li = try storage.user("li", in: bureau)
            try storage.execute("""
                INSERT INTO certifications (user_id, program_id, department_id, state, certified_at, expires_at, updated_at)
                VALUES (?, 'security', ?, 'due_for_renewal', 50, 9000, 50)
                """, [.int(li.id.rawValue), .int(bureau.id.rawValue)])
            for (kind, program) in [("certification.window_opened", "security"), ("certification.revoked", "other")] {
                try storage.execute("""
                    INSERT INTO notification_outbox (user_id, kind, program_id, payload, created_at) VALUES (?, ?, ?, '{}', 60)
                    """, [.int(li.id.rawValue), .text(kind), .text(program)])
            }
            let reminders = storage.node.reminders
            let events = try reminders.unsentCertificationEvents()
            #expect(events.map(\.kind) == ["certification.window_opened", "certification.revoked"])
            #expect(events[0].userID == li.id && events[0].programID == "security" && events[0].expiresAt == 9000)
            #expect(events[1].expiresAt == nil)
            let claims = try reminders.batch { transaction in
                [try reminders.claim(certificationEvent: events[0].id, at: 700, in: transaction),
                 try reminders.claim(certificationEvent: events[0].id, at: 701, in: transaction)]
            }
            #expect(claims == [true, false])
            #expect(try reminders.unsentCertificationEvents().map(\.id) == [events[1].id])
            #expect(try storage.integer("SELECT count(*) FROM notification_outbox WHERE sent_at = 700", []) == 1)
            #expect(reminders.batchSize == 500)
        }
    }
}
