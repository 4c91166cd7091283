import TrainingServer

/// The append-only, hash-chained audit log on PostgreSQL (see `PostgresAuditChain` for the chain and the lock that
/// keeps it one chain when several servers append at once).
public struct PostgresAuditLog: AuditLog {
    let pool: PostgresPool
    let clock: @Sendable () -> Double

    public init(pool: PostgresPool, clock: @escaping @Sendable () -> Double) {
        self.pool = pool
        self.clock = clock
    }

    public func append(_ event: AuditEvent, by actor: AuditActor) throws {
        try pool.transaction { connection in
            try PostgresAuditChain.append(event, by: actor, at: clock(), on: connection)
        }
    }

    public func recent(limit: Int) throws -> [AuditEntry] {
        try pool.withConnection { connection in
            try connection.query("SELECT * FROM audit_log ORDER BY id DESC LIMIT $1", max(0, limit))
                .map(PostgresAuditChain.entry)
        }
    }

    /// Walks the chain in one REPEATABLE READ transaction, so rows appended meanwhile neither break nor lengthen
    /// the walk.
    public func verify() throws -> AuditVerification {
        try PostgresAuditChainReader(pool: pool).read { chain in try chain.verify() }
    }

    /// The chain's newest row and the number of rows (row 0 with the genesis hash when empty).
    public func head() throws -> AuditHead {
        try PostgresAuditChainReader(pool: pool).read { chain in try chain.head() }
    }
}
