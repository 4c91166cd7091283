import Foundation
import Synchronization

/// An open, read-only file descriptor with one owner at a time: this object until `take()` hands the descriptor on
/// (to MHD, which closes it when its response is destroyed), or until the object goes away, which closes it. So a
/// response that is dropped before it is sent (an error, a middleware that replaces it) never leaks its file.
public final class OpenFile: Sendable {
    private let descriptor: Mutex<Int32>
    /// The file's metadata, read with `fstat` when it was opened: what is sent is this file, whatever a rename
    /// does to the path afterwards.
    public let status: FileStatus

    /// Opens a regular file for reading (close-on-exec); nil if it does not exist, cannot be read or is not a
    /// regular file.
    public init?(path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            return nil
        }
        descriptor = Mutex(fd)
        status = FileStatus(size: UInt64(info.st_size), modifiedSeconds: Int64(info.st_mtim.tv_sec),
                            modifiedNanoseconds: Int64(info.st_mtim.tv_nsec), inode: UInt64(info.st_ino))
    }

    /// Hands the descriptor to the caller, who must close it (or give it to something that does); nil if it was
    /// handed on already.
    func take() -> Int32? {
        descriptor.withLock { fd in
            guard fd >= 0 else { return nil }
            defer { fd = -1 }
            return fd
        }
    }

    /// Calls `body` with the descriptor while this object still owns it (nil after `take()`).
    func withDescriptor<R>(_ body: (Int32?) throws -> R) rethrows -> R {
        try descriptor.withLock { fd in try body(fd >= 0 ? fd : nil) }
    }

    deinit {
        if let fd = take() { close(fd) }
    }
}

/// What `fstat` said about an open file.
public struct FileStatus: Sendable, Equatable {
    public var size: UInt64
    public var modifiedSeconds: Int64
    public var modifiedNanoseconds: Int64
    public var inode: UInt64

    /// A strong validator (RFC 9110 §8.8.3): size, modification time to the nanosecond and inode, in hex, quoted.
    /// Replacing the file (a new inode) or writing to it (a new time or size) changes it.
    public var etag: String {
        "\"\(String(size, radix: 16))-\(String(modifiedSeconds, radix: 16)).\(String(modifiedNanoseconds, radix: 16))-\(String(inode, radix: 16))\""
    }
}

/// A response body that is `length` bytes of an open file from `offset`, sent by the server straight from the file
/// (`sendfile` without TLS), never read into memory.
public struct FileRegion: Sendable {
    public let file: OpenFile
    public let offset: UInt64
    public let length: UInt64

    public init(file: OpenFile, offset: UInt64, length: UInt64) {
        precondition(offset <= file.status.size && length <= file.status.size - offset, "the region lies in the file")
        self.file = file
        self.offset = offset
        self.length = length
    }
}
