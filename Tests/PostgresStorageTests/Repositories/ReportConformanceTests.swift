import Curriculum
import Foundation
import PostgresStorage
import Testing
import SQLiteStorage
import TrainingServer

/// HR reports give the same answers on SQLite and PostgreSQL: scopes (with a marker person outside the viewer's
/// subtree and a department whose id merely starts with the scope's digits), filters, every sort and its pages,
/// exports in name order (pinyin, by the stored name keys), summaries, hours buckets and records.
@Suite struct ReportConformanceTests {
    static let program = "egov-competence"
    static let year = 2027

    ///     省政府 (root)
    ///     ├── 数据局 (A) ── 综合处 (A1), 网络安全处 (A2)
    ///     ├── 人社厅 (B)                 ← holds the marker person ZZMARKER
    ///     └── filler departments up to one whose id starts with A's id digits (A = /1/2/, trap = /1/20/)
    struct Organisation {
        let storage: StorageFixture
        let root: Department, a: Department, a1: Department, a2: Department, b: Department, trap: Department

        init(_ storage: StorageFixture) throws {
            self.storage = storage
            root = try storage.department("省政府")
            a = try storage.department("省政府", "数据局")
            a1 = try storage.department("省政府", "数据局", "综合处")
            a2 = try storage.department("省政府", "数据局", "网络安全处")
            b = try storage.department("省政府", "人社厅")
            let trapID = try #require(Int64("\(a.id.rawValue)0"))
            var last = b
            var index = 0
            while last.id.rawValue < trapID {
                index += 1
                last = try storage.department("省政府", "填充\(index)")
            }
            trap = last
        }

        var reports: any ReportRepository { storage.node.reports }

        @discardableResult
        func person(_ login: String, _ name: String, in department: Department, employeeNumber: String? = nil) throws -> User {
            try storage.user(login, in: department, employeeNumber: employeeNumber, name: name)
        }

        /// A certification row as the certification engine writes it.
        func certify(_ user: User, _ state: CertificationStateName, program: String = ReportConformanceTests.program,
                     certifiedAt: Double? = nil, expiresAt: Double? = nil, certificate: String? = nil) throws {
            try storage.execute("""
                INSERT INTO certifications (user_id, program_id, department_id, state, certified_at, expires_at,
                                            certificate_id, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, [.int(user.id.rawValue), .text(program), .int(user.departmentID.rawValue), .text(state.rawValue),
                      certifiedAt.map(SQLValue.double) ?? .null, expiresAt.map(SQLValue.double) ?? .null,
                      certificate.map(SQLValue.text) ?? .null, .double(storage.clock.current)])
        }

        func issue(_ id: String, to user: User, issuedAt: Double, expiresAt: Double, revokedAt: Double? = nil) throws {
            try storage.execute("""
                INSERT INTO certificates (id, user_id, program_id, kind, issued_at, expires_at, revoked_at, credential)
                VALUES (?, ?, ?, 'initial', ?, ?, ?, 'jwt')
                """, [.text(id), .int(user.id.rawValue), .text(ReportConformanceTests.program), .double(issuedAt),
                      .double(expiresAt), revokedAt.map(SQLValue.double) ?? .null])
        }

        /// Study hours credited in the ledger (the triggers keep the yearly sums and buckets).
        func credit(_ user: User, _ hours: Double, year: Int = ReportConformanceTests.year) throws {
            try storage.execute("""
                INSERT INTO hours_ledger (user_id, year, source, course_id, item_id, hours, at)
                VALUES (?, ?, 'module', 'course', ?, ?, ?)
                """, [.int(user.id.rawValue), .int(Int64(year)), .text(UUID().uuidString), .double(hours),
                      .double(storage.clock.current)])
        }

        func filter(_ department: Department? = nil) -> PeopleFilter {
            PeopleFilter(departmentPath: department?.idPath ?? "/", programID: ReportConformanceTests.program,
                         year: ReportConformanceTests.year)
        }

        func scope(_ departments: Department...) -> AccessScope { AccessScope(prefixes: departments.map(\.idPath)) }

        func logins(_ filter: PeopleFilter, _ scope: AccessScope) throws -> [String] {
            try reports.people(filter, scope: scope, limit: 10_000, offset: 0).map(\.login)
        }

        /// Every batch of an export of `filter`, `limit` at a time.
        func export(_ filter: PeopleFilter, _ scope: AccessScope, limit: Int) throws -> [PersonLine] {
            var walked: [PersonLine] = []
            while true {
                let batch = try reports.exportBatch(filter, scope: scope, after: walked.last, written: walked.count, limit: limit)
                #expect(batch.count <= limit)
                walked += batch
                if batch.count < limit { return walked }
            }
        }

        /// A person's stored name key, as lower-case hex (nil when none).
        func nameKey(_ user: User) throws -> String? {
            try storage.text(storage.kind == .sqlite ? "SELECT CASE WHEN name_key IS NOT NULL THEN lower(hex(name_key)) END FROM users WHERE id = ?"
                                                     : "SELECT encode(name_key, 'hex') FROM users WHERE id = ?",
                             [.int(user.id.rawValue)])
        }
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    // MARK: Scope

    @Test(arguments: StorageKind.enabled)
    func scopesAreSubtreesNeverPrefixLookalikesAndTheMarkerNeverAppears(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let org = try Organisation(storage)
            try org.person("a.head", "数据局长", in: org.a)
            try org.person("a1.li", "李一", in: org.a1)
            try org.person("a2.wang", "王二", in: org.a2)
            let marker = try org.person("b.marker", "ZZMARKER", in: org.b)
            let trap = try org.person("trap.zhao", "赵陷阱", in: org.trap)
            #expect(org.trap.idPath.hasPrefix(String(org.a.idPath.dropLast())))
            let scope = org.scope(org.a)
            #expect(try Set(org.logins(org.filter(), scope)) == ["a.head", "a1.li", "a2.wang"])
            #expect(try org.reports.count(org.filter(), scope: scope) == PeopleTotal(count: 3, exact: true))
            #expect(try org.logins(org.filter(org.a1), scope) == ["a1.li"])
            #expect(try Set(org.export(org.filter(), scope, limit: 2).map(\.login)) == ["a.head", "a1.li", "a2.wang"])
            // A department filter outside the scope never widens it.
            for department in [org.b, org.root, org.trap] {
                #expect(try org.logins(org.filter(department), org.scope(org.a1)).allSatisfy { $0 == "a1.li" })
                #expect(try org.reports.exportBatch(org.filter(department), scope: org.scope(org.a1), after: nil, written: 0,
                                                    limit: 100).allSatisfy { $0.login == "a1.li" })
            }
            #expect(try org.reports.count(org.filter(org.b), scope: org.scope(org.a1)).count == 0)
            var search = org.filter()
            search.search = "ZZMARKER"
            #expect(try org.logins(search, scope).isEmpty)
            #expect(try org.reports.count(search, scope: scope).count == 0)
            #expect(try org.reports.record(userID: marker.id, scope: scope) == nil)
            #expect(try org.reports.record(userID: trap.id, scope: scope) == nil)
            #expect(try org.reports.record(userID: marker.id, scope: org.scope(org.root)) != nil)
            // Several grants add their subtrees; an empty scope sees nobody.
            #expect(try Set(org.logins(org.filter(), org.scope(org.a1, org.b, org.a1))) == ["a1.li", "b.marker"])
            let nobody = AccessScope(prefixes: [])
            #expect(try org.logins(org.filter(), nobody).isEmpty)
            #expect(try org.reports.count(org.filter(), scope: nobody).count == 0)
            #expect(try org.reports.hoursDistribution(org.filter(), scope: nobody, bounds: [10]) == [0, 0, 0])
            #expect(try org.reports.exportBatch(org.filter(), scope: nobody, after: nil, written: 0, limit: 10).isEmpty)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func disabledPeopleAreLeftOutOfListsAndCounts(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let org = try Organisation(storage)
            let gone = try org.person("a1.gone", "离职者", in: org.a1)
            try org.person("a1.li", "李一", in: org.a1)
            try storage.users.setDisabled(true, id: gone.id, by: .system)
            #expect(try org.logins(org.filter(), org.scope(org.a)) == ["a1.li"])
            #expect(try org.reports.count(org.filter(), scope: org.scope(org.a)).count == 1)
            #expect(try org.reports.record(userID: gone.id, scope: org.scope(org.a))?.disabled == true)
        }
    }

    // MARK: Filters

    @Test(arguments: StorageKind.enabled)
    func statesExpiryRangesAndHoursFilterAsOnEveryEngine(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let org = try Organisation(storage)
            let li = try org.person("li", "李", in: org.a1)
            let wang = try org.person("wang", "王", in: org.a1)
            let zhao = try org.person("zhao", "赵", in: org.a2)
            let sun = try org.person("sun", "孙", in: org.a2)
            try org.person("none", "无", in: org.a)
            let marker = try org.person("marker", "ZZMARKER", in: org.b)
            try org.certify(li, .certified, certifiedAt: 10, expiresAt: 1_000)
            try org.certify(wang, .dueForRenewal, certifiedAt: 10, expiresAt: 2_000)
            try org.certify(zhao, .revoked, certifiedAt: 10, expiresAt: 1_500)
            try org.certify(sun, .inProgress, program: "another")
            try org.certify(marker, .certified, certifiedAt: 10, expiresAt: 1_000)
            func logins(_ change: (inout PeopleFilter) -> Void) throws -> Set<String> {
                var filter = org.filter()
                change(&filter)
                let logins = try org.logins(filter, org.scope(org.a))
                #expect(try org.reports.count(filter, scope: org.scope(org.a)) == PeopleTotal(count: logins.count, exact: true))
                return Set(logins)
            }
            #expect(try logins { $0.state = .notStarted } == ["sun", "none"], "another programme's row does not count")
            #expect(try logins { $0.state = .certified } == ["li"])
            #expect(try logins { $0.state = .revoked } == ["zhao"])
            #expect(try logins { $0.expiresFrom = 1_000; $0.expiresTo = 2_000 } == ["li"], "from inclusive, to exclusive, revoked out")
            #expect(try logins { $0.expiresFrom = 1_001 } == ["wang"])
            try org.credit(li, 50)
            try org.credit(li, 40)
            try org.credit(wang, 45)
            try org.credit(wang, 60, year: Self.year - 1)
            try org.credit(marker, 1)
            #expect(try logins { $0.hoursBelow = 90 } == ["wang", "zhao", "sun", "none"])
            let hours = try org.reports.people(org.filter(), scope: org.scope(org.a), limit: 10, offset: 0)
                .reduce(into: [String: Double]()) { $0[$1.login] = $1.hours }
            #expect(hours == ["li": 90, "wang": 45, "zhao": 0, "sun": 0, "none": 0])
            let line = try #require(try org.reports.people(org.filter(), scope: org.scope(org.a), limit: 10, offset: 0)
                .first { $0.login == "li" })
            #expect(line.state == .certified && line.certifiedAt == 10 && line.expiresAt == 1_000 && line.departmentID == org.a1.id.rawValue)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func searchMatchesNamesAndLoginsLiterallyWithASCIIFoldedAndEmployeeNumbersWhole(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let org = try Organisation(storage)
            try org.person("pct", "完成100%的人", in: org.a1, employeeNumber: "E1001")
            try org.person("plain", "完成1000的人", in: org.a1, employeeNumber: "E1002")
            try org.person("under_score", "下划线", in: org.a1)
            try org.person("underXscore", "无下划线", in: org.a1)
            try org.person("back", "反斜杠\\人", in: org.a1)
            try org.person("accent", "Émile", in: org.a2)
            try org.person("marker", "完成ZZMARKER", in: org.b, employeeNumber: "E9")
            func search(_ text: String) throws -> Set<String> {
                var filter = org.filter()
                filter.search = text
                let logins = try org.logins(filter, org.scope(org.a))
                #expect(try org.reports.count(filter, scope: org.scope(org.a)).count == logins.count, "\(text)")
                return Set(logins)
            }
            #expect(try search("100%") == ["pct"])
            #expect(try search("%") == ["pct"])
            #expect(try search("under_") == ["under_score"])
            #expect(try search("_") == ["under_score"])
            #expect(try search("\\") == ["back"])
            #expect(try search("完成") == ["pct", "plain"])
            #expect(try search("下划") == ["under_score", "underXscore"])
            #expect(try search("UNDERX") == ["underXscore"])
            // SQLite's LIKE folds ASCII letters only.
            #expect(try search("émile") == [])
            #expect(try search("Émile") == ["accent"])
            #expect(try search("MILE") == ["accent"])
            #expect(try search("E1001") == ["pct"])
            #expect(try search("E100") == [])
            #expect(try search("E9") == [])
            #expect(try search("'; DROP TABLE users; --") == [])
            #expect(try org.reports.count(org.filter(), scope: org.scope(org.a)).count == 6)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func theOverdueFilterKeepsCurrentMembersPastTheirDueDayWhoAreNotDone(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let org = try Organisation(storage)
            let late = try org.person("late", "迟", in: org.a1)
            let done = try org.person("done", "完", in: org.a1)
            let exempt = try org.person("exempt", "免", in: org.a1)
            let extended = try org.person("extended", "延", in: org.a2)
            let left = try org.person("left", "离", in: org.a2)
            let future = try org.person("future", "早", in: org.a2)
            try org.person("outsider", "外", in: org.a2)
            let marker = try org.person("marker", "ZZMARKER", in: org.b)
            try org.certify(done, .certified, certifiedAt: 1, expiresAt: 9_999_999_999)
            try org.certify(late, .expired, certifiedAt: 1, expiresAt: 2)
            try storage.execute("""
                INSERT INTO assignments (name, item_kind, item_id, required, audience, department_id, due_kind, due_day, created_at)
                VALUES ('年度认证', 'program', ?, 1, 'people', ?, 'fixed', '2027-01-10', 0)
                """, [.text(Self.program), .int(org.root.id.rawValue)])
            let assignment = try #require(try storage.integer("SELECT max(id) FROM assignments", []))
            func member(_ user: User, due: String = "2027-01-10", extendedTo: String? = nil, exemptAt: Double? = nil,
                        leftAt: Double? = nil) throws {
                try storage.execute("""
                    INSERT INTO assignment_members (assignment_id, user_id, assigned_at, due_day, extended_day, exempt_at, left_at)
                    VALUES (?, ?, 0, ?, ?, ?, ?)
                    """, [.int(Int64(assignment)), .int(user.id.rawValue), .text(due), extendedTo.map(SQLValue.text) ?? .null,
                          exemptAt.map(SQLValue.double) ?? .null, leftAt.map(SQLValue.double) ?? .null])
            }
            for user in [late, done, marker] { try member(user) }
            try member(exempt, exemptAt: 5)
            try member(extended, extendedTo: "2027-02-01")
            try member(left, leftAt: 5)
            try member(future, due: "2027-01-15")
            let catalogue = Catalogue(directory: URL(fileURLWithPath: "/nonexistent"), courses: [], programs: [])
            let rule = PlanStatusRule(item: AssignmentItem(kind: .program, id: Self.program), catalogue: catalogue,
                                      today: try #require(ISODay("2027-01-15")))
            var filter = org.filter()
            filter.overdue = PlanOverdueFilter(assignmentID: Int64(assignment), rule: rule)
            #expect(try org.logins(filter, org.scope(org.a)) == ["late"])
            #expect(try org.reports.count(filter, scope: org.scope(org.a)) == PeopleTotal(count: 1, exact: true))
            #expect(try org.logins(filter, org.scope(org.root)).sorted() == ["late", "marker"])
            // A course missing from the catalogue is never done: every member past the day is overdue.
            var course = org.filter()
            course.overdue = PlanOverdueFilter(assignmentID: Int64(assignment), rule: PlanStatusRule(
                item: AssignmentItem(kind: .course, id: "gone"), catalogue: catalogue, today: try #require(ISODay("2027-01-15"))))
            #expect(try Set(org.logins(course, org.scope(org.a))) == ["late", "done"])
        }
    }

    // MARK: Sorting, pages and exports

    @Test(arguments: StorageKind.enabled, PeopleFilter.Sort.allCases)
    func everySortIsATotalOrderSoPagesNeitherRepeatNorSkip(_ kind: StorageKind, _ sort: PeopleFilter.Sort) throws {
        try StorageFixture.with(kind) { storage in
            let org = try Organisation(storage)
            var created: [User] = []
            for index in 0..<7 {
                let user = try org.person("p\(index)", index % 2 == 0 ? "同名" : "别名\(index)", in: [org.a1, org.a2, org.a][index % 3])
                created.append(user)
                if index % 3 == 0 { try org.certify(user, .certified, certifiedAt: 0, expiresAt: storage.clock.current + 86_400) }
                if index % 2 == 1 { try org.credit(user, Double(index)) }
            }
            try org.person("marker", "同名", in: org.b)
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
                #expect(try org.export(filter, org.scope(org.a), limit: 3) == all)
            }
        }
    }

    @Test(arguments: StorageKind.enabled)
    func sortsOrderByTheirColumn(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let org = try Organisation(storage)
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
            // No expiry (NULL) first ascending and last descending, as SQLite sorts NULL.
            #expect(try order(.expires) == ["a", "b", "c"])
            #expect(try order(.expires, descending: true) == ["c", "b", "a"])
            #expect(try order(.state) == ["c", "b", "a"])
            // 综合处 (U+7EFC) before 网络安全处 (U+7F51) bytewise; inside a department, the user id decides.
            #expect(try order(.department) == ["a", "b", "c"])
            // Names by pinyin (丙 bǐng, 甲 jiǎ, 乙 yǐ), not by code point (丙 U+4E19, 乙 U+4E59, 甲 U+7532).
            #expect(try order(.name) == ["c", "a", "b"])
            #expect(try order(.name, descending: true) == ["b", "a", "c"])
        }
    }

    /// Over a subtree of more than 2,000 people a page sorted by hours or by state is read segment by segment, and
    /// one sorted by department department by department (PostgreSQL's walks; SQLite's fixed plans): every page,
    /// ascending and descending, unfiltered and filtered, is its slice of the whole list (read in one sorted
    /// statement, as a page that wants everyone is), and the whole list is in the sort's order with ties by person.
    /// The people come with hours rows of zero beside people without a row, ties of equal hours, every state
    /// including a "not started" row beside no row, and disabled people; the aggregates are counted at the end
    /// (pages then skip segments by their counts) and exports read batches of the same people in name order.
    @Test(arguments: StorageKind.enabled)
    func largeSubtreesSortedByHoursStateOrDepartmentPageAsTheWholeList(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let org = try Organisation(storage)
            // 2,142 people in 综合处 and 网络安全处, 42 of them disabled: 2,100 in the list. One statement each.
            try storage.execute("""
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2142)
                INSERT INTO users (login, display_name, department_id, password_hash, disabled, created_at, updated_at)
                SELECT 'bulk' || i, '批量' || i, CASE WHEN i % 3 = 0 THEN CAST(? AS bigint) ELSE CAST(? AS bigint) END,
                       'hash', CASE WHEN i % 50 = 0 THEN 1 ELSE 0 END, 0, 0 FROM n
                """, [.int(org.a2.id.rawValue), .int(org.a1.id.rawValue)])
            try storage.execute("""
                INSERT INTO certifications (user_id, program_id, department_id, state, certified_at, expires_at, updated_at)
                SELECT id, ?, department_id, CASE id % 8 WHEN 0 THEN 'certified' WHEN 5 THEN 'certified'
                       WHEN 1 THEN 'expired' WHEN 2 THEN 'in_progress' WHEN 3 THEN 'due_for_renewal'
                       WHEN 4 THEN 'revoked' ELSE 'not_started' END, 1, 2000, 0
                FROM users WHERE login LIKE 'bulk%' AND id % 8 <> 7
                """, [.text(ReportConformanceTests.program)])
            try storage.execute("""
                INSERT INTO hours_ledger (user_id, year, source, course_id, item_id, hours, at)
                SELECT id, ?, 'module', 'course', 'bulk', CAST(id % 5 AS double precision), 0
                FROM users WHERE login LIKE 'bulk%' AND id % 4 <> 0
                """, [.int(Int64(ReportConformanceTests.year))])
            try org.person("marker", "ZZMARKER", in: org.b)
            let names = [org.a.id.rawValue: org.a.name, org.a1.id.rawValue: org.a1.name, org.a2.id.rawValue: org.a2.name]
            /// Whether `x` comes before `y` (or ties) in `sort`'s ascending order, with ties by person.
            func ordered(_ x: PersonLine, _ y: PersonLine, _ sort: PeopleFilter.Sort) -> Bool {
                func bytes(_ text: String?) -> [UInt8] { Array((text ?? "").utf8) }
                switch sort {
                case .hours:
                    return x.hours != y.hours ? x.hours < y.hours : x.userID < y.userID
                case .state:
                    return x.state != y.state ? bytes(x.state.rawValue).lexicographicallyPrecedes(bytes(y.state.rawValue))
                        : x.userID < y.userID
                default:
                    let (nx, ny) = (bytes(names[x.departmentID]), bytes(names[y.departmentID]))
                    if nx != ny { return nx.lexicographicallyPrecedes(ny) }
                    return x.departmentID != y.departmentID ? x.departmentID < y.departmentID : x.userID < y.userID
                }
            }
            func check() throws {
                for sort in [PeopleFilter.Sort.hours, .state, .department] {
                    for descending in [false, true] {
                        for narrowed in 0..<3 {
                            var filter = org.filter()
                            filter.sort = sort
                            filter.descending = descending
                            if narrowed == 1 { filter.state = .certified }
                            if narrowed == 2 { filter.hoursBelow = 3 }
                            let all = try org.reports.people(filter, scope: org.scope(org.a), limit: 10_000, offset: 0)
                            #expect(narrowed == 0 ? all.count == 2100 : all.count > 300 && all.count < 2000, "\(filter)")
                            #expect(zip(all, all.dropFirst()).allSatisfy { descending ? ordered($1, $0, sort) : ordered($0, $1, sort) },
                                    "\(filter)")
                            for offset in [0, 50, 263, 525, 1050, 1313, 1360, 1575, 1980, 2060, 2100] {
                                let page = try org.reports.people(filter, scope: org.scope(org.a), limit: 50, offset: offset)
                                #expect(page == Array(all.dropFirst(offset).prefix(50)), "\(filter) offset \(offset)")
                            }
                        }
                    }
                }
            }
            try check()
            try org.reports.prepareAggregates(requiredHours: 4)
            try check()
            // Exports in name order: batches of everyone (key ranges) and of one small department among many.
            let byName = org.filter()
            let everyone = try org.reports.people(byName, scope: org.scope(org.a), limit: 10_000, offset: 0)
            #expect(everyone.count == 2100)
            #expect(try org.export(byName, org.scope(org.a), limit: 500) == everyone)
            // A scope of every department: the walk does not look departments up.
            let whole = try org.reports.people(byName, scope: org.scope(org.root), limit: 10_000, offset: 0)
            #expect(whole.count == 2101)
            #expect(try org.export(byName, org.scope(org.root), limit: 500) == whole)
            // People of a small department whose names lie at both ends of everyone's (阿 ā, 左 zuǒ): looked up by id.
            let early = try org.person("early", "阿", in: org.b)
            try org.certify(early, .expired, certifiedAt: 1, expiresAt: 5)
            try org.credit(early, 2)
            try org.person("late", "左", in: org.b)
            let small = try org.reports.people(byName, scope: org.scope(org.b), limit: 10_000, offset: 0)
            #expect(Set(small.map(\.login)) == ["early", "late", "marker"])
            #expect(small.first { $0.login == "early" }.map { $0.state == .expired && $0.hours == 2 } == true)
            #expect(try org.export(byName, org.scope(org.b), limit: 3) == small)
            var descending = byName
            descending.descending = true
            #expect(try org.export(descending, org.scope(org.a), limit: 700) == Array(everyone.reversed()))
        }
    }

    /// A state filter ordered by expiry (PostgreSQL walks `certifications_state_expiry_order` for it): only that
    /// state in that programme, no expiry first ascending and last descending, equal expiries by person, pages that
    /// neither repeat nor skip, and "not started" still everyone without a row.
    @Test(arguments: StorageKind.enabled)
    func aStateOrderedByExpiryBreaksTiesByPersonWithNoExpiryFirst(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let org = try Organisation(storage)
            let late = try org.person("late", "甲", in: org.a1)
            let tieHigh = try org.person("tie-high", "乙", in: org.a2)
            let never = try org.person("never", "丙", in: org.a1)
            let tieLow = try org.person("tie-low", "丁", in: org.a)
            let early = try org.person("early", "戊", in: org.a2)
            let due = try org.person("due", "己", in: org.a1)
            let elsewhere = try org.person("elsewhere", "庚", in: org.a1)
            try org.person("nobody", "辛", in: org.a2)
            let marker = try org.person("marker", "ZZMARKER", in: org.b)
            // Created in this order, so tie-low's id is above tie-high's: the tie must go by id, not by name or login.
            #expect(tieLow.id.rawValue > tieHigh.id.rawValue)
            try org.certify(late, .certified, certifiedAt: 1, expiresAt: 3_000)
            try org.certify(tieHigh, .certified, certifiedAt: 1, expiresAt: 2_000)
            try org.certify(never, .certified, certifiedAt: 1)
            try org.certify(tieLow, .certified, certifiedAt: 1, expiresAt: 2_000)
            try org.certify(early, .certified, certifiedAt: 1, expiresAt: 1_000)
            try org.certify(due, .dueForRenewal, certifiedAt: 1, expiresAt: 500)
            try org.certify(elsewhere, .certified, program: "another", certifiedAt: 1, expiresAt: 100)
            try org.certify(marker, .certified, certifiedAt: 1, expiresAt: 1_500)
            for descending in [false, true] {
                var filter = org.filter()
                filter.state = .certified
                filter.sort = .expires
                filter.descending = descending
                let all = try org.logins(filter, org.scope(org.a))
                let ascending = ["never", "early", "tie-high", "tie-low", "late"]
                #expect(all == (descending ? ascending.reversed() : ascending))
                var paged: [String] = []
                for offset in stride(from: 0, to: 6, by: 2) {
                    paged += try org.reports.people(filter, scope: org.scope(org.a), limit: 2, offset: offset).map(\.login)
                }
                #expect(paged == all)
                #expect(try org.export(filter, org.scope(org.a), limit: 2).map(\.login) == all)
                #expect(try org.reports.count(filter, scope: org.scope(org.a)) == PeopleTotal(count: 5, exact: true))
                filter.expiresFrom = 1_000
                filter.expiresTo = 3_000
                #expect(try org.logins(filter, org.scope(org.a)) == (descending ? ["tie-low", "tie-high", "early"]
                                                                                 : ["early", "tie-high", "tie-low"]))
            }
            var notStarted = org.filter()
            notStarted.state = .notStarted
            notStarted.sort = .expires
            #expect(try org.logins(notStarted, org.scope(org.a)) == ["elsewhere", "nobody"])
        }
    }

    @Test(arguments: StorageKind.enabled)
    func namesSortByPinyinInListsAndInExportsWhateverTheBatchSize(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let org = try Organisation(storage)
            // Code-point order would be 冯 卫 吴 周 孙 张 李 王.
            let names = ["周", "张", "吴", "王", "孙", "李", "冯", "卫", "Alice", "bob"]
            for (index, name) in names.enumerated() {
                let user = try org.person("p\(index)", name, in: [org.a1, org.a2, org.a][index % 3])
                if index % 2 == 0 { try org.certify(user, .certified, certifiedAt: 0, expiresAt: storage.clock.current + 86_400) }
            }
            try org.person("twin", "李", in: org.a2)
            try org.person("b.marker", "ZZMARKER", in: org.b)
            try org.person("trap", "阿", in: org.trap)
            let pinyin = ["冯", "李", "李", "孙", "王", "卫", "吴", "张", "周", "Alice", "bob"]
            for descending in [false, true] {
                var filter = org.filter()
                filter.descending = descending
                let expected = descending ? Array(pinyin.reversed()) : pinyin
                let listed = try org.reports.people(filter, scope: org.scope(org.a), limit: 100, offset: 0)
                #expect(listed.map(\.name) == expected)
                #expect(try org.reports.people(filter, scope: org.scope(org.a), limit: 4, offset: 4).map(\.name)
                    == Array(expected[4..<8]))
                var certified = filter
                certified.state = .certified
                for exported in [filter, certified] {
                    let all = try org.reports.people(exported, scope: org.scope(org.a), limit: 100, offset: 0)
                    for limit in [1, 2, 3, 100] {
                        #expect(try org.export(exported, org.scope(org.a), limit: limit) == all,
                                "batches of \(limit), \(exported.state.map(\.rawValue) ?? "everyone")")
                    }
                }
            }
        }
    }

    @Test(arguments: StorageKind.enabled)
    func nameKeysAreWrittenWithNamesAndFilledWhenMissing(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let org = try Organisation(storage)
            let li = try org.person("li", "李四", in: org.a1)
            #expect(try org.nameKey(li) == Self.hex(NameCollation.key("李四")))
            // A name written by another tool: the trigger drops the stale key, and preparing the reports fills it.
            try storage.execute("UPDATE users SET display_name = '周五' WHERE id = ?", [.int(li.id.rawValue)])
            try storage.execute("""
                INSERT INTO users (login, display_name, department_id, password_hash, created_at, updated_at)
                VALUES ('raw', '王六', ?, '!', 0, 0)
                """, [.int(org.a1.id.rawValue)])
            #expect(try org.nameKey(li) == nil)
            try org.reports.prepareAggregates(requiredHours: 90)
            #expect(try org.nameKey(li) == Self.hex(NameCollation.key("周五")))
            let raw = try #require(try storage.users.find(login: "raw"))
            #expect(try org.nameKey(raw) == Self.hex(NameCollation.key("王六")))
            // Keys of another collation version are all computed again.
            try storage.execute(kind == .sqlite ? "UPDATE users SET name_key = x'00' WHERE id = ?"
                                                : "UPDATE users SET name_key = '\\x00'::bytea WHERE id = ?", [.int(raw.id.rawValue)])
            try storage.execute("UPDATE settings SET value = 'zh-old' WHERE key = 'reports.name_collation'", [])
            try org.reports.prepareNameKeys()
            #expect(try org.nameKey(raw) == Self.hex(NameCollation.key("王六")))
            #expect(try org.logins(org.filter(), org.scope(org.a)) == ["raw", "li"])
        }
    }

    // MARK: Summary, distributions and records

    @Test(arguments: StorageKind.enabled)
    func theSummaryAddsSubDepartmentsIntoTheirParentAndStaysInScope(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let org = try Organisation(storage)
            let head = try org.person("head", "局长", in: org.a)
            let li = try org.person("li", "李", in: org.a1)
            let wang = try org.person("wang", "王", in: org.a1)
            try org.person("zhao", "赵", in: org.a2)
            let marker = try org.person("marker", "ZZMARKER", in: org.b)
            let trap = try org.person("trap", "陷阱", in: org.trap)
            try org.certify(head, .certified)
            try org.certify(li, .dueForRenewal)
            try org.certify(wang, .inProgress)
            try org.certify(marker, .certified)
            try org.certify(trap, .certified)
            let (total, children) = try org.reports.summary(programID: Self.program, root: org.a,
                                                            children: [org.a1, org.a2], scope: org.scope(org.a))
            #expect(total.people == 4)
            #expect(total.counts == [.certified: 1, .dueForRenewal: 1, .inProgress: 1, .notStarted: 1])
            #expect(total.certifiedRate == 0.5)
            let a1 = try #require(children.first { $0.department.id == org.a1.id })
            #expect(a1.people == 2 && a1.counts[.dueForRenewal] == 1 && a1.counts[.inProgress] == 1 && a1.counts[.notStarted] == 0)
            let a2 = try #require(children.first { $0.department.id == org.a2.id })
            #expect(a2.people == 1 && a2.counts[.notStarted] == 1)
            for state in CertificationStateName.allCases {
                var filter = org.filter(org.a)
                filter.state = state
                #expect(try org.reports.count(filter, scope: org.scope(org.a)).count == total.counts[state] ?? 0, "\(state)")
            }
            let (narrow, narrowChildren) = try org.reports.summary(programID: Self.program, root: org.a1, children: [],
                                                                   scope: org.scope(org.a1))
            #expect(narrow.people == 2 && narrowChildren.isEmpty)
            let (rootTotal, rootChildren) = try org.reports.summary(programID: Self.program, root: org.root,
                                                                    children: [org.a, org.b, org.trap], scope: org.scope(org.a))
            #expect(rootTotal.people == 4 && rootTotal.counts[.certified] == 1, "the marker in B and the trap are not counted")
            #expect(rootChildren.map(\.people) == [4, 0, 0])
            // A person who moves takes their counts along.
            try storage.execute("UPDATE users SET department_id = ? WHERE id = ?", [.int(org.a2.id.rawValue), .int(li.id.rawValue)])
            let (_, moved) = try org.reports.summary(programID: Self.program, root: org.a, children: [org.a1, org.a2],
                                                     scope: org.scope(org.a))
            #expect(moved.map(\.people) == [1, 2])
            #expect(moved[1].counts[.dueForRenewal] == 1)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func hoursFallIntoBucketsAroundTheRequirementFromTheAggregatesOrFromThePeople(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let org = try Organisation(storage)
            var people: [User] = []
            for (index, hours) in [0.0, 10, 22.5, 44.9, 45, 80, 90, 120].enumerated() {
                let user = try org.person("p\(index)", "人\(index)", in: index % 2 == 0 ? org.a1 : org.a2)
                people.append(user)
                if hours > 0 { try org.credit(user, hours) }
            }
            try org.credit(try org.person("marker", "ZZMARKER", in: org.b), 5)
            try org.credit(try org.person("trap", "陷阱", in: org.trap), 100)
            let bounds = HoursDistribution.bounds(required: 90)
            // Counted from the people (no aggregate for this requirement yet), then from `department_hours`.
            let counted = try org.reports.hoursDistribution(org.filter(), scope: org.scope(org.a), bounds: bounds)
            #expect(counted == [1, 1, 2, 1, 1, 2])
            try org.reports.prepareAggregates(requiredHours: 90)
            #expect(try org.reports.hoursDistribution(org.filter(), scope: org.scope(org.a), bounds: bounds) == counted)
            try org.reports.prepareAggregates(requiredHours: 90)
            #expect(try org.reports.hoursDistribution(org.filter(), scope: org.scope(org.a), bounds: bounds) == counted)
            // Hours credited afterwards move people between the kept buckets.
            try org.credit(people[0], 100)
            #expect(try org.reports.hoursDistribution(org.filter(), scope: org.scope(org.a), bounds: bounds) == [0, 1, 2, 1, 1, 3])
            var below = org.filter()
            below.hoursBelow = 90
            #expect(try org.reports.count(below, scope: org.scope(org.a)) == PeopleTotal(count: 5, exact: true))
            #expect(try org.logins(below, org.scope(org.a)).count == 5)
            // A person's own requirement counts against their own hours.
            try storage.execute("UPDATE users SET required_hours = 40 WHERE id = ?", [.int(people[3].id.rawValue)])
            #expect(try org.logins(below, org.scope(org.a)).count == 4)
            var a1 = org.filter(org.a1)
            a1.state = .notStarted
            #expect(try org.reports.hoursDistribution(a1, scope: org.scope(org.a), bounds: bounds).reduce(0, +) == 4)
            #expect(try org.reports.hoursDistribution(org.filter(), scope: org.scope(org.a), bounds: []) == [0, 8])
        }
    }

    @Test(arguments: StorageKind.enabled)
    func theDashboardFiguresAreTheSummaryAndTheHoursDistributionForEveryShapeOfSubtree(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let org = try Organisation(storage)
            let empty = try storage.department("省政府", "数据局", "空处")
            let head = try org.person("head", "局长", in: org.a)
            let li = try org.person("li", "李", in: org.a1)
            let wang = try org.person("wang", "王", in: org.a1)
            let sun = try org.person("sun", "孙", in: org.a1)
            let gone = try org.person("gone", "离职者", in: org.a1)
            try org.person("zhao", "赵", in: org.a2)
            let marker = try org.person("marker", "ZZMARKER", in: org.b)
            let trap = try org.person("trap", "陷阱", in: org.trap)
            try org.certify(head, .certified, certifiedAt: 10, expiresAt: 1_000)
            try org.certify(li, .expired, certifiedAt: 10, expiresAt: 20)
            try org.certify(wang, .revoked, certifiedAt: 10, expiresAt: 1_000)
            try org.certify(sun, .inProgress)
            try org.certify(gone, .certified)
            try org.certify(marker, .certified)
            try org.certify(trap, .certified)
            try org.certify(li, .certified, program: "another")
            try org.credit(head, 100)
            try org.credit(li, 30)
            try org.credit(sun, 60, year: Self.year - 1)
            try org.credit(gone, 50)
            try org.credit(marker, 5)
            try org.credit(trap, 100)
            try storage.users.setDisabled(true, id: gone.id, by: .system)
            let bounds = HoursDistribution.bounds(required: 90)
            /// The figures, checked against the summary and the distribution asked for apart.
            func figures(_ root: Department, _ children: [Department], _ scope: AccessScope, bounds: [Double] = bounds,
                         program: String = Self.program) throws -> DashboardFigures {
                let figures = try org.reports.dashboardFigures(programID: program, root: root, children: children,
                                                               year: Self.year, bounds: bounds, scope: scope)
                let summary = try org.reports.summary(programID: program, root: root, children: children, scope: scope)
                #expect(figures.root == summary.root)
                #expect(figures.children == summary.children)
                var filter = org.filter(root)
                filter.programID = program
                #expect(try figures.hours == org.reports.hoursDistribution(filter, scope: scope, bounds: bounds))
                return figures
            }
            func people(_ figures: DashboardFigures) -> [Int] { [figures.root.people] + figures.children.map(\.people) }
            // Counted from the people (no buckets kept yet), then from the aggregates: the same figures.
            let a = try figures(org.a, [org.a1, org.a2, empty], org.scope(org.a))
            #expect(people(a) == [5, 3, 1, 0], "the disabled person, the marker and the trap are not counted")
            #expect(a.root.counts == [.certified: 1, .expired: 1, .revoked: 1, .inProgress: 1, .notStarted: 1])
            #expect(a.children[0].counts == [.expired: 1, .revoked: 1, .inProgress: 1, .notStarted: 0])
            #expect(a.children[1].counts == [.notStarted: 1] && a.children[2].counts == [.notStarted: 0])
            #expect(a.hours == [3, 0, 1, 0, 0, 1], "no hours this year: wang, zhao, and sun (last year's only)")
            try org.reports.prepareAggregates(requiredHours: 90)
            #expect(try figures(org.a, [org.a1, org.a2, empty], org.scope(org.a)) == a)
            // Another requirement than the buckets were kept for, and none: counted from the people.
            #expect(try figures(org.a, [org.a1], org.scope(org.a), bounds: HoursDistribution.bounds(required: 40)).hours
                        == [3, 0, 0, 0, 1, 1])
            #expect(try figures(org.a, [], org.scope(org.a), bounds: []).hours == [3, 2])
            // A leaf, an empty department, another programme.
            let leaf = try figures(org.a2, [], org.scope(org.a))
            #expect(people(leaf) == [1] && leaf.root.counts == [.notStarted: 1] && leaf.hours == [1, 0, 0, 0, 0, 0])
            let nobody = try figures(empty, [], org.scope(org.a))
            #expect(people(nobody) == [0] && nobody.root.counts == [.notStarted: 0] && nobody.hours == [0, 0, 0, 0, 0, 0])
            #expect(try figures(org.a1, [], org.scope(org.a), program: "another").root.counts == [.certified: 1, .notStarted: 2])
            // The whole tree: the trap (whose id starts with A's digits) is a child of its own.
            let whole = try figures(org.root, [org.a, org.b, org.trap], org.scope(org.root))
            #expect(people(whole) == [7, 5, 1, 1])
            #expect(whole.root.counts[.certified] == 3 && whole.hours == [3, 1, 1, 0, 0, 2])
            // A scope narrower than the department asked for, and an empty scope.
            let narrow = try figures(org.root, [org.a, org.b, org.trap], org.scope(org.a1))
            #expect(people(narrow) == [3, 3, 0, 0] && narrow.hours == [2, 0, 1, 0, 0, 0])
            let outside = try figures(org.root, [org.a, org.b], AccessScope(prefixes: []))
            #expect(people(outside) == [0, 0, 0] && outside.hours == [0, 0, 0, 0, 0, 0])
        }
    }

    @Test(arguments: StorageKind.enabled)
    func aRecordInScopeHasCertificationsCertificatesAndHours(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let org = try Organisation(storage)
            let li = try org.person("li", "李", in: org.a1, employeeNumber: "E7")
            try org.certify(li, .certified, certifiedAt: 100, expiresAt: 200, certificate: "cert-1")
            try org.certify(li, .inProgress, program: "Another")
            try org.issue("cert-0", to: li, issuedAt: 50, expiresAt: 60, revokedAt: 55)
            try org.issue("cert-1", to: li, issuedAt: 100, expiresAt: 200)
            try org.credit(li, 12)
            try org.credit(li, 30, year: Self.year - 1)
            let record = try #require(try org.reports.record(userID: li.id, scope: org.scope(org.a)))
            #expect(record.userID == li.id && record.login == "li" && record.name == "李" && record.employeeNumber == "E7")
            #expect(record.departmentID == org.a1.id && !record.disabled && record.requiredHours == nil)
            #expect(record.certifications.map(\.programID) == ["Another", Self.program], "bytewise order")
            #expect(record.certifications.last?.certificateID == "cert-1" && record.certifications.last?.expiresAt == 200)
            #expect(record.certificates.map(\.id) == ["cert-1", "cert-0"])
            #expect(record.certificates.last?.revokedAt == 55)
            #expect(record.hours.map(\.year) == [Self.year, Self.year - 1])
            #expect(record.hours(in: Self.year) == 12)
            #expect(try org.reports.record(userID: UserID(rawValue: 999_999), scope: org.scope(org.root)) == nil)
        }
    }

    /// One organisation of a few hundred people built the same way on both engines: every filter, sort and page
    /// gives the same lines, counts, summaries and distributions.
    @Test(.enabled(if: TestPostgres.isEnabled))
    func bothEnginesGiveIdenticalAnswersForOneOrganisation() throws {
        func answers(_ kind: StorageKind) throws -> [String] {
            try StorageFixture.with(kind) { storage in
                let org = try Organisation(storage)
                let sub = try storage.department("省政府", "数据局", "综合处", "一科")
                let departments = [org.a, org.a1, org.a2, sub, org.b, org.trap]
                let surnames = ["李", "王", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "Zoe", "adam"]
                let states: [CertificationStateName?] = [nil, .inProgress, .certified, .dueForRenewal, .expired, .revoked]
                var generator = ReportOrganisationGenerator(seed: 7)
                for index in 0..<240 {
                    let name = surnames[Int(generator.next() % UInt64(surnames.count))] + (index % 5 == 0 ? "" : "\(index % 7)")
                    let user = try org.person("u\(index)", name, in: departments[Int(generator.next() % UInt64(departments.count))],
                                              employeeNumber: index % 4 == 0 ? "E\(index)" : nil)
                    if let state = states[Int(generator.next() % UInt64(states.count))] {
                        try org.certify(user, state, certifiedAt: 10, expiresAt: Double(1_000 + Int(generator.next() % 50) * 10))
                    }
                    let hours = Double(generator.next() % 12) * 10
                    if hours > 0 { try org.credit(user, hours) }
                    if index % 23 == 0 { try storage.users.setDisabled(true, id: user.id, by: .system) }
                }
                try org.reports.prepareAggregates(requiredHours: 90)
                var lines: [String] = []
                for scope in [org.scope(org.a), org.scope(org.a1, org.b), org.scope(org.root)] {
                    var filters: [PeopleFilter] = []
                    for department in [nil, org.a1, org.b] {
                        for sort in PeopleFilter.Sort.allCases {
                            var filter = org.filter(department)
                            filter.sort = sort
                            filter.descending = sort == .hours || sort == .department
                            filters.append(filter)
                            var narrowed = filter
                            narrowed.state = [.certified, .notStarted, .expired][filters.count % 3]
                            filters.append(narrowed)
                            var searched = filter
                            searched.search = ["李", "E1", "ZO", "张3"][filters.count % 4]
                            filters.append(searched)
                            var ranged = filter
                            ranged.expiresFrom = 1_100
                            ranged.expiresTo = 1_300
                            ranged.hoursBelow = 90
                            filters.append(ranged)
                        }
                    }
                    for filter in filters {
                        let people = try org.reports.people(filter, scope: scope, limit: 25, offset: 10)
                        let total = try org.reports.count(filter, scope: scope)
                        let exported = try org.export(filter, scope, limit: 40)
                        lines.append("\(filter) \(total) \(people.map(\.userID)) \(exported.map(\.userID))")
                        lines.append("\(try org.reports.hoursDistribution(filter, scope: scope, bounds: HoursDistribution.bounds(required: 90)))")
                    }
                    let summary = try org.reports.summary(programID: Self.program, root: org.root, children: [org.a, org.b, org.trap],
                                                          scope: scope)
                    func counts(_ summary: DepartmentSummary) -> String {
                        "\(summary.people) " + summary.counts.map { "\($0.key.rawValue)=\($0.value)" }.sorted().joined(separator: ",")
                    }
                    lines.append("\(counts(summary.root)) \(summary.children.map(counts))")
                    for (root, children) in [(org.root, [org.a, org.b, org.trap]), (org.a, [org.a1, org.a2]), (org.a1, [sub])] {
                        let figures = try org.reports.dashboardFigures(programID: Self.program, root: root, children: children,
                                                                       year: Self.year, bounds: HoursDistribution.bounds(required: 90),
                                                                       scope: scope)
                        lines.append("\(counts(figures.root)) \(figures.children.map(counts)) \(figures.hours)")
                    }
                }
                return lines
            }
        }
        let sqlite = try answers(.sqlite)
        let postgres = try answers(.postgres)
        #expect(sqlite.count == postgres.count)
        for (index, (expected, actual)) in zip(sqlite, postgres).enumerated() where expected != actual {
            Issue.record("answer \(index) differs:\nSQLite:     \(expected)\nPostgreSQL: \(actual)")
        }
    }
}

/// A small deterministic generator (SplitMix64), so both engines get the same organisation.
private struct ReportOrganisationGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
