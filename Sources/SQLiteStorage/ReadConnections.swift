import GRDB
import Synchronization
import TrainingServer

/// The connections `Store.read` runs on: read-only SQLite connections on the WAL database, each a GRDB
/// `DatabaseQueue` opened on first use and keeping the statements its reads prepare (`cachedStatement`).
///
/// A read runs on the calling thread. It takes a free connection, starting at its thread's shard so that server
/// threads mostly keep to one connection and its cached statements, and holds that connection's lock while it runs.
/// Only one thread at a time ever uses a connection, so the queue's `inDatabase` always finds the queue free and runs
/// the body in place: no hop to another thread, no pool checkout (a semaphore and a barrier on a concurrent queue),
/// no thread parking on another's queue. A thread waits only when every connection is busy.
///
/// Each read is one `BEGIN DEFERRED` … `COMMIT` on cached statements, so every statement of a read sees the same
/// snapshot, the last commit when the read began (WAL readers never wait for the writer, nor it for them). GRDB's
/// schema cache (column lists, primary keys) is dropped when the schema version changes, as GRDB's own pool does
/// for its readers.
final class ReadConnections: Sendable {
    private struct State {
        var queue: DatabaseQueue?
        var schemaVersion: Int32?
        var closed = false
    }

    /// One connection and its lock, padded so neighbouring slots do not share a cache line.
    private final class Slot: Sendable {
        let state = Mutex(State())
        private let padding = CacheLinePadding()
    }

    let path: String
    private let slots: [Slot]

    /// Opens nothing yet: the first reads do, one connection per slot as threads need them.
    init(path: String, count: Int) {
        self.path = path
        slots = (0..<max(1, count)).map { _ in Slot() }
    }

    /// Runs `body` in a read transaction on a free connection. `waited` is told when the caller had to wait because
    /// every connection was busy (with the instant it began waiting), after the wait.
    func read<T>(_ body: (Database) throws -> T, waited: (ContinuousClock.Instant) -> Void) throws -> T {
        var result: T?
        let first = ThreadShard.current(of: slots.count)
        for offset in 0..<slots.count {
            let ran = try slots[(first + offset) % slots.count].state.withLockIfAvailable { state in
                result = try run(&state, body)
                return true
            }
            if ran != nil { return result! }
        }
        let requested = ContinuousClock.now
        try slots[first].state.withLock { state in
            waited(requested)
            result = try run(&state, body)
        }
        return result!
    }

    /// Closes every connection for good: every later read fails.
    func close() throws {
        var failure: (any Error)?
        for slot in slots {
            slot.state.withLock { state in
                state.closed = true
                guard let queue = state.queue else { return }
                state.queue = nil
                do { try queue.close() } catch { failure = failure ?? error }
            }
        }
        if let failure { throw failure }
    }

    private func run<T>(_ state: inout State, _ body: (Database) throws -> T) throws -> T {
        guard !state.closed else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "Connection is closed")
        }
        let queue: DatabaseQueue
        if let open = state.queue {
            queue = open
        } else {
            queue = try Self.open(path)
            state.queue = queue
            state.schemaVersion = nil
        }
        let known = state.schemaVersion
        let (result, version) = try queue.inDatabase { db -> (T, Int32) in
            try db.cachedStatement(sql: "BEGIN DEFERRED TRANSACTION").execute()
            do {
                // Read by index from the cached statement (`ColumnRow`), without a GRDB cursor and row.
                let version = try db.cachedStatement(sql: "PRAGMA schema_version")
                    .firstRow([]) { Int32(truncatingIfNeeded: $0.int(0)) } ?? 0
                if version != known { db.clearSchemaCache() }
                let result = try body(db)
                try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
                return (result, version)
            } catch {
                // A read changes nothing: ending its transaction is all there is to undo. SQLite may have ended it
                // already (some errors roll back on their own).
                if db.isInsideTransaction { try? db.cachedStatement(sql: "ROLLBACK TRANSACTION").execute() }
                throw error
            }
        }
        state.schemaVersion = version
        return result
    }

    private static func open(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        configuration.label = "training.read"
        return try DatabaseQueue(path: path, configuration: configuration)
    }
}
