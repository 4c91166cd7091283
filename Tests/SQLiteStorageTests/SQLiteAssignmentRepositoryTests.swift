import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct SQLiteAssignmentRepositoryTests {
    @Test func aSubtreeAssignmentReachesEveryoneBelowTheAnchorWithTheirDueDay() throws {
        let f = try PlanFixture()
        try f.person("a1", in: f.bureau)
        try f.person("a2", in: f.office)
        try f.person("b1", in: f.sibling)
        let assignment = try f.assign(due: .afterAssignment(days: 30))
        let members = try f.members(assignment)
        #expect(Set(members.keys) == ["a1", "a2"])
        #expect(members["a1"]?.dueDay?.description == "2027-02-14")
        #expect(members["a1"]?.assignedAt == f.clock.now)
        #expect(try f.repository.find(assignment.id) == assignment)
        #expect(assignment.createdAt == f.clock.now && !assignment.isWithdrawn)
        // The creation is audited in the same transaction.
        let audited = try f.store.read { db in
            try String.fetchOne(db, sql: "SELECT details FROM audit_log WHERE action = 'assignment.create'")
        }
        #expect(audited?.contains("\"members\":\"2\"") == true)
    }

    @Test func withoutTheSubtreeOnlyTheAnchorsOwnPeopleAreMembers() throws {
        let f = try PlanFixture()
        try f.person("a1", in: f.bureau)
        try f.person("a2", in: f.office)
        let assignment = try f.assign(audience: .department(includeSubtree: false, jobCategory: nil))
        #expect(Set(try f.members(assignment).keys) == ["a1"])
    }

    @Test func peopleWhoJoinLaterAreAssignedWithTheirOwnDueDay() throws {
        let f = try PlanFixture()
        let assignment = try f.assign(due: .afterAssignment(days: 30))
        let joining = try f.assign("入职培训", due: .afterJoining(days: 10))
        f.clock.advance(by: 5 * 86_400)
        try f.person("late", in: f.office)
        #expect(try f.members(assignment)["late"]?.dueDay?.description == "2027-02-19")
        #expect(try f.members(joining)["late"]?.dueDay?.description == "2027-01-30")
    }

    @Test func movingOutLeavesWithHistoryAndComingBackKeepsTheOriginalRow() throws {
        let f = try PlanFixture()
        let person = try f.person("a1", in: f.office)
        let assignment = try f.assign(due: .afterAssignment(days: 30))
        let original = try #require(try f.members(assignment)["a1"])
        f.clock.advance(by: 86_400)
        try f.users.update(person.id, name: "a1", employeeNumber: "E-a1", departmentID: f.sibling.id, by: .system)
        let left = try #require(try f.members(assignment)["a1"])
        #expect(left.leftAt == f.clock.now)
        #expect(left.dueDay == original.dueDay)
        f.clock.advance(by: 86_400)
        try f.users.update(person.id, name: "a1", employeeNumber: "E-a1", departmentID: f.bureau.id, by: .system)
        #expect(try f.members(assignment)["a1"] == original)
        // A move inside the audience changes nothing.
        try f.users.update(person.id, name: "a1", employeeNumber: "E-a1", departmentID: f.office.id, by: .system)
        #expect(try f.members(assignment)["a1"] == original)
    }

    @Test func aJobCategoryNarrowsTheAudienceAndAChangedCategoryLeaves() throws {
        let f = try PlanFixture()
        let clerk = try f.person("clerk", in: f.office, category: "窗口岗位")
        try f.person("leader", in: f.office, category: "领导干部")
        try f.person("plain", in: f.office)
        let assignment = try f.assign(audience: .department(includeSubtree: true, jobCategory: "窗口岗位"))
        #expect(Set(try f.members(assignment).keys) == ["clerk"])
        try f.setCategory("领导干部", of: clerk.id)
        #expect(try f.members(assignment)["clerk"]?.leftAt != nil)
        #expect(try f.repository.jobCategories(within: AccessScope(prefixes: [f.bureau.idPath])) == ["领导干部"])
        #expect(try f.repository.jobCategories(within: AccessScope(prefixes: [f.sibling.idPath])) == [])
    }

    @Test func namedPeopleAreMembersWhileInsideTheAnchor() throws {
        let f = try PlanFixture()
        let named = try f.person("named", in: f.office)
        try f.person("other", in: f.office)
        let assignment = try f.assign(audience: .people([named.id]))
        #expect(assignment.audience == .people([named.id]))
        #expect(Set(try f.members(assignment).keys) == ["named"])
        try f.users.update(named.id, name: "named", employeeNumber: "E-named", departmentID: f.sibling.id, by: .system)
        #expect(try f.members(assignment)["named"]?.leftAt != nil)
        // Nobody outside the anchor can be named.
        let outside = try f.person("outside", in: f.sibling)
        #expect(throws: AssignmentProblem.self) { try f.assign(audience: .people([outside.id])) }
    }

    @Test func aMovedDepartmentTakesItsPeopleOutOfAndBackIntoAudiences() throws {
        let f = try PlanFixture()
        try f.person("a2", in: f.office)
        let assignment = try f.assign()
        let original = try #require(try f.members(assignment)["a2"])
        _ = try f.departments.move(f.office.id, under: f.sibling.id, by: .system)
        #expect(try f.members(assignment)["a2"]?.leftAt != nil)
        let siblings = try f.assign("人社厅培训", at: f.sibling)
        #expect(try f.members(siblings)["a2"] != nil)
        _ = try f.departments.move(f.office.id, under: f.bureau.id, by: .system)
        #expect(try f.members(assignment)["a2"] == original)
        #expect(try f.members(siblings)["a2"]?.leftAt != nil)
    }

    @Test func disabledPeopleStayMembersButAreNotCounted() throws {
        let f = try PlanFixture()
        let person = try f.person("a1", in: f.office)
        try f.person("a2", in: f.office)
        let assignment = try f.assign()
        try f.users.setDisabled(true, id: person.id, reason: "离职", by: .system)
        #expect(try f.members(assignment)["a1"]?.leftAt == nil)
        let counts = try f.repository.statusCounts(of: assignment, within: AccessScope(prefixes: [f.bureau.idPath]),
                                                   catalogue: f.catalogue, today: f.today)
        #expect(counts == [.notStarted: 1])
        #expect(try f.repository.statusCounts(of: assignment, within: AccessScope(prefixes: [f.sibling.idPath]),
                                              catalogue: f.catalogue, today: f.today) == [:])
        #expect(try f.repository.audienceSize(.department(includeSubtree: true, jobCategory: nil), departmentID: f.bureau.id) == 1)
    }

    @Test func withdrawingMarksEveryMemberAsLeftForGood() throws {
        let f = try PlanFixture()
        try f.person("a1", in: f.office)
        let assignment = try f.assign()
        f.clock.advance(by: 60)
        #expect(try f.repository.withdraw(assignment.id, by: .system))
        #expect(try f.repository.withdraw(assignment.id, by: .system) == false)
        #expect(try f.members(assignment)["a1"]?.leftAt == f.clock.now)
        #expect(try f.repository.find(assignment.id)?.withdrawnAt == f.clock.now)
        try f.person("later", in: f.office)
        try f.repository.reconcileAll()
        #expect(try f.members(assignment)["later"] == nil)
        #expect(try f.members(assignment)["a1"]?.leftAt != nil)
    }

    @Test func reconcileAllRepairsMembershipsChangedBehindItsBack() throws {
        let f = try PlanFixture()
        let moved = try f.person("moved", in: f.office)
        let assignment = try f.assign()
        try f.store.write { db in
            // Changes made without the repositories (an older server, plain SQL).
            try db.execute(sql: "UPDATE users SET department_id = ? WHERE id = ?", arguments: [f.sibling.id.rawValue, moved.id.rawValue])
            try db.execute(sql: """
                INSERT INTO users (login, display_name, department_id, password_hash, created_at, updated_at)
                VALUES ('sneaked', 'sneaked', ?, '!', ?, ?)
                """, arguments: [f.office.id.rawValue, f.clock.now, f.clock.now])
        }
        try f.repository.reconcileAll()
        let members = try f.members(assignment)
        #expect(members["moved"]?.leftAt != nil)
        #expect(members["sneaked"]?.leftAt == nil && members["sneaked"]?.dueDay != nil)
    }

    @Test func dueDaysAreComputedInTheRecordedTimeZone() throws {
        let f = try PlanFixture()
        // 2027-01-14 20:00 UTC: the 15th in Shanghai, still the 14th in UTC.
        f.clock.advance(by: -8 * 3600)
        try f.person("a1", in: f.office)
        let shanghai = try f.assign(due: .afterAssignment(days: 1))
        try f.repository.recordTimeZone(TimeZone(identifier: "UTC")!)
        let utc = try f.assign("UTC", due: .afterAssignment(days: 1))
        #expect(try f.members(shanghai)["a1"]?.dueDay?.description == "2027-01-16")
        #expect(try f.members(utc)["a1"]?.dueDay?.description == "2027-01-15")
    }

    @Test func aPersonsMembershipsComeInOneRead() throws {
        let f = try PlanFixture()
        let person = try f.person("a1", in: f.office)
        let first = try f.assign("一")
        let second = try f.assign("二", required: false, due: .none)
        let memberships = try f.repository.memberships(of: person.id)
        #expect(Set(memberships.map(\.assignment)) == [first, second])
        #expect(memberships.first { $0.assignment == second }?.member.dueDay == nil)
        #expect(try f.repository.member(first.id, userID: person.id)?.dueDay != nil)
        #expect(try f.repository.people(named: ["a1", "E-a1", "nobody"]).mapValues(\.id) == ["a1": person.id, "E-a1": person.id])
    }
}
