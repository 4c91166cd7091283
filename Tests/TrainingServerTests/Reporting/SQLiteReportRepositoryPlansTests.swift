import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// The fast paths of the HR queries — aggregate tables, index walks, capped counts — give the same answers as
/// reading every person, and the aggregates stay equal to what they summarise through every kind of change.
@Suite struct SQLiteReportRepositoryPlansTests {
    /// 24 people over A1, A2, A and B with every state, hours around the requirement, expiry dates, a leaver,
    /// names that tie.
    private func organisation() throws -> ReportFixture {
        let org = try ReportFixture()
        try org.reports.prepareAggregates(requiredHours: 90)
        let states = CertificationStateName.allCases
        let departments = [org.a1, org.a2, org.a, org.b]
        for index in 0..<24 {
            let user = try org.person("p\(index)", index % 5 == 0 ? "同名" : "人\(23 - index)", in: departments[index % 4],
                                      employeeNumber: "E\(index)")
            if index % 7 != 3 {
                let state = states[index % states.count]
                try org.certify(user, state, certifiedAt: ReportFixture.now - Double(index) * 86_400,
                                expiresAt: state == .notStarted ? nil : ReportFixture.now + Double(index % 6) * 86_400 * 30)
            }
            if index % 3 != 0 { try org.credit(user, Double(index) * 7.5) }
            if index % 4 == 1 { try org.credit(user, 12) }
            if index == 17 { try org.users.setDisabled(true, id: user.id, by: .system) }
        }
        return org
    }

    private func filters(_ org: ReportFixture) -> [PeopleFilter] {
        var result: [PeopleFilter] = []
        for department in [nil, org.a, org.a1, org.b] {
            for state in [nil] + CertificationStateName.allCases {
                var filter = org.filter(department)
                filter.state = state
                result.append(filter)
            }
            var below = org.filter(department)
            below.hoursBelow = 90
            result.append(below)
            var search = org.filter(department)
            search.search = "同"
            result.append(search)
            var range = org.filter(department)
            range.expiresFrom = ReportFixture.now + 86_400 * 20
            range.expiresTo = ReportFixture.now + 86_400 * 100
            result.append(range)
            var stateRange = range
            stateRange.state = .certified
            result.append(stateRange)
            var both = org.filter(department)
            both.state = .certified
            both.hoursBelow = 60
            result.append(both)
        }
        return result
    }

    @Test func everyPlanGivesTheSameRowsInTheSameOrderAsReadingEveryone() throws {
        let org = try organisation()
        let reference = SQLiteReportRepository(store: org.store, planChoice: .always(.departmentsFirst))
        var compared = 0
        for scope in [org.scope(org.a), org.scope(org.root), org.scope(org.a1, org.b)] {
            for base in filters(org) {
                for sort in PeopleFilter.Sort.allCases {
                    for descending in [false, true] {
                        var filter = base
                        filter.sort = sort
                        filter.descending = descending
                        let expected = try reference.people(filter, scope: scope, limit: 100, offset: 0)
                        for plan in SQLiteReportRepository.Plan.allCases where SQLiteReportRepository.supports(plan, filter) {
                            let repository = SQLiteReportRepository(store: org.store, planChoice: .always(plan))
                            #expect(try repository.people(filter, scope: scope, limit: 100, offset: 0) == expected,
                                    "\(plan) \(filter)")
                            for offset in stride(from: 0, through: expected.count + 3, by: 4) {
                                #expect(try repository.people(filter, scope: scope, limit: 4, offset: offset)
                                    == Array(expected.dropFirst(offset).prefix(4)), "\(plan) page at \(offset) \(filter)")
                            }
                            compared += 1
                        }
                        #expect(try org.reports.people(filter, scope: scope, limit: 100, offset: 0) == expected)
                    }
                }
            }
        }
        #expect(compared > 300)
    }

    @Test func exportBatchesOfEveryoneEqualTheJoinedQueryWhateverTheBatchSize() throws {
        let org = try organisation()
        for scope in [org.scope(org.a), org.scope(org.root), org.scope(org.a1, org.b), org.scope(org.a2)] {
            for department in [nil, org.a] {
                let filter = org.filter(department)
                let expected = try org.reports.people(filter, scope: scope, limit: 10_000, offset: 0)
                for limit in [1, 3, 7, 100] {
                    var walked: [PersonLine] = []
                    while true {
                        let batch = try org.reports.exportBatch(filter, scope: scope, after: walked.last, written: walked.count,
                                                                limit: limit)
                        #expect(batch.count <= limit)
                        guard !batch.isEmpty else { break }
                        walked += batch
                    }
                    #expect(walked == expected, "batches of \(limit) in \(scope.prefixes) under \(filter.departmentPath)")
                }
            }
        }
    }

    /// Rows of certifications and hours whose copy of the name key differs from their person's.
    private func staleNameKeys(_ org: ReportFixture) throws -> [String] {
        try org.store.read { db in
            try String.fetchAll(db, sql: """
                SELECT 'certification ' || c.user_id || ' ' || c.program_id FROM certifications c
                JOIN users u ON u.id = c.user_id WHERE c.name_key IS NOT u.name_key
                UNION ALL
                SELECT 'hours ' || h.user_id || ' ' || h.year FROM user_year_hours h
                JOIN users u ON u.id = h.user_id WHERE h.name_key IS NOT u.name_key
                """)
        }
    }

    @Test func exportsInNameOrderReadTheKeyRangesAndStayRightThroughRenames() throws {
        let org = try organisation()
        #expect(try staleNameKeys(org) == [])
        let users = try org.store.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM users ORDER BY id") }
        func user(_ index: Int) throws -> User { try #require(try org.users.find(id: UserID(rawValue: users[index]))) }
        // A rename through the platform, one by another tool (the key is dropped, then filled at start), a new
        // year's hours, a certification written after the name, and a newcomer with both.
        try org.store.write { db in
            // As staff imports write a name: the name, then its key in the same transaction.
            try db.execute(sql: "UPDATE users SET display_name = '阿尔法' WHERE id = ?", arguments: [users[4]])
            try SQLiteReportRepository.writeNameKey(userID: users[4], name: "阿尔法", db)
            try db.execute(sql: "UPDATE users SET display_name = '最后' WHERE id = ?", arguments: [users[6]])
        }
        try org.credit(try user(3), 4, year: ReportFixture.year)
        try org.credit(try user(9), 2, year: ReportFixture.year + 1)
        try org.certify(try user(10), .certified, certifiedAt: ReportFixture.now, expiresAt: ReportFixture.now + 86_400)
        let newcomer = try org.person("newcomer", "新人", in: org.a1, employeeNumber: "E99")
        try org.certify(newcomer, .inProgress)
        try org.credit(newcomer, 33)
        try org.reports.prepareAggregates(requiredHours: 90)
        #expect(try staleNameKeys(org) == [])
        for scope in [org.scope(org.root), org.scope(org.a), org.scope(org.a2)] {
            for descending in [false, true] {
                var filter = org.filter()
                filter.descending = descending
                let expected = try org.reports.people(filter, scope: scope, limit: 10_000, offset: 0)
                // Read as key ranges: the lines of everyone, then their certifications and hours from the ranges.
                let bare = expected.map {
                    PersonLine(userID: $0.userID, login: $0.login, name: $0.name, employeeNumber: $0.employeeNumber,
                               departmentID: $0.departmentID, state: .notStarted, certifiedAt: nil, expiresAt: nil,
                               certificateID: nil, hours: 0)
                }
                let keys = try org.store.read { db in
                    try Data.fetchAll(db, sql: "SELECT name_key FROM users WHERE disabled = 0 ORDER BY name_key")
                }
                var ranged = bare
                try org.store.read { db in
                    try org.reports.attachInNameOrder(&ranged, filter, low: try #require(keys.first),
                                                      high: try #require(keys.last), db)
                }
                #expect(ranged == expected, "key ranges in \(scope.prefixes), descending: \(descending)")
                for limit in [1, 5, 100] {
                    var walked: [PersonLine] = []
                    while true {
                        let batch = try org.reports.exportBatch(filter, scope: scope, after: walked.last,
                                                                written: walked.count, limit: limit)
                        guard !batch.isEmpty else { break }
                        walked += batch
                    }
                    #expect(walked == expected, "batches of \(limit) in \(scope.prefixes), descending: \(descending)")
                }
            }
        }
        #expect(try org.reports.people(org.filter(), scope: org.scope(org.root), limit: 10_000, offset: 0)
            .contains { $0.login == "newcomer" && $0.state == .inProgress && $0.hours == 33 })
    }

    @Test func totalsFromTheAggregatesEqualCountingThePeople() throws {
        let org = try organisation()
        for scope in [org.scope(org.a), org.scope(org.root), org.scope(org.a1, org.b), AccessScope(prefixes: [])] {
            for filter in filters(org) {
                let counted = try org.reports.people(filter, scope: scope, limit: 10_000, offset: 0).count
                #expect(try org.reports.count(filter, scope: scope) == PeopleTotal(count: counted, exact: true), "\(filter)")
            }
        }
    }

    @Test func aggregateCountsAnswerWithoutReadingPeople() throws {
        let org = try organisation()
        let prefixes = [org.a.idPath]
        try org.store.read { db in
            for filter in filters(org) where filter.departmentPath == "/" {
                let aggregate = try SQLiteReportRepository.aggregateCount(filter, prefixes, db)
                let plain = filter.expiresFrom == nil && (filter.search ?? "").isEmpty
                    && !(filter.state != nil && filter.hoursBelow != nil)
                #expect((aggregate != nil) == plain, "\(filter)")
            }
            // The hours aggregate is for the stored requirement only.
            var below = org.filter()
            below.hoursBelow = 45
            #expect(try SQLiteReportRepository.aggregateCount(below, prefixes, db) == nil)
        }
    }

    @Test func overALargeSubtreeSearchesAreCountedUpToTheCap() throws {
        let org = try organisation()
        let capped = SQLiteReportRepository(store: org.store, countCap: 3, exactCountLimit: 5)
        var search = org.filter()
        search.search = "p1"   // ASCII: logins p1, p10 … p19
        let matching = try org.reports.people(search, scope: org.scope(org.root), limit: 100, offset: 0).count
        #expect(matching > 3)
        #expect(try capped.count(search, scope: org.scope(org.root)) == PeopleTotal(count: 3, exact: false))
        search.search = "E1"
        let few = try org.reports.people(search, scope: org.scope(org.root), limit: 100, offset: 0).count
        #expect(few <= 3)
        #expect(try capped.count(search, scope: org.scope(org.root)) == PeopleTotal(count: few, exact: true))
        // A state and an expiry range: counted along that state's certifications, up to the cap.
        var soon = org.filter()
        soon.state = .certified
        soon.expiresFrom = ReportFixture.now - 86_400
        let certifiedSoon = try org.reports.people(soon, scope: org.scope(org.root), limit: 100, offset: 0).count
        #expect(certifiedSoon > 0)
        #expect(try capped.count(soon, scope: org.scope(org.root))
            == PeopleTotal(count: min(certifiedSoon, 3), exact: certifiedSoon <= 3))
        // A search with Chinese characters starts from the people who have its rarest one, and counts them exactly.
        search.search = "人"
        let chinese = try org.reports.people(search, scope: org.scope(org.root), limit: 100, offset: 0).count
        #expect(chinese > 3)
        #expect(try capped.count(search, scope: org.scope(org.root)) == PeopleTotal(count: chinese, exact: true))
        // Aggregates stay exact whatever the size.
        var state = org.filter()
        state.state = .expired
        #expect(try capped.count(state, scope: org.scope(org.root)).exact)
    }

    @Test func aChineseSearchFindsNamesLoginsAndWholeEmployeeNumbersFromTheCharacterList() throws {
        let org = try ReportFixture()
        try org.person("li", "李小明", in: org.a1)
        try org.person("zhao", "赵明", in: org.a2, employeeNumber: "工号一")
        try org.person("wang.明", "Wang", in: org.a1)
        try org.person("b.marker", "ZZMARKER明", in: org.b)
        let candidates = SQLiteReportRepository(store: org.store, planChoice: .always(.searchCandidates))
        func logins(_ text: String) throws -> [String] {
            var filter = org.filter()
            filter.search = text
            return try candidates.people(filter, scope: org.scope(org.a), limit: 10, offset: 0).map(\.login)
        }
        #expect(try Set(logins("明")) == ["li", "zhao", "wang.明"], "names and logins; the marker is out of scope")
        #expect(try logins("小明") == ["li"])
        #expect(try logins("工号一") == ["zhao"], "an employee number matches whole")
        #expect(try logins("工号") == [], "but not in part")
        #expect(try logins("明x") == [])
    }

    @Test func theHoursChartFromTheAggregateEqualsCountingThePeople() throws {
        let org = try organisation()
        let bounds = HoursDistribution.bounds(required: 90)
        for scope in [org.scope(org.a), org.scope(org.root), org.scope(org.a1, org.b)] {
            for department in [nil, org.a, org.a2] {
                let filter = org.filter(department)
                let fromAggregate = try org.reports.hoursDistribution(filter, scope: scope, bounds: bounds)
                // Another requirement has no aggregate, so this one counts people; both must agree when scaled back.
                var hours: [Double] = []
                for line in try org.reports.people(filter, scope: scope, limit: 10_000, offset: 0) { hours.append(line.hours) }
                var expected = Array(repeating: 0, count: bounds.count + 2)
                for value in hours {
                    let index = value <= 0 ? 0 : (bounds.firstIndex { value < $0 }.map { $0 + 1 } ?? bounds.count + 1)
                    expected[index] += 1
                }
                #expect(fromAggregate == expected, "\(filter.departmentPath)")
                let counted = try org.reports.hoursDistribution(filter, scope: scope, bounds: HoursDistribution.bounds(required: 60))
                #expect(counted.reduce(0, +) == hours.count)
            }
        }
    }

    @Test func theAggregatesFollowEveryChangeAndARequirementChangeRecountsThem() throws {
        let org = try organisation()
        func drift() throws -> [String] {
            try org.store.read { db in
                try String.fetchAll(db, sql: """
                    SELECT 'hours ' || coalesce(a.department_id, e.department_id) || '/' || coalesce(a.year, e.year) || '/'
                           || coalesce(a.bucket, e.bucket) || ': ' || coalesce(a.people, 0) || ' vs ' || coalesce(e.people, 0)
                    FROM (SELECT department_id, year, bucket, people FROM department_hours WHERE people <> 0) a
                    FULL JOIN (SELECT u.department_id, b.year, b.bucket, count(*) AS people FROM user_year_hours_bucket b
                               JOIN users u ON u.id = b.user_id WHERE u.disabled = 0 AND b.bucket > 0
                               GROUP BY 1, 2, 3) e
                    ON a.department_id = e.department_id AND a.year = e.year AND a.bucket = e.bucket
                    WHERE coalesce(a.people, 0) <> coalesce(e.people, 0)
                    UNION ALL
                    SELECT 'characters ' || coalesce(a.user_id, e.user_id) || ' ' || coalesce(a.character, e.character)
                    FROM user_name_characters a FULL JOIN (
                        SELECT DISTINCT substr(u.display_name || u.login, p.n, 1) AS character, u.id AS user_id
                        FROM users u JOIN search_positions p ON p.n <= length(u.display_name || u.login)
                        WHERE unicode(substr(u.display_name || u.login, p.n, 1)) > 127) e
                    ON a.user_id = e.user_id AND a.character = e.character
                    WHERE a.user_id IS NULL OR e.user_id IS NULL
                    UNION ALL
                    SELECT 'people ' || d.id || ': ' || coalesce(p.people, 0) || ' vs ' ||
                           (SELECT count(*) FROM users u WHERE u.department_id = d.id AND u.disabled = 0)
                    FROM departments d LEFT JOIN department_people p ON p.department_id = d.id
                    WHERE coalesce(p.people, 0) <> (SELECT count(*) FROM users u WHERE u.department_id = d.id AND u.disabled = 0)
                    """)
            }
        }
        #expect(try drift() == [])
        let users = try org.store.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM users ORDER BY id") }
        let someone = try #require(try org.users.find(id: UserID(rawValue: users[2])))
        try org.credit(someone, 40)                       // a new year's row would insert; this one updates
        try org.credit(someone, 5, year: ReportFixture.year + 1)
        #expect(try drift() == [])
        try org.store.write { db in
            try db.execute(sql: "UPDATE users SET department_id = ? WHERE id = ?", arguments: [org.b.id.rawValue, users[2]])
        }
        #expect(try drift() == [])
        try org.users.setDisabled(true, id: UserID(rawValue: users[5]), by: .system)
        try org.credit(try #require(try org.users.find(id: UserID(rawValue: users[5]))), 30)
        #expect(try drift() == [])
        try org.users.setDisabled(false, id: UserID(rawValue: users[5]), by: .system)
        try org.users.setDisabled(false, id: UserID(rawValue: users[17]), by: .system)
        #expect(try drift() == [])
        try org.store.write { db in
            try db.execute(sql: "DELETE FROM user_year_hours WHERE user_id = ?", arguments: [users[8]])
            try db.execute(sql: "UPDATE users SET display_name = '新名字' WHERE id = ?", arguments: [users[9]])
            try db.execute(sql: "UPDATE users SET login = 'wang.王' WHERE id = ?", arguments: [users[10]])
        }
        #expect(try drift() == [])
        // A new requirement: every bucket moves; the recount happens once and matches again.
        try org.reports.prepareAggregates(requiredHours: 60)
        #expect(try drift() == [])
        let stored = try org.store.read { db in try SQLiteReportRepository.storedRequirement(db) }
        #expect(stored == 60)
        try org.credit(someone, 1)
        #expect(try drift() == [])
    }

    @Test func withoutAStoredRequirementReportsStillCountRight() throws {
        let org = try ReportFixture()
        let full = try org.person("full", "满", in: org.a1)
        try org.person("none", "无", in: org.a1)
        try org.credit(full, 95)
        var below = org.filter()
        below.hoursBelow = 90
        #expect(try org.reports.count(below, scope: org.scope(org.a)) == PeopleTotal(count: 1, exact: true))
        #expect(try org.reports.hoursDistribution(org.filter(), scope: org.scope(org.a),
                                                  bounds: HoursDistribution.bounds(required: 90)) == [1, 0, 0, 0, 0, 1])
    }
}
