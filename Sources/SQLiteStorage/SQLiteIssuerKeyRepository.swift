import GRDB
import TrainingServer

/// The issuer's published public keys in SQLite: one row per key that has ever been the signing key.
public struct SQLiteIssuerKeyRepository: IssuerKeyRepository {
    let store: Store

    public init(store: Store) { self.store = store }

    public func publish(_ key: IssuerPublicKey, at now: Double) throws {
        try store.write { db in
            try db.execute(sql: """
                INSERT INTO issuer_public_keys (thumbprint, modulus, exponent, first_used_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (thumbprint) DO NOTHING
                """, arguments: [key.thumbprint, key.modulus, key.exponent, now])
        }
    }

    public func published() throws -> [IssuerPublicKey] {
        let rows = try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT modulus, exponent FROM issuer_public_keys ORDER BY first_used_at DESC, thumbprint
                """)
        }
        return try rows.map { row in try IssuerPublicKey(modulus: row["modulus"], exponent: row["exponent"]) }
    }
}
