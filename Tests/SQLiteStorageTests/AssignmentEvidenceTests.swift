import Assessment
import Curriculum
import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// The SQL form of the status rule (`AssignmentEvidence`) and the Swift one (`AssignmentStatus` over
/// `CourseStatus` and the certification state) agree on people in every state.
@Suite struct AssignmentEvidenceTests {
    private func progress(_ f: PlanFixture, _ user: User, _ module: String, completed: Bool) throws {
        try f.store.write { db in
            try db.execute(sql: """
                INSERT INTO module_progress (user_id, course_id, module_id, seconds, started_at, last_activity_at,
                                             completed_at, content_hash)
                VALUES (?, 'ethics', ?, 60, ?, ?, ?, 'h')
                """, arguments: [user.id.rawValue, module, f.clock.now, f.clock.now, completed ? f.clock.now : nil])
        }
    }

    private func attempt(_ f: PlanFixture, _ user: User, quiz: String = "final-exam", passed: Bool?) throws {
        try f.store.write { db in
            let number = (try Int.fetchOne(db, sql: "SELECT count(*) FROM quiz_attempts WHERE user_id = ?",
                                           arguments: [user.id.rawValue]) ?? 0) + 1
            try db.execute(sql: """
                INSERT INTO quiz_attempts (id, user_id, course_id, quiz_id, number, quiz_hash, paper, started_at, closed_at,
                                           max_mark, passed)
                VALUES (?, ?, 'ethics', ?, ?, 'h', '[]', ?, ?, 2, ?)
                """, arguments: [UUID().uuidString, user.id.rawValue, quiz, number, f.clock.now,
                                 passed == nil ? nil : f.clock.now, passed])
        }
    }

    private func certification(_ f: PlanFixture, _ user: User, _ state: String) throws {
        try f.store.write { db in
            try db.execute(sql: """
                INSERT INTO certifications (user_id, program_id, department_id, state, updated_at) VALUES (?, 'egov', ?, ?, ?)
                """, arguments: [user.id.rawValue, user.departmentID.rawValue, state, f.clock.now])
        }
    }

    /// Statuses by login, in SQL.
    private func sqlStatuses(_ f: PlanFixture, _ assignment: Assignment, today: ISODay) throws -> [String: AssignmentStatus] {
        let status = AssignmentEvidence.status(of: assignment.item, catalogue: f.catalogue, today: today)
        return try f.store.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: """
                SELECT u.login, \(status.sql) AS status FROM assignment_members m JOIN users u ON u.id = m.user_id
                WHERE m.assignment_id = ?
                """, arguments: status.arguments + [assignment.id.rawValue]).map {
                    ($0["login"] as String, AssignmentStatus(rawValue: $0["status"])!)
                })
        }
    }

    /// Statuses by login, in Swift, from what the learning and certification repositories read.
    private func swiftStatuses(_ f: PlanFixture, _ assignment: Assignment, today: ISODay) throws -> [String: AssignmentStatus] {
        let learning = SQLiteLearningRepository(store: f.store)
        let attempts = SQLiteAttemptRepository(store: f.store)
        var statuses: [String: AssignmentStatus] = [:]
        for user in try f.users.all() {
            guard let member = try f.repository.member(assignment.id, userID: user.id) else { continue }
            let progress: AssignmentStatus.Progress
            switch assignment.item.kind {
            case .course:
                let course = try #require(f.catalogue.course(CourseID(assignment.item.id)))
                progress = .init(CourseStatus(course: course, progress: try learning.progress(userID: user.id),
                                              outcomes: try attempts.outcomes(userID: user.id)))
            case .program:
                let state = try f.store.read { db in
                    try String.fetchOne(db, sql: "SELECT state FROM certifications WHERE user_id = ? AND program_id = ?",
                                        arguments: [user.id.rawValue, assignment.item.id])
                }
                progress = .init(certification: state.flatMap(CertificationStateName.init(rawValue:)))
            }
            statuses[user.login] = AssignmentStatus.of(member, progress: progress, today: today)
        }
        return statuses
    }

    @Test func courseStatusesAgreeInEveryState() throws {
        let f = try PlanFixture()
        let people = try ["fresh", "module", "attempted", "modulesOnly", "done", "doneLate", "exempt", "extended", "soon",
                          "failed", "otherQuiz"].reduce(into: [String: User]()) { $0[$1] = try f.person($1, in: f.office) }
        let assignment = try f.assign(due: .afterAssignment(days: 30))
        try progress(f, people["module"]!, "m1", completed: false)
        try attempt(f, people["attempted"]!, passed: nil)
        for login in ["modulesOnly", "done", "doneLate", "failed", "otherQuiz"] {
            try progress(f, people[login]!, "m1", completed: true)
            try progress(f, people[login]!, "m2", completed: true)
        }
        try attempt(f, people["done"]!, passed: true)
        try attempt(f, people["doneLate"]!, passed: true)
        try attempt(f, people["failed"]!, passed: false)
        try attempt(f, people["otherQuiz"]!, quiz: "practice", passed: true)
        try f.store.write { db in
            try db.execute(sql: "UPDATE assignment_members SET exempt_at = 1 WHERE user_id = ?", arguments: [people["exempt"]!.id.rawValue])
            try db.execute(sql: "UPDATE assignment_members SET extended_day = '2027-12-31' WHERE user_id = ?",
                           arguments: [people["extended"]!.id.rawValue])
            try db.execute(sql: "UPDATE assignment_members SET due_day = '2027-01-20' WHERE user_id = ?",
                           arguments: [people["soon"]!.id.rawValue])
        }
        for today in ["2027-01-15", "2027-02-01", "2027-02-14", "2027-02-15"].compactMap(ISODay.init) {
            let sql = try sqlStatuses(f, assignment, today: today)
            #expect(sql == (try swiftStatuses(f, assignment, today: today)), "on \(today)")
            #expect(sql.count == people.count)
        }
        let early = try sqlStatuses(f, assignment, today: ISODay("2027-01-15")!)
        #expect(early["fresh"] == .notStarted && early["module"] == .inProgress && early["attempted"] == .inProgress)
        #expect(early["modulesOnly"] == .inProgress && early["failed"] == .inProgress && early["otherQuiz"] == .inProgress)
        #expect(early["done"] == .done && early["exempt"] == .exempt && early["soon"] == .dueSoon)
        let late = try sqlStatuses(f, assignment, today: ISODay("2027-02-15")!)
        #expect(late["fresh"] == .overdue && late["doneLate"] == .done && late["extended"] == .notStarted)
        // Every state occurs.
        #expect(Set(early.values).union(late.values) == Set(AssignmentStatus.allCases))
    }

    @Test func programmeStatusesAgreeInEveryState() throws {
        let f = try PlanFixture()
        var people: [String: User] = [:]
        for state in ["none", "not_started", "in_progress", "certified", "due_for_renewal", "expired", "revoked"] {
            people[state] = try f.person(state, in: f.office)
            if state != "none" { try certification(f, people[state]!, state) }
        }
        let assignment = try f.assign(item: AssignmentItem(kind: .program, id: "egov"), due: .fixed(ISODay("2027-01-20")!))
        for today in ["2027-01-01", "2027-01-15", "2027-01-21"].compactMap(ISODay.init) {
            #expect(try sqlStatuses(f, assignment, today: today) == (try swiftStatuses(f, assignment, today: today)))
        }
        let statuses = try sqlStatuses(f, assignment, today: ISODay("2027-01-01")!)
        #expect(statuses["none"] == .notStarted && statuses["not_started"] == .notStarted)
        #expect(statuses["in_progress"] == .inProgress && statuses["expired"] == .inProgress && statuses["revoked"] == .inProgress)
        #expect(statuses["certified"] == .done && statuses["due_for_renewal"] == .done)
    }

    @Test func anItemMissingFromTheCatalogueIsNeverDone() throws {
        let f = try PlanFixture()
        try f.person("a1", in: f.office)
        let assignment = try f.assign(item: AssignmentItem(kind: .course, id: "retired"), due: .none)
        #expect(try sqlStatuses(f, assignment, today: f.today)["a1"] == .notStarted)
    }
}
