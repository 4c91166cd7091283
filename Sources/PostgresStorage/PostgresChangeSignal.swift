import Foundation
import Synchronization
import TrainingServer

/// A `ChangeSignal` for servers on several machines sharing one PostgreSQL database: a counter row in
/// `change_versions` (`accounts`, `settings`, `catalogue`) that every change it stands for bumps **in its own transaction**, and
/// that each node reads (one primary-key look-up) at most once per `ChangeStampWatch.serverInterval`.
///
/// Why a counter rather than LISTEN/NOTIFY: the counter commits with the change or not at all, so a node never sees
/// the signal before the change or misses it; a reading is one indexed row on a connection of the signal's own. NOTIFY
/// would need a connection per process held in LISTEN (which a transaction-mode pooler such as PgBouncer does not
/// carry), and a notification sent while that connection was being re-established is lost, so a poll would be needed
/// as well: the poll alone, on a counter, is simpler and bounded the same (one reading per 10 ms at most per process
/// and signal; a change is seen within that interval by a busy node, and on the next request by an idle one). The cost
/// is a row lock on the counter during each bumping transaction: bumping transactions of one kind (accounts changes,
/// sign-outs) queue on it for the few milliseconds until commit, which is far from the rate such changes come at.
///
/// Readings go through `readers`, a pool of one connection kept for the signals (so a busy main pool never delays a
/// request's cache check); a reading that fails (the database down, the connection busy past its wait) answers nil,
/// which the watch counts as a change.
public struct PostgresChangeSignal: RaisableChangeSignal {
    /// The counters, by name in `change_versions`.
    public enum Name: String, Sendable, CaseIterable {
        case accounts, settings
        /// Catalogue reloads (raised on its own, after a reload: see `raise`).
        case catalogue
    }

    public let name: Name
    let readers: PostgresPool
    let raises: Raises

    /// `pool`: the pool this process's repositories change the database through (whose raises this signal counts
    /// as its own process's); `readers`: the connection readings use (`PostgresChangeSignal.readerPool(for:)`).
    public init(_ name: Name, pool: PostgresPool, readers: PostgresPool) {
        self.name = name
        self.readers = readers
        self.raises = Raises.of(name, pool: pool)
    }

    /// A pool of one connection for the signals' readings, waiting at most a second for it.
    public static func readerPool(for configuration: PostgresConfiguration) -> PostgresPool {
        var configuration = configuration
        configuration.applicationName += " (change signals)"
        return PostgresPool(configuration: configuration, size: 1, waitTimeout: 1)
    }

    public func reading() -> ChangeReading? {
        do {
            return try readers.withConnection { connection in
                let version = try connection.query("SELECT version FROM change_versions WHERE name = $1", name.rawValue)
                    .first?.decode(Int64.self, at: 0)
                return ChangeReading(version ?? 0)
            }
        } catch {
            return nil
        }
    }

    public var localRaises: UInt64 { raises.value.load(ordering: .acquiring) }

    /// Bumps the counter in a transaction of its own on the signal's connection (for a change that is no database
    /// write: a catalogue reload), then notes the raise.
    public func raise() throws {
        try readers.transaction { connection in try Self.bump(name, on: connection) }
        raises.value.add(1, ordering: .releasing)
    }

    /// Bumps the counter `name` inside the caller's transaction (the change and its signal commit together). Call
    /// `raised(_:on:)` after the commit so this process's own watches read it at once.
    static func bump(_ name: Name, on connection: PostgresConnection) throws {
        try connection.execute("""
            INSERT INTO change_versions (name, version) VALUES ($1, 1)
            ON CONFLICT (name) DO UPDATE SET version = change_versions.version + 1
            """, name.rawValue)
    }

    /// Notes, after a commit that bumped `name`, that this process raised it (see `localRaises`).
    static func raised(_ name: Name, on pool: PostgresPool) {
        Raises.of(name, pool: pool).value.add(1, ordering: .releasing)
    }

    /// Runs `body` in a transaction of `pool` that also bumps `name`, then notes the raise after the commit. `bump`
    /// false (the body found nothing to change) skips both.
    static func changing<T>(_ name: Name, on pool: PostgresPool,
                            _ body: (PostgresConnection) throws -> (value: T, changed: Bool)) throws -> T {
        let result = try pool.transaction { connection in
            let result = try body(connection)
            if result.changed { try bump(name, on: connection) }
            return result
        }
        if result.changed { raised(name, on: pool) }
        return result.value
    }

    /// The raises of one counter through one pool: a server has one pool, so these are its process's raises; two
    /// pools in one process (the tests' two nodes) count apart, as two servers would.
    final class Raises: Sendable {
        let value = Atomic<UInt64>(0)
        private static let all = Mutex<[String: Raises]>([:])

        static func of(_ name: Name, pool: PostgresPool) -> Raises {
            let key = "\(ObjectIdentifier(pool).hashValue)/\(name.rawValue)"
            return all.withLock { all in
                if let raises = all[key] { return raises }
                let raises = Raises()
                all[key] = raises
                return raises
            }
        }
    }
}
