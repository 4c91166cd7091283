import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GRDB
import Synchronization

/// The SQLite database behind every repository: a WAL `DatabasePool` with foreign keys, a busy timeout,
/// `synchronous=FULL`, and writes that each run in one IMMEDIATE transaction, so a caller that gets no error
/// knows its write is committed.
public final class Store: Sendable {
    public let pool: DatabasePool
    public let path: String
    /// Total seconds callers spent waiting to get a connection (exposed by `/metrics`).
    private let waitMicroseconds = Atomic<Int>(0)
    /// `/healthz`'s check: a connection of its own, so health checks never wait for a pooled reader.
    private let healthCheck: DatabaseHealthCheck

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
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
        }
        self.pool = try DatabasePool(path: path, configuration: configuration)
        self.path = path
        self.healthCheck = DatabaseHealthCheck(path: path)
        try Migrations.migrator.migrate(pool)
    }

    /// Runs `body` in an IMMEDIATE transaction and commits it; returns only after the commit.
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        let requested = ContinuousClock.now
        return try pool.writeWithoutTransaction { db in
            recordWait(since: requested)
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }

    /// Runs `body` on a reader connection (a consistent snapshot; never blocked by the writer).
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        let requested = ContinuousClock.now
        return try pool.read { db in
            recordWait(since: requested)
            return try body(db)
        }
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

    /// Closes the health check's connection and the pool; every later use fails.
    public func close() throws {
        healthCheck.close()
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

public enum StoreError: Error, CustomStringConvertible {
    case destinationExists(String)
    case cannotCreate(String, String)
    case notFound(String)
    case conflict(String)

    public var description: String {
        switch self {
        case .destinationExists(let path): return "\(path) already exists; choose a new file name"
        case .cannotCreate(let path, let reason): return "cannot create \(path): \(reason)"
        case .notFound(let what): return "\(what) not found"
        case .conflict(let what): return what
        }
    }
}
