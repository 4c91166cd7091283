import Foundation
import TrainingServer

/// Failed logins on PostgreSQL, shared by every server.
///
/// **Concurrency.** SQLite's single writer keeps `admit`'s count-decide-insert from interleaving with another
/// attempt's. Here `admit` takes an advisory lock per throttle key (sorted, so overlapping sets cannot deadlock)
/// for its transaction: two servers judging attempts under the same account or address pair take turns, and the
/// second counts the first's failure; attempts under other keys are not held up.
///
/// **Row ids.** `login_failures` has no id column (SQLite's rows are addressed by their implicit rowid); here a
/// row is addressed by its `ctid` (page and slot), packed into the Int64 `admit` returns (page << 16 | slot) and
/// matched with the key set in `forget`. Rows are never updated, and `forget` follows `admit` within one sign-in,
/// so the address holds; only `VACUUM FULL` or `CLUSTER` on the table in between could move a row, which would
/// then stay (and age out after a day) instead of being removed.
public struct PostgresLoginFailureStore: LoginFailureStore {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public func admit(keys: [String], since: Double, usual: String, usualSince: Double, at: Double,
                      decide: ([String: LoginFailureCounts], Bool) -> Double?) throws -> (wait: Double?, rowIDs: [Int64]) {
        try pool.transaction { connection in
            try PostgresLocks.lock(texts: keys, namespace: "login_failures", on: connection)
            var counts: [String: LoginFailureCounts] = [:]
            for key in keys where counts[key] == nil {
                let row = try connection.query(
                    "SELECT count(*), min(at), max(at) FROM login_failures WHERE key = $1 AND at > $2", key, since)[0]
                counts[key] = LoginFailureCounts(count: try row.decode(at: 0), oldest: try row.decodeIfPresent(at: 1),
                                                 latest: try row.decodeIfPresent(at: 2))
            }
            let isUsual = try !connection.query(
                "SELECT 1 FROM login_usual_addresses WHERE key = $1 AND last_success_at > $2", usual, usualSince).isEmpty
            if let wait = decide(counts, isUsual) { return (wait, []) }
            var rowIDs: [Int64] = []
            for key in keys {
                let address: String = try connection.query(
                    "INSERT INTO login_failures (key, at) VALUES ($1, $2) RETURNING ctid::text", key, at)[0].decode(at: 0)
                guard let id = Self.rowID(address) else { throw PostgresError.typeMismatch(column: "ctid", expected: "(page,slot)", text: address) }
                rowIDs.append(id)
            }
            // Keep the table small: failures older than a day no longer matter.
            try connection.execute("DELETE FROM login_failures WHERE at < $1", at - 86_400)
            return (nil, rowIDs)
        }
    }

    public func forget(rowIDs: [Int64], clearing key: String, usual: String, at: Double) throws {
        try pool.transaction { connection in
            for rowID in rowIDs {
                try connection.execute("DELETE FROM login_failures WHERE ctid = $1::tid", Self.address(rowID))
            }
            try connection.execute("DELETE FROM login_failures WHERE key = $1", key)
            try connection.execute("""
                INSERT INTO login_usual_addresses (key, last_success_at) VALUES ($1, $2)
                ON CONFLICT (key) DO UPDATE
                SET last_success_at = greatest(login_usual_addresses.last_success_at, excluded.last_success_at)
                """, usual, at)
        }
    }

    /// The failures recorded for `key` after `since` (for inspection; the throttle decides in `admit`).
    public func count(key: String, since: Double) throws -> Int {
        try pool.withConnection { connection in
            try connection.query("SELECT count(*) FROM login_failures WHERE key = $1 AND at > $2", key, since)[0].decode(at: 0)
        }
    }

    /// `(page,slot)` as page << 16 | slot (a slot is below 2^16: a page holds at most a few hundred rows).
    static func rowID(_ address: String) -> Int64? {
        let parts = address.trimmingCharacters(in: ["(", ")"]).split(separator: ",")
        guard parts.count == 2, let page = Int64(parts[0]), let slot = Int64(parts[1]), slot >= 0, slot < 65_536 else {
            return nil
        }
        return page << 16 | slot
    }

    static func address(_ rowID: Int64) -> String { "(\(rowID >> 16),\(rowID & 0xFFFF))" }
}

extension PostgresLoginFailureStore: LoginFailureInspection {
    public func failures(account: String, pairSuffix: String, since: Double) throws -> (account: Int, worstPair: Int) {
        try pool.withConnection { connection in
            let own: Int = try connection.query(
                "SELECT count(*) FROM login_failures WHERE key = $1 AND at > $2", account, since)[0].decode(at: 0)
            // Pair keys are "pair:ADDRESS LOGIN": the keys starting "pair:" and ending with the suffix. `right` with
            // a character count matches SQLite's `substr(key, -length(?))`; COLLATE "C" keeps the range bytewise.
            let pairs: Int? = try connection.query("""
                SELECT max(n) FROM (SELECT count(*) AS n FROM login_failures
                    WHERE key COLLATE "C" >= 'pair:' AND key COLLATE "C" < 'pair;' AND right(key, length($1)) = $1
                      AND at > $2 GROUP BY key) AS per_pair
                """, pairSuffix, since)[0].decodeIfPresent(at: 0)
            return (own, pairs ?? 0)
        }
    }

    public func clear(account: String, pairSuffix: String) throws -> Int {
        try pool.withConnection { connection in
            try connection.execute("""
                DELETE FROM login_failures WHERE key = $1
                    OR (key COLLATE "C" >= 'pair:' AND key COLLATE "C" < 'pair;' AND right(key, length($2)) = $2)
                """, account, pairSuffix)
        }
    }
}
