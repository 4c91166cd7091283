import Foundation
import TrainingServer

/// Links between accounts and providers' subjects on PostgreSQL. A link is one upsert on the (method, subject) key,
/// so two servers linking the same subject at once leave one row (the later link's account and time).
public struct PostgresExternalIdentityRepository: ExternalIdentityRepository {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public func user(method: SignInMethod, subject: String) throws -> UserID? {
        try pool.withConnection { connection in
            try connection.query("SELECT user_id FROM external_identities WHERE method = $1 AND subject = $2",
                                 method.rawValue, subject).first.map { UserID(rawValue: try $0.decode(at: 0)) }
        }
    }

    public func link(method: SignInMethod, subject: String, to user: UserID, now: Double) throws {
        _ = try pool.withConnection { connection in
            try connection.execute("""
                INSERT INTO external_identities (method, subject, user_id, created_at, last_sign_in_at)
                VALUES ($1, $2, $3, $4, $4)
                ON CONFLICT (method, subject) DO UPDATE SET user_id = excluded.user_id,
                    last_sign_in_at = excluded.last_sign_in_at
                """, method.rawValue, subject, user.rawValue, now)
        }
    }

    /// By method, then subject, compared bytewise as SQLite compares them.
    public func subjects(of user: UserID) throws -> [(method: SignInMethod, subject: String)] {
        try pool.withConnection { connection in
            try connection.query("""
                SELECT method, subject FROM external_identities WHERE user_id = $1
                ORDER BY method COLLATE "C", subject COLLATE "C"
                """, user.rawValue).compactMap { row in
                try SignInMethod(rawValue: try row.decode(at: 0)).map { ($0, try row.decode(String.self, at: 1)) }
            }
        }
    }
}

/// The issuer's published public keys on PostgreSQL: one row per key that has ever been the signing key, its
/// first date kept (`ON CONFLICT DO NOTHING`, whichever server publishes first).
public struct PostgresIssuerKeyRepository: IssuerKeyRepository {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public func publish(_ key: IssuerPublicKey, at now: Double) throws {
        _ = try pool.withConnection { connection in
            try connection.execute("""
                INSERT INTO issuer_public_keys (thumbprint, modulus, exponent, first_used_at) VALUES ($1, $2, $3, $4)
                ON CONFLICT (thumbprint) DO NOTHING
                """, key.thumbprint, key.modulus, key.exponent, now)
        }
    }

    public func published() throws -> [IssuerPublicKey] {
        let rows: [(String, String)] = try pool.withConnection { connection in
            try connection.query("""
                SELECT modulus, exponent FROM issuer_public_keys ORDER BY first_used_at DESC, thumbprint COLLATE "C"
                """).map { (try $0.decode(at: 0), try $0.decode(at: 1)) }
        }
        return try rows.map { try IssuerPublicKey(modulus: $0.0, exponent: $0.1) }
    }
}

/// Secret keys the servers sharing one database hold in common (the key that signs anonymous CSRF cookies), on
/// PostgreSQL. The first server that asks for a key creates it: the insert is `ON CONFLICT DO NOTHING` and the key
/// is read back afterwards, so of two servers creating one at once both end up with the one written first.
public struct PostgresServerKeyStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    /// The key called `name`; when the database has none yet, `make()` gives it.
    public func key(named name: String, now: Double, make: () -> [UInt8]) throws -> [UInt8] {
        try pool.withConnection { connection in
            if let existing = try connection.query("SELECT secret FROM server_keys WHERE name = $1", name).first {
                return Array(try existing.decode(Data.self, at: 0))
            }
            try connection.execute("""
                INSERT INTO server_keys (name, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING
                """, name, Data(make()), now)
            return Array(try connection.query("SELECT secret FROM server_keys WHERE name = $1", name)[0].decode(Data.self, at: 0))
        }
    }
}

/// Pending OpenID Connect sign-ins (`oidc_requests`) on PostgreSQL, each found by its state's digest and taken once:
/// `take` is one `DELETE … RETURNING`, so when the provider's callback reaches two servers at once (a retried
/// request), only one of them gets the request and the other finds none.
public struct PostgresOIDCRequests: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    /// Stores a new request under the state's digest; requests that have lapsed are purged on the way.
    public func add(stateHash: String, _ request: OIDCPendingRequest, now: Double) throws {
        try pool.transaction { connection in
            try connection.execute("DELETE FROM oidc_requests WHERE expires_at <= $1", now)
            try connection.execute("""
                INSERT INTO oidc_requests (state_hash, browser_hash, nonce, code_verifier, next, created_at, expires_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """, stateHash, request.browserHash, request.nonce, request.codeVerifier, request.next, now,
                request.expiresAt)
        }
    }

    /// Removes and returns the request with this state's digest (nil when there is none: never made, already taken
    /// or purged). Whether it has lapsed is the caller's to check against `expiresAt`.
    public func take(stateHash: String) throws -> OIDCPendingRequest? {
        try pool.withConnection { connection in
            try connection.query("""
                DELETE FROM oidc_requests WHERE state_hash = $1
                RETURNING browser_hash, nonce, code_verifier, next, expires_at
                """, stateHash).first.map { row in
                OIDCPendingRequest(browserHash: try row.decode(at: 0), nonce: try row.decode(at: 1),
                                   codeVerifier: try row.decode(at: 2), next: try row.decode(at: 3),
                                   expiresAt: try row.decode(at: 4))
            }
        }
    }

    /// How many requests are pending (lapsed ones included until the next purge).
    public func count() throws -> Int {
        try pool.withConnection { connection in try connection.query("SELECT count(*) FROM oidc_requests")[0].decode(at: 0) }
    }
}
