import Foundation
import TrainingServer

/// The people list on PostgreSQL: a page of people, how many match, and export batches in the list's order.
extension PostgresReportRepository {
    /// When neither the filter nor the order reads certifications or hours, the page's ids are chosen first from
    /// people and departments alone (in name order by walking `users_name_order` while checking the scope), and
    /// only those rows are joined with their certification and hours; otherwise one statement joins and orders.
    /// Pages run unprepared, planned for their scope, limit and offset each time (a generic plan sorts everyone).
    public func people(_ filter: PeopleFilter, scope: AccessScope, limit: Int, offset: Int) throws -> [PersonLine] {
        let prefixes = Self.prefixes(filter.departmentPath, scope)
        guard !prefixes.isEmpty, limit > 0 else { return [] }
        var parameters = PostgresParameters()
        let order = Self.order(filter)
        let sql: String
        if Self.needsProgress(filter) {
            sql = try Self.query(filter, prefixes, select: Self.columns, &parameters)
                + " ORDER BY \(order) LIMIT \(parameters.bind(limit)) OFFSET \(parameters.bind(max(0, offset)))"
        } else {
            let from = Self.from(filter, &parameters)
            let page = try Self.query(filter, prefixes, select: "u.id", progress: false, &parameters)
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
        let matching = try Self.query(filter, prefixes, select: "1", &parameters)
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
    /// `users_name_key`); the key is the one the collation gives the name written, as on SQLite. Other orders page
    /// like the list.
    public func exportBatch(_ filter: PeopleFilter, scope: AccessScope, after: PersonLine?, written: Int,
                            limit: Int) throws -> [PersonLine] {
        guard filter.sort == .name else {
            return try people(filter, scope: scope, limit: limit, offset: written)
        }
        let prefixes = Self.prefixes(filter.departmentPath, scope)
        guard !prefixes.isEmpty, limit > 0 else { return [] }
        var parameters = PostgresParameters()
        var sql = try Self.query(filter, prefixes, select: Self.columns, &parameters)
        if let after {
            let key = parameters.bind(Data(NameCollation.key(after.name)))
            let id = parameters.bind(after.userID)
            // After (or, descending, before) the key and id; a NULL key (a name written by another tool and not
            // yet given one) compares as nothing and is left out, as on SQLite.
            sql += filter.descending ? " AND u.name_key <= \(key) AND (u.name_key < \(key) OR u.id < \(id))"
                : " AND u.name_key >= \(key) AND (u.name_key > \(key) OR u.id > \(id))"
        }
        sql += " ORDER BY \(Self.order(filter)) LIMIT \(parameters.bind(limit))"
        // Without parallel workers: a batch walks `users_name_order` and stops after `limit` rows, and starting
        // two workers for each of an export's hundreds of batches cost more than they saved (1,000,000 people on 2
        // cores: 60-110 ms a batch with them, 22-28 ms without). SET LOCAL ends with the transaction.
        return try pool.transaction { connection in
            _ = try connection.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            return try connection.queryPlannedEachRun(sql, parameters.values).map(Self.line)
        }
    }
}
