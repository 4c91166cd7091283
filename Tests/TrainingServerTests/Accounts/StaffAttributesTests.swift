import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// Job category and e-mail address: checked together, stored only when they change, audited.
@Suite struct StaffAttributesTests {
    @Test func valuesAreCheckedFieldByField() {
        let good = StaffAttributes.check(jobCategory: " 窗口岗位 ", email: " li@example.gov.cn ")
        #expect(good == StaffAttributes.Checked(jobCategory: "窗口岗位", email: "li@example.gov.cn", problems: []))
        #expect(StaffAttributes.check(jobCategory: "", email: "").problems.isEmpty)
        let bad = StaffAttributes.check(jobCategory: String(repeating: "岗", count: 61), email: "li at example")
        #expect(bad.problems == [AccountProblem(field: "job_category", reason: .jobCategoryTooLong),
                                 AccountProblem(field: "email", reason: .emailInvalid)])
        #expect(StaffAttributes.check(jobCategory: "窗口\t岗位", email: "").problems
                == [AccountProblem(field: "job_category", reason: .controlCharacter)])
    }

    @Test func onlyChangesAreStoredAndAudited() throws {
        let org = try ReportFixture()
        let attributes = StaffAttributes.sqlite(store: org.store, clock: { ReportFixture.now })
        let person = try org.person("li", "李", in: org.a1)
        func audited() throws -> [String] {
            try org.store.read { db in
                try String.fetchAll(db, sql: "SELECT action FROM audit_log WHERE action IN ('user.job_category', 'user.email') ORDER BY id")
            }
        }
        #expect(try attributes.apply(jobCategory: nil, email: nil, to: person, by: .system) == false)
        #expect(try audited().isEmpty)
        #expect(try attributes.apply(jobCategory: "窗口岗位", email: "li@example.gov.cn", to: person, by: .system))
        let changed = try #require(try org.users.find(id: person.id))
        #expect(changed.jobCategory == "窗口岗位")
        #expect(try attributes.email(of: changed) == "li@example.gov.cn")
        #expect(try attributes.apply(jobCategory: "窗口岗位", email: "li@example.gov.cn", to: changed, by: .system) == false)
        #expect(try attributes.apply(jobCategory: nil, email: "li@example.gov.cn", to: changed, by: .system))
        #expect(try org.users.find(id: person.id)?.jobCategory == nil)
        #expect(try audited() == ["user.job_category", "user.email", "user.job_category"])
    }
}
