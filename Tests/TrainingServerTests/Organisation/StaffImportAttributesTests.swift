import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// The staff file's optional job category and e-mail columns (English or Chinese headers): an empty cell keeps
/// what the person has, `-` removes it, anything else sets it; the plan lists them among the changes.
@Suite struct StaffImportAttributesTests {
    static let existing = StaffImport.Existing(
        id: UserID(rawValue: 8), employeeNumber: "800", login: "li", name: "李", department: ["省", "局"],
        grants: [StaffImport.Grant(role: .learner, department: ["省", "局"])], disabled: false, timeFactor: 1,
        jobCategory: "领导干部", email: "li@example.gov.cn")

    static func plan(_ text: String) -> StaffImport.Outcome {
        StaffImport.plan(csv: Array(text.utf8), existing: [existing], departments: [["省"], ["省", "局"]])
    }

    @Test func chineseHeadersAndChangesAreListed() throws {
        let outcome = Self.plan("employee_number,login,name,department,岗位类别,电子邮箱\n800,,李,省/局,窗口岗位,\n900,wang,王,省/局,窗口岗位,wang@example.gov.cn\n")
        guard case .plan(let plan) = outcome else { Issue.record("\(outcome)"); return }
        #expect(plan.changes.count == 2)
        guard case .update(_, let person, let fields) = plan.changes[0], case .create(let created) = plan.changes[1] else {
            Issue.record("\(plan.changes)"); return
        }
        #expect(fields == ["job_category"])
        #expect(person.jobCategory == .set("窗口岗位") && person.email == .keep)
        #expect(created.jobCategory == .set("窗口岗位") && created.email == .set("wang@example.gov.cn"))
    }

    @Test func theClearMarkerRemovesAndEmptyCellsKeep() throws {
        guard case .plan(let cleared) = Self.plan("employee_number,name,department,job_category,email\n800,李,省/局,-,-\n"),
              case .update(_, let person, let fields) = cleared.changes.first else { Issue.record("no update"); return }
        #expect(fields == ["job_category", "email"])
        #expect(person.jobCategory == .clear && person.email == .clear)
        guard case .plan(let kept) = Self.plan("employee_number,name,department,job_category,email\n800,李,省/局,,\n") else {
            Issue.record("no plan"); return
        }
        #expect(kept.changes.isEmpty && kept.unchanged == 1)
        // The same values again are no change either; a different file gives another fingerprint.
        guard case .plan(let same) = Self.plan("employee_number,name,department,job_category,email\n800,李,省/局,领导干部,li@example.gov.cn\n") else {
            Issue.record("no plan"); return
        }
        #expect(same.changes.isEmpty)
        #expect(cleared.fingerprint != kept.fingerprint)
    }

    @Test func badValuesAreRowProblems() {
        let long = String(repeating: "岗", count: 61)
        let outcome = Self.plan("employee_number,name,department,job_category,email\n800,李,省/局,\(long),\n801,张,省/局,,not-an-address\n")
        guard case .problems(let problems) = outcome else { Issue.record("\(outcome)"); return }
        #expect(problems.map(\.code) == ["job_category_invalid", "email_invalid"])
        #expect(problems.map(\.line) == [2, 3])
    }

    @Test func applyingStoresThemAndTheRequirementFollows() throws {
        let org = try ReportFixture()
        let requirements = SQLiteYearlyRequirements(store: org.store, clock: { ReportFixture.now })
        _ = try requirements.set(department: org.a, jobCategory: "窗口岗位", hours: 60, by: .system)
        let staff = SQLiteStaffRepository(store: org.store, clock: { ReportFixture.now })
        func apply(_ text: String) throws {
            let (people, departments) = try staff.snapshot()
            guard case .plan(let plan) = StaffImport.plan(csv: Array(text.utf8), existing: people, departments: departments) else {
                Issue.record("no plan"); return
            }
            try staff.apply(plan, passwordHashes: [:], by: .system)
        }
        try apply("employee_number,login,name,department,job_category,email\nE1,wang,王,省政府/数据局/综合处,窗口岗位,wang@example.gov.cn\n")
        var wang = try #require(try org.users.find(login: "wang"))
        #expect(wang.jobCategory == "窗口岗位" && wang.requiredHours == 60)
        #expect(try SQLiteMailAddressRepository(store: org.store, clock: { 0 }).email(of: wang.id) == "wang@example.gov.cn")
        try apply("employee_number,name,department,岗位类别,电子邮箱\nE1,王,省政府/数据局/综合处,,-\n")
        wang = try #require(try org.users.find(login: "wang"))
        #expect(wang.jobCategory == "窗口岗位")
        #expect(try SQLiteMailAddressRepository(store: org.store, clock: { 0 }).email(of: wang.id) == nil)
        try apply("employee_number,name,department,岗位类别\nE1,王,省政府/数据局/综合处,-\n")
        wang = try #require(try org.users.find(login: "wang"))
        #expect(wang.jobCategory == nil && wang.requiredHours == nil)
    }
}
