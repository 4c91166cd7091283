import Foundation

/// Reads the files of a catalogue directory: listings without hidden entries, and text with its
/// problems (unreadable, too large, not UTF-8) reported as diagnostics.
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

    /// The entries of `relativePath`, sorted by name, hidden ones left out; nil if it is not a directory.
    func entries(_ relativePath: String) -> [Entry]? {
        let directory = url(relativePath)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue,
              let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return nil }
        return names.filter { !$0.hasPrefix(".") }.sorted().map { name in
            var childIsDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path,
                                               isDirectory: &childIsDirectory)
            return Entry(name: name, isDirectory: childIsDirectory.boolValue)
        }
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
        guard let handle = FileHandle(forReadingAtPath: url(relativePath).path) else {
            return .failure(Problem(diagnostic: .error("cannot read the file", file: relativePath)))
        }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: Self.maximumFileSize + 1) else {
            return .success([])
        }
        guard data.count <= Self.maximumFileSize else {
            return .failure(Problem(diagnostic: .error("the file is larger than \(Self.maximumFileSize / 1024 / 1024) MB",
                                                        file: relativePath)))
        }
        return .success([UInt8](data))
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
