import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct SQLiteReportRepositoryTests {
    // MARK: Scope

    @Test func peopleAreLimitedToTheScopesSubtreesAndNotToPrefixLookalikes() throws {
        let org = try ReportFixture()
        try org.person("a.head", "数据局长", in: org.a)
        try org.person("a1.li", "李一", in: org.a1)
        try org.person("a2.wang", "王二", in: org.a2)
        try org.person("b.marker", "ZZMARKER", in: org.b)
        try org.person("trap.zhao", "赵陷阱", in: org.trap)
        #expect(org.trap.idPath.hasPrefix(String(org.a.idPath.dropLast())))
        let scope = org.scope(org.a)
        #expect(try Set(org.logins(org.filter(), scope)) == ["a.head", "a1.li", "a2.wang"])
        #expect(try org.reports.count(org.filter(), scope: scope).count == 3)
        #expect(try org.logins(org.filter(org.a1), scope) == ["a1.li"])
    }

    @Test func aDepartmentFilterOutsideTheScopeNeverWidensIt() throws {
        let org = try ReportFixture()
        try org.person("a1.li", "李一", in: org.a1)
        try org.person("b.marker", "ZZMARKER", in: org.b)
        let scope = org.scope(org.a1)
        for department in [org.b, org.root, org.a, org.trap] {
            #expect(try org.logins(org.filter(department), scope).allSatisfy { $0 == "a1.li" })
            #expect(try org.reports.exportBatch(org.filter(department), scope: scope, after: nil, written: 0, limit: 100)
                .allSatisfy { $0.login == "a1.li" })
        }
        #expect(try org.logins(org.filter(org.b), scope).isEmpty)
        #expect(try org.reports.count(org.filter(org.b), scope: scope).count == 0)
        var search = org.filter()
        search.search = "ZZMARKER"
        #expect(try org.logins(search, scope).isEmpty)
    }

    @Test func anEmptyScopeSeesNobody() throws {
        let org = try ReportFixture()
        try org.person("a1.li", "李一", in: org.a1)
        #expect(try org.logins(org.filter(), AccessScope(prefixes: [])).isEmpty)
        #expect(try org.reports.count(org.filter(), scope: AccessScope(prefixes: [])).count == 0)
        #expect(try org.reports.hoursDistribution(org.filter(), scope: AccessScope(prefixes: []), bounds: [10]) == [0, 0, 0])
    }

    @Test func severalGrantsAddTheirSubtrees() throws {
        let org = try ReportFixture()
        try org.person("a1.li", "李一", in: org.a1)
        try org.person("a2.wang", "王二", in: org.a2)
        try org.person("b.marker", "ZZMARKER", in: org.b)
        let scope = org.scope(org.a1, org.b, org.a1)
        #expect(scope.prefixes.count == 2)
        #expect(try Set(org.logins(org.filter(), scope)) == ["a1.li", "b.marker"])
    }

    @Test func disabledPeopleAreLeftOut() throws {
        let org = try ReportFixture()
        let gone = try org.person("a1.gone", "离职者", in: org.a1)
        try org.person("a1.li", "李一", in: org.a1)
        try org.users.setDisabled(true, id: gone.id, by: .system)
        #expect(try org.logins(org.filter(), org.scope(org.a)) == ["a1.li"])
    }

    // MARK: Filters

    @Test func theStateFilterCountsPeopleWithoutARowAsNotStarted() throws {
        let org = try ReportFixture()
        let li = try org.person("li", "李", in: org.a1)
        let wang = try org.person("wang", "王", in: org.a1)
        try org.person("zhao", "赵", in: org.a1)
        try org.certify(li, .certified, certifiedAt: ReportFixture.now, expiresAt: ReportFixture.now + 86_400 * 700)
        try org.certify(wang, .notStarted)
        var filter = org.filter()
        filter.state = .notStarted
        #expect(try Set(org.logins(filter, org.scope(org.a))) == ["wang", "zhao"])
        filter.state = .certified
        #expect(try org.logins(filter, org.scope(org.a)) == ["li"])
        filter.state = .expired
        #expect(try org.logins(filter, org.scope(org.a)).isEmpty)
    }

    @Test func anotherProgrammesRowsDoNotCount() throws {
        let org = try ReportFixture()
        let li = try org.person("li", "李", in: org.a1)
        try org.certify(li, .certified, program: "other")
        var filter = org.filter()
        filter.state = .certified
        #expect(try org.logins(filter, org.scope(org.a)).isEmpty)
        let line = try #require(try org.reports.people(org.filter(), scope: org.scope(org.a), limit: 5, offset: 0).first)
        #expect(line.state == .notStarted)
    }

    @Test func theExpiryRangeIsFromInclusiveToExclusive() throws {
        let org = try ReportFixture()
        let day = 86_400.0
        for (index, offset) in [9.0, 10, 19, 20].enumerated() {
            let user = try org.person("p\(index)", "人\(index)", in: org.a1)
            try org.certify(user, .certified, certifiedAt: 0, expiresAt: ReportFixture.now + offset * day)
        }
        try org.person("none", "无证", in: org.a1)
        var filter = org.filter()
        filter.expiresFrom = ReportFixture.now + 10 * day
        filter.expiresTo = ReportFixture.now + 20 * day
        #expect(try Set(org.logins(filter, org.scope(org.a))) == ["p1", "p2"])
        filter.expiresTo = nil
        #expect(try Set(org.logins(filter, org.scope(org.a))) == ["p1", "p2", "p3"])
    }

    @Test func theExpiryRangeLeavesOutRevokedCertificates() throws {
        let org = try ReportFixture()
        let day = 86_400.0
        let valid = try org.person("valid", "有效", in: org.a1)
        let revoked = try org.person("revoked", "已撤", in: org.a1)
        let marker = try org.person("b.marker", "ZZMARKER", in: org.b)
        try org.certify(valid, .certified, certifiedAt: 0, expiresAt: ReportFixture.now + 15 * day)
        try org.certify(revoked, .revoked, certifiedAt: 0, expiresAt: ReportFixture.now + 15 * day)
        try org.certify(marker, .certified, certifiedAt: 0, expiresAt: ReportFixture.now + 15 * day)
        var filter = org.filter()
        filter.expiresFrom = ReportFixture.now + 10 * day
        filter.expiresTo = ReportFixture.now + 20 * day
        for plan in SQLiteReportRepository.Plan.allCases {
            let reports = SQLiteReportRepository(store: org.store, planChoice: .always(plan), exactCountLimit: 0)
            for sort in PeopleFilter.Sort.allCases {
                filter.sort = sort
                #expect(try reports.people(filter, scope: org.scope(org.a), limit: 100, offset: 0).map(\.login) == ["valid"],
                        "\(plan) \(sort)")
                #expect(try reports.exportBatch(filter, scope: org.scope(org.a), after: nil, written: 0, limit: 100)
                    .map(\.login) == ["valid"], "\(plan) \(sort)")
            }
            #expect(try reports.count(filter, scope: org.scope(org.a)) == PeopleTotal(count: 1, exact: true))
        }
        filter.expiresTo = nil
        filter.state = .revoked
        #expect(try org.logins(filter, org.scope(org.a)).isEmpty)
        filter.expiresFrom = nil
        #expect(try org.logins(filter, org.scope(org.a)) == ["revoked"])
    }

    @Test func hoursBelowTheRequirementIncludePeopleWithNoHours() throws {
        let org = try ReportFixture()
        let full = try org.person("full", "满", in: org.a1)
        let half = try org.person("half", "半", in: org.a1)
        try org.person("zero", "零", in: org.a1)
        try org.credit(full, 50)
        try org.credit(full, 40)
        try org.credit(half, 45)
        try org.credit(half, 60, year: ReportFixture.year - 1)
        var filter = org.filter()
        filter.hoursBelow = 90
        #expect(try Set(org.logins(filter, org.scope(org.a))) == ["half", "zero"])
        let hours = try org.reports.people(org.filter(), scope: org.scope(org.a), limit: 10, offset: 0)
            .reduce(into: [String: Double]()) { $0[$1.login] = $1.hours }
        #expect(hours == ["full": 90, "half": 45, "zero": 0])
    }

    @Test func searchMatchesNamesAndLoginsLiterallyAndEmployeeNumbersWhole() throws {
        let org = try ReportFixture()
        try org.person("pct", "完成100%的人", in: org.a1, employeeNumber: "E1001")
        try org.person("plain", "完成1000的人", in: org.a1, employeeNumber: "E1002")
        try org.person("under_score", "下划线", in: org.a1)
        try org.person("underXscore", "无下划线", in: org.a1)
        try org.person("back", "反斜杠\\人", in: org.a1)
        func search(_ text: String) throws -> Set<String> {
            var filter = org.filter()
            filter.search = text
            return Set(try org.logins(filter, org.scope(org.a)))
        }
        #expect(try search("100%") == ["pct"])
        #expect(try search("%") == ["pct"])
        #expect(try search("under_") == ["under_score"])
        #expect(try search("_") == ["under_score"])
        #expect(try search("\\") == ["back"])
        #expect(try search("完成") == ["pct", "plain"])
        #expect(try search("UNDERX") == ["underXscore"])
        #expect(try search("E1001") == ["pct"])
        #expect(try search("E100") == [])
        #expect(try search("'; DROP TABLE users; --") == [])
        #expect(try org.reports.count(org.filter(), scope: org.scope(org.a)).count == 5)
    }

    // MARK: Sorting and pages

    @Test(arguments: PeopleFilter.Sort.allCases)
    func everySortIsATotalOrderSoPagesNeitherRepeatNorSkip(_ sort: PeopleFilter.Sort) throws {
        let org = try ReportFixture()
        var created: [User] = []
        for index in 0..<7 {
            let department = [org.a1, org.a2, org.a][index % 3]
            let user = try org.person("p\(index)", index % 2 == 0 ? "同名" : "别名\(index)", in: department)
            created.append(user)
            if index % 3 == 0 { try org.certify(user, .certified, certifiedAt: 0, expiresAt: ReportFixture.now + 86_400) }
            if index % 2 == 1 { try org.credit(user, Double(index)) }
        }
        for descending in [false, true] {
            var filter = org.filter()
            filter.sort = sort
            filter.descending = descending
            let all = try org.reports.people(filter, scope: org.scope(org.a), limit: 100, offset: 0)
            var paged: [PersonLine] = []
            for offset in stride(from: 0, to: 8, by: 2) {
                paged += try org.reports.people(filter, scope: org.scope(org.a), limit: 2, offset: offset)
            }
            #expect(paged.map(\.userID) == all.map(\.userID))
            #expect(Set(all.map(\.userID)) == Set(created.map(\.id.rawValue)))
        }
    }

    @Test func sortsOrderByTheirColumn() throws {
        let org = try ReportFixture()
        let c = try org.person("c", "丙", in: org.a2)
        let a = try org.person("a", "甲", in: org.a1)
        let b = try org.person("b", "乙", in: org.a1)
        try org.credit(c, 5)
        try org.credit(a, 30)
        try org.certify(b, .expired, certifiedAt: 0, expiresAt: 100)
        try org.certify(c, .certified, certifiedAt: 0, expiresAt: 200)
        func order(_ sort: PeopleFilter.Sort, descending: Bool = false) throws -> [String] {
            var filter = org.filter()
            filter.sort = sort
            filter.descending = descending
            return try org.logins(filter, org.scope(org.a))
        }
        #expect(try order(.hours) == ["b", "c", "a"])
        #expect(try order(.hours, descending: true) == ["a", "c", "b"])
        #expect(try order(.expires) == ["a", "b", "c"])
        #expect(try order(.state) == ["c", "b", "a"])
        // 综合处 (U+7EFC) comes before 网络安全处 (U+7F51); inside a department, the user id decides.
        #expect(try order(.department) == ["a", "b", "c"])
        // Names sort by pinyin (丙 bǐng, 甲 jiǎ, 乙 yǐ), not by character code (丙 U+4E19, 乙 U+4E59, 甲 U+7532).
        #expect(try order(.name) == ["c", "a", "b"])
        #expect(try order(.name, descending: true) == ["b", "a", "c"])
    }

    @Test func orderClausesComeOnlyFromTheAllowlist() {
        for sort in PeopleFilter.Sort.allCases {
            for descending in [false, true] {
                var filter = PeopleFilter(departmentPath: "/", programID: "p", year: 2027)
                filter.sort = sort
                filter.descending = descending
                for plan in SQLiteReportRepository.Plan.allCases where SQLiteReportRepository.supports(plan, filter) {
                    let clause = SQLiteReportRepository.order(filter, plan: plan)
                    #expect(clause.hasSuffix("id \(descending ? "DESC" : "ASC")"))
                    #expect(!clause.contains(";") && !clause.contains("?"))
                }
            }
        }
    }

    @Test func namesSortByPinyinInEveryPlanAndInExportsWhateverTheBatchSize() throws {
        let org = try ReportFixture()
        // Code-point order would be 冯 卫 吴 周 孙 张 李 王.
        let names = ["周", "张", "吴", "王", "孙", "李", "冯", "卫", "Alice", "bob"]
        for (index, name) in names.enumerated() {
            let user = try org.person("p\(index)", name, in: [org.a1, org.a2, org.a][index % 3])
            if index % 2 == 0 { try org.certify(user, .certified, certifiedAt: 0, expiresAt: ReportFixture.now + 86_400) }
        }
        try org.person("twin", "李", in: org.a2)
        try org.person("b.marker", "ZZMARKER", in: org.b)
        let pinyin = ["冯", "李", "李", "孙", "王", "卫", "吴", "张", "周", "Alice", "bob"]
        for descending in [false, true] {
            var filter = org.filter()
            filter.descending = descending
            let expected = descending ? Array(pinyin.reversed()) : pinyin
            for plan in SQLiteReportRepository.Plan.allCases {
                let reports = SQLiteReportRepository(store: org.store, planChoice: .always(plan))
                let lines = try reports.people(filter, scope: org.scope(org.a), limit: 100, offset: 0)
                #expect(lines.map(\.name) == expected, "\(plan)")
            }
            let listed = try org.reports.people(filter, scope: org.scope(org.a), limit: 100, offset: 0)
            #expect(listed.map(\.name) == expected)
            // Everyone, and a filter that keeps only some: an export walks in the list's order.
            var certified = filter
            certified.state = .certified
            for exported in [filter, certified] {
                let all = try org.reports.people(exported, scope: org.scope(org.a), limit: 100, offset: 0)
                for limit in [1, 2, 3, 100] {
                    var walked: [PersonLine] = []
                    while true {
                        let batch = try org.reports.exportBatch(exported, scope: org.scope(org.a), after: walked.last,
                                                                written: walked.count, limit: limit)
                        #expect(batch.count <= limit)
                        walked += batch
                        if batch.count < limit { break }
                    }
                    #expect(walked == all, "batches of \(limit), \(exported.state.map(\.rawValue) ?? "everyone")")
                }
            }
        }
    }

    @Test(arguments: [PeopleFilter.Sort.department, .state, .expires, .hours])
    func exportsInAnotherOrderFollowTheList(_ sort: PeopleFilter.Sort) throws {
        let org = try ReportFixture()
        for index in 0..<9 {
            let user = try org.person("p\(index)", "人\(index)", in: [org.a1, org.a2, org.a][index % 3])
            if index % 3 == 0 { try org.certify(user, .certified, certifiedAt: 0, expiresAt: ReportFixture.now + Double(index) * 86_400) }
            if index % 2 == 1 { try org.credit(user, Double(10 - index)) }
        }
        try org.person("b.marker", "ZZMARKER", in: org.b)
        var filter = org.filter()
        filter.sort = sort
        let all = try org.reports.people(filter, scope: org.scope(org.a), limit: 100, offset: 0)
        var walked: [PersonLine] = []
        while true {
            let batch = try org.reports.exportBatch(filter, scope: org.scope(org.a), after: walked.last, written: walked.count,
                                                    limit: 2)
            walked += batch
            if batch.count < 2 { break }
        }
        #expect(walked == all)
        #expect(walked.count == 9)
    }

    @Test func nameKeysAreWrittenWithNamesAndFilledWhenMissing() throws {
        let org = try ReportFixture()
        let li = try org.person("li", "李四", in: org.a1)
        func key(_ user: User) throws -> [UInt8]? {
            try org.store.read { db in
                try Data.fetchOne(db, sql: "SELECT name_key FROM users WHERE id = ?", arguments: [user.id.rawValue]).map { [UInt8]($0) }
            }
        }
        #expect(try key(li) == NameCollation.key("李四"))
        // A name written by another tool: the trigger drops the stale key, and the start of the reports fills it.
        try org.store.write { db in
            try db.execute(sql: "UPDATE users SET display_name = '周五' WHERE id = ?", arguments: [li.id.rawValue])
            try db.execute(sql: """
                INSERT INTO users (login, display_name, department_id, password_hash, created_at, updated_at)
                VALUES ('raw', '王六', ?, '!', 0, 0)
                """, arguments: [org.a1.id.rawValue])
        }
        #expect(try key(li) == nil)
        try org.reports.prepareAggregates(requiredHours: 90)
        #expect(try key(li) == NameCollation.key("周五"))
        let raw = try #require(try org.users.find(login: "raw"))
        #expect(try key(raw) == NameCollation.key("王六"))
        // Keys of another collation version are all computed again.
        try org.store.write { db in
            try db.execute(sql: "UPDATE users SET name_key = x'00' WHERE id = ?", arguments: [raw.id.rawValue])
            try db.execute(sql: "UPDATE settings SET value = 'zh-old' WHERE key = 'reports.name_collation'")
        }
        try org.reports.prepareAggregates(requiredHours: 90)
        #expect(try key(raw) == NameCollation.key("王六"))
        #expect(try org.logins(org.filter(), org.scope(org.a)) == ["raw", "li"])
    }

    // MARK: Summary and distributions

    @Test func theSummaryAddsSubDepartmentsIntoTheirParentAndStaysInScope() throws {
        let org = try ReportFixture()
        let head = try org.person("head", "局长", in: org.a)
        let li = try org.person("li", "李", in: org.a1)
        let wang = try org.person("wang", "王", in: org.a1)
        try org.person("zhao", "赵", in: org.a2)
        let marker = try org.person("marker", "ZZMARKER", in: org.b)
        try org.certify(head, .certified)
        try org.certify(li, .dueForRenewal)
        try org.certify(wang, .inProgress)
        try org.certify(marker, .certified)
        let (total, children) = try org.reports.summary(programID: ReportFixture.program, root: org.a,
                                                        children: [org.a1, org.a2], scope: org.scope(org.a))
        #expect(total.people == 4)
        #expect(total.counts[.certified] == 1)
        #expect(total.counts[.dueForRenewal] == 1)
        #expect(total.counts[.inProgress] == 1)
        #expect(total.counts[.notStarted] == 1)
        #expect(total.certifiedRate == 0.5)
        #expect(children.map(\.department.name) == ["综合处", "网络安全处"].sorted())
        let a1 = try #require(children.first { $0.department.id == org.a1.id })
        #expect(a1.people == 2 && a1.counts[.dueForRenewal] == 1 && a1.counts[.inProgress] == 1 && a1.counts[.notStarted] == 0)
        let a2 = try #require(children.first { $0.department.id == org.a2.id })
        #expect(a2.people == 1 && a2.counts[.notStarted] == 1)
        #expect(children.reduce(0) { $0 + $1.people } + 1 == total.people)
        // The same numbers as the people list.
        for state in CertificationStateName.allCases {
            var filter = org.filter(org.a)
            filter.state = state
            #expect(try org.reports.count(filter, scope: org.scope(org.a)).count == total.counts[state] ?? 0, "\(state)")
        }
        // A root shows only the visible part of its subtree.
        let (narrow, narrowChildren) = try org.reports.summary(programID: ReportFixture.program, root: org.a1,
                                                               children: [], scope: org.scope(org.a1))
        #expect(narrow.people == 2 && narrowChildren.isEmpty)
        let (rootTotal, rootChildren) = try org.reports.summary(programID: ReportFixture.program, root: org.root,
                                                                children: [org.a, org.b], scope: org.scope(org.a))
        #expect(rootTotal.people == 4 && rootTotal.counts[.certified] == 1, "the marker in B is not counted")
        #expect(rootChildren.map(\.people) == [4, 0])
    }

    @Test func summaryCountsFollowAPersonWhoMoves() throws {
        let org = try ReportFixture()
        let li = try org.person("li", "李", in: org.a1)
        try org.certify(li, .certified)
        try org.store.write { db in
            try db.execute(sql: "UPDATE users SET department_id = ? WHERE id = ?", arguments: [org.a2.id.rawValue, li.id.rawValue])
        }
        let (_, children) = try org.reports.summary(programID: ReportFixture.program, root: org.a,
                                                    children: [org.a1, org.a2], scope: org.scope(org.a))
        #expect(children.first { $0.department.id == org.a1.id }?.people == 0)
        #expect(children.first { $0.department.id == org.a2.id }?.counts[.certified] == 1)
    }

    @Test func hoursFallIntoBucketsAroundTheRequirement() throws {
        let org = try ReportFixture()
        for (index, hours) in [0.0, 10, 22.5, 44.9, 45, 80, 90, 120].enumerated() {
            let user = try org.person("p\(index)", "人\(index)", in: org.a1)
            if hours > 0 { try org.credit(user, hours) }
        }
        try org.credit(try org.person("marker", "ZZMARKER", in: org.b), 5)
        let counts = try org.reports.hoursDistribution(org.filter(), scope: org.scope(org.a),
                                                       bounds: HoursDistribution.bounds(required: 90))
        #expect(counts == [1, 1, 2, 1, 1, 2])
        let distribution = HoursDistribution(required: 90, counts: counts)
        #expect(distribution.people == 8)
        #expect(distribution.buckets.map(\.upper) == [0, 22.5, 45, 67.5, 90, nil])
        var below = org.filter()
        below.hoursBelow = 90
        #expect(try org.reports.count(below, scope: org.scope(org.a)).count == counts.dropLast().reduce(0, +))
    }

    // MARK: Record

    @Test func aRecordInScopeHasCertificationsCertificatesAndHours() throws {
        let org = try ReportFixture()
        let li = try org.person("li", "李", in: org.a1, employeeNumber: "E7")
        try org.certify(li, .certified, certifiedAt: 100, expiresAt: 200, certificate: "cert-1")
        try org.issue("cert-0", to: li, issuedAt: 50, expiresAt: 60, revokedAt: 55)
        try org.issue("cert-1", to: li, issuedAt: 100, expiresAt: 200)
        try org.credit(li, 12)
        try org.credit(li, 30, year: ReportFixture.year - 1)
        let record = try #require(try org.reports.record(userID: li.id, scope: org.scope(org.a)))
        #expect(record.login == "li" && record.employeeNumber == "E7" && record.departmentID == org.a1.id)
        #expect(record.certifications.map(\.certificateID) == ["cert-1"])
        #expect(record.certificates.map(\.id) == ["cert-1", "cert-0"])
        #expect(record.certificates.last?.revokedAt == 55)
        #expect(record.hours.map(\.year) == [ReportFixture.year, ReportFixture.year - 1])
        #expect(record.hours(in: ReportFixture.year) == 12)
    }

    @Test func aRecordOutsideTheScopeIsNotFound() throws {
        let org = try ReportFixture()
        let marker = try org.person("marker", "ZZMARKER", in: org.b)
        let trap = try org.person("trap", "陷阱", in: org.trap)
        #expect(try org.reports.record(userID: marker.id, scope: org.scope(org.a)) == nil)
        #expect(try org.reports.record(userID: trap.id, scope: org.scope(org.a)) == nil)
        #expect(try org.reports.record(userID: UserID(rawValue: 999_999), scope: org.scope(org.root)) == nil)
        #expect(try org.reports.record(userID: marker.id, scope: org.scope(org.root)) != nil)
    }
}
