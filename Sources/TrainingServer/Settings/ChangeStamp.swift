#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A file beside the database whose modification time (and identity) changes whenever a committed write changes
/// what a cache holds, in whichever process made it: the cache compares it on every lookup (one `stat`), so a change
/// made by another server instance or the command line shows on the next request. Writers touch it after their
/// transaction commits, never before. Two exist: `accounts` (sessions and accounts: a person disabled from the
/// command line is signed out of every running server at once) and `settings` (the platform's identity).
public struct ChangeStamp: Sendable {
    public struct Value: Sendable, Equatable {
        var seconds: Int
        var nanoseconds: Int
        var inode: UInt64
    }

    public let path: String
    /// How many times this process touched the stamp at `path` (shared by every `ChangeStamp` value of that path).
    let touches: TouchCount

    public init(path: String) {
        self.path = path
        self.touches = TouchCount.of(path)
    }

    /// A count of this process's touches of one stamp file: a `ChangeStampWatch` that reads its file only now and
    /// then re-reads it at once when the count moved, so a change made through any code path of this process (not
    /// only the caches' own) is seen by the very next request.
    final class TouchCount: Sendable {
        let value = Atomic<UInt64>(0)
        private static let all = Mutex<[String: TouchCount]>([:])

        static func of(_ path: String) -> TouchCount {
            all.withLock { all in
                if let count = all[path] { return count }
                let count = TouchCount()
                all[path] = count
                return count
            }
        }
    }

    /// The stamp of sessions and accounts of the database at `databasePath`: the file `<database>-accounts`.
    public static func accounts(databasePath: String) -> ChangeStamp { ChangeStamp(path: databasePath + "-accounts") }

    /// The stamp of the platform's settings: the file `<database>-settings`.
    public static func settings(databasePath: String) -> ChangeStamp { ChangeStamp(path: databasePath + "-settings") }

    /// The stamp of catalogue reloads (servers on one database follow each other's): the file `<database>-catalogue`.
    public static func catalogue(databasePath: String) -> ChangeStamp { ChangeStamp(path: databasePath + "-catalogue") }

    /// The stamp now, or nil while the file does not exist.
    public func read() -> Value? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        #if canImport(Darwin)
        return Value(seconds: Int(info.st_mtimespec.tv_sec), nanoseconds: Int(info.st_mtimespec.tv_nsec),
                     inode: UInt64(info.st_ino))
        #else
        return Value(seconds: Int(info.st_mtim.tv_sec), nanoseconds: Int(info.st_mtim.tv_nsec), inode: UInt64(info.st_ino))
        #endif
    }

    /// Marks a change: creates the file (mode 0600) if needed and sets its modification time to now. Failing to
    /// (a read-only folder) leaves other processes to the cache's lifetime bound.
    public func touch() {
        let descriptor = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return }
        _ = futimens(descriptor, nil)
        close(descriptor)
        touches.value.add(1, ordering: .releasing)
    }
}
