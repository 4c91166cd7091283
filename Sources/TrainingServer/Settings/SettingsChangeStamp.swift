#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file beside the database (`<database>-settings`) whose modification time and identity change whenever a
/// committed write changes the platform's settings, in whichever process made it: `SettingsService` compares it
/// (one `stat`) before answering from its cache, so a change made on one server instance shows on every other on
/// their next request. Same idea as the accounts' `AccountChangeStamp`. Writers touch it after they commit.
public struct SettingsChangeStamp: Sendable {
    public struct Value: Sendable, Equatable {
        var seconds: Int
        var nanoseconds: Int
        var inode: UInt64
    }

    public let path: String

    public init(databasePath: String) { path = databasePath + "-settings" }

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
    /// (a read-only folder) leaves other instances to the cache's lifetime bound.
    public func touch() {
        let descriptor = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return }
        _ = futimens(descriptor, nil)
        close(descriptor)
    }
}
