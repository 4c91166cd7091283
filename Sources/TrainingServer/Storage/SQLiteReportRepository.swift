import Foundation
import GRDB
import Synchronization

/// HR queries over SQLite. Department subtrees are `id_path` ranges (`'/1/4/' <= path < '/1/40'`, since '0' follows
/// '/'), and every query is limited to the caller's scope in SQL, so out-of-scope rows are never read.
///
/// At the top of a large organisation nothing may read every person: totals and charts come from the aggregate
/// tables the triggers keep (`department_people`, `certification_counts`, `department_hours`), and a page of people
/// walks an index in the page's order and stops when the page is full, whenever that reads fewer rows than taking
/// the subtree's people one department at a time (`Plan`). SQLite's planner, without statistics, always starts from
/// the departments, so the join order is fixed in the SQL with `CROSS JOIN`.
public struct SQLiteReportRepository: ReportRepository {
    /// How the people of a list are found; every plan gives the same rows in the same order.
    public enum Plan: Sendable, CaseIterable {
        /// The subtree's departments, their people, then a sort: reads everyone in the subtree.
        case departmentsFirst
        /// People in name order (index `users_name`), kept when in the subtree and matching: for sort by name.
        case usersByName
        /// The programme's certifications in one state in expiry order (index `certifications_program_state`):
        /// for a state filter sorted by expiry.
        case certificationsByExpiry
        /// Departments in name order (index `departments_name`), each one's people by id: for sort by department.
        case departmentsByName
        /// One walk per state, in the order of the states' codes: that state's certifications by person
        /// (index `certifications_program_people`), people without one by id: for sort by state.
        case stateSegments
        /// The people having the search's rarest non-ASCII character (table `user_name_characters`), then a sort:
        /// for a search with such a character (Chinese names).
        case searchCandidates
        /// People without hours (by id), then people with hours in hours order (index `user_year_hours_value`):
        /// for sort by hours. Hours are never negative (the ledger's CHECK), so no one sorts before "none".
        case hoursSegments
    }

    /// Where a query starts, and so the order its rows come in without a sort.
    enum Source: Equatable {
        case departmentsFirst, departmentsByName, usersByName, usersByID, certificationsByExpiry, certificationsByPerson,
             hoursByValue
        /// The people listed with this character, and the one whose employee number is the search.
        case nameCharacter(String)
    }

    /// One part of a segmented walk: the rows whose sort key lies in one run, in the walk's order.
    struct Segment {
        var source: Source
        var condition: String
        var arguments: StatementArguments = []
        /// The ORDER BY columns, ascending; the walk's direction is applied to each.
        var order: [String]
        /// How many rows the segment holds when the aggregates tell (to skip it without reading it).
        var count: Int?
    }

    /// Which plan a query takes: chosen from the aggregates (`automatic`), or fixed (tests compare the plans).
    public enum PlanChoice: Sendable {
        case automatic
        case always(Plan)
    }

    let store: Store
    let planChoice: PlanChoice
    /// The department ids of the last scope an export asked for.
    private let scopeCache = ScopeCache()
    /// Counting stops here when no aggregate answers a filter (a search, an expiry range) over a large subtree:
    /// the total is then "more than" this.
    let countCap: Int
    /// Subtrees with at most this many people are counted exactly, whatever the filter.
    let exactCountLimit: Int

    public init(store: Store, planChoice: PlanChoice = .automatic, countCap: Int = 1000, exactCountLimit: Int = 50_000) {
        self.store = store
        self.planChoice = planChoice
        self.countCap = countCap
        self.exactCountLimit = exactCountLimit
    }

    // MARK: Aggregates

    /// Stores the yearly study-hours requirement the hours buckets are counted against and, when it differs from
    /// the stored one, recounts `department_hours` (one `GROUP BY` over the yearly sums) in the same transaction.
    public func prepareAggregates(requiredHours: Double) throws {
        try store.write { db in
            if try Self.storedRequirement(db) == requiredHours { return }
            try db.execute(sql: """
                INSERT INTO settings (key, value) VALUES ('reports.required_hours', ?)
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """, arguments: [String(requiredHours)])
            try db.execute(sql: "DELETE FROM department_hours")
            try db.execute(sql: """
                INSERT INTO department_hours (department_id, year, bucket, people)
                    SELECT u.department_id, b.year, b.bucket, count(*) FROM user_year_hours_bucket b
                    JOIN users u ON u.id = b.user_id WHERE u.disabled = 0 AND b.bucket > 0
                    GROUP BY u.department_id, b.year, b.bucket
                """)
        }
    }

    /// The requirement `department_hours` is counted against, if any.
    static func storedRequirement(_ db: Database) throws -> Double? {
        try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'reports.required_hours'").flatMap(Double.init)
    }

    /// Enabled people in the subtrees `prefixes`.
    static func peopleCount(_ prefixes: [String], _ db: Database) throws -> Int {
        let (inRange, arguments) = rangeCondition(prefixes)
        return try Int.fetchOne(db, sql: """
            SELECT coalesce(sum(p.people), 0) FROM departments d CROSS JOIN department_people p ON p.department_id = d.id
            WHERE \(inRange)
            """, arguments: arguments) ?? 0
    }

    /// Enabled people per certification state of `programID` in the subtrees `prefixes` (people without a row are
    /// not counted: they are not started).
    static func stateCounts(_ programID: String, _ prefixes: [String], _ db: Database) throws -> [String: Int] {
        let (inRange, arguments) = rangeCondition(prefixes)
        var counts: [String: Int] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT cc.state, sum(cc.people) FROM departments d
            CROSS JOIN certification_counts cc ON cc.program_id = ? AND cc.department_id = d.id
            WHERE \(inRange) GROUP BY cc.state
            """, arguments: [programID] + arguments)
        while let row = try rows.next() { counts[row[0]] = row[1] }
        return counts
    }

    /// Enabled people per hours bucket (1...5, see the migration) in `year` in the subtrees `prefixes`.
    static func hoursBuckets(_ year: Int, _ prefixes: [String], _ db: Database) throws -> [Int: Int] {
        let (inRange, arguments) = rangeCondition(prefixes)
        var counts: [Int: Int] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT h.bucket, sum(h.people) FROM departments d
            CROSS JOIN department_hours h ON h.department_id = d.id AND h.year = ?
            WHERE \(inRange) GROUP BY h.bucket
            """, arguments: [year] + arguments)
        while let row = try rows.next() { counts[row[0]] = row[1] }
        return counts
    }

    /// The number of people matching `filter` in `prefixes` when the aggregates can tell it (no search, no expiry
    /// range; a state or the requirement the hours buckets were counted against, not both); nil otherwise.
    static func aggregateCount(_ filter: PeopleFilter, _ prefixes: [String], _ db: Database) throws -> Int? {
        guard filter.expiresFrom == nil, filter.expiresTo == nil, (filter.search ?? "").isEmpty else { return nil }
        switch (filter.state, filter.hoursBelow) {
        case (nil, nil):
            return try peopleCount(prefixes, db)
        case (let state?, nil):
            let counts = try stateCounts(filter.programID, prefixes, db)
            guard state == .notStarted else { return counts[state.rawValue] ?? 0 }
            let started = counts.filter { $0.key != CertificationStateName.notStarted.rawValue }.values.reduce(0, +)
            return max(0, try peopleCount(prefixes, db) - started)
        case (nil, let below?):
            guard try storedRequirement(db) == below else { return nil }
            return max(0, try peopleCount(prefixes, db) - (hoursBuckets(filter.year, prefixes, db)[5] ?? 0))
        default:
            return nil
        }
    }

    // MARK: Reports

    public func summary(programID: String, root: Department, children: [Department], scope: AccessScope)
        throws -> (root: DepartmentSummary, children: [DepartmentSummary]) {
        let prefixes = Self.prefixes(root.idPath, scope)
        // Each aggregate row belongs to the root and to the child whose path starts its own.
        var rootSummary = DepartmentSummary(department: root, people: 0, counts: [:])
        var summaries = children.map { DepartmentSummary(department: $0, people: 0, counts: [:]) }
        let childIndex = Dictionary(children.enumerated().map { ($1.idPath, $0) }, uniquingKeysWith: { first, _ in first })
        func child(of path: String) -> Int? {
            guard path.count > root.idPath.count, path.hasPrefix(root.idPath) else { return nil }
            let rest = path.dropFirst(root.idPath.count)
            guard let slash = rest.firstIndex(of: "/") else { return nil }
            return childIndex[root.idPath + rest[...slash]]
        }
        if !prefixes.isEmpty {
            try store.read { db in
                let (inRange, arguments) = Self.rangeCondition(prefixes)
                let people = try Row.fetchCursor(db, sql: """
                    SELECT d.id_path, p.people FROM departments d CROSS JOIN department_people p ON p.department_id = d.id
                    WHERE \(inRange) AND p.people <> 0
                    """, arguments: arguments)
                while let row = try people.next() {
                    let count: Int = row[1]
                    rootSummary.people += count
                    if let index = child(of: row[0]) { summaries[index].people += count }
                }
                let counts = try Row.fetchCursor(db, sql: """
                    SELECT d.id_path, cc.state, cc.people FROM departments d
                    CROSS JOIN certification_counts cc ON cc.program_id = ? AND cc.department_id = d.id
                    WHERE \(inRange) AND cc.people <> 0
                    """, arguments: [programID] + arguments)
                while let row = try counts.next() {
                    guard let state = CertificationStateName(rawValue: row[1]), state != .notStarted else { continue }
                    let count: Int = row[2]
                    rootSummary.counts[state, default: 0] += count
                    if let index = child(of: row[0]) { summaries[index].counts[state, default: 0] += count }
                }
            }
        }
        func finished(_ summary: DepartmentSummary) -> DepartmentSummary {
            var summary = summary
            let started = summary.counts.values.reduce(0, +)
            summary.counts[.notStarted] = max(0, summary.people - started)
            return summary
        }
        return (finished(rootSummary), summaries.map(finished))
    }

    public func people(_ filter: PeopleFilter, scope: AccessScope, limit: Int, offset: Int) throws -> [PersonLine] {
        let prefixes = Self.prefixes(filter.departmentPath, scope)
        guard !prefixes.isEmpty, limit > 0 else { return [] }
        return try store.read { db in
            guard let plan = try plan(filter, prefixes, wanted: limit + max(0, offset), db) else { return [] }
            if plan == .stateSegments || plan == .hoursSegments {
                let segments = plan == .stateSegments ? try Self.stateSegments(filter, prefixes, db)
                    : try Self.hoursSegments(filter, prefixes, db)
                return try Self.walk(segments, filter, prefixes, limit: limit, offset: max(0, offset), db)
            }
            let (sql, arguments) = plan == .searchCandidates
                ? Self.query(filter, prefixes, select: Self.columns, source: .nameCharacter(try Self.rarestCharacter(filter, db).character),
                             extra: nil)
                : Self.query(filter, prefixes, select: Self.columns, plan: plan)
            return try Row.fetchAll(db, sql: sql + " ORDER BY \(Self.order(filter, plan: plan)) LIMIT ? OFFSET ?",
                                    arguments: arguments + [limit, max(0, offset)]).map(Self.line)
        }
    }

    public func count(_ filter: PeopleFilter, scope: AccessScope) throws -> PeopleTotal {
        let prefixes = Self.prefixes(filter.departmentPath, scope)
        guard !prefixes.isEmpty else { return PeopleTotal(count: 0, exact: true) }
        return try store.read { db in
            if let count = try Self.aggregateCount(filter, prefixes, db) { return PeopleTotal(count: count, exact: true) }
            let subtree = try Self.peopleCount(prefixes, db)
            if !Self.searchCharacters(filter).isEmpty {
                let (character, candidates) = try Self.rarestCharacter(filter, db)
                if candidates < subtree {
                    let (sql, arguments) = Self.query(filter, prefixes, select: "1", source: .nameCharacter(character), extra: nil)
                    return PeopleTotal(count: try Int.fetchOne(db, sql: "SELECT count(*) FROM (\(sql))", arguments: arguments) ?? 0,
                                       exact: true)
                }
            }
            if subtree <= exactCountLimit {
                let (sql, arguments) = Self.query(filter, prefixes, select: "1", plan: .departmentsFirst)
                return PeopleTotal(count: try Int.fetchOne(db, sql: "SELECT count(*) FROM (\(sql))", arguments: arguments) ?? 0,
                                   exact: true)
            }
            // A large subtree and a filter no aggregate knows: walk people by id (or, with a state, that state's
            // certifications in expiry order, which an expiry range narrows) and stop after the cap.
            let walk: Source = filter.state != nil && filter.state != .notStarted ? .certificationsByExpiry : .usersByID
            let (sql, arguments) = Self.query(filter, prefixes, select: "1", source: walk, extra: nil)
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM (\(sql) LIMIT ?)",
                                         arguments: arguments + [countCap + 1]) ?? 0
            return count > countCap ? PeopleTotal(count: countCap, exact: false) : PeopleTotal(count: count, exact: true)
        }
    }

    public func peopleBatch(_ filter: PeopleFilter, scope: AccessScope, afterUserID: Int64, limit: Int) throws -> [PersonLine] {
        // Users first, walked by id from `afterUserID`: each batch reads about `limit` rows (more when the scope is
        // a small part of the organisation) instead of the whole remaining scope, sorted again for every batch.
        let prefixes = Self.prefixes(filter.departmentPath, scope)
        guard !prefixes.isEmpty else { return [] }
        if filter.keepsEveryone {
            return try store.read { db in try everyoneBatch(filter, prefixes, afterUserID: afterUserID, limit: limit, db) }
        }
        let (sql, arguments) = Self.query(filter, prefixes, select: Self.columns, plan: nil)
        return try store.read { db in
            let statement = try db.cachedStatement(sql: sql + " AND u.id > ? ORDER BY u.id LIMIT ?")
            statement.arguments = arguments + [afterUserID, limit]
            var lines: [PersonLine] = []
            lines.reserveCapacity(limit)
            let rows = try Row.fetchCursor(statement)
            while let row = try rows.next() { lines.append(Self.line(row)) }
            return lines
        }
    }

    /// A batch of everyone in the subtrees (no other filter), the export's common case, read as three ranges in
    /// user-id order — people, their certifications in the programme, their hours in the year — merged here, and
    /// the scope checked against the set of its department ids: sequential reads instead of three lookups per
    /// person. The same lines as the joined query (the tests compare them). The unary `+` keeps SQLite from
    /// choosing an index on the programme or the year (a scan of the whole programme per batch) over the key range.
    func everyoneBatch(_ filter: PeopleFilter, _ prefixes: [String], afterUserID: Int64, limit: Int,
                       _ db: Database) throws -> [PersonLine] {
        let inScope = try departmentIDs(prefixes, db)
        var lines: [PersonLine] = []
        lines.reserveCapacity(limit)
        var after = afterUserID
        let people = try db.cachedStatement(sql: """
            SELECT id, login, display_name, employee_number, department_id FROM users
            WHERE disabled = 0 AND id > ? ORDER BY id LIMIT ?
            """)
        while lines.count < limit {
            people.arguments = [after, limit]
            let rows = try Row.fetchCursor(people)
            var read = 0
            while lines.count < limit, let row = try rows.next() {
                read += 1
                after = row[0]
                let department: Int64 = row[4]
                guard inScope.contains(department) else { continue }
                lines.append(PersonLine(userID: after, login: row[1], name: row[2], employeeNumber: row[3],
                                        departmentID: department, state: .notStarted, certifiedAt: nil, expiresAt: nil,
                                        certificateID: nil, hours: 0))
            }
            // Fewer rows than asked for: the end of the table.
            if read < limit { break }
        }
        guard let first = lines.first?.userID, let last = lines.last?.userID else { return [] }
        var index: [Int64: Int] = [:]
        index.reserveCapacity(lines.count)
        for (position, line) in lines.enumerated() { index[line.userID] = position }
        let certifications = try db.cachedStatement(sql: """
            SELECT user_id, state, certified_at, expires_at, certificate_id FROM certifications
            WHERE user_id BETWEEN ? AND ? AND +program_id = ?
            """)
        certifications.arguments = [first, last, filter.programID]
        let certificationRows = try Row.fetchCursor(certifications)
        while let row = try certificationRows.next() {
            guard let position = index[row[0]] else { continue }
            let state: String = row[1]
            lines[position].state = CertificationStateName(rawValue: state) ?? .notStarted
            lines[position].certifiedAt = row[2]
            lines[position].expiresAt = row[3]
            lines[position].certificateID = row[4]
        }
        let hours = try db.cachedStatement(sql: """
            SELECT user_id, hours FROM user_year_hours WHERE user_id BETWEEN ? AND ? AND +year = ?
            """)
        hours.arguments = [first, last, filter.year]
        let hourRows = try Row.fetchCursor(hours)
        while let row = try hourRows.next() {
            guard let position = index[row[0]] else { continue }
            lines[position].hours = row[1]
        }
        return lines
    }

    /// The ids of the departments in the subtrees, kept while the department tree's version stays the same.
    func departmentIDs(_ prefixes: [String], _ db: Database) throws -> Set<Int64> {
        let version = try SQLiteDepartmentRepository.treeVersion(db)
        let key = prefixes.joined(separator: "|")
        if let cached = scopeCache.ids(for: key, version: version) { return cached }
        let (inRange, arguments) = Self.rangeCondition(prefixes)
        let ids = Set(try Int64.fetchAll(db, sql: "SELECT d.id FROM departments d WHERE \(inRange)", arguments: arguments))
        scopeCache.keep(ids, for: key, version: version)
        return ids
    }

    public func hoursDistribution(_ filter: PeopleFilter, scope: AccessScope, bounds: [Double]) throws -> [Int] {
        let prefixes = Self.prefixes(filter.departmentPath, scope)
        var counts = Array(repeating: 0, count: bounds.count + 2)
        guard !prefixes.isEmpty else { return counts }
        try store.read { db in
            if filter.keepsEveryone, let required = try Self.storedRequirement(db), HoursDistribution.bounds(required: required) == bounds {
                // Buckets 1...5 are the quarters and the rest when there are bounds; with none, all hours are one.
                var withHours = 0
                for (bucket, people) in try Self.hoursBuckets(filter.year, prefixes, db) {
                    counts[bounds.isEmpty ? 1 : min(bucket, bounds.count + 1)] += people
                    withHours += people
                }
                counts[0] = max(0, try Self.peopleCount(prefixes, db) - withHours)
                return
            }
            let (sql, arguments) = Self.query(filter, prefixes, select: "coalesce(h.hours, 0) AS hours", plan: .departmentsFirst)
            // One WHEN per bound; the statement's shape depends only on how many bounds there are. The bounds'
            // placeholders come first in the text, so their values come first in the arguments.
            let whens = bounds.indices.map { "WHEN hours < ? THEN \($0 + 1)" }.joined(separator: " ")
            let bucket = "CASE WHEN hours <= 0 THEN 0 \(whens) ELSE \(bounds.count + 1) END"
            let rows = try Row.fetchAll(db, sql: "SELECT \(bucket) AS bucket, count(*) AS people FROM (\(sql)) GROUP BY bucket",
                                        arguments: StatementArguments(bounds) + arguments)
            for row in rows {
                let index: Int = row["bucket"]
                if counts.indices.contains(index) { counts[index] = row["people"] }
            }
        }
        return counts
    }

    public func record(userID: UserID, scope: AccessScope) throws -> PersonRecord? {
        let (inScope, scopeArguments) = Self.rangeCondition(scope.prefixes)
        return try store.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT u.id, u.login, u.display_name, u.employee_number, u.department_id, u.disabled
                FROM users u JOIN departments d ON d.id = u.department_id WHERE u.id = ? AND \(inScope)
                """, arguments: [userID.rawValue] + scopeArguments) else { return nil }
            let certifications = try Row.fetchAll(db, sql: """
                SELECT program_id, state, certified_at, expires_at, window_opens_at, certificate_id
                FROM certifications WHERE user_id = ? ORDER BY program_id
                """, arguments: [userID.rawValue]).map { row in
                PersonRecord.Certification(programID: row["program_id"],
                                           state: CertificationStateName(rawValue: row["state"]) ?? .notStarted,
                                           certifiedAt: row["certified_at"], expiresAt: row["expires_at"],
                                           windowOpensAt: row["window_opens_at"], certificateID: row["certificate_id"])
            }
            let certificates = try Row.fetchAll(db, sql: """
                SELECT id, program_id, kind, issued_at, expires_at, revoked_at, revoked_reason
                FROM certificates WHERE user_id = ? ORDER BY issued_at DESC, id
                """, arguments: [userID.rawValue]).map { row in
                PersonRecord.Certificate(id: row["id"], programID: row["program_id"], kind: row["kind"],
                                         issuedAt: row["issued_at"], expiresAt: row["expires_at"],
                                         revokedAt: row["revoked_at"], revokedReason: row["revoked_reason"])
            }
            let hours = try Row.fetchAll(db, sql: """
                SELECT year, hours FROM user_year_hours WHERE user_id = ? ORDER BY year DESC
                """, arguments: [userID.rawValue]).map { row in
                PersonRecord.YearHours(year: row["year"], hours: row["hours"])
            }
            return PersonRecord(userID: userID, login: row["login"], name: row["display_name"],
                                employeeNumber: row["employee_number"],
                                departmentID: DepartmentID(rawValue: row["department_id"]),
                                disabled: row["disabled"], certifications: certifications,
                                certificates: certificates, hours: hours)
        }
    }

    // MARK: Plans

    /// The cheapest plan for a page ending at row `wanted`, from the aggregates; nil when nobody can match.
    ///
    /// A walk reads rows of its index until the page is full: about `wanted` × (rows in the index) ÷ (rows that
    /// match), when the matches are spread evenly. Taking the subtree department by department reads its people.
    func plan(_ filter: PeopleFilter, _ prefixes: [String], wanted: Int, _ db: Database) throws -> Plan? {
        if case .always(let plan) = planChoice { return Self.supports(plan, filter) ? plan : .departmentsFirst }
        let matching = try Self.aggregateCount(filter, prefixes, db)
        if matching == 0 { return nil }
        let subtree = Double(try Self.peopleCount(prefixes, db))
        // A small subtree is read whole in a few milliseconds.
        guard subtree > 2000 else { return .departmentsFirst }
        if !Self.searchCharacters(filter).isEmpty, try Self.rarestCharacter(filter, db).candidates < Int(subtree) {
            return .searchCandidates
        }
        switch filter.sort {
        case .name:
            let everyone = Double(try Self.peopleCount(["/"], db))
            // Without an aggregate (a search, a date range), assume one person in ten of the subtree matches.
            let found = Double(matching ?? max(1, Int(subtree / 10)))
            return Double(wanted) * everyone / found < subtree ? .usersByName : .departmentsFirst
        case .expires where Self.supports(.certificationsByExpiry, filter):
            guard let state = filter.state else { return .departmentsFirst }
            let inState = Double(try Self.stateCounts(filter.programID, ["/"], db)[state.rawValue] ?? 0)
            let found = Double(matching ?? max(1, Int(subtree / 10)))
            return Double(wanted) * inState / found < subtree ? .certificationsByExpiry : .departmentsFirst
        case .department:
            // Stops when the page is full; at worst (nobody matches) it reads what taking the subtree reads.
            return .departmentsByName
        case .state, .hours:
            // The walks go through everyone's rows in their order; they pay when the subtree is a large part of
            // the organisation (reads ≈ wanted × everyone ÷ subtree).
            let everyone = Double(try Self.peopleCount(["/"], db))
            guard Double(wanted) * everyone / subtree < subtree else { return .departmentsFirst }
            return filter.sort == .state ? .stateSegments : .hoursSegments
        default:
            return .departmentsFirst
        }
    }

    /// Whether `plan` can give `filter`'s rows in its order.
    static func supports(_ plan: Plan, _ filter: PeopleFilter) -> Bool {
        switch plan {
        case .departmentsFirst: true
        case .usersByName: filter.sort == .name
        case .certificationsByExpiry: filter.sort == .expires && filter.state != nil && filter.state != .notStarted
        case .departmentsByName: filter.sort == .department
        case .searchCandidates: searchCharacters(filter).isEmpty == false
        case .stateSegments: filter.sort == .state
        case .hoursSegments: filter.sort == .hours
        }
    }

    /// The search's characters beyond ASCII, each once, in order (what `user_name_characters` lists).
    static func searchCharacters(_ filter: PeopleFilter) -> [String] {
        guard let search = filter.search, !search.isEmpty else { return [] }
        var seen: Set<Unicode.Scalar> = []
        return search.unicodeScalars.filter { $0.value > 127 && seen.insert($0).inserted }.map { String($0) }
    }

    /// Of the search's first few characters beyond ASCII, the one the fewest people have, and how many have it.
    static func rarestCharacter(_ filter: PeopleFilter, _ db: Database) throws -> (character: String, candidates: Int) {
        var best: (character: String, candidates: Int)?
        for character in searchCharacters(filter).prefix(4) {
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM user_name_characters WHERE character = ?",
                                         arguments: [character]) ?? 0
            if best == nil || count < best!.candidates { best = (character, count) }
        }
        return best ?? ("", 0)
    }

    /// The state walk's segments in ascending order of the state codes.
    static func stateSegments(_ filter: PeopleFilter, _ prefixes: [String], _ db: Database) throws -> [Segment] {
        // Sizes are known when the filter is at most a state (every row of a segment then matches).
        let plain = !filter.narrowsBeyondState
        let counts = plain ? try stateCounts(filter.programID, prefixes, db) : [:]
        let people = plain ? try peopleCount(prefixes, db) : 0
        return CertificationStateName.allCases.sorted { $0.rawValue < $1.rawValue }.compactMap { state in
            if let wanted = filter.state, wanted != state { return nil }
            if state == .notStarted {
                let started = counts.filter { $0.key != state.rawValue }.values.reduce(0, +)
                return Segment(source: .usersByID, condition: "coalesce(c.state, 'not_started') = 'not_started'",
                               order: ["u.id"], count: plain ? max(0, people - started) : nil)
            }
            return Segment(source: .certificationsByPerson, condition: "c.state = ?", arguments: [state.rawValue],
                           order: ["c.user_id"], count: plain ? counts[state.rawValue] ?? 0 : nil)
        }
    }

    /// The hours walk's segments in ascending order of hours.
    static func hoursSegments(_ filter: PeopleFilter, _ prefixes: [String], _ db: Database) throws -> [Segment] {
        var none = Segment(source: .usersByID, condition: "coalesce(h.hours, 0) = 0", order: ["u.id"])
        var positive = Segment(source: .hoursByValue, condition: "h.hours > 0", order: ["h.hours", "h.user_id"])
        // `department_hours` counts the people with hours above zero (buckets 1 to 5) whatever the requirement.
        if filter.keepsEveryone, try storedRequirement(db) != nil {
            positive.count = try hoursBuckets(filter.year, prefixes, db).values.reduce(0, +)
            none.count = max(0, try peopleCount(prefixes, db) - (positive.count ?? 0))
        }
        return [none, positive]
    }

    /// A page from `segments` in order (reversed for a descending sort): each segment skips what is left of
    /// `offset` and gives what is left of `limit`. A segment of unknown size that the offset goes past is counted.
    static func walk(_ segments: [Segment], _ filter: PeopleFilter, _ prefixes: [String], limit: Int, offset: Int,
                     _ db: Database) throws -> [PersonLine] {
        var lines: [PersonLine] = []
        var skip = offset
        let direction = filter.descending ? "DESC" : "ASC"
        for segment in filter.descending ? segments.reversed() : segments {
            guard lines.count < limit else { break }
            if let count = segment.count, skip >= count {
                skip -= count
                continue
            }
            let (sql, arguments) = segmentQuery(segment, filter, prefixes, select: columns)
            let order = segment.order.map { "\($0) \(direction)" }.joined(separator: ", ")
            let rows = try Row.fetchAll(db, sql: sql + " ORDER BY \(order) LIMIT ? OFFSET ?",
                                        arguments: arguments + [limit - lines.count, skip]).map(line)
            if rows.isEmpty && skip > 0 {
                let (countSQL, countArguments) = segmentQuery(segment, filter, prefixes, select: "count(*)")
                skip -= min(skip, try Int.fetchOne(db, sql: countSQL, arguments: countArguments) ?? 0)
                continue
            }
            lines += rows
            skip = 0
        }
        return lines
    }

    /// A segment's query: its source, its condition, and the filter's.
    static func segmentQuery(_ segment: Segment, _ filter: PeopleFilter, _ prefixes: [String], select: String)
        -> (String, StatementArguments) {
        query(filter, prefixes, select: select, source: segment.source,
              extra: (segment.condition, segment.arguments))
    }

    // MARK: SQL

    static let columns = """
        u.id, u.login, u.display_name, u.employee_number, u.department_id, c.state, c.certified_at, c.expires_at,
        c.certificate_id, coalesce(h.hours, 0) AS hours
        """

    /// The upper bound of a subtree's paths: '/1/4/' -> '/1/40' ('0' is the character after '/').
    static func upper(_ prefix: String) -> String { String(prefix.dropLast()) + "0" }

    /// The subtrees a query covers: `path`'s (a department's `id_path`, or "/" for the whole scope) within `scope`.
    /// A scope is made of whole subtrees, so this is `path`'s subtree when a scope subtree holds it, the scope
    /// subtrees below `path` otherwise, and nothing when they do not meet.
    static func prefixes(_ path: String, _ scope: AccessScope) -> [String] {
        if scope.prefixes.contains(where: { path.hasPrefix($0) }) { return [path] }
        return scope.prefixes.filter { $0.hasPrefix(path) }
    }

    /// `d.id_path` lies in one of the subtrees `prefixes`; none matches nothing.
    static func rangeCondition(_ prefixes: [String]) -> (String, StatementArguments) {
        guard !prefixes.isEmpty else { return ("0", []) }
        var arguments: StatementArguments = []
        for prefix in prefixes { arguments += [prefix, upper(prefix)] }
        let condition = prefixes.map { _ in "(d.id_path >= ? AND d.id_path < ?)" }.joined(separator: " OR ")
        return ("(" + condition + ")", arguments)
    }

    /// The FROM/WHERE part for `filter` within the subtrees `prefixes`, joined in `plan`'s order (nil: people by
    /// id, for exports and capped counts). Every value is bound; identifiers come from allowlists.
    static func query(_ filter: PeopleFilter, _ prefixes: [String], select: String, plan: Plan?) -> (String, StatementArguments) {
        let source: Source = switch plan {
        case .departmentsFirst, .stateSegments, .hoursSegments, .searchCandidates: .departmentsFirst
        case .departmentsByName: .departmentsByName
        case .usersByName: .usersByName
        case .certificationsByExpiry: .certificationsByExpiry
        case nil: .usersByID
        }
        return query(filter, prefixes, select: select, source: source, extra: nil)
    }

    /// The query from `source`, with `extra` (a condition and its values) before the filter's conditions.
    static func query(_ filter: PeopleFilter, _ prefixes: [String], select: String, source: Source,
                      extra: (condition: String, arguments: StatementArguments)?) -> (String, StatementArguments) {
        let (inRange, rangeArguments) = rangeCondition(prefixes)
        let certification = "LEFT JOIN certifications c ON c.user_id = u.id AND c.program_id = ?"
        let hours = "LEFT JOIN user_year_hours h ON h.user_id = u.id AND h.year = ?"
        let from: String
        // The certification's programme, then the hours' year, unless a source binds something first.
        var arguments: StatementArguments = [filter.programID, filter.year]
        var conditions = ["u.disabled = 0", inRange]
        switch source {
        case .departmentsFirst:
            from = "departments d CROSS JOIN users u ON u.department_id = d.id \(certification) \(hours)"
        case .departmentsByName:
            from = "departments d INDEXED BY departments_name CROSS JOIN users u ON u.department_id = d.id \(certification) \(hours)"
        case .usersByName:
            from = "users u INDEXED BY users_name CROSS JOIN departments d ON d.id = u.department_id \(certification) \(hours)"
        case .usersByID:
            from = "users u CROSS JOIN departments d ON d.id = u.department_id \(certification) \(hours)"
        case .certificationsByExpiry, .certificationsByPerson:
            let index = source == .certificationsByExpiry ? "certifications_program_state" : "certifications_program_people"
            from = """
                certifications c INDEXED BY \(index) CROSS JOIN users u ON u.id = c.user_id
                CROSS JOIN departments d ON d.id = u.department_id \(hours)
                """
            // The programme's condition comes first in the text, so its value follows the year's.
            conditions.insert("c.program_id = ?", at: 0)
            arguments = [filter.year, filter.programID]
        case .nameCharacter(let character):
            from = """
                (SELECT user_id FROM user_name_characters WHERE character = ?
                 UNION SELECT id FROM users WHERE employee_number = ?) s
                CROSS JOIN users u ON u.id = s.user_id CROSS JOIN departments d ON d.id = u.department_id
                \(certification) \(hours)
                """
            arguments = [character, filter.search ?? "", filter.programID, filter.year]
        case .hoursByValue:
            from = """
                user_year_hours h INDEXED BY user_year_hours_value CROSS JOIN users u ON u.id = h.user_id
                CROSS JOIN departments d ON d.id = u.department_id \(certification)
                """
            conditions.insert("h.year = ?", at: 0)
        }
        if let extra {
            // Right after the source's own condition (or first), so its values follow the ones bound so far.
            let sourceFirst = source == .certificationsByExpiry || source == .certificationsByPerson || source == .hoursByValue
            conditions.insert(extra.condition, at: sourceFirst ? 1 : 0)
            arguments += extra.arguments
        }
        arguments += rangeArguments
        if let state = filter.state {
            conditions.append(source == .certificationsByExpiry || source == .certificationsByPerson
                              ? "c.state = ?" : "coalesce(c.state, 'not_started') = ?")
            arguments += [state.rawValue]
        }
        if let from = filter.expiresFrom {
            conditions.append("c.expires_at >= ?")
            arguments += [from]
        }
        if let to = filter.expiresTo {
            conditions.append("c.expires_at < ?")
            arguments += [to]
        }
        if let below = filter.hoursBelow {
            conditions.append("coalesce(h.hours, 0) < ?")
            arguments += [below]
        }
        if let search = filter.search, !search.isEmpty {
            conditions.append("(u.display_name LIKE ? ESCAPE '\\' OR u.login LIKE ? ESCAPE '\\' OR u.employee_number = ?)")
            let pattern = "%" + search.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
            arguments += [pattern, pattern, search]
        }
        return ("SELECT \(select) FROM \(from) WHERE \(conditions.joined(separator: " AND "))", arguments)
    }

    /// The ORDER BY list for `filter.sort`, from a fixed allowlist; the user id last makes the order total, so
    /// pages neither repeat nor skip anyone. Each plan names the columns its index is ordered by.
    static func order(_ filter: PeopleFilter, plan: Plan) -> String {
        let direction = filter.descending ? "DESC" : "ASC"
        let columns: [String] = switch (filter.sort, plan) {
        case (.expires, .certificationsByExpiry): ["c.expires_at", "c.user_id"]
        case (.name, _): ["u.display_name", "u.id"]
        case (.department, _): ["d.name", "d.id", "u.id"]
        case (.state, _): ["coalesce(c.state, 'not_started')", "u.id"]
        case (.expires, _): ["c.expires_at", "u.id"]
        case (.hours, _): ["coalesce(h.hours, 0)", "u.id"]
        }
        return columns.map { "\($0) \(direction)" }.joined(separator: ", ")
    }

    /// A line from a row of `columns`, read by position.
    static func line(_ row: Row) -> PersonLine {
        let state: String? = row[5]
        return PersonLine(userID: row[0], login: row[1], name: row[2], employeeNumber: row[3], departmentID: row[4],
                          state: state.flatMap(CertificationStateName.init(rawValue:)) ?? .notStarted,
                          certifiedAt: row[6], expiresAt: row[7], certificateID: row[8], hours: row[9])
    }
}

/// The department ids of one scope at one version of the department tree (an export asks for the same scope in
/// every batch).
final class ScopeCache: Sendable {
    private let state = Mutex<(key: String, version: Int64, ids: Set<Int64>)?>(nil)

    func ids(for key: String, version: Int64) -> Set<Int64>? {
        state.withLock { current in
            guard let current, current.key == key, current.version == version else { return nil }
            return current.ids
        }
    }

    func keep(_ ids: Set<Int64>, for key: String, version: Int64) {
        state.withLock { $0 = (key, version, ids) }
    }
}
