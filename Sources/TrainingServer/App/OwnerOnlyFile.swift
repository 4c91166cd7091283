import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small secret file only its owner may use (the issuer key, the audit key): read through one descriptor, so the
/// file checked is the file read, and created atomically, so a crash never leaves half a file and two processes
/// starting together end up sharing one.
enum OwnerOnlyFile {
    /// Why a file could not be read.
    enum Problem: Error {
        /// The system's reason (`strerror`).
        case unreadable(String)
        case notARegularFile
        /// Group or others hold some permission on it.
        case insecurePermissions(mode: UInt32)
        case notText
    }

    /// The file's text; nil when nothing exists at `path`. Refuses a path that is not a regular file or that group
    /// or others may use. O_NONBLOCK keeps a FIFO planted at the path from blocking the open; it does not affect
    /// reading a regular file.
    static func readText(at path: String) throws(Problem) -> String? {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT { return nil }
            throw .unreadable(String(cString: strerror(code)))
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .notARegularFile }
        guard info.st_mode & 0o077 == 0 else { throw .insecurePermissions(mode: UInt32(info.st_mode)) }
        guard let contents = try? handle.readToEnd(), let text = String(data: contents, encoding: .utf8) else {
            throw .notText
        }
        return text
    }

    /// Writes `contents` under a temporary name with mode 0600, syncs it, and links it to `path` unless a file
    /// appeared there meanwhile (then the existing file wins and the temporary one is removed); then syncs the
    /// folder. Returns the system's reason when it fails, nil when done.
    static func createExclusively(at path: String, contents: Data) -> String? {
        let temporary = path + ".new-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        defer { unlink(temporary) }
        let written = writeAll(fd, contents) && fchmod(fd, 0o600) == 0 && fsync(fd) == 0
        let failure = errno
        close(fd)
        guard written else { return String(cString: strerror(failure)) }
        if link(temporary, path) != 0 && errno != EEXIST { return String(cString: strerror(errno)) }
        syncFolder(of: path)
        return nil
    }
}

/// Writes every byte of `data` to `fd`; false (with errno set) when a write fails.
package func writeAll(_ fd: Int32, _ data: Data) -> Bool {
    data.withUnsafeBytes { buffer -> Bool in
        var offset = 0
        while offset < buffer.count, let base = buffer.baseAddress {
            let count = write(fd, base + offset, buffer.count - offset)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                if count == 0 { errno = EIO }
                return false
            }
            offset += count
        }
        return true
    }
}

/// Syncs the folder holding `path`, so a file created, linked or renamed there survives a crash.
package func syncFolder(of path: String) {
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
    let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if fd >= 0 {
        fsync(fd)
        close(fd)
    }
}
