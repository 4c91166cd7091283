import Foundation
import TrainingServer

/// The people list sorted by hours, by state or by department over a large subtree: walks that read a page's rows
/// in the list's order and stop, instead of one statement that sorts everyone in scope (990,000 people at the top of
/// a 1,000,000-person organisation: 1.1-1.4 s, spilling to disk). The order and its ties are the list's
/// (`PostgresReportRepository.order`), as SQLite's walks give them (`SQLiteReportRepository.walk`).
extension PostgresReportRepository {
    /// A stretch of the list in which every person has the same sort value, or whose rows an index gives in the
    /// list's order: the list is its segments one after the other (in reverse for a descending sort).
    enum Segment: Equatable {
        /// People with fewer than zero hours, by hours then person (`user_year_hours_value_order`).
        case negativeHours
        /// People with no hours in the year (no row, or zero), by person (`users_pkey`).
        case noHours
        /// People with hours, by hours then person (`user_year_hours_value_order`).
        case positiveHours
        /// People in a certification state, by person: `certifications_state_people` for a state with a row,
        /// `users_pkey` for "not started" (no row, or one in that state).
        case state(CertificationStateName)

        /// The segment's condition on the list's statement.
        func condition(_ parameters: inout PostgresParameters) -> String {
            switch self {
            case .negativeHours: "h.hours < 0"
            case .noHours: "coalesce(h.hours, 0) = 0"
            case .positiveHours: "h.hours > 0"
            case .state(.notStarted): "coalesce(c.state, 'not_started') = 'not_started'"
            case .state(let state): "c.state = \(parameters.bind(state.rawValue))"
            }
        }

        /// The order within the segment (ascending), the list's order restricted to it.
        var order: [String] {
            switch self {
            case .negativeHours, .positiveHours: ["h.hours", "h.user_id"]
            case .noHours, .state(.notStarted): ["u.id"]
            case .state: ["c.user_id"]
            }
        }
    }

    /// The segments of `filter`'s order in ascending order, when a walk reads fewer rows than sorting the subtree;
    /// nil for the one-statement plan. A walk reads about `wanted` × (everyone) ÷ (the subtree) rows, as it goes
    /// through everyone's rows in its order and keeps the subtree's: it pays when the subtree is a large part of
    /// the organisation (SQLite's rule, `SQLiteReportRepository.plan`).
    static func segments(_ filter: PeopleFilter, _ prefixes: [String], wanted: Int,
                         _ connection: PostgresConnection) throws -> [Segment]? {
        guard filter.sort == .state || filter.sort == .hours else { return nil }
        let subtree = Double(try peopleCount(prefixes, connection))
        guard subtree > 2000 else { return nil }
        let everyone = Double(try peopleCount(["/"], connection))
        guard Double(wanted) * everyone / subtree < subtree else { return nil }
        if filter.sort == .hours { return [.negativeHours, .noHours, .positiveHours] }
        // Bytewise order of the state codes, the list's `COLLATE "C"`.
        return CertificationStateName.allCases.sorted { Array($0.rawValue.utf8).lexicographicallyPrecedes(Array($1.rawValue.utf8)) }
            .filter { filter.state == nil || filter.state == $0 }.map(Segment.state)
    }

    /// How many people of `segment` match `filter` in `prefixes`, from the aggregates when they tell (the filter is
    /// at most a state, or keeps everyone for hours); nil otherwise.
    static func knownCount(_ segment: Segment, _ filter: PeopleFilter, _ prefixes: [String],
                           _ connection: PostgresConnection) throws -> Int? {
        switch segment {
        case .state(let state):
            guard !filter.narrowsBeyondState else { return nil }
            let counts = try stateCounts(filter.programID, prefixes, connection)
            guard state == .notStarted else { return counts[state.rawValue] ?? 0 }
            let started = counts.filter { $0.key != CertificationStateName.notStarted.rawValue }.values.reduce(0, +)
            return max(0, try peopleCount(prefixes, connection) - started)
        case .positiveHours:
            // `department_hours` counts the people with hours above zero (buckets 1 to 5) whatever the requirement.
            guard filter.keepsEveryone, try storedRequirement(connection) != nil else { return nil }
            return try hoursBuckets(filter.year, prefixes, connection).values.reduce(0, +)
        case .noHours:
            guard let positive = try knownCount(.positiveHours, filter, prefixes, connection) else { return nil }
            let negative = try segmentCount(.negativeHours, filter, prefixes, connection)
            return max(0, try peopleCount(prefixes, connection) - positive - negative)
        case .negativeHours:
            return nil
        }
    }

    /// How many people of `segment` match `filter` in `prefixes`, counted.
    static func segmentCount(_ segment: Segment, _ filter: PeopleFilter, _ prefixes: [String],
                             _ connection: PostgresConnection) throws -> Int {
        var parameters = PostgresParameters()
        let sql = query(filter, prefixes, select: "1", &parameters) + " AND " + segment.condition(&parameters)
        return try connection.query("SELECT count(*) FROM (\(sql)) AS matching", parameters.values)[0].decode(at: 0)
    }

    /// A page from `segments` in order (reversed for a descending sort): each segment skips what is left of
    /// `offset` and gives what is left of `limit`, one statement each, which walks its index and stops. A segment
    /// the offset goes past is skipped by its aggregate count, or counted when no aggregate tells.
    static func walk(_ segments: [Segment], _ filter: PeopleFilter, _ prefixes: [String], limit: Int, offset: Int,
                     _ connection: PostgresConnection) throws -> [PersonLine] {
        var lines: [PersonLine] = []
        var skip = offset
        // A segment's columns are never NULL, so the list's NULLS FIRST (ascending) and LAST (descending) change
        // nothing there; written out, they would stop PostgreSQL from reading the indexes (kept in NULLS LAST
        // order) forwards or backwards, and it would sort the segment instead (1.9 s for the people without hours).
        let direction = filter.descending ? "DESC" : "ASC"
        for segment in filter.descending ? segments.reversed() : segments {
            guard lines.count < limit else { break }
            if skip > 0, let count = try knownCount(segment, filter, prefixes, connection), skip >= count {
                skip -= count
                continue
            }
            var parameters = PostgresParameters()
            let sql = query(filter, prefixes, select: columns, &parameters) + " AND " + segment.condition(&parameters)
                + " ORDER BY " + segment.order.map { "\($0) \(direction)" }.joined(separator: ", ")
                + " LIMIT \(parameters.bind(limit - lines.count)) OFFSET \(parameters.bind(skip))"
            let rows = try connection.queryPlannedEachRun(sql, parameters.values).map(line)
            if rows.isEmpty && skip > 0 {
                skip -= min(skip, try segmentCount(segment, filter, prefixes, connection))
                continue
            }
            lines += rows
            skip = 0
        }
        return lines
    }

    /// The statement for a page sorted by department: the subtree's departments in name order (5,000 at most at
    /// 1,000,000 people, sorted in memory), each one's matching people taken in turn (a lateral subquery, by
    /// `users_department`), so a page reads the people of the departments it shows and the few before it. The outer
    /// ORDER BY is the list's; the departments' order reaches it presorted, leaving only each department's people
    /// to sort (an incremental sort that stops with the page).
    static func departmentWalk(_ filter: PeopleFilter, _ prefixes: [String], limit: Int, offset: Int,
                               _ parameters: inout PostgresParameters) -> String {
        // Departments' names and ids and people's ids are never NULL: the plain direction, as in `walk`.
        let direction = filter.descending ? "DESC" : "ASC"
        let departments = #"""
            SELECT d.id, d.name FROM departments d WHERE \#(rangeCondition(prefixes, &parameters))
            ORDER BY d.name COLLATE "C" \#(direction), d.id \#(direction)
            """#
        // Its own ORDER BY keeps the subquery whole (PostgreSQL does not merge an ordered subquery into the join),
        // so the walk goes department by department.
        let people = query(filter, prefixes, select: columns, &parameters) + " AND d.id = od.id ORDER BY u.id \(direction)"
        return #"""
            SELECT p.* FROM (\#(departments)) AS od CROSS JOIN LATERAL (\#(people)) AS p
            ORDER BY od.name COLLATE "C" \#(direction), od.id \#(direction), p.id \#(direction)
            LIMIT \#(parameters.bind(limit)) OFFSET \#(parameters.bind(max(0, offset)))
            """#
    }
}
