import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the files of a catalogue directory: listings without hidden entries, and text with its
/// problems (unreadable, too large, not UTF-8) reported as diagnostics.
///
/// Plain POSIX calls keep loading thousands of small files cheap: one `open`, `fstat`, `read` and `close`
/// per file, and directory listings straight from `readdir`.
struct CourseDirectory: Sendable {
    /// Files larger than this are refused rather than read into memory.
    static let maximumFileSize = 8 * 1024 * 1024

    let root: URL

    /// Why a file could not be read, as the diagnostic to report.
    struct Problem: Error {
        let diagnostic: Diagnostic
    }

    struct Entry: Sendable {
        let name: String
        let isDirectory: Bool
    }

    func url(_ relativePath: String) -> URL {
        relativePath.isEmpty ? root : root.appendingPathComponent(relativePath)
    }

    private func path(_ relativePath: String) -> String {
        relativePath.isEmpty ? root.path : root.path + "/" + relativePath
    }

    /// The entries of `relativePath`, sorted by name, hidden ones left out; nil if it is not a directory.
    func entries(_ relativePath: String) -> [Entry]? {
        let directoryPath = path(relativePath)
        guard let directory = opendir(directoryPath) else { return nil }
        defer { closedir(directory) }
        var entries: [Entry] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { buffer in
                String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard !name.hasPrefix(".") else { continue }
            var isDirectory = Int32(entry.pointee.d_type) == Int32(DT_DIR)
            if Int32(entry.pointee.d_type) == Int32(DT_UNKNOWN) || Int32(entry.pointee.d_type) == Int32(DT_LNK) {
                var status = stat()
                isDirectory = stat(directoryPath + "/" + name, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
            }
            entries.append(Entry(name: name, isDirectory: isDirectory))
        }
        return entries.sorted { $0.name < $1.name }
    }

    /// Whether `relativePath` names a regular file.
    func isFile(_ relativePath: String) -> Bool {
        var status = stat()
        return stat(path(relativePath), &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
    }

    /// Every file under `relativePath`, as paths relative to it.
    func filesRecursively(_ relativePath: String) -> [String] {
        guard let entries = entries(relativePath) else { return [] }
        var files: [String] = []
        for entry in entries {
            let child = relativePath.isEmpty ? entry.name : relativePath + "/" + entry.name
            if entry.isDirectory {
                files.append(contentsOf: filesRecursively(child).map { entry.name + "/" + $0 })
            } else {
                files.append(entry.name)
            }
        }
        return files
    }

    /// The bytes of a file, or a diagnostic saying why they cannot be read.
    func bytes(_ relativePath: String) -> Result<[UInt8], Problem> {
        let descriptor = open(path(relativePath), O_RDONLY)
        guard descriptor >= 0 else {
            return .failure(Problem(diagnostic: .error("cannot read the file", file: relativePath)))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            return .failure(Problem(diagnostic: .error("cannot read the file", file: relativePath)))
        }
        guard Int(status.st_size) <= Self.maximumFileSize else {
            return .failure(Problem(diagnostic: .error("the file is larger than \(Self.maximumFileSize / 1024 / 1024) MB",
                                                        file: relativePath)))
        }
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size))
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            filled += count
        }
        if filled < bytes.count { bytes.removeSubrange(filled...) }
        return .success(bytes)
    }

    /// The text of a file, or a diagnostic naming the first line that is not UTF-8.
    func text(_ relativePath: String) -> Result<String, Problem> {
        switch bytes(relativePath) {
        case .failure(let problem):
            return .failure(problem)
        case .success(let bytes):
            switch TextDecoding.decode(bytes) {
            case .success(let text):
                return .success(text)
            case .failure(let invalid):
                return .failure(Problem(diagnostic: .error(
                    "the file is not UTF-8 text: the first bad byte is on line \(invalid.line); save it as UTF-8",
                    file: relativePath, line: invalid.line, column: invalid.column)))
            }
        }
    }
}
