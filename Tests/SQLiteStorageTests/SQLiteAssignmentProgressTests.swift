import Curriculum
import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// The progress report's counting: members by status in SQL (`AssignmentEvidence`), summed into department rows
/// that add up to the total; only current members with enabled accounts inside the subtrees asked for; an
/// exemption and an approved extension change the counts; the overdue list, the export pages and the HR people
/// filter read the same status.
@Suite struct SQLiteAssignmentProgressTests {
    private struct Setup {
        let org: ReportFixture
        let catalogue: Catalogue
        let assignment: Assignment
        let status: SQLiteAssignmentProgress.Status
        let people: [String: User]
        let progress: SQLiteAssignmentProgress
    }

    /// Today is 2027-01-15 in Shanghai.
    private static let today = ISODay("2027-01-15")!

    private func setup() throws -> Setup {
        let org = try ReportFixture()
        let catalogue = Catalogue(directory: org.temporary.directory, courses: [LearningFixtures.course()], programs: [])
        let id = try org.assignment("伦理课", item: "ethics", on: org.root)
        var people: [String: User] = [:]
        let plan: [(String, String, Department, String)] = [
            ("started", "甲", org.a1, "2027-01-10"), ("idle", "乙", org.a1, "2027-01-10"), ("soon", "丙", org.a2, "2027-01-20"),
            ("exempt", "丁", org.a, "2027-01-10"), ("later", "戊", org.a, "2027-03-01"), ("marker", "ZZMARKER", org.b, "2027-01-10"),
            ("trap", "陷阱", org.trap, "2027-01-10"), ("disabled", "停用", org.a2, "2027-01-10"), ("left", "调离", org.a1, "2027-01-10"),
        ]
        for (login, name, department, due) in plan {
            let user = try org.person(login, name, in: department)
            people[login] = user
            try org.member(user, of: id, dueDay: due, exempt: login == "exempt", left: login == "left")
        }
        try org.users.setDisabled(true, id: people["disabled"]!.id, by: .system)
        try org.store.write { db in
            try db.execute(sql: """
                INSERT INTO module_progress (user_id, course_id, module_id, seconds, started_at, last_activity_at, completed_at, content_hash)
                VALUES (?, 'ethics', 'm1', 600, ?, ?, ?, 'h')
                """, arguments: [people["started"]!.id.rawValue, ReportFixture.now - 3600, ReportFixture.now - 60, ReportFixture.now - 60])
        }
        let assignment = try #require(try SQLiteAssignmentRepository(store: org.store, clock: { ReportFixture.now })
            .find(AssignmentID(rawValue: id)))
        let expression = AssignmentEvidence.status(of: assignment.item, catalogue: catalogue, today: Self.today)
        return Setup(org: org, catalogue: catalogue, assignment: assignment, status: (expression.sql, expression.arguments),
                     people: people, progress: SQLiteAssignmentProgress(store: org.store))
    }

    private func breakdown(_ setup: Setup, at department: Department?, roots: [Department]) throws -> PlanProgressBreakdown {
        let org = setup.org
        let all = try org.departments.all()
        let byID = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
        let prefixes = department.map { [$0.idPath] } ?? roots.map(\.idPath)
        let counts = try setup.progress.counts(assignment: setup.assignment.id.rawValue, in: prefixes, status: setup.status)
        let children = department.map { parent in all.filter { $0.parentID == parent.id }.sorted { $0.name < $1.name } } ?? []
        return PlanProgressBreakdown(department: department, roots: roots, children: children, counts: counts, departments: byID)
    }

    @Test func rowsAddUpToTheTotalAndCountOnlyCurrentEnabledMembersInScope() throws {
        let setup = try setup()
        let org = setup.org
        let report = try breakdown(setup, at: org.a, roots: [org.a])
        #expect(report.rows.map(\.department.name) == ["综合处", "网络安全处", "数据局"])
        #expect(report.rows.map(\.subtree) == [true, true, false])
        #expect(report.rows.map(\.counts.members) == [2, 1, 2])
        var sum = PlanCounts()
        for row in report.rows { sum = sum + row.counts }
        #expect(sum == report.total)
        #expect(report.total.members == 5)
        #expect(report.total.overdue == 2 && report.total.dueSoon == 1 && report.total.exempt == 1 && report.total.notStarted == 1)
        #expect(report.rows[0].counts.overdue == 2)
        #expect(report.total.doneFraction == 0)
        // The whole organisation: the sibling bureau and the department whose id shares A's digits come in.
        let whole = try breakdown(setup, at: org.root, roots: [org.root])
        #expect(whole.total.members == 7)
        #expect(whole.rows.reduce(0) { $0 + $1.counts.members } == 7)
        // A scope of two tops side by side.
        let tops = try breakdown(setup, at: nil, roots: [org.a, org.b])
        #expect(tops.rows.map(\.counts.members) == [5, 1] && tops.total.members == 6)
    }

    @Test func anExemptionAndAnApprovedExtensionChangeTheStatus() throws {
        let setup = try setup()
        let org = setup.org
        // (In the sibling bureau, so that being assigned too does not change 数据局's counts.)
        let planner = try org.person("hr", "人事", in: org.b, roles: [.hr])
        let requests = SQLiteAssignmentRequests(store: org.store, clock: { ReportFixture.now })
        let id = setup.assignment.id.rawValue
        func status(_ login: String) throws -> AssignmentStatus? {
            try setup.progress.status(of: setup.people[login]!.id, assignment: id, status: setup.status)
        }
        #expect(try status("started") == .overdue && status("idle") == .overdue)
        _ = try AssignmentExemptions(requests: requests).exempt(assignment: id, user: setup.people["started"]!.id,
                                                                reasonText: "同等学历", by: planner)
        #expect(try status("started") == .exempt)
        let extensions = AssignmentExtensions(requests: requests, timeZone: TimeZone(identifier: "Asia/Shanghai")!,
                                              clock: { ReportFixture.now })
        let asked = try extensions.request(assignment: id, user: setup.people["idle"]!, dayText: "2027-03-15", reasonText: "出差")
        #expect(try status("idle") == .overdue)
        _ = try extensions.approve(request: asked.id, noteText: "", by: planner)
        #expect(try status("idle") == .notStarted)
        let report = try breakdown(setup, at: org.a, roots: [org.a])
        #expect(report.total.overdue == 0 && report.total.exempt == 2 && report.total.notStarted == 2)
        try AssignmentExemptions(requests: requests).lift(assignment: id, user: setup.people["started"]!.id,
                                                          reasonText: "不符合", by: planner)
        #expect(try status("started") == .overdue)
    }

    @Test func overdueListExportPagesAndThePeopleFilterReadTheSameStatus() throws {
        let setup = try setup()
        let org = setup.org
        let id = setup.assignment.id.rawValue
        let (overdue, total) = try setup.progress.members(assignment: id, in: [org.a.idPath], status: setup.status,
                                                          wanted: .overdue, limit: 1, offset: 0)
        #expect(total == 2 && overdue.count == 1 && overdue[0].status == .overdue)
        var exported: [PlanMemberLine] = []
        var after: Int64?
        while true {
            let page = try setup.progress.page(assignment: id, in: [org.a.idPath], status: setup.status, after: after, limit: 2)
            guard let last = page.last else { break }
            exported += page
            after = last.userID.rawValue
        }
        #expect(exported.map(\.login).sorted() == ["exempt", "idle", "later", "soon", "started"])
        #expect(exported.first { $0.login == "soon" }?.status == .dueSoon)
        var filter = org.filter(org.a)
        filter.overdue = PlanOverdueFilter(assignmentID: id, rule: PlanStatusRule(item: setup.assignment.item,
                                                                      catalogue: setup.catalogue, today: Self.today))
        let found = try org.reports.people(filter, scope: org.scope(org.a), limit: 50, offset: 0).map(\.login).sorted()
        #expect(found == ["idle", "started"])
        #expect(try org.reports.count(filter, scope: org.scope(org.a)).count == 2)
    }
}
