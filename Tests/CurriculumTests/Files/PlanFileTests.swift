import Testing
@testable import Curriculum

struct PlanFileTests {
    private func parse(_ text: String, file: String = "plans/p.yaml") -> (PlanFile?, [String]) {
        let (plan, diagnostics) = PlanFile.parse(text: text, fileName: file)
        return (plan, diagnostics.sorted().map(\.description))
    }

    @Test("a minimal plan: one entry, a department and its subtree by default, no due rule")
    func minimal() throws {
        let (file, diagnostics) = parse("""
            id: p
            title: {zh: 计划, en: Plan}
            entries:
              - {id: a, course: c, kind: required, audience: {department: 省/局}}

            """)
        #expect(diagnostics.isEmpty)
        let plan = try #require(file?.plan)
        #expect(plan.entries == [PlanEntry(id: "a", item: .course(CourseID("c")), required: true,
                                           audience: .department(path: ["省", "局"], includeSubtree: true, jobCategory: nil),
                                           due: .none, line: 4, audienceLine: 4)])
        #expect(file?.references.map(\.value) == [.course(CourseID("c"))])
    }

    @Test("names around '/' are trimmed; employee numbers written as numbers stay as written")
    func writtenForms() throws {
        let (file, diagnostics) = parse("""
            id: p
            title: {zh: 计划, en: Plan}
            entries:
              - id: a
                program: prog
                kind: elective
                audience: {department: " 省 / 市场监管局 ", job_category: " 窗口岗位 "}
              - id: b
                course: c
                kind: required
                audience:
                  people: [zhang.san, 0012, 10023]
                due_days_after_joining: 30

            """)
        #expect(diagnostics.isEmpty)
        let plan = try #require(file?.plan)
        #expect(plan.entries[0].audience == .department(path: ["省", "市场监管局"], includeSubtree: true, jobCategory: "窗口岗位"))
        #expect(plan.entries[0].required == false)
        #expect(plan.entries[1].audience == .people(["zhang.san", "0012", "10023"], department: nil))
        #expect(plan.entries[1].due == .afterJoining(30))
    }

    @Test("due days: real days only, leap years counted")
    func days() {
        #expect(PlanFile.isDay("2028-02-29"))
        #expect(!PlanFile.isDay("2027-02-29"))
        #expect(!PlanFile.isDay("2100-02-29"))
        #expect(PlanFile.isDay("2000-02-29"))
        #expect(!PlanFile.isDay("2027-13-01"))
        #expect(!PlanFile.isDay("2027-04-31"))
        #expect(!PlanFile.isDay("2027-6-30"))
        #expect(!PlanFile.isDay("２０２７-06-30"))
        #expect(PlanFile.isDay("2027-12-31"))
    }

    @Test("a date YAML would read as a number or text is reported as written")
    func dueForms() {
        func due(_ value: String) -> [String] {
            parse("""
                id: p
                title: {zh: 计划, en: Plan}
                entries:
                  - {id: a, course: c, kind: required, audience: {department: 省}, due: \(value)}

                """).1
        }
        #expect(due("2027-06-30").isEmpty)
        #expect(due("'2027-06-30'").isEmpty)
        #expect(due("20270630") == [
            "plans/p.yaml:4:72: error: 'due' must be a day written YYYY-MM-DD, such as 2027-06-30, not '20270630'",
        ])
        #expect(due("[2027-06-30]") == [
            "plans/p.yaml:4:72: error: 'due' must be a day written YYYY-MM-DD, such as 2027-06-30, not a list",
        ])
        #expect(due("2027-09-31") == ["plans/p.yaml:4:72: error: 'due' must be a real day, not '2027-09-31'"])
    }

    @Test("the plan file's shape: a mapping, not empty, with a list of mappings")
    func shapes() {
        #expect(parse("").1 == ["plans/p.yaml:1:1: error: the plan file is empty"])
        #expect(parse("- a\n").1 == ["plans/p.yaml:1:1: error: plan must be a mapping of keys to values, not a list"])
        #expect(parse("""
            id: p
            title: {zh: 计划, en: Plan}
            entries: [refresher]

            """).1 == ["plans/p.yaml:3:11: error: entry must be a mapping of keys to values, not 'refresher'"])
        #expect(parse("""
            id: P 1
            title: {zh: 计划, en: Plan}
            entries: {a: b}

            """).1 == [
                "plans/p.yaml:1:5: error: 'P 1' is not a valid plan id: use lowercase letters a-z, digits and hyphens, starting with a letter or digit",
                "plans/p.yaml:3:10: error: 'entries' must be a list, not a mapping",
            ])
    }

    @Test("job categories and people are one line each; an audience of people takes no department-only keys")
    func audienceMistakes() {
        let (_, diagnostics) = parse("""
            id: p
            title: {zh: 计划, en: Plan}
            entries:
              - id: a
                course: c
                kind: required
                audience: {department: 省, job_category: "\(String(repeating: "岗", count: 61))", include_subtree: maybe}
              - id: b
                course: c
                kind: required
                audience: {people: []}
              - id: c
                course: c
                kind: required
                audience: {people: ["  "], job_category: 窗口岗位}

            """)
        #expect(diagnostics == [
            "plans/p.yaml:7:45: error: 'job_category' must be one line of 1 to 60 characters",
            "plans/p.yaml:7:127: error: 'include_subtree' must be true or false, not 'maybe'",
            "plans/p.yaml:11:24: error: 'people' must name at least one person (a login or an employee number)",
            "plans/p.yaml:15:25: error: each person is one login or employee number on one line",
            "plans/p.yaml:15:32: error: 'job_category' applies to a department audience, not to named people",
        ])
    }
}
