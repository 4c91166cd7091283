import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct AssignmentServiceTests {
    private func planner(_ f: PlanFixture) throws -> PlanScope {
        let user = try f.person("hr", in: f.bureau, grants: [RoleGrant(role: .hr, departmentID: f.bureau.id)])
        return PlanScope(user: user, departments: try f.departments.all())
    }

    private func draft(_ f: PlanFixture, _ change: (inout AssignmentDraft) -> Void = { _ in }) -> AssignmentDraft {
        var draft = AssignmentDraft()
        draft.name = "信息安全复训"
        draft.item = "course:ethics"
        draft.department = String(f.bureau.id.rawValue)
        draft.dueKind = "after_assignment"
        draft.dueDays = "30"
        change(&draft)
        return draft
    }

    private func problems(_ result: Result<NewAssignment, AssignmentProblems>) -> [AssignmentProblem] {
        if case .failure(let problems) = result { return problems.problems }
        return []
    }

    @Test func aGoodDraftIsCreatedAuditedAndReachesItsAudience() throws {
        let f = try PlanFixture()
        let scope = try planner(f)
        try f.person("a1", in: f.office)
        let service = f.service()
        guard case .success(let new) = try service.check(draft(f), scope: scope) else { Issue.record("refused"); return }
        #expect(new.dueRule == .afterAssignment(days: 30) && new.required)
        #expect(try service.audienceSize(new) == 2)
        let created = try service.create(draft(f), scope: scope)
        #expect(try service.visible(scope: scope) == [created])
        #expect(try service.visible(String(created.id.rawValue), scope: scope) == created)
        #expect(try service.statusCounts(of: created, scope: scope) == [.notStarted: 2])
        let actor = try f.store.read { db in
            try String.fetchOne(db, sql: "SELECT actor FROM audit_log WHERE action = 'assignment.create'")
        }
        #expect(actor == "hr")
        #expect(try service.withdraw(created, scope: scope))
        #expect(try f.store.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_log WHERE action = 'assignment.withdraw'")
        } == 1)
    }

    @Test func badDraftsListEveryProblemAndChangeNothing() throws {
        let f = try PlanFixture()
        let scope = try planner(f)
        let service = f.service()
        let result = try service.check(draft(f) {
            $0.name = " "
            $0.item = "course:nope"
            $0.department = String(f.sibling.id.rawValue)
            $0.dueKind = "fixed"
            $0.dueDate = "2027-02-30"
        }, scope: scope)
        #expect(problems(result).map(\.reason) == [.nameMissing, .itemUnknown, .departmentMissing, .dueDateInvalid])
        #expect(problems(try service.check(draft(f) { $0.dueKind = "fixed"; $0.dueDate = "2027-01-14" }, scope: scope))
            .map(\.reason) == [.dueDatePast])
        #expect(problems(try service.check(draft(f) { $0.dueDays = "0" }, scope: scope)).map(\.reason) == [.dueDaysInvalid])
        #expect(problems(try service.check(draft(f) { $0.dueDays = "3661" }, scope: scope)).map(\.reason) == [.dueDaysInvalid])
        #expect(problems(try service.check(draft(f) { $0.dueKind = "soon" }, scope: scope)).map(\.reason) == [.dueMissing])
        #expect(problems(try service.check(draft(f) { $0.audience = "everyone" }, scope: scope)).map(\.reason) == [.audienceMissing])
        #expect(problems(try service.check(draft(f) { $0.item = "" }, scope: scope)).map(\.reason) == [.itemMissing])
        #expect(problems(try service.check(draft(f) { $0.name = String(repeating: "名", count: 201) }, scope: scope))
            .map(\.reason) == [.nameTooLong])
        #expect(throws: AssignmentProblems.self) { try service.create(draft(f) { $0.name = "" }, scope: scope) }
        #expect(try f.repository.all().isEmpty)
    }

    @Test func aLargeScopeNamesTheDepartmentByItsPath() throws {
        let f = try PlanFixture()
        let scope = try planner(f)
        let service = f.service()
        guard case .success(let new) = try service.check(draft(f) { $0.department = ""; $0.departmentPath = " 省 / 数据局 / 一处 " },
                                                         scope: scope) else { Issue.record("refused"); return }
        #expect(new.departmentID == f.office.id)
        #expect(problems(try service.check(draft(f) { $0.department = ""; $0.departmentPath = "省/人社厅" }, scope: scope))
            .map(\.reason) == [.departmentMissing])
    }

    @Test func namedPeopleAreCheckedLineByLineAgainstTheScopeAndTheDepartment() throws {
        let f = try PlanFixture()
        let scope = try planner(f)
        let inOffice = try f.person("in.office", in: f.office)
        let inBureau = try f.person("in.bureau", in: f.bureau)
        try f.person("zzmarker", in: f.sibling)
        let service = f.service()
        let refused = problems(try service.check(draft(f) {
            $0.audience = "people"
            $0.department = String(f.office.id.rawValue)
            $0.people = "in.office\n\nE-in.bureau\nzzmarker\nnobody\n"
        }, scope: scope))
        #expect(refused.map(\.reason) == [.personOutside, .personUnknown, .personUnknown])
        #expect(refused.map(\.line) == [3, 4, 5])
        #expect(refused.map(\.value) == ["E-in.bureau", "zzmarker", "nobody"])
        guard case .success(let new) = try service.check(draft(f) {
            $0.audience = "people"
            $0.people = " IN.OFFICE \nE-in.bureau\nin.office"
        }, scope: scope) else { Issue.record("refused"); return }
        #expect(new.audience == .people([inOffice.id, inBureau.id]))
        #expect(problems(try service.check(draft(f) { $0.audience = "people"; $0.people = "\n \n" }, scope: scope))
            .map(\.reason) == [.peopleMissing])
    }

    @Test func assignmentsOutsideTheScopeAreNotFoundAndOnlyOwnOnesCanBeWithdrawn() throws {
        let f = try PlanFixture()
        let scope = try planner(f)
        let service = f.service()
        let beside = try f.assign("人社厅", at: f.sibling)
        let above = try f.assign("全省", at: f.province)
        #expect(throws: PlanScopeFailure.notFound) { try service.visible(String(beside.id.rawValue), scope: scope) }
        #expect(throws: PlanScopeFailure.notFound) { try service.visible("abc", scope: scope) }
        #expect(throws: PlanScopeFailure.notFound) { try service.visible("999", scope: scope) }
        #expect(try service.visible(String(above.id.rawValue), scope: scope) == above)
        #expect(throws: PlanScopeFailure.notFound) { try service.withdraw(above, scope: scope) }
        #expect(try f.repository.find(above.id)?.isWithdrawn == false)
    }

    @Test func startRecordsTheTimeZoneAndReconcilesEverything() throws {
        let f = try PlanFixture()
        let assignment = try f.assign()
        try f.store.write { db in
            try db.execute(sql: """
                INSERT INTO users (login, display_name, department_id, password_hash, created_at, updated_at)
                VALUES ('sneaked', 'sneaked', ?, '!', ?, ?)
                """, arguments: [f.office.id.rawValue, f.clock.now, f.clock.now])
        }
        let service = AssignmentService(repository: f.repository, catalogue: { [catalogue = f.catalogue] in catalogue },
                                        calendar: PlanCalendar(timeZone: TimeZone(identifier: "UTC")!), clock: f.clock.function)
        try service.start()
        #expect(try f.members(assignment)["sneaked"] != nil)
        #expect(try f.store.read { db in try SQLiteAssignmentRepository.calendar(in: db) }.timeZone.secondsFromGMT() == 0)
    }
}

@Suite struct AssignmentServiceDueItemsTests {
    @Test func dueItemsAreTheCurrentMembershipsByDueDayWithTheirStatus() throws {
        let f = try PlanFixture()
        let person = try f.person("a1", in: f.office)
        let service = f.service()
        let later = try f.assign("晚", due: .afterAssignment(days: 40))
        let sooner = try f.assign("早", due: .fixed(ISODay("2027-01-20")!))
        let none = try f.assign("无", required: false, due: .none)
        let program = try f.assign("项目", item: AssignmentItem(kind: .program, id: "egov"), due: .afterAssignment(days: 100))
        let gone = try f.assign("撤回", due: .afterAssignment(days: 1))
        try f.repository.withdraw(gone.id, by: .system)
        try f.store.write { db in
            try db.execute(sql: """
                INSERT INTO certifications (user_id, program_id, department_id, state, updated_at) VALUES (?, 'egov', ?, 'certified', 0)
                """, arguments: [person.id.rawValue, f.office.id.rawValue])
        }
        let items = try service.dueItems(of: person.id, progress: [], outcomes: [])
        #expect(items.map(\.assignment.id) == [sooner.id, later.id, program.id, none.id])
        #expect(items.map(\.status) == [.dueSoon, .notStarted, .done, .notStarted])
        f.clock.advance(by: 10 * 86_400)
        #expect(try service.dueItems(of: person.id, progress: [], outcomes: []).first?.status == .overdue)
        try f.users.update(person.id, name: "a1", employeeNumber: "E-a1", departmentID: f.sibling.id, by: .system)
        #expect(try service.dueItems(of: person.id, progress: [], outcomes: []).isEmpty)
    }
}
