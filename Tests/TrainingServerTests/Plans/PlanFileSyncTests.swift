import Curriculum
import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Synchronization
import Testing
@testable import TrainingServer

/// Plan files become assignments made by the system: created, updated in place, withdrawn; entries that name a
/// department or people the organisation does not have are skipped whole and reported at their line.
@Suite struct PlanFileSyncTests {
    private func sync(_ f: PlanFixture) -> PlanFileSync {
        PlanFileSync(assignments: f.repository, store: f.repository, departments: f.departments)
    }

    private func catalogue(_ f: PlanFixture, _ entries: [PlanEntry]) -> Catalogue {
        let plan = Plan(id: PlanID("security-2027"), title: LocalizedText(zh: "信息安全计划", en: "Security plan"),
                        entries: entries, source: SourceReference(file: "plans/security-2027.yaml", line: 1))
        return Catalogue(directory: f.temporary.directory, courses: f.catalogue.courses, programs: f.catalogue.programs,
                         plans: [plan])
    }

    private func entry(_ id: String = "ethics-bureau", audience: PlanAudience = .department(path: ["省", "数据局"],
                       includeSubtree: true, jobCategory: nil), due: PlanDueRule = .afterAssignment(30),
                       required: Bool = true, line: Int = 7) -> PlanEntry {
        PlanEntry(id: id, item: .course(CourseID("ethics")), required: required, audience: audience, due: due,
                  line: line - 3, audienceLine: line)
    }

    private func planAssignments(_ f: PlanFixture) throws -> [Assignment] {
        try f.repository.all().filter { $0.planKey != nil }
    }

    private func auditRows(_ f: PlanFixture) throws -> [(actor: String, details: [String: String])] {
        try f.store.read { db in
            try Row.fetchAll(db, sql: "SELECT actor, details FROM audit_log WHERE action = 'assignment.plan_sync' ORDER BY id")
                .map { row in
                    let details = try JSONSerialization.jsonObject(with: Data((row["details"] as String).utf8)) as? [String: String]
                    return (row["actor"], details ?? [:])
                }
        }
    }

    @Test func aNewEntryBecomesAnAssignmentByTheSystemAndASecondSyncChangesNothing() throws {
        let f = try PlanFixture()
        try f.person("a1", in: f.office)
        try f.person("b1", in: f.sibling)
        let report = try sync(f).sync(catalogue(f, [entry()]))
        #expect(report.changes.map(\.kind) == [.created] && report.problems.isEmpty)
        let assignment = try #require(try planAssignments(f).first)
        #expect(assignment.planKey == "security-2027/ethics-bureau")
        #expect(assignment.createdBy == nil && assignment.departmentID == f.bureau.id && assignment.required)
        #expect(assignment.name == "信息安全计划：\(f.catalogue.courses[0].title.zh ?? "")")
        #expect(assignment.dueRule == .afterAssignment(days: 30))
        let members = try f.members(assignment)
        #expect(Set(members.keys) == ["a1"])
        #expect(members["a1"]?.dueDay == f.today.adding(days: 30))
        let audit = try auditRows(f)
        #expect(audit.count == 1 && audit[0].actor == "system")
        #expect(audit[0].details["change"] == "created" && audit[0].details["file"] == "plans/security-2027.yaml")
        #expect(audit[0].details["plan_key"] == "security-2027/ethics-bureau" && audit[0].details["members"] == "1")

        let again = try sync(f).sync(catalogue(f, [entry()]))
        #expect(again.changes.isEmpty && again.unchanged == 1)
        #expect(try auditRows(f).count == 1, "nothing changed, nothing audited")
    }

    @Test func aNewDueRuleMovesTheDueDayOfMembersWithoutAnExtension() throws {
        let f = try PlanFixture()
        let a1 = try f.person("a1", in: f.office)
        try f.person("a2", in: f.bureau)
        _ = try sync(f).sync(catalogue(f, [entry()]))
        let assignment = try #require(try planAssignments(f).first)
        let extended = f.today.adding(days: 90)
        try f.store.write { db in
            try db.execute(sql: "UPDATE assignment_members SET extended_day = ? WHERE assignment_id = ? AND user_id = ?",
                           arguments: [extended.description, assignment.id.rawValue, a1.id.rawValue])
        }
        f.clock.advance(by: 3 * 86_400)
        let report = try sync(f).sync(catalogue(f, [entry(due: .fixed("2027-06-30"))]))
        #expect(report.changes.map(\.kind) == [.updated])
        let updated = try #require(try f.repository.find(assignment.id))
        #expect(updated.id == assignment.id && updated.dueRule == .fixed(ISODay("2027-06-30")!))
        let members = try f.members(updated)
        #expect(members["a2"]?.dueDay == ISODay("2027-06-30"))
        #expect(members["a1"]?.extendedDay == extended && members["a1"]?.effectiveDueDay == extended,
                "an approved extension stays")
        #expect(try auditRows(f).last?.details["due_days_moved"] == "1")

        // Relative again: counted from each member's own assignment day, not from the change.
        _ = try sync(f).sync(catalogue(f, [entry(due: .afterAssignment(10))]))
        #expect(try f.members(updated)["a2"]?.dueDay == PlanCalendar().day(of: PlanFixture.start).adding(days: 10))
    }

    @Test func aNewAudienceAddsAndLetsGoOfPeopleAndKeepsTheirHistory() throws {
        let f = try PlanFixture()
        try f.person("a1", in: f.office)
        try f.person("a2", in: f.bureau, category: "窗口岗位")
        _ = try sync(f).sync(catalogue(f, [entry()]))
        let narrowed = entry(audience: .department(path: ["省", "数据局"], includeSubtree: false, jobCategory: "窗口岗位"))
        let report = try sync(f).sync(catalogue(f, [narrowed]))
        #expect(report.changes.map(\.kind) == [.updated] && report.changes[0].members == 1)
        let assignment = try #require(try planAssignments(f).first)
        let members = try f.members(assignment)
        #expect(members["a2"]?.leftAt == nil)
        #expect(members["a1"]?.leftAt != nil, "moved out of the audience: kept as history")
    }

    @Test func aRemovedEntryIsWithdrawnAndComesBackAsTheSameAssignment() throws {
        let f = try PlanFixture()
        try f.person("a1", in: f.office)
        _ = try sync(f).sync(catalogue(f, [entry(), entry("second", due: .none, required: false)]))
        #expect(try planAssignments(f).count == 2)
        let report = try sync(f).sync(catalogue(f, [entry()]))
        #expect(report.changes.map(\.kind) == [.withdrawn] && report.changes[0].key == "security-2027/second")
        let withdrawn = try #require(try planAssignments(f).first { $0.planKey == "security-2027/second" })
        #expect(withdrawn.isWithdrawn && withdrawn.withdrawnBy == nil)
        #expect(try f.members(withdrawn)["a1"]?.leftAt != nil)
        #expect(try auditRows(f).last?.details["change"] == "withdrawn")

        let back = try sync(f).sync(catalogue(f, [entry(), entry("second", due: .none, required: false)]))
        #expect(back.changes.map(\.kind) == [.reinstated] && back.changes[0].assignmentID == withdrawn.id)
        let reinstated = try #require(try f.repository.find(withdrawn.id))
        let returned = try f.members(reinstated)["a1"]
        #expect(!reinstated.isWithdrawn && returned != nil && returned?.leftAt == nil)

        // A catalogue without plans withdraws them all.
        let none = Catalogue(directory: f.temporary.directory, courses: f.catalogue.courses, programs: f.catalogue.programs)
        #expect(try sync(f).sync(none).changes.map(\.kind) == [.withdrawn, .withdrawn])
    }

    @Test func aMissingDepartmentOrPersonSkipsTheEntryWholeAndSaysWhere() throws {
        let f = try PlanFixture()
        try f.person("a1", in: f.office)
        try f.person("b1", in: f.sibling)
        let entries = [
            entry("lost", audience: .department(path: ["省", "市场监管局"], includeSubtree: true, jobCategory: nil), line: 9),
            entry("named", audience: .people(["a1", "E-b1", "nobody"], department: nil), line: 15),
            entry("outside", audience: .people(["a1", "b1"], department: ["省", "数据局"]), line: 21),
            entry("common", audience: .people(["a1", "E-b1"], department: nil), line: 27),
        ]
        let report = try sync(f).sync(catalogue(f, entries))
        #expect(report.problems.map(\.description) == [
            "plans/security-2027.yaml:9:1: warning: department '省/市场监管局' does not exist in the organisation; entry 'lost' is not applied until this is fixed",
            "plans/security-2027.yaml:15:1: warning: person 'nobody' not found: no login or employee number names exactly one person; entry 'named' is not applied until this is fixed",
            "plans/security-2027.yaml:21:1: warning: 'b1' is not in department '省/数据局'; entry 'outside' is not applied until this is fixed",
        ])
        let created = try planAssignments(f)
        #expect(created.map(\.planKey) == ["security-2027/common"])
        #expect(created.first?.departmentID == f.province.id, "named people belong to the closest department above them all")
        #expect(Set(try f.members(created[0]).keys) == ["a1", "b1"])

        // An entry in force whose department disappears from the file's view stays as it was.
        _ = try sync(f).sync(catalogue(f, [entry()]))
        let before = try #require(try planAssignments(f).first { $0.planKey == "security-2027/ethics-bureau" })
        let broken = try sync(f).sync(catalogue(f, [entry(audience: .department(path: ["省", "数据"], includeSubtree: true,
                                                                                   jobCategory: nil))]))
        #expect(broken.problems.count == 1)
        #expect(try f.repository.find(before.id) == before, "not half applied, not withdrawn")
    }

    @Test func theHolderShowsThePlanProblemsWithItsDiagnosticsAndCallsBackAfterATakenReload() throws {
        let directory = try CatalogueChangesTests.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let holder = try CatalogueHolder(directory: directory, now: 1)
        let seen = Mutex<[String]>([])
        holder.onReload { catalogue in seen.withLock { $0.append(catalogue.revision) } }
        holder.recordPlanProblems([.warning("department 'x' does not exist", file: "plans/p.yaml", line: 4)])
        #expect(holder.status.diagnostics.map(\.description) == ["plans/p.yaml:4:1: warning: department 'x' does not exist"])
        _ = holder.reload(now: 2, trigger: .button, by: "t")
        #expect(seen.withLock { $0 } == [holder.catalogue.revision])
        try CatalogueChangesTests.edit(directory, "course-001/course.yaml") {
            $0.replacingOccurrences(of: "study_hours:", with: "study_hourz:")
        }
        _ = holder.reload(now: 3, trigger: .signal, by: nil)
        #expect(seen.withLock { $0.count } == 1, "a refused reload applies nothing")
        holder.recordPlanProblems([])
        #expect(!holder.status.diagnostics.contains { $0.file.hasPrefix("plans/") })
    }

    @Test func aPlanFilesAssignmentCannotBeWithdrawnByAPlannerOnlyByItsFile() throws {
        let f = try PlanFixture()
        let hr = try f.person("hr", in: f.bureau, grants: [RoleGrant(role: .hr, departmentID: f.province.id)])
        _ = try sync(f).sync(catalogue(f, [entry()]))
        let assignment = try #require(try planAssignments(f).first)
        #expect(assignment.planFile == "plans/security-2027.yaml")
        let scope = PlanScope(user: hr, departments: try f.departments.all())
        #expect(throws: PlanFileRules(file: "plans/security-2027.yaml")) {
            try f.service().withdraw(assignment, scope: scope)
        }
        #expect(try f.repository.find(assignment.id)?.isWithdrawn == false)
        let browser = try f.service().create({
            var draft = AssignmentDraft()
            draft.name = "浏览器任务"
            draft.item = "course:ethics"
            draft.department = String(f.bureau.id.rawValue)
            return draft
        }(), scope: scope)
        #expect(browser.planFile == nil)
        #expect(try f.service().withdraw(browser, scope: scope))
    }
}
