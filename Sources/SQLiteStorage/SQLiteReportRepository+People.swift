import Foundation
import GRDB
import TrainingServer

/// The people list: a page of people and how many match, and the plans that find them cheaply.
extension SQLiteReportRepository {
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
}
