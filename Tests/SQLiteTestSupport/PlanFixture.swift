import Assessment
import Curriculum
import Foundation
import GRDB
import SQLiteStorage
import TrainingServer

/// An organisation for the training-plan tests: 省/数据局 with 数据局/一处 below it, and a sibling 省/人社厅; a
/// catalogue with the `ethics` course (two modules and a final exam) and the `egov` programme; repositories on
/// one temporary database and a hand-moved clock.
package struct PlanFixture {
    package let temporary: TemporaryStore
    package let clock: ManualClock
    package let users: SQLiteUserRepository
    package let departments: SQLiteDepartmentRepository
    package let repository: SQLiteAssignmentRepository
    package let province: Department
    package let bureau: Department
    package let office: Department
    package let sibling: Department
    package let catalogue: Catalogue

    /// 2027-01-15 12:00 in Shanghai (04:00 UTC).
    package static let start: Double = 1_800_000_000 - 1_800_000_000.truncatingRemainder(dividingBy: 86_400) + 4 * 3600

    package init() throws {
        temporary = try TemporaryStore()
        clock = ManualClock(Self.start)
        users = SQLiteUserRepository(store: temporary.store, clock: clock.function)
        departments = SQLiteDepartmentRepository(store: temporary.store, clock: clock.function)
        repository = SQLiteAssignmentRepository(store: temporary.store, clock: clock.function)
        province = try departments.ensure(path: ["省"], by: .system)
        bureau = try departments.ensure(path: ["省", "数据局"], by: .system)
        office = try departments.ensure(path: ["省", "数据局", "一处"], by: .system)
        sibling = try departments.ensure(path: ["省", "人社厅"], by: .system)
        let program = Program(id: ProgramID("egov"), title: LocalizedText(both: "eGov"), summary: LocalizedText(both: "eGov"),
                              courses: [CourseID("ethics")], validityDays: 730, renewalWindowDays: 90,
                              expiryBase: .previousExpiry, recertification: nil,
                              source: SourceReference(file: "programs/egov.yaml", line: 1))
        catalogue = Catalogue(directory: temporary.directory, courses: [LearningFixtures.course()], programs: [program])
    }

    package var store: Store { temporary.store }
    package var calendar: PlanCalendar { PlanCalendar() }
    package var today: ISODay { calendar.today(clock.now) }

    @discardableResult
    package func person(_ login: String, in department: Department, category: String? = nil, grants: [RoleGrant] = []) throws -> User {
        let user = try users.create(NewUser(login: login, displayName: login, employeeNumber: "E-\(login)",
                                            departmentID: department.id, passwordHash: "!", roles: []),
                                    grants: grants, by: .system)
        if let category { try setCategory(category, of: user.id) }
        return user
    }

    /// Sets a job category the way the people pages do: in the edit's transaction, membership reconciled.
    package func setCategory(_ category: String?, of id: UserID) throws {
        try store.write { db in
            try db.execute(sql: "UPDATE users SET job_category = ? WHERE id = ?", arguments: [category, id.rawValue])
            try SQLiteAssignmentRepository.reconcile(userIDs: [id], at: clock.now, in: db)
        }
    }

    package func service() -> AssignmentService {
        let catalogue = self.catalogue
        return AssignmentService(repository: repository, catalogue: { catalogue }, calendar: calendar, clock: clock.function)
    }

    package func assign(_ name: String = "信息安全", item: AssignmentItem = AssignmentItem(kind: .course, id: "ethics"),
                required: Bool = true, audience: AssignmentAudience = .department(includeSubtree: true, jobCategory: nil),
                at department: Department? = nil, due: DueRule = .afterAssignment(days: 30)) throws -> Assignment {
        try repository.create(NewAssignment(name: name, item: item, required: required, audience: audience,
                                            departmentID: (department ?? bureau).id, dueRule: due),
                              by: .system)
    }

    /// The assignment's member rows by login, current and past.
    package func members(_ assignment: Assignment) throws -> [String: AssignmentMember] {
        try store.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: """
                SELECT u.login, m.* FROM assignment_members m JOIN users u ON u.id = m.user_id WHERE m.assignment_id = ?
                """, arguments: [assignment.id.rawValue]).map { ($0["login"] as String, SQLiteAssignmentRepository.member($0)) })
        }
    }
}
