import Foundation
import TrainingServer

/// Department summaries and the study-hours distribution on PostgreSQL, from the aggregate tables the triggers keep
/// (`department_people`, `certification_counts`, `department_hours`), with `SQLiteReportRepository`'s answers.
///
/// **One round trip.** A summary page needs the subtree's people and state counts per sub-department, its hours
/// buckets and the requirement they were counted against: `dashboardFigures` asks for all of them in one statement
/// (a `UNION ALL` of four parts over the subtree's departments), summed per sub-department in PostgreSQL, so a
/// division's page is one round trip and a few dozen rows, and the whole tree's about a hundred rather than a row
/// per department and state. Every figure comes from the one snapshot of that statement.
///
/// **Plans.** The subtree's departments are read once (a materialised CTE over `departments_path_bytes`) and
/// counted. Up to `lookUpLimit` of them (1,000 by default: a bureau has about 450 of `scale_bench`'s 5,000), each
/// aggregate is looked up per department through its primary key (`department_people_pkey`,
/// `certification_counts_pkey`, `department_hours_pkey`): lateral subqueries with `OFFSET 0`, which PostgreSQL does
/// not pull up into a join. Left to itself, the planner hashes the whole aggregate table for a bureau (10 ms on
/// `scale_bench`, against 4–6 ms as look-ups), and a prepared statement's generic plan would choose again from a
/// guessed subtree size. Past the limit, look-ups cost more than reading the tables whole (the whole tree: about
/// 45 ms against 23 ms), so each aggregate table is hash-joined with all departments and the rows outside the
/// subtree dropped after the join: the join's inputs are whole tables whatever the range, so its plan does not
/// depend on the range's estimate either (a join with the range itself came out as sorted merge joins, 63 ms). The
/// subtree's size is a one-time filter on both forms of each part, so only one form runs.
extension PostgresReportRepository {
    public func summary(programID: String, root: Department, children: [Department], scope: AccessScope)
        throws -> (root: DepartmentSummary, children: [DepartmentSummary]) {
        let figures = try figures(programID: programID, root: root, children: children, year: nil, bounds: [], scope: scope)
        return (figures.root, figures.children)
    }

    public func dashboardFigures(programID: String, root: Department, children: [Department], year: Int,
                                 bounds: [Double], scope: AccessScope) throws -> DashboardFigures {
        try figures(programID: programID, root: root, children: children, year: year, bounds: bounds, scope: scope)
    }

    public func hoursDistribution(_ filter: PeopleFilter, scope: AccessScope, bounds: [Double]) throws -> [Int] {
        let prefixes = Self.prefixes(filter.departmentPath, scope)
        guard !prefixes.isEmpty else { return Array(repeating: 0, count: bounds.count + 2) }
        if filter.keepsEveryone {
            // One statement: the stored requirement (kind 0), the subtree's people with hours per bucket (kind 1)
            // and its people (kind 2).
            var parameters = PostgresParameters()
            let inRange = Self.rangeCondition(prefixes, &parameters)
            let rows = try pool.withConnection { connection in
                try connection.query("""
                    SELECT 0, NULL::bigint, NULL::bigint, (SELECT value FROM settings WHERE key = 'reports.required_hours')
                    UNION ALL
                    SELECT 1, h.bucket, sum(h.people)::bigint, NULL FROM departments d
                    JOIN department_hours h ON h.department_id = d.id AND h.year = \(parameters.bind(filter.year))
                    WHERE \(inRange) GROUP BY h.bucket
                    UNION ALL
                    SELECT 2, NULL, coalesce(sum(p.people), 0)::bigint, NULL FROM departments d
                    JOIN department_people p ON p.department_id = d.id WHERE \(inRange)
                    """, parameters.values)
            }
            let required = try rows.first { try $0.decode(Int.self, at: 0) == 0 }
                .flatMap { try $0.decodeIfPresent(String.self, at: 3) }
            var buckets: [(bucket: Int, people: Int)] = []
            var people = 0
            for row in rows {
                switch try row.decode(Int.self, at: 0) {
                case 1: buckets.append((try row.decode(at: 1), try row.decode(at: 2)))
                case 2: people = try row.decode(at: 2)
                default: break
                }
            }
            if let counted = Self.hoursFromBuckets(buckets, people: people, required: required, bounds: bounds) {
                return counted
            }
        }
        return try hoursFromPeople(filter, prefixes, bounds: bounds)
    }

    // MARK: The summary statement

    /// The summary of `root` and `children` within `scope`, and with a `year` the hours distribution of the whole
    /// subtree for `bounds` (else none: `hours` is all zeros).
    func figures(programID: String, root: Department, children: [Department], year: Int?, bounds: [Double],
                 scope: AccessScope) throws -> DashboardFigures {
        let prefixes = Self.prefixes(root.idPath, scope)
        var rootSummary = DepartmentSummary(root, people: 0, counts: [:])
        var summaries = children.map { DepartmentSummary($0, people: 0, counts: [:]) }
        var hours = Array(repeating: 0, count: bounds.count + 2)
        if !prefixes.isEmpty {
            // Rows are per sub-department of the root: `child` is the id after the root's path ("" for the root's
            // own people), so a row belongs to the root and to the child whose path is the root's and that id.
            let childIndex = Dictionary(children.enumerated().map { ($1.idPath, $0) }, uniquingKeysWith: { first, _ in first })
            func child(_ key: String) -> Int? { key.isEmpty ? nil : childIndex[root.idPath + key + "/"] }
            var parameters = PostgresParameters()
            let statement = figuresStatement(programID: programID, rootPath: root.idPath, prefixes, year: year,
                                             &parameters)
            let rows = try pool.withConnection { connection in try connection.query(statement, parameters.values) }
            var required: String?
            var buckets: [(bucket: Int, people: Int)] = []
            for row in rows {
                switch try row.decode(Int.self, at: 0) {
                case 0:
                    required = try row.decodeIfPresent(at: 5)
                case 1:
                    let count: Int = try row.decode(at: 4)
                    rootSummary.people += count
                    if let index = child(try row.decode(at: 1)) { summaries[index].people += count }
                case 2:
                    guard let state = CertificationStateName(rawValue: try row.decode(at: 2)), state != .notStarted else { continue }
                    let count: Int = try row.decode(at: 4)
                    rootSummary.counts[state, default: 0] += count
                    if let index = child(try row.decode(at: 1)) { summaries[index].counts[state, default: 0] += count }
                default:
                    buckets.append((try row.decode(at: 3), try row.decode(at: 4)))
                }
            }
            if let year {
                // Counted from the people when the buckets were kept for another requirement (or none yet): a
                // second statement, as `hoursDistribution` would make.
                hours = try Self.hoursFromBuckets(buckets, people: rootSummary.people, required: required, bounds: bounds)
                    ?? hoursFromPeople(PeopleFilter(departmentPath: root.idPath, programID: programID, year: year),
                                       prefixes, bounds: bounds)
            }
        }
        func finished(_ summary: DepartmentSummary) -> DepartmentSummary {
            var summary = summary
            let started = summary.counts.values.reduce(0, +)
            summary.counts[.notStarted] = max(0, summary.people - started)
            return summary
        }
        return DashboardFigures(root: finished(rootSummary), children: summaries.map(finished), hours: hours)
    }

    /// The statement of `figures`: rows of (kind, child, state, bucket, people, required), kind 0 the stored
    /// requirement (only with a `year`), 1 the people per child, 2 the people per child and state, 3 the people
    /// with hours in `year` per bucket (only with a `year`). Aggregate rows counting nobody are left out, so a
    /// summary's counts name the states someone is in, as SQLite's do.
    ///
    /// Each part is written twice, for a subtree of at most `lookUpLimit` departments and for a larger one; the
    /// subtree's size, counted once (`size`), is a one-time filter on each, so only one of the two runs. See the
    /// type's comment for the plans.
    func figuresStatement(programID: String, rootPath: String, _ prefixes: [String], year: Int?,
                          _ parameters: inout PostgresParameters) -> String {
        let inRange = Self.rangeCondition(prefixes, &parameters)
        // id_path holds ASCII digits and slashes, so its characters are the Swift string's.
        let start = parameters.bind(rootPath.count + 1)
        let program = parameters.bind(programID)
        let limit = parameters.bind(lookUpLimit)
        // The look-ups read the subtree through a LIMIT that never cuts (they run only when the subtree is within
        // it) but caps the planner's estimate: costed for the whole tree, the look-ups it never runs would pass
        // `jit_above_cost` and have every such statement compiled first (about 100 ms of JIT for the whole tree).
        let small = "(SELECT departments FROM size) <= \(limit)"
        let large = "(SELECT departments FROM size) > \(limit)"
        // The larger subtree's departments, each with its child ("" for the root's own) or NULL when out of range.
        let child = "CASE WHEN \(inRange) THEN split_part(substr(d.id_path, \(start)::integer), '/', 1) END"
        var parts = [
            """
            SELECT 1 AS kind, s.child, NULL::text AS state, NULL::bigint AS bucket, sum(p.people)::bigint AS people,
                   NULL::text AS required
            FROM (SELECT id, child FROM subtree LIMIT \(limit)) s CROSS JOIN LATERAL (
                SELECT p.people FROM department_people p WHERE p.department_id = s.id AND p.people <> 0 OFFSET 0) p
            WHERE \(small) GROUP BY s.child
            """,
            """
            SELECT 1, x.child, NULL, NULL, sum(x.people)::bigint, NULL FROM (
                SELECT \(child) AS child, p.people FROM departments d
                JOIN department_people p ON p.department_id = d.id WHERE p.people <> 0) x
            WHERE \(large) AND x.child IS NOT NULL GROUP BY x.child
            """,
            """
            SELECT 2, s.child, cc.state, NULL, sum(cc.people)::bigint, NULL
            FROM (SELECT id, child FROM subtree LIMIT \(limit)) s CROSS JOIN LATERAL (
                SELECT cc.state, cc.people FROM certification_counts cc
                WHERE cc.program_id = \(program) AND cc.department_id = s.id AND cc.people <> 0 OFFSET 0) cc
            WHERE \(small) GROUP BY s.child, cc.state
            """,
            """
            SELECT 2, x.child, x.state, NULL, sum(x.people)::bigint, NULL FROM (
                SELECT \(child) AS child, cc.state, cc.people FROM departments d
                JOIN certification_counts cc ON cc.department_id = d.id AND cc.program_id = \(program)
                WHERE cc.people <> 0) x
            WHERE \(large) AND x.child IS NOT NULL GROUP BY x.child, x.state
            """,
        ]
        if let year {
            let year = parameters.bind(year)
            parts.append("""
                SELECT 3, NULL, NULL, h.bucket, sum(h.people)::bigint, NULL
                FROM (SELECT id, child FROM subtree LIMIT \(limit)) s CROSS JOIN LATERAL (
                    SELECT h.bucket, h.people FROM department_hours h
                    WHERE h.department_id = s.id AND h.year = \(year) OFFSET 0) h
                WHERE \(small) GROUP BY h.bucket
                """)
            parts.append("""
                SELECT 3, NULL, NULL, x.bucket, sum(x.people)::bigint, NULL FROM (
                    SELECT \(child) AS child, h.bucket, h.people FROM departments d
                    JOIN department_hours h ON h.department_id = d.id AND h.year = \(year)) x
                WHERE \(large) AND x.child IS NOT NULL GROUP BY x.bucket
                """)
            parts.append("""
                SELECT 0, NULL, NULL, NULL, NULL, (SELECT value FROM settings WHERE key = 'reports.required_hours')
                """)
        }
        return """
            WITH subtree AS MATERIALIZED (
                SELECT d.id, split_part(substr(d.id_path, \(start)::integer), '/', 1) AS child FROM departments d
                WHERE \(inRange)),
            size AS MATERIALIZED (SELECT count(*) AS departments FROM subtree)
            \(parts.joined(separator: "\nUNION ALL\n"))
            """
    }

    // MARK: Hours

    /// The distribution from `department_hours`' buckets (1...5: the quarters of the requirement and the rest)
    /// and the subtree's `people`, when the buckets were counted for the requirement whose `bounds` these are
    /// (`required`, as stored); nil otherwise.
    static func hoursFromBuckets(_ buckets: [(bucket: Int, people: Int)], people: Int, required: String?,
                                 bounds: [Double]) -> [Int]? {
        guard let required = required.flatMap(Double.init), HoursDistribution.bounds(required: required) == bounds else {
            return nil
        }
        // With no bounds, all hours are one bucket.
        var counts = Array(repeating: 0, count: bounds.count + 2)
        var withHours = 0
        for (bucket, count) in buckets {
            counts[bounds.isEmpty ? 1 : min(bucket, bounds.count + 1)] += count
            withHours += count
        }
        counts[0] = max(0, people - withHours)
        return counts
    }

    /// The distribution counted from the people matching `filter` in `prefixes`: each person's hours against their
    /// own requirement, the bounds being shares of the global requirement (their last), applied to each person's
    /// (as the aggregates' triggers do).
    func hoursFromPeople(_ filter: PeopleFilter, _ prefixes: [String], bounds: [Double]) throws -> [Int] {
        var counts = Array(repeating: 0, count: bounds.count + 2)
        let global = bounds.last ?? 0
        var parameters = PostgresParameters()
        let people = Self.query(filter, prefixes, select: """
            coalesce(h.hours, 0) AS hours, coalesce(u.required_hours, \(parameters.bind(global))) AS required
            """, &parameters)
        let whens = bounds.enumerated().map { index, bound in
            "WHEN hours < required * \(parameters.bind(global > 0 ? bound / global : 0)) THEN \(index + 1)"
        }.joined(separator: " ")
        let rows = try pool.withConnection { connection in
            try connection.query("""
                SELECT CASE WHEN hours <= 0 THEN 0 \(whens) ELSE \(bounds.count + 1) END AS bucket, count(*) AS people
                FROM (\(people)) AS matching GROUP BY 1
                """, parameters.values)
        }
        for row in rows {
            let index: Int = try row.decode(at: 0)
            if counts.indices.contains(index) { counts[index] = try row.decode(at: 1) }
        }
        return counts
    }
}
