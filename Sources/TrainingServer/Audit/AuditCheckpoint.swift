import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A signed statement of the audit chain's head at a moment: "row 42 has hash H and the log held 42 rows".
///
/// One JSON line in the checkpoint file, keys sorted:
/// `{"at":1796571600,"hash":"…","key":"…","reason":"interval","row":42,"rows":42,"sig":"…","v":1}`. The
/// Ed25519 signature (base64url) covers `signedMessage`: a fixed label and every other field, one per line.
public struct AuditCheckpoint: Sendable, Equatable, Codable {
    public var v: Int = 1
    /// The id of the chain's newest row (0 for an empty log).
    public var row: Int64
    /// How many rows the log held.
    public var rows: Int
    /// That row's hash (the genesis hash for an empty log).
    public var hash: String
    /// When it was taken, whole seconds since 1970 (UTC).
    public var at: Int64
    /// Why: `start`, `interval`, `shutdown`, `command`, or `restore` (a restored database starts a new chain
    /// history; checks look at the checkpoints from the latest restore on).
    public var reason: String
    /// The signing key's id (`AuditKey.keyID`).
    public var key: String
    public var sig: String

    public static let restoreReason = "restore"

    var signedMessage: Data {
        Data(["civil-service-academy audit checkpoint v\(v)", String(row), String(rows), hash, String(at), reason, key]
            .joined(separator: "\n").utf8)
    }

    /// Signs the head `head` at `at` with `key`.
    public init(head: AuditHead, at: Int64, reason: String, key: AuditKey) throws {
        row = head.row
        rows = head.rows
        hash = head.hash
        self.at = at
        self.reason = reason
        self.key = key.keyID
        sig = ""
        sig = Base64URL.encode(try key.signature(for: signedMessage))
    }

    /// Whether the line was signed by `key` and nothing in it changed since.
    public func isSigned(by key: AuditKey) -> Bool {
        guard self.key == key.keyID, let signature = Base64URL.decode(sig) else { return false }
        return key.isValidSignature(signature, for: signedMessage)
    }

    /// The line as written to the file (without the line break).
    public var line: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// Reads one line; nil when it is not a checkpoint of a version this program knows.
    public static func parse(_ line: some StringProtocol) -> AuditCheckpoint? {
        guard let checkpoint = try? JSONDecoder().decode(AuditCheckpoint.self, from: Data(line.utf8)),
              checkpoint.v == 1, checkpoint.row >= 0, checkpoint.rows >= 0 else { return nil }
        return checkpoint
    }

    /// The moment as "2026-12-06 15:40:12 UTC".
    public var time: String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(at)))
    }

    /// "checkpoint at 2026-12-06 15:40:12 UTC (row 42)", for messages.
    public var summary: String { "checkpoint at \(time) (row \(row))" }
}

/// The append-only file of checkpoint lines (`<database>.audit-checkpoints` unless `--audit-checkpoints` names
/// another), mode 0600.
public struct AuditCheckpointFile: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The default place: next to the database, named after it.
    public static func defaultPath(databasePath: String) -> String { databasePath + ".audit-checkpoints" }

    /// One line of the file: a checkpoint or a line that cannot be read as one.
    public enum Line: Sendable, Equatable {
        case checkpoint(number: Int, AuditCheckpoint)
        case unreadable(number: Int)
    }

    /// Every non-empty line, in file order; nil when the file does not exist.
    public func read() throws -> [Line]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw AuditCheckpointError.unreadable(path: path, reason: (error as NSError).localizedFailureReason ?? "\(error)")
        }
        let text = String(decoding: data, as: UTF8.self)
        var lines: [Line] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            if let checkpoint = AuditCheckpoint.parse(line) {
                lines.append(.checkpoint(number: index + 1, checkpoint))
            } else {
                lines.append(.unreadable(number: index + 1))
            }
        }
        return lines
    }

    /// The last non-empty line, reading only the end of the file (its number is 0 when the start of the file was
    /// not read); nil when the file is missing or empty.
    public func last() throws -> Line? {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            throw AuditCheckpointError.unreadable(path: path, reason: "permission denied")
        }
        defer { try? handle.close() }
        do {
            let size = try handle.seekToEnd()
            var window: UInt64 = 4096
            while true {
                let start = size > window ? size - window : 0
                try handle.seek(toOffset: start)
                let text = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
                var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                if start > 0 { lines.removeFirst() }  // possibly cut
                if let line = lines.last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                    // Line numbers are only known when the whole file was read (0 otherwise).
                    let number = start == 0 ? (lines.lastIndex(of: line) ?? -1) + 1 : 0
                    return AuditCheckpoint.parse(line).map { .checkpoint(number: number, $0) } ?? .unreadable(number: number)
                }
                if start == 0 { return nil }
                window *= 4
            }
        } catch let error as AuditCheckpointError {
            throw error
        } catch {
            throw AuditCheckpointError.unreadable(path: path, reason: "\(error)")
        }
    }

    /// Appends `checkpoint` as one line with a single `write` on an `O_APPEND` descriptor, then `fsync`s it (and
    /// the folder when the file was created). Creates the file with mode 0600.
    public func append(_ checkpoint: AuditCheckpoint) throws {
        let existed = FileManager.default.fileExists(atPath: path)
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AuditCheckpointError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        guard writeAll(fd, Data((checkpoint.line + "\n").utf8)), fsync(fd) == 0 else {
            throw AuditCheckpointError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
        if !existed { syncFolder(of: path) }
    }
}

public enum AuditCheckpointError: Error, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    /// The chain no longer extends the latest checkpoint: no new checkpoint may bless it.
    case chainDoesNotExtend(String)
    /// The latest line of the file is unreadable or not signed by this key.
    case untrustedFile(String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read the audit checkpoints \(path): \(reason)"
        case .cannotWrite(let path, let reason): return "cannot write the audit checkpoints \(path): \(reason)"
        case .chainDoesNotExtend(let reason):
            return "no checkpoint taken: \(reason); run training-server verify-audit"
        case .untrustedFile(let reason): return "no checkpoint taken: \(reason); run training-server verify-audit"
        }
    }
}
