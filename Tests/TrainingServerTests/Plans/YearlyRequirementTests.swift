import Testing
@testable import TrainingServer

/// Which rule sets a person's yearly requirement.
@Suite struct YearlyRequirementTests {
    // 1 省 → 2 数据局 → 3 窗口处 → 4 一科
    static func rule(_ id: Int64, _ department: Int64, _ category: String?, _ hours: Double) -> YearlyRequirement {
        YearlyRequirement(id: id, departmentID: DepartmentID(rawValue: department), jobCategory: category, hours: hours,
                          updatedAt: 0)
    }

    @Test func theNearestRuleOfThePersonsCategoryWinsThenTheNearestPlainOneThenTheGlobal() {
        let rules = YearlyRequirementRules(rules: [
            Self.rule(1, 1, nil, 70),          // everyone in the province
            Self.rule(2, 2, "窗口岗位", 60),     // the bureau's counter clerks
            Self.rule(3, 3, nil, 80),          // everyone in the counter division, deeper than rule 2
            Self.rule(4, 4, "窗口岗位", 50),     // counter clerks of section one, deeper still
            Self.rule(5, 2, "领导干部", 100),
        ], global: 90)
        // A category rule beats a plain rule at a deeper level (rule 2 over rule 3) ...
        #expect(rules.rule(departmentPath: "/1/2/3/", jobCategory: "窗口岗位")?.id == 2)
        // ... and at the same level; the nearest category rule wins among category rules.
        #expect(rules.rule(departmentPath: "/1/2/3/4/", jobCategory: "窗口岗位")?.id == 4)
        // Without a category rule on the way, the nearest plain rule.
        #expect(rules.rule(departmentPath: "/1/2/3/", jobCategory: "一般工作人员")?.id == 3)
        #expect(rules.rule(departmentPath: "/1/2/3/4/", jobCategory: nil)?.id == 3)
        #expect(rules.rule(departmentPath: "/1/2/", jobCategory: nil)?.id == 1)
        #expect(rules.hours(departmentPath: "/1/2/", jobCategory: "领导干部") == 100)
        // Another branch with no rule of its own: the province's; outside the province: the global requirement.
        #expect(rules.hours(departmentPath: "/1/9/", jobCategory: "窗口岗位") == 70)
        #expect(rules.rule(departmentPath: "/7/8/", jobCategory: "窗口岗位") == nil)
        #expect(rules.hours(departmentPath: "/7/8/", jobCategory: "窗口岗位") == 90)
    }

    @Test func aCategoryRuleAtTheSameDepartmentBeatsThePlainOne() {
        let rules = YearlyRequirementRules(rules: [Self.rule(1, 2, nil, 40), Self.rule(2, 2, "窗口岗位", 60)], global: 90)
        #expect(rules.hours(departmentPath: "/1/2/", jobCategory: "窗口岗位") == 60)
        #expect(rules.hours(departmentPath: "/1/2/", jobCategory: "领导干部") == 40)
        #expect(rules.hours(departmentPath: "/1/", jobCategory: "窗口岗位") == 90)
    }

    @Test func departmentIdsArePathSegmentsNotPrefixes() {
        // Department 2's rule must not reach department 20.
        let rules = YearlyRequirementRules(rules: [Self.rule(1, 2, nil, 40)], global: 90)
        #expect(rules.hours(departmentPath: "/1/20/", jobCategory: nil) == 90)
        #expect(rules.hours(departmentPath: "/1/2/21/", jobCategory: nil) == 40)
    }

    @Test(arguments: [("60", 60.0), (" 37.5 ", 37.5), ("1000", 1000), ("0.1", 0.1)])
    func hoursAreReadAsTyped(_ text: String, _ value: Double) {
        #expect(RequirementHours.parse(text) == value)
    }

    @Test(arguments: ["", "0", "-5", "1000.5", "12.25", "abc", "1e2", "６０", "60h", ".", "1.2.3"])
    func otherHoursAreRefused(_ text: String) {
        #expect(RequirementHours.parse(text) == nil)
    }

    @Test func jobCategoriesAreTrimmedAndBounded() throws {
        #expect(try JobCategory.normalized("  窗口岗位 ") == "窗口岗位")
        #expect(try JobCategory.normalized("   ") == nil)
        #expect(try JobCategory.normalized(String(repeating: "岗", count: 60))?.count == 60)
        #expect(throws: JobCategory.Problem.tooLong) { try JobCategory.normalized(String(repeating: "岗", count: 61)) }
        #expect(throws: JobCategory.Problem.controlCharacter) { try JobCategory.normalized("窗口\n岗位") }
    }

    @Test func reachCountsEachPersonOnceUnderTheRuleThatSetsTheirRequirement() {
        let departments: [DepartmentID: Department] = [
            DepartmentID(rawValue: 2): Department(id: DepartmentID(rawValue: 2), parentID: DepartmentID(rawValue: 1),
                                                  name: "数据局", idPath: "/1/2/", namePath: ["省", "数据局"]),
            DepartmentID(rawValue: 3): Department(id: DepartmentID(rawValue: 3), parentID: DepartmentID(rawValue: 2),
                                                  name: "窗口处", idPath: "/1/2/3/", namePath: ["省", "数据局", "窗口处"]),
        ]
        let rules = YearlyRequirementRules(rules: [Self.rule(1, 2, "窗口岗位", 60), Self.rule(2, 3, nil, 80)], global: 90)
        let reach = YearlyRequirementReach(
            people: [DepartmentID(rawValue: 2): 5, DepartmentID(rawValue: 3): 4],
            categories: [DepartmentID(rawValue: 2): ["窗口岗位": 2, "领导干部": 1], DepartmentID(rawValue: 3): ["窗口岗位": 3]])
        let counted = reach.count(rules, departments: departments)
        #expect(counted.byRule == [1: 5, 2: 1])
        #expect(counted.global == 3)
    }
}
