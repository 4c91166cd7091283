import Foundation

/// Backups of the live database into a folder (`serve --backup-dir`, `training-server backup`), written by the
/// storage engine (`StorageEngine.backUp`), each copy checked for integrity.
/// Files are named after the database and the moment (`training-20261206-154012.sqlite`, UTC), so the newest is the
/// last backup.
public struct DatabaseBackups: Sendable {
    public let folder: String
    /// The database file's name without its extension: backups are `<stem>-<time>.sqlite`.
    public let stem: String

    public init(folder: String, databasePath: String) {
        self.folder = folder
        stem = URL(fileURLWithPath: databasePath).deletingPathExtension().lastPathComponent
    }

    /// A backup file in the folder.
    public struct File: Sendable, Equatable {
        public var path: String
        public var name: String { URL(fileURLWithPath: path).lastPathComponent }
        public var bytes: Int64
        /// When it was written (its modification time, seconds since 1970).
        public var at: Double

        public init(path: String, bytes: Int64, at: Double) {
            self.path = path
            self.bytes = bytes
            self.at = at
        }
    }

    /// What one backup did.
    public struct Outcome: Sendable, Equatable {
        public var file: File
        /// The copy's `PRAGMA integrity_check` answer ("ok" when sound).
        public var integrity: String
        public var isSound: Bool { integrity == "ok" }

        public init(file: File, integrity: String) {
            self.file = file
            self.integrity = integrity
        }
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case folderMissing(String)
        case failed(String)

        public var description: String {
            switch self {
            case .folderMissing(let folder): return "the backup folder \(folder) does not exist or is not a folder"
            case .failed(let reason): return "the backup failed: \(reason)"
            }
        }
    }

    /// A path in the folder no file has yet, for a backup made at `now`: `<stem>-<time>.<extension>` (then `-2`, `-3`,
    /// … when taken). Throws `folderMissing` when the folder is not there.
    public func newPath(now: Double, extension: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw Failure.folderMissing(folder)
        }
        let base = stem + "-" + Self.stamp(now)
        var path = (folder as NSString).appendingPathComponent(base + "." + `extension`)
        var suffix = 2
        while FileManager.default.fileExists(atPath: path) {
            path = (folder as NSString).appendingPathComponent("\(base)-\(suffix).\(`extension`)")
            suffix += 1
        }
        return path
    }

    /// The newest backup in the folder; nil when there is none (or no folder).
    public func latest() -> File? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return nil }
        // SQLite's copies and PostgreSQL's pg_dump archives (`newPath(now:extension:)`).
        return names.filter { $0.hasPrefix(stem + "-") && ($0.hasSuffix(".sqlite") || $0.hasSuffix(".dump")) }
            .compactMap { Self.file(at: (folder as NSString).appendingPathComponent($0)) }
            .max { ($0.at, $0.name) < ($1.at, $1.name) }
    }

    package static func file(at path: String) -> File? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              (attributes[.type] as? FileAttributeType) == .typeRegular else { return nil }
        let bytes = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let at = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return File(path: path, bytes: bytes, at: at)
    }

    /// "20261206-154012" in UTC.
    package static func stamp(_ seconds: Double) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }
}

/// The database's files and a quick look at their soundness, for the system page.
public struct DatabaseFiles: Sendable, Equatable {
    public var path: String
    public var bytes: Int64
    /// The write-ahead log's size (0 when there is none).
    public var walBytes: Int64

    public static func measure(_ path: String) -> DatabaseFiles {
        func size(_ file: String) -> Int64 {
            ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber)?.int64Value ?? 0
        }
        return DatabaseFiles(path: path, bytes: size(path), walBytes: size(path + "-wal"))
    }
}

