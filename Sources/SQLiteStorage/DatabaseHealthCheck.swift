import Foundation
import GRDBSQLite
import Synchronization
import TrainingServer

/// The database check behind `/healthz`: read-only SQLite connections of its own, each with one prepared
/// statement run under that connection's lock. It asks how many objects the schema holds, which makes SQLite take
/// a read lock and read the database's first page (from the connection's cache while nothing changed), so a
/// missing, unreadable, corrupt or empty database reports unhealthy. Every call asks; nothing is remembered.
///
/// It costs a few microseconds instead of a reader checkout from the pool (a dispatch queue hop, a transaction
/// and, under load, threads parking on each other). A few connections let server threads check at the same
/// time: a thread takes the first free one and waits only when all are busy. After a failure a connection is
/// closed and its next check opens it again, so the check recovers when the database does.
///
/// Safety: a connection and its statement are only touched inside their slot's lock, one thread at a time;
/// connections are opened with `SQLITE_OPEN_NOMUTEX` because that lock already serialises them.
final class DatabaseHealthCheck: Sendable {
    static let query = "SELECT count(*) FROM sqlite_schema"

    private struct State: ~Copyable {
        var connection: OpaquePointer?
        var statement: OpaquePointer?
        var closed = false

        mutating func open(path: String, busyTimeoutMilliseconds: Int32) -> Bool {
            var connection: OpaquePointer?
            let flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE
            guard sqlite3_open_v2(path, &connection, flags, nil) == SQLITE_OK, let connection else {
                // sqlite3_open_v2 returns a handle to close even when it fails (unless memory ran out).
                sqlite3_close_v2(connection)
                return false
            }
            sqlite3_busy_timeout(connection, busyTimeoutMilliseconds)
            var statement: OpaquePointer?
            guard sqlite3_prepare_v3(connection, DatabaseHealthCheck.query, -1, UInt32(SQLITE_PREPARE_PERSISTENT),
                                     &statement, nil) == SQLITE_OK, let statement else {
                sqlite3_finalize(statement)
                sqlite3_close_v2(connection)
                return false
            }
            self.connection = connection
            self.statement = statement
            return true
        }

        mutating func close() {
            sqlite3_finalize(statement)
            sqlite3_close_v2(connection)
            statement = nil
            connection = nil
        }

        deinit {
            sqlite3_finalize(statement)
            sqlite3_close_v2(connection)
        }
    }

    /// One connection and its lock.
    private final class Slot: Sendable {
        let state = Mutex(State())
    }

    let path: String
    private let busyTimeoutMilliseconds: Int32
    private let slots: [Slot]

    /// Opens nothing yet: the first checks do.
    init(path: String, connections: Int = 4, busyTimeoutMilliseconds: Int32 = 1_000) {
        self.path = path
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        slots = (0..<max(1, connections)).map { _ in Slot() }
    }

    /// Whether the database answers the query now, with a schema that is not empty.
    func check() -> Bool {
        // The thread's shard picks where to start, so threads spread over the connections.
        let first = ThreadShard.current(of: slots.count)
        for offset in 0..<slots.count {
            if let healthy = slots[(first + offset) % slots.count].state.withLockIfAvailable({ run(&$0) }) {
                return healthy
            }
        }
        return slots[first].state.withLock { run(&$0) }
    }

    private func run(_ state: inout State) -> Bool {
        guard !state.closed else { return false }
        if state.statement == nil, !state.open(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds) {
            state.close()
            return false
        }
        guard let statement = state.statement else { return false }
        let stepped = sqlite3_step(statement)
        let healthy = stepped == SQLITE_ROW && sqlite3_column_int64(statement, 0) > 0
        // Resetting ends the read transaction, so the check never holds back a checkpoint.
        let reset = sqlite3_reset(statement)
        if !healthy || reset != SQLITE_OK { state.close() }
        return healthy && reset == SQLITE_OK
    }

    /// Closes the connections for good: every later check reports unhealthy.
    func close() {
        for slot in slots {
            slot.state.withLock { state in
                state.close()
                state.closed = true
            }
        }
    }
}
