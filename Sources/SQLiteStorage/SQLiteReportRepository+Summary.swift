import Foundation
import GRDB
import TrainingServer

/// Department summaries and the study-hours distribution, from the aggregate tables the triggers keep.
extension SQLiteReportRepository {
    // MARK: Aggregates

    /// Fills the name sort keys that are missing (`prepareNameKeys`); stores the yearly study-hours requirement the hours buckets are
    /// counted against and, when it differs from the stored one, recounts `department_hours` (one `GROUP BY` over
    /// the yearly sums) in the same transaction.
    public func prepareAggregates(requiredHours: Double) throws {
        try prepareNameKeys()
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
        guard filter.expiresFrom == nil, filter.expiresTo == nil, (filter.search ?? "").isEmpty, filter.overdue == nil else { return nil }
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
        var rootSummary = DepartmentSummary(root, people: 0, counts: [:])
        var summaries = children.map { DepartmentSummary($0, people: 0, counts: [:]) }
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
            // Each person's hours against their own requirement: the bounds are shares of the global requirement
            // (their last), applied to each person's (as the aggregates' triggers do).
            let global = bounds.last ?? 0
            let (sql, arguments) = Self.query(filter, prefixes, select: "coalesce(h.hours, 0) AS hours, coalesce(u.required_hours, ?) AS required",
                                              plan: .departmentsFirst)
            // One WHEN per bound; the statement's shape depends only on how many bounds there are. The bounds'
            // placeholders come first in the text, so their values come first in the arguments.
            let whens = bounds.indices.map { "WHEN hours < required * ? THEN \($0 + 1)" }.joined(separator: " ")
            let bucket = "CASE WHEN hours <= 0 THEN 0 \(whens) ELSE \(bounds.count + 1) END"
            let shares = bounds.map { global > 0 ? $0 / global : 0 }
            let rows = try Row.fetchAll(db, sql: "SELECT \(bucket) AS bucket, count(*) AS people FROM (\(sql)) GROUP BY bucket",
                                        arguments: StatementArguments(shares) + [global] + arguments)
            for row in rows {
                let index: Int = row["bucket"]
                if counts.indices.contains(index) { counts[index] = row["people"] }
            }
        }
        return counts
    }
}
