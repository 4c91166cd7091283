import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GRDB
import Synchronization
import TrainingServer

/// The SQLite database behind every repository: a WAL database with foreign keys, a busy timeout,
/// `synchronous=FULL` (every commit synced), and writes that each run in an IMMEDIATE transaction, so a caller
/// that gets no error knows its write is committed. Writes that wait while another commits are committed together
/// (`GroupCommit`): one transaction and one sync to disk for the lot, each write in a savepoint of its own, so one
/// that fails changes nothing and the others still commit. Writes (and migrations, backups) go through GRDB's
/// `DatabasePool`; reads run on read-only connections of their own (`ReadConnections`), on the calling thread.
public final class Store: Sendable {
    public let pool: DatabasePool
    public let path: String
    /// Total seconds callers spent waiting to get a connection (exposed by `/metrics`).
    private let waitMicroseconds = Atomic<Int>(0)
    /// `/healthz`'s check: a connection of its own, so health checks never wait for a reader.
    private let healthCheck: DatabaseHealthCheck
    /// The connections `read` runs on.
    private let readers: ReadConnections
    /// Reads run since the store opened (each one read transaction), for tests.
    let readCount = Atomic<Int>(0)
    let group = GroupCommit()

    /// Opens (creating if needed) the database at `path` and brings its schema up to date. A folder the store
    /// creates is 0700 and a database file it creates is 0600; SQLite gives the -wal and -shm files the main
    /// file's mode, so they are 0600 too. Existing files keep their mode (`filesReadableByOthers` reports them).
    public init(path: String, readers: Int = 8) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        if !FileManager.default.fileExists(atPath: directory.path) {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
        try Store.createPrivateFile(atPath: path, existing: .keep)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.maximumReaderCount = readers
        configuration.label = "training"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        // GRDB's pool turns WAL on after `prepareDatabase` and sets `synchronous = NORMAL` with it (a commit is then
        // synced only at the next checkpoint): FULL is set on the writer here, after that, so every commit is synced.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        self.pool = pool
        self.path = path
        self.healthCheck = DatabaseHealthCheck(path: path)
        self.readers = ReadConnections(path: path, count: readers)
        try Migrations.migrator.migrate(pool)
    }

    /// Runs `body` in an IMMEDIATE transaction and commits it; returns only after the commit. A `body` that throws
    /// changes nothing and its error is thrown here. `body` may run on another caller's thread (this one waits):
    /// it runs in the transaction that commits the writes waiting with it, after those queued before, in a savepoint
    /// of its own when there are such writes.
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        let requested = ContinuousClock.now
        var result: T?
        try withoutActuallyEscaping(body) { body in
            let job = GroupCommit.Job { db in
                self.recordWait(since: requested)
                result = try body(db)
            }
            try group.submit(job, pool: pool)
        }
        return result!
    }

    /// Runs `body` on a read-only connection in a read transaction of its own (a consistent snapshot of the
    /// last commit; never blocked by the writer), on the calling thread. Not reentrant: `body` must not call `read`.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        readCount.add(1, ordering: .relaxed)
        return try readers.read(body, waited: { recordWait(since: $0) })
    }

    /// Seconds spent waiting for connections since start.
    public var totalWaitSeconds: Double { Double(waitMicroseconds.load(ordering: .relaxed)) / 1_000_000 }

    private func recordWait(since start: ContinuousClock.Instant) {
        let waited = ContinuousClock.now - start
        let micros = Int(waited.components.seconds) * 1_000_000 + Int(waited.components.attoseconds / 1_000_000_000_000)
        waitMicroseconds.add(micros, ordering: .relaxed)
    }

    /// Whether the database can be read now: asked on every call, on the health check's own connection
    /// (see `DatabaseHealthCheck`). False once the store is closed.
    public func isHealthy() -> Bool {
        healthCheck.check()
    }

    /// Closes the health check's connections, the read connections and the pool; every later use fails.
    public func close() throws {
        healthCheck.close()
        try readers.close()
        try pool.close()
    }

    /// Copies the live database to `destination` with SQLite's online backup API, then checks the copy with
    /// `PRAGMA integrity_check`. Returns the check's result ("ok" when sound).
    public func backup(to destination: String) throws -> String {
        try Store.createPrivateFile(atPath: destination, existing: .refuse)
        do {
            let copy = try DatabaseQueue(path: destination)
            try pool.backup(to: copy)
            let result = try copy.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
            try copy.close()
            return result.joined(separator: "\n")
        } catch {
            try? FileManager.default.removeItem(atPath: destination)
            throw error
        }
    }

    /// What `createPrivateFile` does when the file is there already.
    enum ExistingFile { case keep, refuse }

    /// Creates an empty file only its owner can read and write (0600), atomically, so the database or backup
    /// SQLite then opens never exists with a wider mode.
    static func createPrivateFile(atPath path: String, existing: ExistingFile) throws {
        let code = createOwnerOnlyFile(path)
        if code == 0 { return }
        if code == EEXIST {
            if existing == .refuse { throw StoreError.destinationExists(path) }
            return
        }
        throw StoreError.cannotCreate(path, String(cString: strerror(code)))
    }

    /// The database's folder, the database file and its -wal and -shm files when their group or other users
    /// may read them (any of the 0o044 bits), with their permission bits: the server warns about each at start.
    public static func filesReadableByOthers(databasePath path: String) -> [(path: String, mode: Int)] {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return [directory, path, path + "-wal", path + "-shm"].compactMap { file in
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: file),
                  let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue else { return nil }
            return mode & 0o044 != 0 ? (file, mode & 0o7777) : nil
        }
    }
}

/// Creates `path` with mode 0600, failing when it exists; 0 on success, the errno otherwise.
private func createOwnerOnlyFile(_ path: String) -> Int32 {
    let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { return errno }
    close(descriptor)
    return 0
}

/// Group commit: a writer that finds no commit under way leads, and commits every write waiting at that moment
/// (up to `batchLimit`) in one IMMEDIATE transaction, each in a savepoint of its own; writers that come while it
/// commits wait, and the first of them leads the next batch. Every writer returns after the commit that holds its
/// write, or with its own error (its savepoint rolled back), or with the transaction's error when the transaction
/// as a whole failed (then nothing of the batch was committed). With one writer at a time this is one
/// transaction per write, without a savepoint; under load it is one sync to disk per batch instead of one per write.
final class GroupCommit: Sendable {
    /// One write: run by whichever thread leads its batch while the writer's own thread waits on `wake`.
    final class Job: @unchecked Sendable {
        /// Dropped once the batch is done, before any writer is woken: the closure is the writer's own (lent
        /// through `withoutActuallyEscaping`) and must not outlive its `write` call.
        var run: ((Database) throws -> Void)?
        let wake = DispatchSemaphore(value: 0)
        // Written by the leader (or the writer itself) before `wake` is signalled, read after it.
        var error: (any Error)?
        var leads = false

        init(_ run: @escaping (Database) throws -> Void) { self.run = run }
    }

    private struct State {
        var pending: [Job] = []
        var leading = false
    }

    static let batchLimit = 64
    private let state = Mutex(State())
    /// Transactions committed or attempted (one per batch), for tests.
    let transactions = Atomic<Int>(0)

    /// Commits `job` (alone or with others) and returns after the commit, or throws its error.
    func submit(_ job: Job, pool: DatabasePool) throws {
        let leads = state.withLock { state in
            state.pending.append(job)
            if state.leading { return false }
            state.leading = true
            return true
        }
        if !leads {
            job.wake.wait()
            guard job.leads else {
                if let error = job.error { throw error }
                return
            }
        }
        // Leading: `job` is the first pending (a new leader finds none before it; a promoted one was first).
        let batch = state.withLock { state in
            let batch = Array(state.pending.prefix(Self.batchLimit))
            state.pending.removeFirst(batch.count)
            return batch
        }
        commit(batch, pool: pool)
        for done in batch { done.run = nil }
        let next = state.withLock { state -> Job? in
            guard let first = state.pending.first else {
                state.leading = false
                return nil
            }
            return first
        }
        if let next {
            next.leads = true
            next.wake.signal()
        }
        for other in batch where other !== job { other.wake.signal() }
        if let error = job.error { throw error }
    }

    /// Runs the batch's writes in one transaction, each in its savepoint, and commits; records each job's error.
    ///
    /// The transaction and savepoint statements are the connection's cached statements (`TransactionControl`),
    /// prepared once: GRDB's `inTransaction` and `inSavepoint` compile them anew on every write.
    private func commit(_ batch: [Job], pool: DatabasePool) {
        transactions.add(1, ordering: .relaxed)
        do {
            try pool.writeWithoutTransaction { db in
                let control = try TransactionControl(db)
                try control.begin.execute()
                do {
                    // Alone in its batch, a write needs no savepoint: if it fails, the transaction rolls back.
                    if batch.count == 1 {
                        try batch[0].run?(db)
                    } else {
                        for job in batch {
                            try control.savepoint.execute()
                            do {
                                try job.run?(db)
                                try control.checkNotAborted(db)
                                try control.release.execute()
                            } catch {
                                job.error = error
                                // Some errors end the whole transaction: nothing of the batch can be committed then.
                                if !db.isInsideTransaction { throw error }
                                try control.rollbackToSavepoint.execute()
                                try control.release.execute()
                            }
                        }
                    }
                    try control.checkNotAborted(db)
                    try control.commit.execute()
                } catch {
                    // SQLite may have rolled the transaction back already (some errors do so on their own).
                    if db.isInsideTransaction { try? control.rollback.execute() }
                    throw error
                }
            }
        } catch {
            for job in batch where job.error == nil { job.error = error }
        }
    }
}

/// The statements that begin, commit and roll back a group commit's transaction and its savepoints, from the
/// writer connection's statement cache (compiled once per connection).
private struct TransactionControl {
    let begin: Statement
    let commit: Statement
    let rollback: Statement
    let savepoint: Statement
    let release: Statement
    let rollbackToSavepoint: Statement

    init(_ db: Database) throws {
        begin = try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION")
        commit = try db.cachedStatement(sql: "COMMIT TRANSACTION")
        rollback = try db.cachedStatement(sql: "ROLLBACK TRANSACTION")
        savepoint = try db.cachedStatement(sql: "SAVEPOINT group_write")
        release = try db.cachedStatement(sql: "RELEASE SAVEPOINT group_write")
        rollbackToSavepoint = try db.cachedStatement(sql: "ROLLBACK TRANSACTION TO SAVEPOINT group_write")
    }

    /// Throws when SQLite ended the transaction on its own (an error some write caught and went past): committing
    /// then would commit nothing of what was written before it, so the batch fails as a whole, as GRDB's
    /// `inTransaction` fails it.
    func checkNotAborted(_ db: Database) throws {
        guard db.isInsideTransaction else {
            throw DatabaseError(resultCode: .SQLITE_ABORT, message: "Transaction was aborted")
        }
    }
}
