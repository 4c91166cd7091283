import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// Rules in SQLite, each person's own requirement kept on their row, and the HR aggregates counted against it.
@Suite struct SQLiteYearlyRequirementsTests {
    struct Setup {
        let org: ReportFixture
        let requirements: SQLiteYearlyRequirements

        init() throws {
            org = try ReportFixture()
            requirements = SQLiteYearlyRequirements(store: org.store, clock: { ReportFixture.now })
            try org.reports.prepareAggregates(requiredHours: 90)
        }

        func category(_ user: User, _ category: String?) throws {
            try requirements.setJobCategory(category, of: user.id, by: .system)
        }

        /// Every person's stored requirement, by login.
        func stored() throws -> [String: Double?] {
            try org.store.read { db in
                var result: [String: Double?] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT login, required_hours FROM users") {
                    result.updateValue(row["required_hours"] as Double?, forKey: row["login"])
                }
                return result
            }
        }

        /// Every person's requirement by the Swift rule (nil: the global one).
        func expected() throws -> [String: Double?] {
            let rules = YearlyRequirementRules(rules: try requirements.all(), global: 90)
            let paths = Dictionary(uniqueKeysWithValues: try org.departments.all().map { ($0.id, $0.idPath) })
            return try org.store.read { db in
                var result: [String: Double?] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT login, department_id, job_category FROM users") {
                    let path = paths[DepartmentID(rawValue: row["department_id"])] ?? ""
                    result.updateValue(rules.rule(departmentPath: path, jobCategory: row["job_category"])?.hours, forKey: row["login"])
                }
                return result
            }
        }

        /// The kept hours buckets, and the same counted afresh from the people.
        func buckets() throws -> (kept: [String: Int], recounted: [String: Int]) {
            try org.store.read { db in
                var kept: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT department_id, year, bucket, people FROM department_hours WHERE people <> 0") {
                    kept["\(row[0] as Int64)/\(row[1] as Int)/\(row[2] as Int)"] = row[3]
                }
                var recounted: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: """
                    SELECT u.department_id, b.year, b.bucket, count(*) FROM user_year_hours_bucket b
                    JOIN users u ON u.id = b.user_id WHERE u.disabled = 0 AND b.bucket > 0
                    GROUP BY u.department_id, b.year, b.bucket
                    """) {
                    recounted["\(row[0] as Int64)/\(row[1] as Int)/\(row[2] as Int)"] = row[3]
                }
                return (kept, recounted)
            }
        }

        func expectConsistent(_ comment: Comment, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let stored = try stored(), expected = try expected()
            let differing = Set(stored.keys).union(expected.keys).sorted().filter { stored[$0] != expected[$0] }
                .map { "\($0): stored \(String(describing: stored[$0])), rule \(String(describing: expected[$0]))" }
            #expect(differing == [], comment, sourceLocation: sourceLocation)
            let (kept, recounted) = try buckets()
            #expect(kept == recounted, comment, sourceLocation: sourceLocation)
        }
    }

    @Test func rulesSetRemoveAndAuditAndThePeopleBelowFollow() throws {
        let setup = try Setup()
        let org = setup.org
        let clerk = try org.person("clerk", "窗口", in: org.a1)
        let plain = try org.person("plain", "普通", in: org.a1)
        let marker = try org.person("marker", "ZZMARKER", in: org.b)
        try setup.category(clerk, "窗口岗位")
        try setup.category(marker, "窗口岗位")
        #expect(try setup.requirements.set(department: org.a, jobCategory: "窗口岗位", hours: 60, by: .system) == .added)
        #expect(try setup.requirements.requiredHours(of: clerk.id) == 60)
        #expect(try setup.requirements.requiredHours(of: plain.id) == nil)
        #expect(try setup.requirements.requiredHours(of: marker.id) == nil)
        #expect(try setup.requirements.set(department: org.a, jobCategory: "窗口岗位", hours: 60, by: .system) == .unchanged)
        #expect(try setup.requirements.set(department: org.a, jobCategory: "窗口岗位", hours: 64.5, by: .system) == .changed)
        #expect(try setup.requirements.requiredHours(of: clerk.id) == 64.5)
        // A plain rule deeper down does not undo the category rule.
        #expect(try setup.requirements.set(department: org.a1, jobCategory: nil, hours: 80, by: .system) == .added)
        #expect(try setup.requirements.requiredHours(of: clerk.id) == 64.5)
        #expect(try setup.requirements.requiredHours(of: plain.id) == 80)
        let rule = try #require(try setup.requirements.all().first { $0.jobCategory == "窗口岗位" })
        #expect(try setup.requirements.remove(id: rule.id, by: .system)?.hours == 64.5)
        #expect(try setup.requirements.remove(id: rule.id, by: .system) == nil)
        #expect(try setup.requirements.requiredHours(of: clerk.id) == 80)
        try setup.expectConsistent("after rule changes")
        let actions = try org.store.read { db in
            try Row.fetchAll(db, sql: "SELECT action, details FROM audit_log WHERE action LIKE 'requirement.%' ORDER BY id")
                .map { "\($0["action"] as String) \($0["details"] as String)" }
        }
        #expect(actions.count == 4)
        #expect(actions[0].hasPrefix("requirement.set") && actions[0].contains("窗口岗位") && actions[0].contains("60"))
        #expect(actions[1].contains("from_hours"))
        #expect(actions[3].hasPrefix("requirement.remove"))
        let categoryChanges = try org.store.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_log WHERE action = 'user.job_category'")
        }
        #expect(categoryChanges == 2)
    }

    @Test func theCountsEqualARecountAfterRuleChangesMovesCategoriesAndLeavers() throws {
        let setup = try Setup()
        let org = setup.org
        var people: [User] = []
        for index in 0..<12 {
            let department = [org.a, org.a1, org.a2, org.b][index % 4]
            let person = try org.person("p\(index)", "人员\(index)", in: department)
            people.append(person)
            // Hours spread over every bucket of 60, 80 and 90 hours, in two years.
            try org.credit(person, Double(index * 8))
            if index % 3 == 0 { try org.credit(person, 50, year: ReportFixture.year - 1) }
            if index % 2 == 0 { try setup.category(person, "窗口岗位") }
        }
        try setup.expectConsistent("no rules yet")
        _ = try setup.requirements.set(department: org.a, jobCategory: "窗口岗位", hours: 60, by: .system)
        try setup.expectConsistent("a category rule")
        _ = try setup.requirements.set(department: org.a1, jobCategory: nil, hours: 80, by: .system)
        _ = try setup.requirements.set(department: org.root, jobCategory: nil, hours: 40, by: .system)
        try setup.expectConsistent("plain rules")
        // People move, change category, earn hours, leave and come back.
        try org.users.update(people[1].id, name: people[1].displayName, employeeNumber: nil, departmentID: org.b.id, by: .system)
        try org.users.update(people[3].id, name: people[3].displayName, employeeNumber: nil, departmentID: org.a1.id, by: .system)
        try setup.category(people[5], "窗口岗位")
        try setup.category(people[4], nil)
        try org.credit(people[5], 30)
        try org.users.setDisabled(true, id: people[6].id, reason: nil, by: .system)
        try setup.expectConsistent("moves and categories")
        _ = try setup.requirements.set(department: org.a, jobCategory: "窗口岗位", hours: 120, by: .system)
        try org.users.setDisabled(false, id: people[6].id, reason: nil, by: .system)
        try setup.expectConsistent("a change while someone was away")
        // A department moves under another: the rules above it change.
        _ = try org.departments.move(org.a1.id, under: org.b.id, by: .system)
        try setup.expectConsistent("a department move")
        for rule in try setup.requirements.all() { _ = try setup.requirements.remove(id: rule.id, by: .system) }
        try setup.expectConsistent("every rule removed")
        #expect(try setup.stored().values.allSatisfy { $0 == nil })
        // A new global requirement recounts everything.
        try org.reports.prepareAggregates(requiredHours: 30)
        try setup.expectConsistent("a new global requirement")
    }

    @Test func newPeopleGetTheirRequirementWhenAdded() throws {
        let setup = try Setup()
        let org = setup.org
        _ = try setup.requirements.set(department: org.a, jobCategory: nil, hours: 45, by: .system)
        let newcomer = try org.person("new", "新人", in: org.a2)
        #expect(try setup.requirements.requiredHours(of: newcomer.id) == 45)
        #expect(try org.users.find(id: newcomer.id)?.requiredHours == 45)
        let outsider = try org.person("out", "外部", in: org.b)
        #expect(try setup.requirements.requiredHours(of: outsider.id) == nil)
    }

    @Test func hrFiltersAndDistributionsCountEachPersonAgainstTheirOwnRequirement() throws {
        let setup = try Setup()
        let org = setup.org
        let clerk = try org.person("clerk", "窗口", in: org.a1)
        let other = try org.person("other", "其他", in: org.a1)
        try setup.category(clerk, "窗口岗位")
        try org.credit(clerk, 70)
        try org.credit(other, 70)
        _ = try setup.requirements.set(department: org.a, jobCategory: "窗口岗位", hours: 60, by: .system)
        var below = org.filter(org.a)
        below.hoursBelow = 90
        // The aggregate count and the list agree: only the person without the category is below (70 < 90).
        #expect(try org.logins(below, org.scope(org.a)) == ["other"])
        #expect(try org.reports.count(below, scope: org.scope(org.a)).count == 1)
        let lines = try org.reports.people(org.filter(org.a), scope: org.scope(org.a), limit: 10, offset: 0)
        #expect(Set(lines.map { "\($0.login):\($0.requiredHours.map { String($0) } ?? "-")" }) == ["clerk:60.0", "other:-"])
        // Everyone: the aggregates; a search: counted from the people. Both put the clerk at "met", the other in 75-100 %.
        let bounds = HoursDistribution.bounds(required: 90)
        #expect(try org.reports.hoursDistribution(org.filter(org.a), scope: org.scope(org.a), bounds: bounds) == [0, 0, 0, 0, 1, 1])
        var search = org.filter(org.a)
        search.search = "窗口"
        #expect(try org.reports.hoursDistribution(search, scope: org.scope(org.a), bounds: bounds) == [0, 0, 0, 0, 0, 1])
        let record = try #require(try org.reports.record(userID: clerk.id, scope: org.scope(org.a)))
        #expect(record.requiredHours == 60)
    }

    @Test func categoriesInUseAreListedWithinTheScopeOnly() throws {
        let setup = try Setup()
        let org = setup.org
        try setup.category(try org.person("a", "甲", in: org.a1), "窗口岗位")
        try setup.category(try org.person("b", "乙", in: org.a2), "领导干部")
        try setup.category(try org.person("c", "丙", in: org.a2), "领导干部")
        try setup.category(try org.person("m", "ZZMARKER", in: org.b), "zzmarker岗")
        #expect(try setup.requirements.categories(in: org.scope(org.a), limit: 10) == ["窗口岗位", "领导干部"])
        #expect(try setup.requirements.categories(in: org.scope(org.a1), limit: 10) == ["窗口岗位"])
        #expect(try setup.requirements.categories(in: org.scope(org.root), limit: 1) == ["zzmarker岗"])
        let reach = try setup.requirements.reach(in: org.scope(org.a))
        #expect(reach.people[org.a2.id] == 2)
        #expect(reach.categories[org.a2.id] == ["领导干部": 2])
        #expect(reach.people[org.b.id] == nil)
    }
}
