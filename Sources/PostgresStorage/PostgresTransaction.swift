import TrainingServer

/// An open transaction of the PostgreSQL engine: the connection a pool lent to `PostgresPool.transaction`, handed to
/// work that must commit with other writes (a notice and its mail, a digest and its record). Valid only inside the
/// transaction's body, on the thread running it (the connection is not `Sendable` and must not escape).
public struct PostgresTransaction: StorageTransaction {
    public let connection: PostgresConnection

    public init(_ connection: PostgresConnection) { self.connection = connection }
}

extension StorageTransaction {
    /// The connection of a transaction the PostgreSQL engine opened.
    var postgresConnection: PostgresConnection {
        guard let transaction = self as? PostgresTransaction else {
            preconditionFailure("a transaction of another storage engine was handed to the PostgreSQL engine")
        }
        return transaction.connection
    }
}
