import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An advisory lock (`flock`) on `<database>.lock`: a running server holds it shared for as long as it runs, and
/// `restore` takes it exclusively, so a restore never replaces a database a server has open and a server does not
/// start in the middle of a restore. The kernel drops the lock when the process ends, even on `kill -9`, so a
/// crash leaves nothing stale behind. Commands other than `restore` do not take it.
public final class DatabaseLock: Sendable {
    public let path: String
    private let descriptor: Int32

    public static func lockPath(databasePath: String) -> String { databasePath + ".lock" }

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// The server's lock: shared, so several servers may use one database; fails at once while a restore runs.
    public static func shared(databasePath: String) throws -> DatabaseLock {
        try acquire(databasePath: databasePath, operation: LOCK_SH) { path in
            "\(databasePath) is being restored (\(path) is locked); start the server when the restore has finished"
        }
    }

    /// `restore`'s lock: exclusive; fails at once while a server holds the database.
    public static func exclusive(databasePath: String) throws -> DatabaseLock {
        try acquire(databasePath: databasePath, operation: LOCK_EX) { path in
            "a server is using \(databasePath) (it holds \(path)); stop it before restoring"
        }
    }

    private static func acquire(databasePath: String, operation: Int32,
                                busy: (String) -> String) throws -> DatabaseLock {
        let directory = URL(fileURLWithPath: databasePath).deletingLastPathComponent()
        if !FileManager.default.fileExists(atPath: directory.path) {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
        let path = lockPath(databasePath: databasePath)
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw DatabaseLockError("cannot open \(path): \(String(cString: strerror(errno)))") }
        while flock(fd, operation | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            close(fd)
            if code == EWOULDBLOCK { throw DatabaseLockError(busy(path)) }
            throw DatabaseLockError("cannot lock \(path): \(String(cString: strerror(code)))")
        }
        return DatabaseLock(path: path, descriptor: fd)
    }
}

public struct DatabaseLockError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
