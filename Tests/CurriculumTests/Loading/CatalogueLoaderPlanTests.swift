import Foundation
import Testing
@testable import Curriculum

/// Plan files under `plans/`, loaded beside the valid fixture's courses and programme.
struct CatalogueLoaderPlanTests {
    /// A copy of the valid fixture with `Fixtures/Plans/<folder>` as its `plans/`.
    private func catalogue(withPlans folder: String) throws -> URL {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("plans-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: TestFiles.fixtures.appendingPathComponent("Valid"), to: copy)
        try FileManager.default.copyItem(at: TestFiles.fixtures.appendingPathComponent("Plans/\(folder)"),
                                         to: copy.appendingPathComponent("plans"))
        return copy
    }

    @Test("a valid plan loads with every entry, its audience and due rule")
    func valid() throws {
        let directory = try catalogue(withPlans: "valid")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = CatalogueLoader.loadWithReport(directory: directory)
        #expect(result.report.diagnostics.filter { $0.file.hasPrefix("plans/") }.map(\.description) == [
            "plans/README.txt:1:1: warning: only plan files (<plan-id>.yaml) belong in plans/; this is ignored",
        ])
        let catalogue = try #require(result.catalogue)
        let plan = try #require(catalogue.plan(PlanID("security-2027")))
        #expect(catalogue.plans.map(\.id) == [PlanID("security-2027")])
        #expect(plan.title == LocalizedText(zh: "2027年度信息安全培训计划", en: "Information security training plan 2027"))
        #expect(plan.source == SourceReference(file: "plans/security-2027.yaml", line: 1))
        #expect(plan.entries.map(\.id) == ["counter-security", "new-staff-ethics", "competence", "ethics-offer"])
        #expect(plan.entries == [
            PlanEntry(id: "counter-security", item: .course(CourseID("info-security")), required: true,
                      audience: .department(path: ["测试省", "市场监管局"], includeSubtree: true, jobCategory: "窗口岗位"),
                      due: .fixed("2027-06-30"), line: 5, audienceLine: 9),
            PlanEntry(id: "new-staff-ethics", item: .course(CourseID("service-ethics")), required: true,
                      audience: .department(path: ["测试省", "市场监管局"], includeSubtree: false, jobCategory: nil),
                      due: .afterJoining(60), line: 12, audienceLine: 15),
            PlanEntry(id: "competence", item: .program(ProgramID("egov-competence")), required: false,
                      audience: .people(["zhang.san", "10023"], department: ["测试省"]),
                      due: .afterAssignment(90), line: 17, audienceLine: 21),
            PlanEntry(id: "ethics-offer", item: .course(CourseID("service-ethics")), required: false,
                      audience: .people(["li.si"], department: nil), due: .none, line: 24, audienceLine: 27),
        ])
        #expect(plan.entry("competence")?.audience.departmentPath == "测试省")
        #expect(plan.contentHash.count == 64)
    }

    @Test("plans are part of the catalogue's revision; a catalogue without plans keeps the revision it had")
    func revision() throws {
        let without = try #require(CatalogueLoader.load(directory: TestFiles.fixtures.appendingPathComponent("Valid")).catalogue)
        #expect(without.revision == "09cf4f42527efe42d6661adfc5c6eb1b19494200103fe8e70bc37a0b653c0f22")
        let directory = try catalogue(withPlans: "valid")
        defer { try? FileManager.default.removeItem(at: directory) }
        let with = try #require(CatalogueLoader.load(directory: directory).catalogue)
        #expect(with.revision != without.revision)
        let file = directory.appendingPathComponent("plans/security-2027.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        try text.replacingAll("due: 2027-06-30", with: "due: 2027-07-31").write(to: file, atomically: true, encoding: .utf8)
        let edited = try #require(CatalogueLoader.load(directory: directory).catalogue)
        #expect(edited.revision != with.revision)
        #expect(edited.plans[0].contentHash != with.plans[0].contentHash)
        #expect(edited.plans[0].entry("counter-security")?.due == .fixed("2027-07-31"))
    }

    @Test("every plan mistake is reported at its file, line and column; the catalogue is refused")
    func mistakes() throws {
        let directory = try catalogue(withPlans: "broken")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = CatalogueLoader.loadWithReport(directory: directory)
        #expect(result.catalogue == nil)
        #expect(result.report.diagnostics.filter { $0.file.hasPrefix("plans/") }.map(\.description) == [
            "plans/other-name.yaml:1:5: error: the plan id 'plan-2027' must match its file name 'other-name.yaml'",
            "plans/other-name.yaml:2:8: warning: 'title' has no English (en) text",
            "plans/other-name.yaml:3:10: error: 'entries' must list at least one entry",
            "plans/security-2027.yaml:1:1: error: plan is missing the required key 'title'",
            "plans/security-2027.yaml:2:1: error: unknown key 'titel' in plan; did you mean 'title'?",
            "plans/security-2027.yaml:5:13: error: course 'info-securty' does not exist in this catalogue; did you mean 'info-security'?",
            "plans/security-2027.yaml:6:11: error: 'kind' must be one of required, elective, not 'requried'; did you mean 'required'?",
            "plans/security-2027.yaml:7:39: error: unknown key 'job_categry' in audience; did you mean 'job_category'?",
            "plans/security-2027.yaml:8:10: error: 'due' must be a real day, not '2027-02-30'",
            "plans/security-2027.yaml:9:9: error: entry id 'counter-security' is used twice in this plan (first at line 4); entry ids must be unique",
            "plans/security-2027.yaml:10:14: error: programme 'egov' does not exist in this catalogue",
            "plans/security-2027.yaml:12:28: error: 'department' must be department names from the top of the tree separated by '/', such as 测试省/市场监管局; '测试省//市场监管局' has an empty name",
            "plans/security-2027.yaml:14:5: error: an entry has one due rule: 'due' is given already (line 13), so 'due_days_after_joining' cannot be given too",
            "plans/security-2027.yaml:15:5: error: entry is missing the required key 'kind'",
            "plans/security-2027.yaml:17:5: error: an entry assigns one item: 'course' is given already, so 'program' cannot be given too",
            "plans/security-2027.yaml:18:5: error: unknown key 'required' in entry; write 'kind: required' or 'kind: elective'",
            "plans/security-2027.yaml:19:36: error: 'zhang.san' is listed twice in 'people'",
            "plans/security-2027.yaml:19:48: error: 'include_subtree' applies to a department audience, not to named people",
            "plans/security-2027.yaml:20:5: error: entry is missing what it assigns: 'course: <course id>' or 'program: <programme id>'",
            "plans/security-2027.yaml:22:15: error: audience needs 'department: <path>' (everyone there) or 'people: [...]' (named people)",
            "plans/security-2027.yaml:23:32: error: 'due_days_after_assignment' must be between 1 and 3660, not 0",
            "plans/security-2027.yaml:28:10: error: 'due' must be a day written YYYY-MM-DD, such as 2027-06-30, not '30/06/2027'",
        ])
    }
}
