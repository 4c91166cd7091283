import Curriculum
import Foundation
import TrainingServer

/// HR queries on PostgreSQL, with the SQLite engine's answers: the same summaries, counts, pages, orders and
/// exports (`SQLiteReportRepository`).
///
/// **Scope.** Department subtrees are `id_path` ranges compared bytewise (`COLLATE "C"`: '/1/4/' <= path < '/1/40',
/// since '0' follows '/'), and every query is limited to the caller's scope in SQL, so out-of-scope rows are never
/// read. Totals and charts come from the aggregate tables the schema's triggers keep (`department_people`,
/// `certification_counts`, `department_hours`), as on SQLite.
///
/// **Orders.** A list is one statement ordered by the sort's columns and the user id (so pages neither repeat nor
/// skip anyone); PostgreSQL's planner, which has statistics, chooses the index to walk, so most of the SQLite
/// engine's fixed plans are not needed. The exceptions are the orders no index gives as one statement: by hours, by
/// state and by department over a large subtree, which walk segment by segment or department by department
/// (`PostgresReportRepository+Walks`). Names sort by their collation key (`name_key`, bytea, compared bytewise like SQLite's BLOB:
/// the Chinese collation's order, see `NameCollation`), department names and states bytewise (`COLLATE "C"`), and
/// NULLs first ascending and last descending, as SQLite sorts them.
///
/// **Searches** match names and logins containing the search with ASCII letters folded (SQLite's LIKE;
/// `lower(… COLLATE "C")` folds ASCII only), or a whole employee number. A search holding characters beyond ASCII
/// is narrowed to the people listed with one of them (`user_name_characters`), which every match is.
///
/// **Reads** that take several statements (counts, walks, export batches) run in one REPEATABLE READ snapshot, so
/// their parts agree with each other while other servers write; a summary page's figures (`dashboardFigures`: the
/// summary and the hours distribution together), a summary and an hours distribution from the aggregates are one
/// statement each (one round trip: `PostgresReportRepository+Summary`).
public struct PostgresReportRepository: ReportRepository {
    let pool: PostgresPool
    /// Counting stops here when no aggregate answers a filter (a search, an expiry range) over a large subtree:
    /// the total is then "more than" this.
    let countCap: Int
    /// Subtrees with at most this many people are counted exactly, whatever the filter.
    let exactCountLimit: Int

    /// Summaries of subtrees with at most this many departments look each department's aggregates up by key;
    /// larger ones read the aggregate tables whole (`PostgresReportRepository+Summary`).
    let lookUpLimit: Int

    public init(pool: PostgresPool, countCap: Int = 1000, exactCountLimit: Int = 50_000, lookUpLimit: Int = 1000) {
        self.pool = pool
        self.countCap = countCap
        self.exactCountLimit = exactCountLimit
        self.lookUpLimit = lookUpLimit
    }

    // MARK: SQL

    static let columns = """
        u.id, u.login, u.display_name, u.employee_number, u.department_id, c.state, c.certified_at, c.expires_at,
        c.certificate_id, coalesce(h.hours, 0) AS hours, u.required_hours
        """

    /// The subtrees a query covers: `path`'s (a department's `id_path`, or "/" for the whole scope) within `scope`
    /// (`SQLiteReportRepository.prefixes`).
    static func prefixes(_ path: String, _ scope: AccessScope) -> [String] {
        if scope.prefixes.contains(where: { path.hasPrefix($0) }) { return [path] }
        return scope.prefixes.filter { $0.hasPrefix(path) }
    }

    /// `d.id_path` lies in one of the subtrees `prefixes`; none matches nothing.
    static func rangeCondition(_ prefixes: [String], _ parameters: inout PostgresParameters) -> String {
        guard !prefixes.isEmpty else { return "false" }
        return "(" + prefixes.map { prefix in
            #"(d.id_path COLLATE "C" >= \#(parameters.bind(prefix)) AND d.id_path COLLATE "C" < \#(parameters.bind(String(prefix.dropLast()) + "0")))"#
        }.joined(separator: " OR ") + ")"
    }

    /// The statement selecting `select` for the people matching `filter` within the subtrees `prefixes`, without
    /// an order. Every value is bound; identifiers come from allowlists. Without `progress` the statement reads
    /// neither certifications (`c`) nor hours (`h`): only for a filter and order that use neither
    /// (`needsProgress`).
    static func query(_ filter: PeopleFilter, _ prefixes: [String], select: String, progress: Bool = true,
                      _ parameters: inout PostgresParameters) -> String {
        let from = progress ? from(filter, &parameters) : "departments d JOIN users u ON u.department_id = d.id"
        var conditions = ["u.disabled = 0", rangeCondition(prefixes, &parameters)]
        if let state = filter.state {
            // A state other than "not started" names the certification row's own state, so the planner may walk
            // `certifications_state_expiry_order` (a coalesce would hide the column from the index); "not started"
            // is also everyone without a row.
            conditions.append(state == .notStarted ? "coalesce(c.state, 'not_started') = \(parameters.bind(state.rawValue))"
                : "c.state = \(parameters.bind(state.rawValue))")
        }
        if let from = filter.expiresFrom {
            conditions.append("c.expires_at >= \(parameters.bind(from))")
        }
        if let to = filter.expiresTo {
            conditions.append("c.expires_at < \(parameters.bind(to))")
        }
        if filter.expiresFrom != nil || filter.expiresTo != nil {
            // A revoked certificate no longer expires: it ended when it was revoked.
            conditions.append("c.state <> 'revoked'")
        }
        if let below = filter.hoursBelow {
            // Each person against their own requirement; the global one for people no rule reaches.
            conditions.append("coalesce(h.hours, 0) < coalesce(u.required_hours, \(parameters.bind(below)))")
        }
        if let search = filter.search, !search.isEmpty {
            let pattern = "%" + search.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
            let like = parameters.bind(pattern)
            let number = parameters.bind(search)
            conditions.append(#"""
                (lower(u.display_name COLLATE "C") LIKE lower(\#(like) COLLATE "C") ESCAPE '\'
                 OR lower(u.login COLLATE "C") LIKE lower(\#(like) COLLATE "C") ESCAPE '\' OR u.employee_number = \#(number))
                """#)
            if let character = searchCharacters(filter).first {
                // The candidates: people with the character, and the one whose employee number is the search. As
                // one IN list (not `IN (…) OR employee_number = …`, which PostgreSQL can only test person by person)
                // it is a semi-join the planner can start from: 19,060 people have 王 among 1,000,000, and walking
                // everyone in name order to find them read 654,489 people for a page.
                conditions.append("""
                    u.id IN (SELECT user_id FROM user_name_characters WHERE character = \(parameters.bind(character))
                             UNION ALL SELECT id FROM users WHERE employee_number = \(number))
                    """)
            }
        }
        if let overdue = filter.overdue {
            conditions.append(overdueCondition(overdue, &parameters))
        }
        return "SELECT \(select) FROM \(from) WHERE \(conditions.joined(separator: " AND "))"
    }

    /// People with their certification in `filter`'s programme and their hours in its year.
    static func from(_ filter: PeopleFilter, _ parameters: inout PostgresParameters) -> String {
        """
        departments d JOIN users u ON u.department_id = d.id
        LEFT JOIN certifications c ON c.user_id = u.id AND c.program_id = \(parameters.bind(filter.programID))
        LEFT JOIN user_year_hours h ON h.user_id = u.id AND h.year = \(parameters.bind(filter.year))
        """
    }

    /// Whether `filter`'s conditions or order read a certification or hours (else a page can be chosen from
    /// people and departments alone, and only its rows joined with them).
    static func needsProgress(_ filter: PeopleFilter) -> Bool {
        if filter.state != nil || filter.expiresFrom != nil || filter.expiresTo != nil || filter.hoursBelow != nil {
            return true
        }
        return switch filter.sort {
        case .name, .department: false
        case .state, .expires, .hours: true
        }
    }

    /// "A current member of the assignment whose status is overdue" on the person `u`: `AssignmentStatus`'s rule
    /// (`AssignmentEvidence` on SQLite) as far as it decides "overdue": not exempt, not done, and the effective due
    /// day (an approved extension's, else the assigned one) before today.
    static func overdueCondition(_ filter: PlanOverdueFilter, _ parameters: inout PostgresParameters) -> String {
        let rule = filter.rule
        let done: String
        switch rule.item.kind {
        case .course:
            if let course = rule.catalogue.course(CourseID(rawValue: rule.item.id)) {
                var parts: [String] = []
                let modules = course.modules.map(\.id.rawValue)
                if !modules.isEmpty {
                    let listed = modules.map { parameters.bind($0) }.joined(separator: ", ")
                    parts.append("""
                        (SELECT count(*) FROM module_progress ep WHERE ep.user_id = m.user_id \
                        AND ep.course_id = \(parameters.bind(course.id.rawValue)) AND ep.completed_at IS NOT NULL \
                        AND ep.module_id IN (\(listed))) = \(parameters.bind(modules.count))
                        """)
                }
                if let quiz = course.completion.quiz {
                    parts.append("""
                        EXISTS (SELECT 1 FROM quiz_attempts eq WHERE eq.user_id = m.user_id \
                        AND eq.course_id = \(parameters.bind(course.id.rawValue)) AND eq.quiz_id = \(parameters.bind(quiz.rawValue)) \
                        AND eq.passed = 1)
                        """)
                }
                done = parts.isEmpty ? "true" : "(" + parts.joined(separator: " AND ") + ")"
            } else {
                // An item missing from the catalogue is never done.
                done = "false"
            }
        case .program:
            done = """
                EXISTS (SELECT 1 FROM certifications ec WHERE ec.user_id = m.user_id \
                AND ec.program_id = \(parameters.bind(rule.item.id)) AND ec.state IN ('certified', 'due_for_renewal'))
                """
        }
        return """
            EXISTS (SELECT 1 FROM assignment_members m WHERE m.assignment_id = \(parameters.bind(filter.assignmentID)) \
            AND m.user_id = u.id AND m.left_at IS NULL AND m.exempt_at IS NULL AND NOT (\(done)) \
            AND coalesce(m.extended_day, m.due_day) COLLATE "C" < \(parameters.bind(rule.today.description)))
            """
    }

    /// The ORDER BY list for `filter.sort`, from a fixed allowlist, ending with the user id.
    static func order(_ filter: PeopleFilter) -> String {
        let direction = filter.descending ? "DESC NULLS LAST" : "ASC NULLS FIRST"
        let columns: [String] = switch filter.sort {
        case .name: ["u.name_key", "u.id"]
        case .department: [#"d.name COLLATE "C""#, "d.id", "u.id"]
        case .state: [#"coalesce(c.state, 'not_started') COLLATE "C""#, "u.id"]
        case .expires: ["c.expires_at", "u.id"]
        case .hours: ["coalesce(h.hours, 0)", "u.id"]
        }
        return columns.map { "\($0) \(direction)" }.joined(separator: ", ")
    }

    /// A line from a row of `columns`, read by position.
    static func line(_ row: PostgresRow) throws -> PersonLine {
        let state: String? = try row.decodeIfPresent(at: 5)
        return PersonLine(try row.decode(at: 0), login: try row.decode(at: 1), name: try row.decode(at: 2),
                          employeeNumber: try row.decodeIfPresent(at: 3), departmentID: try row.decode(at: 4),
                          state: state.flatMap(CertificationStateName.init(rawValue:)) ?? .notStarted,
                          certifiedAt: try row.decodeIfPresent(at: 6), expiresAt: try row.decodeIfPresent(at: 7),
                          certificateID: try row.decodeIfPresent(at: 8), hours: try row.decode(at: 9),
                          requiredHours: try row.decodeIfPresent(at: 10))
    }

    /// The search's characters beyond ASCII, each once, in order (what `user_name_characters` lists).
    static func searchCharacters(_ filter: PeopleFilter) -> [String] {
        guard let search = filter.search, !search.isEmpty else { return [] }
        var seen: Set<Unicode.Scalar> = []
        return search.unicodeScalars.filter { $0.value > 127 && seen.insert($0).inserted }.map { String($0) }
    }

    // MARK: Aggregates

    /// Enabled people in the subtrees `prefixes`.
    static func peopleCount(_ prefixes: [String], _ connection: PostgresConnection) throws -> Int {
        var parameters = PostgresParameters()
        let inRange = rangeCondition(prefixes, &parameters)
        return try connection.query("""
            SELECT coalesce(sum(p.people), 0) FROM departments d JOIN department_people p ON p.department_id = d.id
            WHERE \(inRange)
            """, parameters.values)[0].decode(at: 0)
    }

    /// Enabled people per certification state of `programID` in the subtrees `prefixes`.
    static func stateCounts(_ programID: String, _ prefixes: [String], _ connection: PostgresConnection) throws -> [String: Int] {
        var parameters = PostgresParameters()
        let inRange = rangeCondition(prefixes, &parameters)
        var counts: [String: Int] = [:]
        for row in try connection.query("""
            SELECT cc.state, sum(cc.people) FROM departments d
            JOIN certification_counts cc ON cc.program_id = \(parameters.bind(programID)) AND cc.department_id = d.id
            WHERE \(inRange) GROUP BY cc.state
            """, parameters.values) {
            counts[try row.decode(at: 0)] = try row.decode(Int.self, at: 1)
        }
        return counts
    }

    /// Enabled people per hours bucket (1...5) in `year` in the subtrees `prefixes`.
    static func hoursBuckets(_ year: Int, _ prefixes: [String], _ connection: PostgresConnection) throws -> [Int: Int] {
        var parameters = PostgresParameters()
        let inRange = rangeCondition(prefixes, &parameters)
        var counts: [Int: Int] = [:]
        for row in try connection.query("""
            SELECT h.bucket, sum(h.people) FROM departments d
            JOIN department_hours h ON h.department_id = d.id AND h.year = \(parameters.bind(year))
            WHERE \(inRange) GROUP BY h.bucket
            """, parameters.values) {
            counts[try row.decode(at: 0)] = try row.decode(Int.self, at: 1)
        }
        return counts
    }

    /// The requirement `department_hours` is counted against, if any.
    static func storedRequirement(_ connection: PostgresConnection) throws -> Double? {
        try connection.query("SELECT value FROM settings WHERE key = 'reports.required_hours'").first
            .flatMap { try $0.decodeIfPresent(String.self, at: 0) }.flatMap(Double.init)
    }

    /// The number of people matching `filter` in `prefixes` when the aggregates can tell it; nil otherwise
    /// (`SQLiteReportRepository.aggregateCount`).
    static func aggregateCount(_ filter: PeopleFilter, _ prefixes: [String], _ connection: PostgresConnection) throws -> Int? {
        guard filter.expiresFrom == nil, filter.expiresTo == nil, (filter.search ?? "").isEmpty, filter.overdue == nil else { return nil }
        switch (filter.state, filter.hoursBelow) {
        case (nil, nil):
            return try peopleCount(prefixes, connection)
        case (let state?, nil):
            let counts = try stateCounts(filter.programID, prefixes, connection)
            guard state == .notStarted else { return counts[state.rawValue] ?? 0 }
            let started = counts.filter { $0.key != CertificationStateName.notStarted.rawValue }.values.reduce(0, +)
            return max(0, try peopleCount(prefixes, connection) - started)
        case (nil, let below?):
            guard try storedRequirement(connection) == below else { return nil }
            return max(0, try peopleCount(prefixes, connection) - (hoursBuckets(filter.year, prefixes, connection)[5] ?? 0))
        default:
            return nil
        }
    }

    /// Fills the name sort keys that are missing; stores the yearly requirement the hours buckets are counted
    /// against and, when it differs from the stored one, recounts `department_hours` in the same transaction.
    /// Servers preparing at once take turns (`PostgresLocks.reportAggregates`), so the recount runs once.
    public func prepareAggregates(requiredHours: Double) throws {
        try prepareNameKeys()
        try pool.transaction { connection in
            try PostgresLocks.lock(PostgresLocks.reportAggregates, on: connection)
            if try Self.storedRequirement(connection) == requiredHours { return }
            try connection.execute("""
                INSERT INTO settings (key, value) VALUES ('reports.required_hours', $1)
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """, String(requiredHours))
            try connection.execute("DELETE FROM department_hours")
            try connection.execute("""
                INSERT INTO department_hours (department_id, year, bucket, people)
                    SELECT u.department_id, b.year, b.bucket, count(*) FROM user_year_hours_bucket b
                    JOIN users u ON u.id = b.user_id WHERE u.disabled = 0 AND b.bucket > 0
                    GROUP BY u.department_id, b.year, b.bucket
                """)
        }
    }

    /// Gives a sort key to every name written without one, and new keys to all when the collation's weights
    /// changed (`SQLiteReportRepository.prepareNameKeys`), in one transaction.
    public func prepareNameKeys() throws {
        try pool.transaction { connection in
            try PostgresLocks.lock(PostgresLocks.reportAggregates, on: connection)
            let stored: String? = try connection.query("SELECT value FROM settings WHERE key = 'reports.name_collation'")
                .first?.decodeIfPresent(at: 0)
            let all = stored != NameCollation.version
            var after: Int64 = 0
            while true {
                let rows = try connection.query("""
                    SELECT id, display_name FROM users WHERE id > $1 \(all ? "" : "AND name_key IS NULL") ORDER BY id LIMIT 1000
                    """, after)
                guard let last = rows.last else { break }
                for row in rows {
                    try connection.execute("UPDATE users SET name_key = $1 WHERE id = $2",
                                           Data(NameCollation.key(try row.decode(String.self, at: 1))),
                                           try row.decode(Int64.self, at: 0))
                }
                after = try last.decode(at: 0)
            }
            if all {
                try connection.execute("""
                    INSERT INTO settings (key, value) VALUES ('reports.name_collation', $1)
                        ON CONFLICT (key) DO UPDATE SET value = excluded.value
                    """, NameCollation.version)
            }
        }
    }

    // MARK: Reports

    public func record(userID: UserID, scope: AccessScope) throws -> PersonRecord? {
        var parameters = PostgresParameters()
        let inScope = Self.rangeCondition(scope.prefixes, &parameters)
        let id = parameters.bind(userID.rawValue)
        return try pool.transaction(.repeatableRead) { connection in
            guard let row = try connection.query("""
                SELECT u.id, u.login, u.display_name, u.employee_number, u.department_id, u.disabled, u.required_hours
                FROM users u JOIN departments d ON d.id = u.department_id WHERE u.id = \(id) AND \(inScope)
                """, parameters.values).first else { return nil }
            let certifications = try connection.query("""
                SELECT program_id, state, certified_at, expires_at, window_opens_at, certificate_id
                FROM certifications WHERE user_id = $1 ORDER BY program_id COLLATE "C"
                """, userID.rawValue).map { row in
                PersonRecord.Certification(try row.decode(at: 0),
                                           state: CertificationStateName(rawValue: try row.decode(at: 1)) ?? .notStarted,
                                           certifiedAt: try row.decodeIfPresent(at: 2), expiresAt: try row.decodeIfPresent(at: 3),
                                           windowOpensAt: try row.decodeIfPresent(at: 4), certificateID: try row.decodeIfPresent(at: 5))
            }
            let certificates = try connection.query("""
                SELECT id, program_id, kind, issued_at, expires_at, revoked_at, revoked_reason
                FROM certificates WHERE user_id = $1 ORDER BY issued_at DESC, id COLLATE "C"
                """, userID.rawValue).map { row in
                PersonRecord.Certificate(try row.decode(at: 0), programID: try row.decode(at: 1), kind: try row.decode(at: 2),
                                         issuedAt: try row.decode(at: 3), expiresAt: try row.decode(at: 4),
                                         revokedAt: try row.decodeIfPresent(at: 5), revokedReason: try row.decodeIfPresent(at: 6))
            }
            let hours = try connection.query("SELECT year, hours FROM user_year_hours WHERE user_id = $1 ORDER BY year DESC",
                                             userID.rawValue).map { row in
                PersonRecord.YearHours(try row.decode(at: 0), hours: try row.decode(at: 1))
            }
            return PersonRecord(userID, login: try row.decode(at: 1), name: try row.decode(at: 2),
                                employeeNumber: try row.decodeIfPresent(at: 3),
                                departmentID: DepartmentID(rawValue: try row.decode(at: 4)),
                                disabled: try row.decode(Int.self, at: 5) == 1, certifications: certifications,
                                certificates: certificates, hours: hours, requiredHours: try row.decodeIfPresent(at: 6))
        }
    }
}
