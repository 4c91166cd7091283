import Dispatch
import Foundation
import Logging
import Synchronization

/// A bounded set of connections for one server process, shared by its handler threads. `withConnection` lends one
/// connection to one caller at a time; connections are opened as needed up to `size` and kept.
///
/// **Lock discipline** (why `@unchecked Sendable` is sound): `permits`, a semaphore counting `size`, is taken before
/// a connection is lent and given back after it returns, so at most `size` are out or being opened. `lock` guards
/// `idle`, `open` and `closed`, and nothing else; it is held only to move a connection in or out of `idle` or to
/// change the counters, never while connecting, running SQL or waiting on `permits`. A connection is thus reachable
/// either from `idle` (under the lock) or from exactly one caller's `withConnection`, never both. (`Mutex` from
/// Synchronization does not fit: its closure takes the state as `inout sending`, and region checking refuses putting
/// a non-Sendable connection that came from a caller back into it.)
public final class PostgresPool: @unchecked Sendable {
    public let configuration: PostgresConfiguration
    /// The most connections this pool opens (each is a server process: the sum over all nodes must stay under the
    /// server's `max_connections`).
    public let size: Int
    /// How long `withConnection` waits for a connection before giving up with `.poolExhausted`.
    public let waitTimeout: Double
    private let logger: Logger
    private let permits: DispatchSemaphore
    private let lock = NSLock()
    private var idle: [PostgresConnection] = []
    private var open = 0
    private var closed = false
    /// Microseconds callers waited for a connection (a free one, or one being opened), in total.
    private let waitedMicroseconds = Atomic<Int>(0)

    public init(configuration: PostgresConfiguration, size: Int = 8, waitTimeout: Double = 10,
                logger: Logger = Logger(label: "postgres")) {
        precondition(size >= 1, "a pool needs at least one connection")
        self.configuration = configuration
        self.size = size
        self.waitTimeout = waitTimeout
        self.logger = logger
        self.permits = DispatchSemaphore(value: size)
    }

    /// Seconds callers of `withConnection` have waited for a connection since the pool was made (`/metrics`).
    public var totalWaitSeconds: Double { Double(waitedMicroseconds.load(ordering: .relaxed)) / 1_000_000 }

    /// Connections currently open (idle or lent).
    public var openConnections: Int {
        lock.lock(); defer { lock.unlock() }
        return open
    }

    /// Lends a connection to `body` on this thread. The connection must not escape `body` (nor be used from another
    /// thread during it). A connection returned inside a transaction (the body left one open) is rolled back; one
    /// that was lost is dropped, and the next caller gets a new one.
    public func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let started = DispatchTime.now()
        guard permits.wait(timeout: started + waitTimeout) == .success else {
            throw PostgresError.poolExhausted(size: size, waitedSeconds: waitTimeout)
        }
        let connection: PostgresConnection
        do {
            connection = try checkOut()
        } catch {
            permits.signal()
            throw error
        }
        let waited = DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds
        waitedMicroseconds.add(Int(waited / 1_000), ordering: .relaxed)
        defer {
            checkIn(connection)
            permits.signal()
        }
        return try body(connection)
    }

    /// Shorthand for a transaction on a lent connection.
    @discardableResult
    public func transaction<T>(_ isolation: PostgresConnection.IsolationLevel = .readCommitted, retries: Int = 0,
                               _ body: (PostgresConnection) throws -> T) throws -> T {
        try withConnection { connection in try connection.transaction(isolation, retries: retries, body) }
    }

    /// Closes the idle connections and refuses new loans; lent ones close when they come back.
    public func close() {
        lock.lock()
        closed = true
        let closing = idle
        idle.removeAll()
        open -= closing.count
        lock.unlock()
        _ = closing  // released here, outside the lock: PQfinish talks to the server
    }

    private func checkOut() throws -> PostgresConnection {
        lock.lock()
        if closed {
            lock.unlock()
            throw PostgresError.poolClosed
        }
        if let connection = idle.popLast() {
            lock.unlock()
            return connection
        }
        open += 1
        lock.unlock()
        do {
            return try PostgresConnection(configuration: configuration, logger: logger)
        } catch {
            lock.lock()
            open -= 1
            lock.unlock()
            throw error
        }
    }

    private func checkIn(_ connection: PostgresConnection) {
        if !connection.isIdle && connection.isConnected {
            // The body returned (or threw) with a transaction still open.
            try? connection.executeScript("ROLLBACK")
        }
        let keep = connection.isIdle
        lock.lock()
        if keep && !closed {
            idle.append(connection)
            lock.unlock()
        } else {
            open -= 1
            lock.unlock()
            if !keep { logger.notice("dropped a PostgreSQL connection that was lost or left in a transaction") }
        }
    }
}
