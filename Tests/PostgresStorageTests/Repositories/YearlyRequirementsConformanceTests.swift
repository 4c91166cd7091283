import Foundation
import PostgresStorage
import Testing
import SQLiteStorage
import TrainingServer

/// Yearly requirement rules and each person's own requirement give the same answers on SQLite and PostgreSQL.
@Suite struct YearlyRequirementsConformanceTests {
    struct Organisation {
        let root: Department, a: Department, a1: Department, a2: Department, b: Department

        init(_ storage: StorageFixture) throws {
            root = try storage.department("省")
            a = try storage.department("省", "甲局")
            a1 = try storage.department("省", "甲局", "一处")
            a2 = try storage.department("省", "甲局", "二处")
            b = try storage.department("省", "乙局")
        }
    }

    /// Every person's stored requirement equals the Swift rule's answer.
    static func expectConsistent(_ storage: StorageFixture, _ comment: Comment,
                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        let rules = YearlyRequirementRules(rules: try storage.node.yearlyRequirements.all(), global: 90)
        let paths = Dictionary(uniqueKeysWithValues: try storage.departments.all().map { ($0.id, $0.idPath) })
        for user in try storage.users.all() {
            let expected = rules.rule(departmentPath: paths[user.departmentID] ?? "", jobCategory: user.jobCategory)?.hours
            #expect(user.requiredHours == expected, "\(user.login): \(comment)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func rulesSetRemoveAndAuditAndThePeopleBelowFollow(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let org = try Organisation(storage)
            let requirements = storage.node.yearlyRequirements
            let clerk = try storage.user("clerk", in: org.a1, name: "窗口")
            let plain = try storage.user("plain", in: org.a1, name: "普通")
            let marker = try storage.user("marker", in: org.b, name: "ZZMARKER")
            try requirements.setJobCategory("窗口岗位", of: clerk.id, by: .system)
            try requirements.setJobCategory("窗口岗位", of: marker.id, by: .system)
            try requirements.setJobCategory("窗口岗位", of: marker.id, by: .system)  // unchanged: not audited
            #expect(try requirements.set(department: org.a, jobCategory: "窗口岗位", hours: 60, by: .system) == .added)
            #expect(try requirements.requiredHours(of: clerk.id) == 60)
            #expect(try requirements.requiredHours(of: plain.id) == nil)
            #expect(try requirements.requiredHours(of: marker.id) == nil)
            #expect(try requirements.set(department: org.a, jobCategory: "窗口岗位", hours: 60, by: .system) == .unchanged)
            #expect(try requirements.set(department: org.a, jobCategory: "窗口岗位", hours: 64.5, by: .system) == .changed)
            #expect(try requirements.requiredHours(of: clerk.id) == 64.5)
            // A plain rule deeper down does not undo the category rule.
            #expect(try requirements.set(department: org.a1, jobCategory: nil, hours: 80, by: .system) == .added)
            #expect(try requirements.requiredHours(of: clerk.id) == 64.5)
            #expect(try requirements.requiredHours(of: plain.id) == 80)
            #expect(try storage.users.find(id: plain.id)?.requiredHours == 80)
            try Self.expectConsistent(storage, "after adding rules")
            let rule = try #require(try requirements.all().first { $0.jobCategory == "窗口岗位" })
            #expect(rule.departmentID == org.a.id && rule.hours == 64.5)
            #expect(try requirements.remove(id: rule.id, by: .system)?.hours == 64.5)
            #expect(try requirements.remove(id: rule.id, by: .system) == nil)
            #expect(try requirements.requiredHours(of: clerk.id) == 80)
            try Self.expectConsistent(storage, "after removing a rule")
            // Changing category or leaving the category follows the rules at once.
            try requirements.setJobCategory(nil, of: clerk.id, by: .system)
            #expect(try requirements.requiredHours(of: clerk.id) == 80)
            let audit = try storage.audit.recent(limit: 20).reversed().filter {
                $0.action.hasPrefix("requirement.") || $0.action == "user.job_category"
            }
            #expect(audit.map(\.action) == ["user.job_category", "user.job_category", "requirement.set", "requirement.set",
                                            "requirement.set", "requirement.remove", "user.job_category"])
            #expect(audit[2].details == #"{"department":"\#(org.a.id)","hours":"60","job_category":"窗口岗位"}"#)
            #expect(audit[3].details == #"{"department":"\#(org.a.id)","from_hours":"60","hours":"64.5","job_category":"窗口岗位"}"#)
            #expect(audit[6].details == #"{"from_job_category":"窗口岗位","job_category":""}"#)
            #expect(throws: StoreError.self) { try requirements.setJobCategory("x", of: UserID(rawValue: 404), by: .system) }
        }
    }

    @Test(arguments: StorageKind.enabled)
    func newAndMovedPeopleGetTheirRequirement(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let org = try Organisation(storage)
            let requirements = storage.node.yearlyRequirements
            _ = try requirements.set(department: org.a, jobCategory: nil, hours: 45, by: .system)
            let newcomer = try storage.user("new", in: org.a2, name: "新人")
            #expect(try requirements.requiredHours(of: newcomer.id) == 45)
            #expect(try storage.users.find(id: newcomer.id)?.requiredHours == 45)
            let outsider = try storage.user("out", in: org.b, name: "外部")
            #expect(try requirements.requiredHours(of: outsider.id) == nil)
            try storage.accounts.update(outsider.id, name: "外部", employeeNumber: nil, departmentID: org.a1.id, by: .system)
            #expect(try requirements.requiredHours(of: outsider.id) == 45)
            try Self.expectConsistent(storage, "after adding and moving people")
        }
    }

    @Test(arguments: StorageKind.enabled)
    func categoriesInUseAndTheRulesReachAreCountedWithinTheScopeOnly(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let org = try Organisation(storage)
            let requirements = storage.node.yearlyRequirements
            try requirements.setJobCategory("窗口岗位", of: try storage.user("a", in: org.a1, name: "甲").id, by: .system)
            try requirements.setJobCategory("领导干部", of: try storage.user("b", in: org.a2, name: "乙").id, by: .system)
            try requirements.setJobCategory("领导干部", of: try storage.user("c", in: org.a2, name: "丙").id, by: .system)
            try requirements.setJobCategory("zzmarker岗", of: try storage.user("m", in: org.b, name: "ZZMARKER").id, by: .system)
            _ = try storage.user("d", in: org.a2, name: "丁")
            func scope(_ department: Department) -> AccessScope { AccessScope(prefixes: [department.idPath]) }
            #expect(try requirements.categories(in: scope(org.a), limit: 10) == ["窗口岗位", "领导干部"])
            #expect(try requirements.categories(in: scope(org.a1), limit: 10) == ["窗口岗位"])
            #expect(try requirements.categories(in: scope(org.root), limit: 1) == ["zzmarker岗"])
            #expect(try requirements.categories(in: AccessScope(prefixes: []), limit: 10) == [])
            let reach = try requirements.reach(in: scope(org.a))
            #expect(reach.people == [org.a1.id: 1, org.a2.id: 3])
            #expect(reach.categories == [org.a1.id: ["窗口岗位": 1], org.a2.id: ["领导干部": 2]])
            #expect(try requirements.reach(in: AccessScope(prefixes: [])) == YearlyRequirementReach(people: [:], categories: [:]))
        }
    }
}
