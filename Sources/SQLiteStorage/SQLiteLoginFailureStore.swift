import GRDB
import TrainingServer

/// Failed logins in SQLite, shared by every server instance.
public struct SQLiteLoginFailureStore: LoginFailureStore {
    let store: Store

    public init(store: Store) { self.store = store }

    public func admit(keys: [String], since: Double, usual: String, usualSince: Double, at: Double,
                      decide: ([String: LoginFailureCounts], Bool) -> Double?) throws -> (wait: Double?, rowIDs: [Int64]) {
        // The writer runs one transaction at a time, so the check and the insert cannot interleave with
        // another attempt's.
        try store.write { db in
            var counts: [String: LoginFailureCounts] = [:]
            for key in keys where counts[key] == nil {
                let row = try Row.fetchOne(db, sql: "SELECT count(*), min(at), max(at) FROM login_failures WHERE key = ? AND at > ?",
                                           arguments: [key, since])
                counts[key] = LoginFailureCounts(count: row?[0] ?? 0, oldest: row?[1], latest: row?[2])
            }
            let isUsual = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM login_usual_addresses WHERE key = ? AND last_success_at > ?)
                """, arguments: [usual, usualSince]) ?? false
            if let wait = decide(counts, isUsual) { return (wait, []) }
            var rowIDs: [Int64] = []
            for key in keys {
                try db.execute(sql: "INSERT INTO login_failures (key, at) VALUES (?, ?)", arguments: [key, at])
                rowIDs.append(db.lastInsertedRowID)
            }
            // Keep the table small: failures older than a day no longer matter.
            try db.execute(sql: "DELETE FROM login_failures WHERE at < ?", arguments: [at - 86_400])
            return (nil, rowIDs)
        }
    }

    public func forget(rowIDs: [Int64], clearing key: String, usual: String, at: Double) throws {
        try store.write { db in
            for rowID in rowIDs {
                try db.execute(sql: "DELETE FROM login_failures WHERE rowid = ?", arguments: [rowID])
            }
            try db.execute(sql: "DELETE FROM login_failures WHERE key = ?", arguments: [key])
            try db.execute(sql: """
                INSERT INTO login_usual_addresses (key, last_success_at) VALUES (?, ?)
                ON CONFLICT (key) DO UPDATE SET last_success_at = max(last_success_at, excluded.last_success_at)
                """, arguments: [usual, at])
        }
    }

    /// The failures recorded for `key` after `since` (for inspection; the throttle decides in `admit`).
    public func count(key: String, since: Double) throws -> Int {
        try store.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM login_failures WHERE key = ? AND at > ?",
                             arguments: [key, since]) ?? 0
        }
    }
}

// MARK: Administration

extension SQLiteLoginFailureStore: LoginFailureInspection {
    public func failures(account: String, pairSuffix: String, since: Double) throws -> (account: Int, worstPair: Int) {
        try store.read { db in
            let own = try Int.fetchOne(db, sql: "SELECT count(*) FROM login_failures WHERE key = ? AND at > ?",
                                       arguments: [account, since]) ?? 0
            // Pair keys are "pair:ADDRESS LOGIN": a range of the key index, then the login at the end.
            let pairs = try Int.fetchOne(db, sql: """
                SELECT max(n) FROM (SELECT count(*) AS n FROM login_failures
                    WHERE key >= 'pair:' AND key < 'pair;' AND substr(key, -length(?)) = ? AND at > ? GROUP BY key)
                """, arguments: [pairSuffix, pairSuffix, since]) ?? 0
            return (own, pairs)
        }
    }

    public func clear(account: String, pairSuffix: String) throws -> Int {
        try store.write { db in
            try db.execute(sql: """
                DELETE FROM login_failures WHERE key = ?
                    OR (key >= 'pair:' AND key < 'pair;' AND substr(key, -length(?)) = ?)
                """, arguments: [account, pairSuffix, pairSuffix])
            return db.changesCount
        }
    }
}
