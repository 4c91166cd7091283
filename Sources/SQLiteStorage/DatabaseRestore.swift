import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GRDB
import TrainingServer

/// `training-server restore BACKUP --db FILE`: checks a backup, then puts it in place of the database.
///
/// Nothing changes until every check passed: no server holds the database (`DatabaseLock`), the backup is a
/// sound SQLite file (`PRAGMA integrity_check`), its schema is one this program knows (an older one is migrated
/// when the server next starts), its audit chain is intact, and it agrees with the newest checkpoint in the
/// database's checkpoint file that it should contain. The checks run on a copy of the backup's bytes in a
/// temporary file next to the database (the backup itself is never opened, so not even a -shm file appears
/// beside it); that copy gets a `database.restore` audit row, is synced and renamed over the database. The replaced database is kept as `FILE.replaced-<UTC time>` with its WAL, so the old WAL can never be
/// replayed onto the restored file. Last, a `restore` checkpoint of the restored chain is appended to the checkpoint
/// file: the checks from then on start from the restored history.
public enum DatabaseRestore {
    public struct Outcome: Sendable {
        /// The backup's audit head, as checked.
        public var backupHead: AuditHead
        /// The restored database's head, after its `database.restore` row.
        public var head: AuditHead
        /// The checkpoint the backup was compared with; nil when none covers it.
        public var checkedAgainst: AuditCheckpoint?
        /// Where the replaced database is kept; nil when there was none.
        public var replacedPath: String?
        /// Migrations this program has that the backup lacks (applied when the server next starts).
        public var pendingMigrations: Int
        /// The `restore` checkpoint written after the replacement.
        public var checkpoint: AuditCheckpoint
    }

    public static func restore(backup: String, to path: String, checkpoints: AuditCheckpointFile, keyPath: String,
                               now: Double) throws -> Outcome {
        let lock: DatabaseLock
        do {
            lock = try DatabaseLock.exclusive(databasePath: path)
        } catch {
            throw RestoreRefusal("\(error)")
        }
        defer { withExtendedLifetime(lock) {} }
        if let backupReal = realPath(backup), backupReal == realPath(path) {
            throw RestoreRefusal("\(backup) is the database itself; give a backup file")
        }

        if let size = (try? FileManager.default.attributesOfItem(atPath: backup + "-wal"))?[.size] as? NSNumber,
           size.intValue > 0 {
            throw RestoreRefusal("\(backup) has a WAL file beside it (\(backup)-wal); give a copy made by training-server backup")
        }
        let lines = try checkpoints.read() ?? []
        var key: AuditKey? = nil
        if !lines.isEmpty {
            guard let loaded = try AuditKey.load(at: keyPath) else {
                throw RestoreRefusal("cannot check \(backup) against the audit checkpoints in \(checkpoints.path): audit key \(keyPath) not found (give it with --audit-key)")
            }
            key = loaded
        }

        // The backup is never opened: its bytes are copied next to the database, and the copy is checked (what is
        // installed is what was checked); on any refusal the copy is removed and nothing else has changed.
        let temporary = path + ".restoring"
        removeDatabaseFiles(temporary)
        try Store.createPrivateFile(atPath: temporary, existing: .refuse)
        let stamp = timestamp(now)
        var replaced: String? = nil
        if FileManager.default.fileExists(atPath: path) {
            var candidate = "\(path).replaced-\(stamp)"
            var counter = 2
            while FileManager.default.fileExists(atPath: candidate) {
                candidate = "\(path).replaced-\(stamp)-\(counter)"
                counter += 1
            }
            replaced = candidate
        }
        let checked: Checked
        let head: AuditHead
        do {
            try copyFile(backup, to: temporary)
            let target = try DatabaseQueue(path: temporary)
            do {
                checked = try check(target, backup: backup, lines: lines, key: key)
                head = try target.write { db in
                    var details = ["backup": backup, "backup_rows": String(checked.head.rows),
                                   "backup_head": checked.head.hash]
                    if let replaced { details["replaced"] = replaced }
                    try AuditChain.append(AuditEvent(action: "database.restore",
                                                     subject: URL(fileURLWithPath: backup).lastPathComponent,
                                                     details: details),
                                          by: .commandLine, at: now, in: db)
                    return try AuditChain.head(in: db)
                }
                try target.close()
            } catch {
                try? target.close()
                throw error
            }
            try syncFile(temporary)
            // The last connection closed: its -wal was folded in and removed; an -shm is only an index.
            unlink(temporary + "-shm")
        } catch let refusal as RestoreRefusal {
            removeDatabaseFiles(temporary)
            throw refusal
        } catch {
            removeDatabaseFiles(temporary)
            throw RestoreRefusal("cannot read \(backup) as a Civil Service Academy database: \(reason(error))")
        }

        if let replaced {
            // Fold the current WAL into the file it belongs to; whatever remains travels with the kept copy.
            if let current = try? DatabaseQueue(path: path) {
                _ = try? current.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
                try? current.close()
            }
            guard link(path, replaced) == 0 || rename(path, replaced) == 0 else {
                let why = String(cString: strerror(errno))
                removeDatabaseFiles(temporary)
                throw RestoreRefusal("cannot keep \(path) as \(replaced): \(why)")
            }
            for suffix in ["-wal", "-journal"] where FileManager.default.fileExists(atPath: path + suffix) {
                rename(path + suffix, replaced + suffix)
            }
            unlink(path + "-shm")
        }
        guard rename(temporary, path) == 0 else {
            let why = String(cString: strerror(errno))
            removeDatabaseFiles(temporary)
            throw RestoreRefusal("cannot move the restored copy into place at \(path): \(why)")
        }
        chmod(path, 0o600)
        syncFolder(of: path)

        let signingKey = try key ?? AuditKey.loadOrCreate(at: keyPath)
        let checkpoint = try AuditCheckpoint(head: head, at: Int64(now.rounded(.down)),
                                             reason: AuditCheckpoint.restoreReason, key: signingKey)
        try checkpoints.append(checkpoint)
        return Outcome(backupHead: checked.head, head: head, checkedAgainst: checked.checkpoint,
                       replacedPath: replaced, pendingMigrations: checked.pendingMigrations, checkpoint: checkpoint)
    }

    private struct Checked {
        var head: AuditHead
        var checkpoint: AuditCheckpoint?
        var pendingMigrations: Int
    }

    /// Every check on the backup, read-only.
    private static func check(_ source: DatabaseQueue, backup: String, lines: [AuditCheckpointFile.Line],
                              key: AuditKey?) throws -> Checked {
        do {
            return try source.read { db in
                let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                guard integrity == ["ok"] else {
                    throw RestoreRefusal("\(backup) failed the integrity check: \(integrity.first ?? "no answer")")
                }
                guard try db.tableExists("grdb_migrations"), try db.tableExists("audit_log") else {
                    throw RestoreRefusal("\(backup) is not a Civil Service Academy database")
                }
                let known = Migrations.migrator.migrations
                let applied = try Migrations.migrator.appliedIdentifiers(db)
                if let unknown = applied.subtracting(known).sorted().first {
                    throw RestoreRefusal("\(backup) has a newer schema than this program (migration \(unknown) is unknown to it); restore it with the version that wrote it")
                }
                if case .broken(let rowID, let why) = try AuditChain.verify(in: db) {
                    throw RestoreRefusal("\(backup)'s audit log is broken at row \(rowID): \(why)")
                }
                let head = try AuditChain.head(in: db)
                // The newest trustworthy checkpoint the backup should contain (its row at or before the backup's
                // head) must still match it.
                var covering: AuditCheckpoint? = nil
                for case .checkpoint(_, let checkpoint) in lines
                where checkpoint.row <= head.row && key.map({ checkpoint.isSigned(by: $0) }) == true {
                    covering = checkpoint
                }
                if let covering, let problem = try AuditAnchor.compare(covering, in: db) {
                    throw RestoreRefusal("\(backup) does not match the audit checkpoints: \(problem.message)")
                }
                return Checked(head: head, checkpoint: covering,
                               pendingMigrations: known.filter { !applied.contains($0) }.count)
            }
        } catch let refusal as RestoreRefusal {
            throw refusal
        } catch {
            throw RestoreRefusal("cannot read \(backup) as a Civil Service Academy database: \(reason(error))")
        }
    }

    /// "20261206T160512Z".
    static func timestamp(_ seconds: Double) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error)" }
        return "\(error)"
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Removes a database file and its -wal, -shm and -journal files, if there.
    private static func removeDatabaseFiles(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) }
    }

    /// Copies `source`'s bytes into the existing (empty, 0600) file `destination` and syncs it.
    private static func copyFile(_ source: String, to destination: String) throws {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw RestoreRefusal("cannot read \(source): \(String(cString: strerror(errno)))") }
        defer { close(input) }
        let output = open(destination, O_WRONLY | O_TRUNC | O_CLOEXEC)
        guard output >= 0 else { throw RestoreRefusal("cannot write \(destination): \(String(cString: strerror(errno)))") }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw RestoreRefusal("cannot read \(source): \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            guard writeAll(output, Data(buffer[0..<count])) else {
                throw RestoreRefusal("cannot write \(destination): \(String(cString: strerror(errno)))")
            }
        }
        guard fsync(output) == 0 else { throw RestoreRefusal("cannot sync \(destination): \(String(cString: strerror(errno)))") }
    }

    private static func syncFile(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw RestoreRefusal("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw RestoreRefusal("cannot sync \(path): \(String(cString: strerror(errno)))") }
    }
}

/// Why `restore` changed nothing (or could not finish), in one line.
public struct RestoreRefusal: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
