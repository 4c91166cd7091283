import GRDB
import TrainingServer

/// Pending OpenID Connect sign-ins (`oidc_requests`), each found by its state's digest and taken once.
public struct SQLiteOIDCRequests: Sendable {
    let store: Store

    public init(store: Store) { self.store = store }

    /// Stores a new request under the state's digest; requests that have lapsed are purged on the way.
    public func add(stateHash: String, _ request: OIDCPendingRequest, now: Double) throws {
        try store.write { db in
            try db.execute(sql: "DELETE FROM oidc_requests WHERE expires_at <= ?", arguments: [now])
            try db.execute(sql: """
                INSERT INTO oidc_requests (state_hash, browser_hash, nonce, code_verifier, next, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [stateHash, request.browserHash, request.nonce, request.codeVerifier, request.next, now,
                                 request.expiresAt])
        }
    }

    /// Removes and returns the request with this state's digest (nil when there is none: never made, already taken
    /// or purged). Whether it has lapsed is the caller's to check against `expiresAt`.
    public func take(stateHash: String) throws -> OIDCPendingRequest? {
        try store.write { db in
            let row = try Row.fetchOne(db, sql: """
                DELETE FROM oidc_requests WHERE state_hash = ?
                RETURNING browser_hash, nonce, code_verifier, next, expires_at
                """, arguments: [stateHash])
            return row.map { row in
                OIDCPendingRequest(browserHash: row["browser_hash"], nonce: row["nonce"], codeVerifier: row["code_verifier"],
                                   next: row["next"], expiresAt: row["expires_at"])
            }
        }
    }

    /// How many requests are pending (lapsed ones included until the next purge).
    public func count() throws -> Int {
        try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM oidc_requests") ?? 0 }
    }
}
