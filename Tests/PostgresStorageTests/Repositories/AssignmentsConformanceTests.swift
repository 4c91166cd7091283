import Assessment
import Curriculum
import Foundation
import PostgresStorage
import Testing
import SQLiteStorage
import TrainingServer

/// Assignments, their members, requests and progress give the same answers on SQLite and PostgreSQL (the cases of
/// `SQLiteAssignmentRepositoryTests`, `SQLiteAssignmentRequestsTests` and `SQLiteAssignmentProgressTests` that
/// concern storage): audiences reached and left with history, due days in the recorded time zone, plan file
/// entries, exemptions and extensions, and counts and lists by status inside a scope, where a marker person in a
/// sibling department never appears.
@Suite struct AssignmentsConformanceTests {
    /// 2027-01-15 12:00 in Shanghai (04:00 UTC).
    static let start: Double = 1_800_000_000 - 1_800_000_000.truncatingRemainder(dividingBy: 86_400) + 4 * 3600

    static func module(_ id: String) -> Module {
        let text = ModuleText(language: .zh, title: id, objectives: ["o"], summary: "s", body: "# \(id)\n", bodyLine: 1,
                              source: SourceReference(file: "modules/\(id).zh.md", line: 1))
        return Module(id: ModuleID(id), number: 1, minutes: 10, hours: 1, zh: text, en: nil)
    }

    /// A course of two modules, done when both are completed.
    static let catalogue = Catalogue(
        directory: FileManager.default.temporaryDirectory,
        courses: [Course(id: CourseID("ethics"), version: 1, title: LocalizedText(both: "Ethics"), summary: LocalizedText(both: "s"),
                         audience: nil, studyHours: 2, modules: [module("m1"), module("m2")], quizzes: [],
                         completion: CompletionRule(quiz: nil), folder: "ethics", mediaFiles: [])],
        programs: [])

    struct Plan {
        let storage: StorageFixture
        let province: Department
        let bureau: Department
        let office: Department
        let sibling: Department

        init(_ storage: StorageFixture) throws {
            self.storage = storage
            province = try storage.department("省")
            bureau = try storage.department("省", "数据局")
            office = try storage.department("省", "数据局", "一处")
            sibling = try storage.department("省", "人社厅")
        }

        var repository: any AssignmentRepository & PlanFileAssignmentStore { storage.node.assignments }
        var today: ISODay { PlanCalendar().today(storage.clock.current) }

        @discardableResult
        func person(_ login: String, in department: Department, category: String? = nil) throws -> User {
            let user = try storage.accounts.create(NewUser(login: login, displayName: login, employeeNumber: "E-\(login)",
                                                           departmentID: department.id, passwordHash: "!", roles: []),
                                                   grants: [], by: .system)
            if let category { try storage.node.yearlyRequirements.setJobCategory(category, of: user.id, by: .system) }
            return user
        }

        func assign(_ name: String = "信息安全", item: AssignmentItem = AssignmentItem(kind: .course, id: "ethics"),
                    required: Bool = true, audience: AssignmentAudience = .department(includeSubtree: true, jobCategory: nil),
                    at department: Department? = nil, due: DueRule = .afterAssignment(days: 30)) throws -> Assignment {
            try repository.create(NewAssignment(name: name, item: item, required: required, audience: audience,
                                                departmentID: (department ?? bureau).id, dueRule: due), by: .system)
        }

        /// The members by login (left ones included).
        func members(_ assignment: Assignment) throws -> [String: AssignmentMember] {
            var members: [String: AssignmentMember] = [:]
            for user in try storage.users.all() {
                if let member = try repository.member(assignment.id, userID: user.id) { members[user.login] = member }
            }
            return members
        }
    }

    @Test(arguments: StorageKind.enabled)
    func aSubtreeAssignmentReachesEveryoneBelowTheAnchorWithTheirDueDay(_ kind: StorageKind) throws {
        try StorageFixture.with(kind, clock: TestClock(Self.start)) { storage in
            let f = try Plan(storage)
            try f.person("a1", in: f.bureau)
            try f.person("a2", in: f.office)
            try f.person("zzmarker", in: f.sibling)
            let assignment = try f.assign(due: .afterAssignment(days: 30))
            let members = try f.members(assignment)
            #expect(Set(members.keys) == ["a1", "a2"])
            #expect(members["a1"]?.dueDay?.description == "2027-02-14")
            #expect(members["a1"]?.assignedAt == storage.clock.current)
            #expect(try f.repository.find(assignment.id) == assignment)
            #expect(try f.repository.find(AssignmentID(rawValue: 999)) == nil)
            #expect(assignment.createdAt == storage.clock.current && !assignment.isWithdrawn && assignment.name == "信息安全")
            let audited = try storage.text("SELECT details FROM audit_log WHERE action = 'assignment.create'", [])
            #expect(audited?.contains("\"members\":\"2\"") == true)
            #expect(try storage.audit.verify() == .intact(rows: try storage.count("audit_log")))
        }
    }

    @Test(arguments: StorageKind.enabled)
    func withoutTheSubtreeOnlyTheAnchorsOwnPeopleAreMembers(_ kind: StorageKind) throws {
        try StorageFixture.with(kind, clock: TestClock(Self.start)) { storage in
            let f = try Plan(storage)
            try f.person("a1", in: f.bureau)
            try f.person("a2", in: f.office)
            let assignment = try f.assign(audience: .department(includeSubtree: false, jobCategory: nil))
            #expect(Set(try f.members(assignment).keys) == ["a1"])
            #expect(try f.repository.audienceSize(.department(includeSubtree: false, jobCategory: nil), departmentID: f.bureau.id) == 1)
            #expect(try f.repository.audienceSize(.department(includeSubtree: true, jobCategory: nil), departmentID: f.province.id) == 2)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func peopleWhoJoinLaterAreAssignedWithTheirOwnDueDay(_ kind: StorageKind) throws {
        try StorageFixture.with(kind, clock: TestClock(Self.start)) { storage in
            let f = try Plan(storage)
            let assignment = try f.assign(due: .afterAssignment(days: 30))
            let joining = try f.assign("入职培训", due: .afterJoining(days: 10))
            storage.clock.advance(by: 5 * 86_400)
            try f.person("late", in: f.office)
            #expect(try f.members(assignment)["late"]?.dueDay?.description == "2027-02-19")
            #expect(try f.members(joining)["late"]?.dueDay?.description == "2027-01-30")
        }
    }

    @Test(arguments: StorageKind.enabled)
    func movingOutLeavesWithHistoryAndComingBackKeepsTheOriginalRow(_ kind: StorageKind) throws {
        try StorageFixture.with(kind, clock: TestClock(Self.start)) { storage in
            let f = try Plan(storage)
            let person = try f.person("a1", in: f.office)
            let assignment = try f.assign(due: .afterAssignment(days: 30))
            let original = try #require(try f.members(assignment)["a1"])
            storage.clock.advance(by: 86_400)
            try storage.accounts.update(person.id, name: "a1", employeeNumber: "E-a1", departmentID: f.sibling.id, by: .system)
            let left = try #require(try f.members(assignment)["a1"])
            #expect(left.leftAt == storage.clock.current && left.dueDay == original.dueDay)
            storage.clock.advance(by: 86_400)
            try storage.accounts.update(person.id, name: "a1", employeeNumber: "E-a1", departmentID: f.bureau.id, by: .system)
            #expect(try f.members(assignment)["a1"] == original)
            try storage.accounts.update(person.id, name: "a1", employeeNumber: "E-a1", departmentID: f.office.id, by: .system)
            #expect(try f.members(assignment)["a1"] == original, "a move inside the audience changes nothing")
        }
    }

    @Test(arguments: StorageKind.enabled)
    func aJobCategoryNarrowsTheAudienceAndAChangedCategoryLeaves(_ kind: StorageKind) throws {
        try StorageFixture.with(kind, clock: TestClock(Self.start)) { storage in
            let f = try Plan(storage)
            let clerk = try f.person("clerk", in: f.office, category: "窗口岗位")
            try f.person("leader", in: f.office, category: "领导干部")
            try f.person("plain", in: f.office)
            try f.person("zzmarker", in: f.sibling, category: "ZZMARKER岗位")
            let audience = AssignmentAudience.department(includeSubtree: true, jobCategory: "窗口岗位")
            #expect(try f.repository.audienceSize(audience, departmentID: f.bureau.id) == 1)
            let assignment = try f.assign(audience: audience)
            #expect(Set(try f.members(assignment).keys) == ["clerk"])
            try storage.node.yearlyRequirements.setJobCategory("领导干部", of: clerk.id, by: .system)
            #expect(try f.members(assignment)["clerk"]?.leftAt != nil)
            #expect(try f.repository.jobCategories(within: AccessScope(prefixes: [f.bureau.idPath])) == ["领导干部"])
            #expect(try f.repository.jobCategories(within: AccessScope(prefixes: [f.sibling.idPath])) == ["ZZMARKER岗位"])
            #expect(try f.repository.jobCategories(within: AccessScope(prefixes: [])) == [])
        }
    }

    @Test(arguments: StorageKind.enabled)
    func namedPeopleAreMembersWhileInsideTheAnchor(_ kind: StorageKind) throws {
        try StorageFixture.with(kind, clock: TestClock(Self.start)) { storage in
            let f = try Plan(storage)
            let named = try f.person("named", in: f.office)
            let second = try f.person("second", in: f.office)
            try f.person("other", in: f.office)
            let outside = try f.person("outside", in: f.sibling)
            #expect(try f.repository.audienceSize(.people([named.id, second.id, outside.id]), departmentID: f.bureau.id) == 2)
            let assignment = try f.assign(audience: .people([second.id, named.id]))
            #expect(assignment.audience == .people([named.id, second.id]))
            #expect(Set(try f.members(assignment).keys) == ["named", "second"])
            try storage.accounts.update(named.id, name: "named", employeeNumber: "E-named", departmentID: f.sibling.id, by: .system)
            #expect(try f.members(assignment)["named"]?.leftAt != nil)
            // Nobody outside the anchor can be named, and nothing is stored then.
            let before = try storage.count("assignments")
            #expect(throws: AssignmentProblem.self) { try f.assign(audience: .people([outside.id])) }
            #expect(try storage.count("assignments") == before)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func aMovedDepartmentTakesItsPeopleOutOfAndBackIntoAudiences(_ kind: StorageKind) throws {
        try StorageFixture.with(kind, clock: TestClock(Self.start)) { storage in
            let f = try Plan(storage)
            try f.person("a2", in: f.office)
            let assignment = try f.assign()
            let original = try #require(try f.members(assignment)["a2"])
            _ = try storage.departmentChanges.move(f.office.id, f.sibling.id, .system)
            #expect(try f.members(assignment)["a2"]?.leftAt != nil)
            let siblings = try f.assign("人社厅培训", at: f.sibling)
            #expect(try f.members(siblings)["a2"] != nil)
            _ = try storage.departmentChanges.move(f.office.id, f.bureau.id, .system)
            #expect(try f.members(assignment)["a2"] == original)
            #expect(try f.members(siblings)["a2"]?.leftAt != nil)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func statusesAreCountedForEnabledMembersInScopeOnly(_ kind: StorageKind) throws {
        try StorageFixture.with(kind, clock: TestClock(Self.start)) { storage in
            let f = try Plan(storage)
            let done = try f.person("done", in: f.office)
            let started = try f.person("started", in: f.office)
            let gone = try f.person("gone", in: f.office)
            try f.person("idle", in: f.bureau)
            try f.person("zzmarker", in: f.sibling)
            for (user, modules) in [(done, ["m1", "m2"]), (started, ["m1"])] {
                for module in modules {
                    try storage.execute("""
                        INSERT INTO module_progress (user_id, course_id, module_id, seconds, started_at, last_activity_at,
                                                     completed_at, content_hash)
                        VALUES (?, 'ethics', ?, 600, 1, 2, 3, 'h')
                        """, [.int(user.id.rawValue), .text(module)])
                }
            }
            let assignment = try f.assign(at: f.province, due: .afterAssignment(days: 5))
            try storage.accounts.setDisabled(true, id: gone.id, reason: "离职", by: .system)
            #expect(try f.members(assignment)["gone"]?.leftAt == nil, "disabled people stay members")
            let scope = AccessScope(prefixes: [f.bureau.idPath])
            #expect(try f.repository.statusCounts(of: assignment, within: scope, catalogue: Self.catalogue, today: f.today)
                        == [.done: 1, .dueSoon: 2])
            let later = try #require(ISODay("2027-02-01"))
            #expect(try f.repository.statusCounts(of: assignment, within: scope, catalogue: Self.catalogue, today: later)
                        == [.done: 1, .overdue: 2])
            let early = try #require(ISODay("2027-01-01"))
            #expect(try f.repository.statusCounts(of: assignment, within: scope, catalogue: Self.catalogue, today: early)
                        == [.done: 1, .inProgress: 1, .notStarted: 1])
            #expect(try f.repository.statusCounts(of: assignment, within: AccessScope(prefixes: [f.sibling.idPath]),
                                                  catalogue: Self.catalogue, today: early) == [.notStarted: 1])
            #expect(try f.repository.statusCounts(of: assignment, within: AccessScope(prefixes: []),
                                                  catalogue: Self.catalogue, today: early) == [:])
        }
    }

    @Test(arguments: StorageKind.enabled)
    func withdrawingMarksEveryMemberAsLeftForGood(_ kind: StorageKind) throws {
        try StorageFixture.with(kind, clock: TestClock(Self.start)) { storage in
            let f = try Plan(storage)
            try f.person("a1", in: f.office)
            let assignment = try f.assign()
            storage.clock.advance(by: 60)
            #expect(try f.repository.withdraw(assignment.id, by: .system))
            #expect(try f.repository.withdraw(assignment.id, by: .system) == false)
            #expect(throws: StoreError.self) { try f.repository.withdraw(AssignmentID(rawValue: 999), by: .system) }
            #expect(try f.members(assignment)["a1"]?.leftAt == storage.clock.current)
            #expect(try f.repository.find(assignment.id)?.withdrawnAt == storage.clock.current)
            try f.person("later", in: f.office)
            try f.repository.reconcileAll()
            #expect(try f.members(assignment)["later"] == nil)
            #expect(try f.members(assignment)["a1"]?.leftAt != nil)
            #expect(try storage.audit.recent(limit: 20).filter { $0.action == "assignment.withdraw" }.count == 1)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func reconcileAllRepairsMembershipsChangedBehindItsBack(_ kind: StorageKind) throws {
        try StorageFixture.with(kind, clock: TestClock(Self.start)) { storage in
            let f = try Plan(storage)
            let moved = try f.person("moved", in: f.office)
            let stayed = try f.person("stayed", in: f.office)
            let assignment = try f.assign()
            // Changes made without the repositories (an older server, plain SQL).
            try storage.execute("UPDATE users SET department_id = ? WHERE id = ?", [.int(f.sibling.id.rawValue), .int(moved.id.rawValue)])
            try storage.execute("DELETE FROM assignment_members WHERE user_id = ?", [.int(stayed.id.rawValue)])
            try f.repository.reconcileAll()
            let members = try f.members(assignment)
            #expect(members["moved"]?.leftAt != nil)
            #expect(members["stayed"]?.leftAt == nil && members["stayed"]?.dueDay != nil)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func dueDaysAreComputedInTheRecordedTimeZone(_ kind: StorageKind) throws {
        // 2027-01-14 20:00 UTC: the 15th in Shanghai, still the 14th in UTC.
        try StorageFixture.with(kind, clock: TestClock(Self.start - 8 * 3600)) { storage in
            let f = try Plan(storage)
            try f.person("a1", in: f.office)
            let shanghai = try f.assign(due: .afterAssignment(days: 1))
            try f.repository.recordTimeZone(TimeZone(identifier: "UTC")!)
            let utc = try f.assign("UTC", due: .afterAssignment(days: 1))
            #expect(try f.members(shanghai)["a1"]?.dueDay?.description == "2027-01-16")
            #expect(try f.members(utc)["a1"]?.dueDay?.description == "2027-01-15")
        }
    }

    @Test(arguments: StorageKind.enabled)
    func aPersonsMembershipsAndPeopleByName(_ kind: StorageKind) throws {
        try StorageFixture.with(kind, clock: TestClock(Self.start)) { storage in
            let f = try Plan(storage)
            let person = try f.person("a1", in: f.office)
            let first = try f.assign("一")
            let second = try f.assign("二", item: AssignmentItem(kind: .program, id: "egov"), required: false, due: .none)
            let memberships = try f.repository.memberships(of: person.id)
            #expect(Set(memberships.map(\.assignment)) == [first, second])
            #expect(memberships.first { $0.assignment == second }?.member.dueDay == nil)
            #expect(try f.repository.member(first.id, userID: person.id)?.dueDay != nil)
            #expect(try f.repository.people(named: ["a1", "E-a1", "A1", "nobody", ""]).mapValues(\.id)
                        == ["a1": person.id, "E-a1": person.id, "A1": person.id])
            #expect(try f.repository.all().map(\.id) == [second.id, first.id], "newest first")
            try storage.execute("""
                INSERT INTO certifications (user_id, program_id, department_id, state, updated_at) VALUES (?, 'egov', ?, 'in_progress', 1)
                """, [.int(person.id.rawValue), .int(f.office.id.rawValue)])
            #expect(try f.repository.certificationStates(of: person.id) == ["egov": .inProgress])
            #expect(try storage.node.assignmentProgress.certificationState(of: person.id, program: "egov") == .inProgress)
            #expect(try storage.node.assignmentProgress.certificationState(of: person.id, program: "other") == nil)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func planEntriesAreCreatedUpdatedWithTheirDueDaysAndWithdrawnOnce(_ kind: StorageKind) throws {
        try StorageFixture.with(kind, clock: TestClock(Self.start)) { storage in
            let f = try Plan(storage)
            let kept = try f.person("kept", in: f.office)
            try f.person("moved", in: f.office)
            let entry = NewAssignment(name: "年度培训", item: AssignmentItem(kind: .course, id: "ethics"), required: true,
                                      audience: .department(includeSubtree: true, jobCategory: nil), departmentID: f.bureau.id,
                                      dueRule: .afterAssignment(days: 30), planKey: "2027/annual")
            let created = try f.repository.applyPlanEntry(entry, replacing: nil, file: "plans/2027.yaml", by: .system)
            #expect(created.kind == .created && created.members == 2 && created.key == "2027/annual")
            let stored = try #require(try f.repository.find(created.assignmentID))
            #expect(stored.planKey == "2027/annual" && stored.planFile == "plans/2027.yaml")
            // An extension granted meanwhile stays when the rule changes; the others' due days move.
            try storage.execute("UPDATE assignment_members SET extended_day = '2027-03-01' WHERE user_id = ?", [.int(kept.id.rawValue)])
            var changed = entry
            changed.dueRule = .fixed(try #require(ISODay("2027-04-30")))
            changed.name = "年度培训（修订）"
            let updated = try f.repository.applyPlanEntry(changed, replacing: stored, file: "plans/2027.yaml", by: .system)
            #expect(updated.kind == .updated && updated.assignmentID == stored.id)
            let members = try f.members(stored)
            #expect(members["moved"]?.dueDay?.description == "2027-04-30")
            #expect(members["kept"]?.dueDay?.description == "2027-02-14" && members["kept"]?.extendedDay?.description == "2027-03-01")
            #expect(try f.repository.find(stored.id)?.name == "年度培训（修订）")

            let current = try #require(try f.repository.find(stored.id))
            let withdrawn = try f.repository.withdrawPlanEntry(current, file: "plans/2027.yaml", by: .system)
            #expect(withdrawn?.kind == .withdrawn && withdrawn?.members == 2)
            #expect(try f.repository.withdrawPlanEntry(current, file: "plans/2027.yaml", by: .system) == nil)
            #expect(try f.members(stored).values.allSatisfy { $0.leftAt != nil })
            let reinstated = try f.repository.applyPlanEntry(changed, replacing: try f.repository.find(stored.id),
                                                             file: "plans/2027.yaml", by: .system)
            #expect(reinstated.kind == .reinstated && reinstated.members == 2)
            #expect(try f.members(stored).values.allSatisfy { $0.leftAt == nil })
            let details = try storage.audit.recent(limit: 50).filter { $0.action == "assignment.plan_sync" }.map(\.details)
            #expect(details.count == 4 && details.contains { $0.contains(#""due_days_moved":"1""#) })
        }
    }

    @Test(arguments: StorageKind.enabled)
    func exemptionsAndExtensionsAreCheckedAndAudited(_ kind: StorageKind) throws {
        try StorageFixture.with(kind, clock: TestClock(Self.start)) { storage in
            let f = try Plan(storage)
            let li = try f.person("li", in: f.office)
            let wang = try f.person("wang", in: f.office)
            let planner = try f.person("hr", in: f.bureau)
            let outsider = try f.person("zzmarker", in: f.sibling)
            let assignment = try f.assign(due: .fixed(try #require(ISODay("2027-02-01"))))
            let id = assignment.id.rawValue
            let requests = storage.node.assignmentRequests
            let actor = AuditActor(userID: planner.id, name: "hr")
            #expect(throws: AssignmentRequestFailure.notMember) {
                try requests.exempt(assignment: id, user: outsider.id, reason: "r", by: actor)
            }
            let asked = try requests.requestExtension(assignment: id, user: li.id, day: "2027-03-01", reason: "出差",
                                                      by: AuditActor(userID: li.id, name: "li")) { member in
                #expect(member.effectiveDueDay == "2027-02-01")
            }
            #expect(asked.state == .pending && asked.kind == .extension && asked.requestedDay == "2027-03-01"
                        && asked.createdByName?.login == "li" && asked.decidedBy == nil)
            #expect(throws: AssignmentRequestFailure.pendingExists) {
                try requests.requestExtension(assignment: id, user: li.id, day: "2027-03-02", reason: "again",
                                              by: AuditActor(userID: li.id, name: "li")) { _ in }
            }
            #expect(throws: AssignmentRequestFailure.dayInPast) {
                try requests.requestExtension(assignment: id, user: wang.id, day: "2027-01-01", reason: "r",
                                              by: .system) { _ throws(AssignmentRequestFailure) in throw .dayInPast }
            }
            #expect(try requests.requests(assignment: id, user: wang.id).isEmpty, "a refused request stores nothing")
            let approved = try requests.decide(request: asked.id, approve: true, note: "同意", by: actor)
            #expect(approved.state == .approved && approved.decidedByName?.login == "hr" && approved.decisionNote == "同意")
            #expect(throws: AssignmentRequestFailure.notPending) {
                try requests.decide(request: asked.id, approve: false, note: "no", by: actor)
            }
            #expect(throws: AssignmentRequestFailure.notFound) { try requests.decide(request: 999, approve: true, note: nil, by: actor) }
            #expect(try requests.membership(assignment: id, user: li.id)?.extendedDay == "2027-03-01")

            // An exemption cancels a pending request; lifting it keeps its row in the history.
            let pending = try requests.requestExtension(assignment: id, user: wang.id, day: "2027-03-01", reason: "病假",
                                                        by: AuditActor(userID: wang.id, name: "wang")) { _ in }
            let exemption = try requests.exempt(assignment: id, user: wang.id, reason: "同等学历", by: actor)
            #expect(exemption.kind == .exemption && exemption.state == .approved)
            #expect(try requests.request(pending.id)?.state == .cancelled)
            #expect(throws: AssignmentRequestFailure.alreadyExempt) {
                try requests.exempt(assignment: id, user: wang.id, reason: "again", by: actor)
            }
            #expect(throws: AssignmentRequestFailure.exempt) {
                try requests.requestExtension(assignment: id, user: wang.id, day: "2027-03-01", reason: "r", by: .system) { _ in }
            }
            #expect(try requests.membership(assignment: id, user: wang.id)?.exemptAt != nil)
            try requests.liftExemption(assignment: id, user: wang.id, note: "不符合", by: actor)
            #expect(throws: AssignmentRequestFailure.notExempt) {
                try requests.liftExemption(assignment: id, user: wang.id, note: "again", by: actor)
            }
            #expect(try requests.membership(assignment: id, user: wang.id)?.exemptAt == nil)
            let history = try requests.requests(assignment: id, user: wang.id)
            #expect(history.map(\.kind) == [.exemption, .extension] && history.map(\.state) == [.cancelled, .cancelled])
            #expect(history[0].decisionNote == "不符合")
            #expect(try requests.membership(assignment: id, user: outsider.id) == nil)
            let actions = try storage.audit.recent(limit: 50).map(\.action).filter { $0.hasPrefix("assignment.") && $0 != "assignment.create" }
            #expect(actions.sorted() == ["assignment.exempt", "assignment.exemption_lift", "assignment.extension_approve",
                                         "assignment.extension_request", "assignment.extension_request"])
            #expect(try storage.audit.verify() == .intact(rows: try storage.count("audit_log")))
        }
    }

    @Test(arguments: StorageKind.enabled)
    func pendingRequestsAreScopedAndOrdered(_ kind: StorageKind) throws {
        try StorageFixture.with(kind, clock: TestClock(Self.start)) { storage in
            let f = try Plan(storage)
            let inOffice = try f.person("a1", in: f.office)
            let inBureau = try f.person("a0", in: f.bureau)
            let marker = try f.person("zzmarker", in: f.sibling)
            let disabled = try f.person("d0", in: f.office)
            let assignment = try f.assign(at: f.province, due: .fixed(try #require(ISODay("2027-01-20"))))
            let requests = storage.node.assignmentRequests
            for person in [inBureau, inOffice, marker, disabled] {
                _ = try requests.requestExtension(assignment: assignment.id.rawValue, user: person.id, day: "2027-02-01",
                                                  reason: "r", by: .system) { _ in }
                storage.clock.advance(by: 60)
            }
            try storage.users.setDisabled(true, id: disabled.id, by: .system)
            let (lines, total) = try requests.pending(in: [f.bureau.idPath], limit: 10, offset: 0)
            #expect(total == 2 && lines.map(\.login) == ["a0", "a1"], "oldest first; the marker never appears")
            #expect(lines[0].assignmentName == "信息安全" && lines[0].effectiveDueDay == "2027-01-20"
                        && lines[0].requestedDay == "2027-02-01" && lines[0].departmentID == f.bureau.id)
            #expect(try requests.pending(in: [f.bureau.idPath], limit: 1, offset: 1).lines.map(\.login) == ["a1"])
            #expect(try requests.pending(in: [], limit: 10, offset: 0).total == 0)
            #expect(try requests.pending(in: [f.province.idPath], limit: 10, offset: 0).total == 3)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func progressIsCountedListedAndPagedByStatusInScope(_ kind: StorageKind) throws {
        try StorageFixture.with(kind, clock: TestClock(Self.start)) { storage in
            let f = try Plan(storage)
            var people: [String: User] = [:]
            for (login, department) in [("done", f.office), ("idle", f.office), ("soon", f.bureau), ("later", f.bureau),
                                        ("zzmarker", f.sibling), ("gone", f.office)] {
                people[login] = try f.person(login, in: department)
            }
            let assignment = try f.assign(at: f.province, due: .fixed(try #require(ISODay("2027-01-10"))))
            let id = assignment.id.rawValue
            try storage.execute("UPDATE assignment_members SET due_day = '2027-01-20' WHERE user_id = ?", [.int(people["soon"]!.id.rawValue)])
            try storage.execute("UPDATE assignment_members SET due_day = '2027-03-01' WHERE user_id = ?", [.int(people["later"]!.id.rawValue)])
            for module in ["m1", "m2"] {
                try storage.execute("""
                    INSERT INTO module_progress (user_id, course_id, module_id, seconds, started_at, last_activity_at,
                                                 completed_at, content_hash)
                    VALUES (?, 'ethics', ?, 600, 1, 2, 3, 'h')
                    """, [.int(people["done"]!.id.rawValue), .text(module)])
            }
            try storage.users.setDisabled(true, id: people["gone"]!.id, by: .system)
            let rule = PlanStatusRule(item: assignment.item, catalogue: Self.catalogue, today: try #require(ISODay("2027-01-15")))
            let progress = storage.node.assignmentProgress
            let counts = try progress.counts(assignment: id, in: [f.bureau.idPath], status: rule)
            #expect(counts[f.office.id]?.done == 1 && counts[f.office.id]?.overdue == 1 && counts[f.office.id]?.members == 2)
            #expect(counts[f.bureau.id]?.dueSoon == 1 && counts[f.bureau.id]?.notStarted == 1)
            #expect(counts[f.sibling.id] == nil && counts.count == 2, "the marker's department is outside the scope")
            #expect(try progress.counts(assignment: id, in: [], status: rule).isEmpty)
            #expect(try progress.counts(assignment: id, in: [f.province.idPath], status: rule)[f.sibling.id]?.overdue == 1)

            let overdue = try progress.members(assignment: id, in: [f.bureau.idPath], status: rule, wanted: .overdue,
                                               limit: 10, offset: 0)
            #expect(overdue.total == 1 && overdue.lines.map(\.login) == ["idle"] && overdue.lines[0].status == .overdue
                        && overdue.lines[0].dueDay == "2027-01-10" && overdue.lines[0].employeeNumber == "E-idle")
            let all = try progress.members(assignment: id, in: [f.province.idPath], status: rule, wanted: .overdue,
                                           limit: 1, offset: 1)
            #expect(all.total == 2 && all.lines.count == 1)
            var exported: [PlanMemberLine] = []
            var after: Int64?
            while true {
                let page = try progress.page(assignment: id, in: [f.bureau.idPath], status: rule, after: after, limit: 2)
                guard let last = page.last else { break }
                exported += page
                after = last.userID.rawValue
            }
            #expect(exported.map(\.login) == ["done", "idle", "soon", "later"], "in id order, the marker never appears")
            #expect(exported.map(\.status) == [.done, .overdue, .dueSoon, .notStarted])
            #expect(try progress.status(of: people["soon"]!.id, assignment: id, status: rule) == .dueSoon)
            #expect(try progress.status(of: people["gone"]!.id, assignment: id, status: rule) == .overdue)
            #expect(try progress.status(of: UserID(rawValue: 999), assignment: id, status: rule) == nil)
        }
    }
}
