import Foundation
import TrainingServer

/// The people list on PostgreSQL: a page of people, how many match, and export batches in the list's order.
extension PostgresReportRepository {
    /// Sorted by state or hours over a large subtree, the page comes from walks segment by segment, and sorted by
    /// department from the departments in name order (`PostgresReportRepository+Walks`). Otherwise, when neither
    /// the filter nor the order reads certifications or hours, the page's ids are chosen first from people and
    /// departments alone (in name order by walking `users_name_order` while checking the scope), and only those
    /// rows are joined with their certification and hours; otherwise one statement joins and orders.
    /// Pages run unprepared, planned for their scope, limit and offset each time (a generic plan sorts everyone).
    public func people(_ filter: PeopleFilter, scope: AccessScope, limit: Int, offset: Int) throws -> [PersonLine] {
        let prefixes = Self.prefixes(filter.departmentPath, scope)
        guard !prefixes.isEmpty, limit > 0 else { return [] }
        if filter.sort == .state || filter.sort == .hours {
            // A walk segment by segment when it pays (a large subtree), in one snapshot.
            let walked = try pool.transaction(.repeatableRead) { connection -> [PersonLine]? in
                guard let segments = try Self.segments(filter, prefixes, wanted: limit + max(0, offset), connection) else {
                    return nil
                }
                return try Self.walk(segments, filter, prefixes, limit: limit, offset: max(0, offset), connection)
            }
            if let walked { return walked }
        }
        var parameters = PostgresParameters()
        let order = Self.order(filter)
        let sql: String
        if filter.sort == .department {
            sql = Self.departmentWalk(filter, prefixes, limit: limit, offset: offset, &parameters)
        } else if Self.needsProgress(filter) {
            sql = Self.query(filter, prefixes, select: Self.columns, &parameters)
                + " ORDER BY \(order) LIMIT \(parameters.bind(limit)) OFFSET \(parameters.bind(max(0, offset)))"
        } else {
            let from = Self.from(filter, &parameters)
            let page = Self.query(filter, prefixes, select: "u.id", progress: false, &parameters)
                + " ORDER BY \(order) LIMIT \(parameters.bind(limit)) OFFSET \(parameters.bind(max(0, offset)))"
            sql = "SELECT \(Self.columns) FROM \(from) WHERE u.id IN (\(page)) ORDER BY \(order)"
        }
        return try pool.withConnection { connection in
            try connection.queryPlannedEachRun(sql, parameters.values).map(Self.line)
        }
    }

    /// Exactly when the aggregates tell, when a search's rarest character beyond ASCII narrows it to fewer people
    /// than the subtree holds, or when the subtree holds at most `exactCountLimit` people; otherwise counting stops
    /// after `countCap` (as on SQLite, so both engines give the same totals).
    public func count(_ filter: PeopleFilter, scope: AccessScope) throws -> PeopleTotal {
        let prefixes = Self.prefixes(filter.departmentPath, scope)
        guard !prefixes.isEmpty else { return PeopleTotal(count: 0, exact: true) }
        var parameters = PostgresParameters()
        let matching = Self.query(filter, prefixes, select: "1", &parameters)
        return try pool.transaction(.repeatableRead) { connection in
            if let count = try Self.aggregateCount(filter, prefixes, connection) { return PeopleTotal(count: count, exact: true) }
            let subtree = try Self.peopleCount(prefixes, connection)
            var exact = subtree <= exactCountLimit
            if !exact, !Self.searchCharacters(filter).isEmpty {
                exact = try Self.rarestCandidates(filter, connection) < subtree
            }
            if exact {
                return PeopleTotal(count: try connection.query("SELECT count(*) FROM (\(matching)) AS matching",
                                                               parameters.values)[0].decode(at: 0), exact: true)
            }
            var capped = parameters
            let cap = capped.bind(countCap + 1)
            let count: Int = try connection.query("SELECT count(*) FROM (\(matching) LIMIT \(cap)) AS matching",
                                                  capped.values)[0].decode(at: 0)
            return count > countCap ? PeopleTotal(count: countCap, exact: false) : PeopleTotal(count: count, exact: true)
        }
    }

    /// Of the search's first few characters beyond ASCII, how many people have the rarest.
    static func rarestCandidates(_ filter: PeopleFilter, _ connection: PostgresConnection) throws -> Int {
        var fewest: Int?
        for character in searchCharacters(filter).prefix(4) {
            let count: Int = try connection.query("SELECT count(*) FROM user_name_characters WHERE character = $1",
                                                  character)[0].decode(at: 0)
            fewest = min(fewest ?? count, count)
        }
        return fewest ?? 0
    }

    /// In name order, batches continue after the last person written, by name key and id (keyset paging on
    /// `users_name_order`); the key is the one the collation gives the name written, as on SQLite. A batch of
    /// everyone in scope reads its people, then their certifications and hours as key ranges
    /// (`everyoneByName`); a narrower filter joins them in one statement. Other orders page like the list.
    public func exportBatch(_ filter: PeopleFilter, scope: AccessScope, after: PersonLine?, written: Int,
                            limit: Int) throws -> [PersonLine] {
        guard filter.sort == .name else {
            return try people(filter, scope: scope, limit: limit, offset: written)
        }
        let prefixes = Self.prefixes(filter.departmentPath, scope)
        guard !prefixes.isEmpty, limit > 0 else { return [] }
        if filter.keepsEveryone {
            return try pool.transaction(.repeatableRead) { connection in
                _ = try connection.execute("SET LOCAL max_parallel_workers_per_gather = 0")
                return try Self.everyoneByName(filter, prefixes, after: after, limit: limit, connection)
            }
        }
        var parameters = PostgresParameters()
        var sql = Self.query(filter, prefixes, select: Self.columns, &parameters)
        if let after { sql += Self.nameKeyset(filter, after: after, &parameters) }
        sql += " ORDER BY \(Self.order(filter)) LIMIT \(parameters.bind(limit))"
        // Without parallel workers: a batch walks `users_name_order` and stops after `limit` rows, and starting
        // two workers for each of an export's hundreds of batches cost more than they saved (1,000,000 people on 2
        // cores: 60-110 ms a batch with them, 22-28 ms without). SET LOCAL ends with the transaction.
        return try pool.transaction { connection in
            _ = try connection.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            return try connection.queryPlannedEachRun(sql, parameters.values).map(Self.line)
        }
    }

    /// After (or, descending, before) `after`'s name key and id; a NULL key (a name written by another tool and not
    /// yet given one) compares as nothing and is left out, as on SQLite.
    static func nameKeyset(_ filter: PeopleFilter, after: PersonLine, _ parameters: inout PostgresParameters) -> String {
        let key = parameters.bind(Data(NameCollation.key(after.name)))
        let id = parameters.bind(after.userID)
        return filter.descending ? " AND u.name_key <= \(key) AND (u.name_key < \(key) OR u.id < \(id))"
            : " AND u.name_key >= \(key) AND (u.name_key > \(key) OR u.id > \(id))"
    }

    /// A batch of everyone in the subtrees in name order: the people first (an index-only walk of
    /// `users_name_order`, which carries their columns, checking the scope), then their certifications in
    /// `filter.programID` and hours in `filter.year` read along the same name order as two key ranges of the
    /// covering indexes `certifications_program_name` and `user_year_hours_name` (migration
    /// `2026-12-06-export-name-order`), skipping rows of people outside the batch. Where a range would hold many
    /// more rows than the batch (a small department's people are spread over everyone's names) or a person has no
    /// key yet, they are looked up by the batch's ids instead. Three sequential reads instead of two scattered page
    /// reads per person (1,000,000 people: 24 s of lookups).
    static func everyoneByName(_ filter: PeopleFilter, _ prefixes: [String], after: PersonLine?, limit: Int,
                               _ connection: PostgresConnection) throws -> [PersonLine] {
        // When the scope holds every department (an HR officer of the whole organisation), the walk need not look
        // each person's department up (4-5 ms of a batch's 5-6 ms at 1,000,000 people).
        var outside = PostgresParameters()
        let everyDepartment = try connection.query("""
            SELECT CASE WHEN EXISTS (SELECT 1 FROM departments d WHERE NOT \(rangeCondition(prefixes, &outside))) THEN 0 ELSE 1 END
            """, outside.values)[0].decode(Int.self, at: 0) == 1
        var parameters = PostgresParameters()
        var sql = """
            SELECT u.id, u.login, u.display_name, u.employee_number, u.department_id, u.name_key, u.required_hours
            FROM users u
            """
        sql += everyDepartment ? " WHERE u.disabled = 0"
            : " JOIN departments d ON d.id = u.department_id WHERE u.disabled = 0 AND \(rangeCondition(prefixes, &parameters))"
        if let after { sql += nameKeyset(filter, after: after, &parameters) }
        sql += " ORDER BY \(order(filter)) LIMIT \(parameters.bind(limit))"
        var lines: [PersonLine] = []
        lines.reserveCapacity(limit)
        var keys: [Data?] = []
        keys.reserveCapacity(limit)
        for row in try connection.queryPlannedEachRun(sql, parameters.values) {
            lines.append(PersonLine(try row.decode(at: 0), login: try row.decode(at: 1), name: try row.decode(at: 2),
                                    employeeNumber: try row.decodeIfPresent(at: 3), departmentID: try row.decode(at: 4),
                                    state: .notStarted, certifiedAt: nil, expiresAt: nil, certificateID: nil, hours: 0,
                                    requiredHours: try row.decodeIfPresent(at: 6)))
            keys.append(try row.decodeIfPresent(at: 5))
        }
        guard !lines.isEmpty else { return lines }
        var index: [Int64: Int] = [:]
        index.reserveCapacity(lines.count)
        for (position, line) in lines.enumerated() { index[line.userID] = position }
        // A range is read up to this many rows; past it, lookups by id read less.
        let rangeLimit = lines.count * nameRangeReadRatio
        if let first = keys.first ?? nil, let last = keys.last ?? nil, !keys.contains(nil) {
            let (low, high) = filter.descending ? (last, first) : (first, last)
            let certifications = try connection.query("""
                SELECT user_id, state, certified_at, expires_at, certificate_id FROM certifications
                WHERE program_id = $1 AND name_key >= $2 AND name_key <= $3 LIMIT $4
                """, filter.programID, low, high, rangeLimit + 1)
            let hours = try connection.query("""
                SELECT user_id, hours FROM user_year_hours WHERE year = $1 AND name_key >= $2 AND name_key <= $3 LIMIT $4
                """, filter.year, low, high, rangeLimit + 1)
            if certifications.count <= rangeLimit, hours.count <= rangeLimit {
                try fill(&lines, index, certifications: certifications, hours: hours)
                return lines
            }
        }
        let ids = "{" + lines.map { String($0.userID) }.joined(separator: ",") + "}"
        try fill(&lines, index, certifications: try connection.query("""
            SELECT user_id, state, certified_at, expires_at, certificate_id FROM certifications
            WHERE user_id = ANY($1::bigint[]) AND program_id = $2
            """, ids, filter.programID), hours: try connection.query("""
            SELECT user_id, hours FROM user_year_hours WHERE user_id = ANY($1::bigint[]) AND year = $2
            """, ids, filter.year))
        return lines
    }

    /// How many rows a key range may hold per person of the batch before the batch is looked up by id instead.
    static let nameRangeReadRatio = 8

    /// Each line's certification (user id, state, certified, expires, certificate) and hours (user id, hours) from
    /// `certifications` and `hours`; rows of people not in the batch (`index`, by user id) are skipped.
    static func fill(_ lines: inout [PersonLine], _ index: [Int64: Int], certifications: PostgresRows,
                     hours: PostgresRows) throws {
        for row in certifications {
            guard let position = index[try row.decode(Int64.self, at: 0)] else { continue }
            let state: String = try row.decode(at: 1)
            lines[position].state = CertificationStateName(rawValue: state) ?? .notStarted
            lines[position].certifiedAt = try row.decodeIfPresent(at: 2)
            lines[position].expiresAt = try row.decodeIfPresent(at: 3)
            lines[position].certificateID = try row.decodeIfPresent(at: 4)
        }
        for row in hours {
            guard let position = index[try row.decode(Int64.self, at: 0)] else { continue }
            lines[position].hours = try row.decode(at: 1)
        }
    }
}
