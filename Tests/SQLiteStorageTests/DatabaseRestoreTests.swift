import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct DatabaseRestoreTests {
    /// A stopped server's database with audit rows and a checkpoint, and a backup of it taken before more rows.
    private struct Fixture {
        let directory: URL
        let database: String
        let backup: String
        let file: AuditCheckpointFile
        let keyPath: String
        let clock = ManualClock()

        init(tamper: ((Store) throws -> Void)? = nil) throws {
            let temporary = try TemporaryStore()
            directory = temporary.directory
            database = temporary.store.path
            backup = directory.appendingPathComponent("backup.sqlite").path
            file = AuditCheckpointFile(path: AuditCheckpointFile.defaultPath(databasePath: database))
            keyPath = directory.appendingPathComponent("audit-key.pem").path
            let anchor = AuditAnchor(store: temporary.store, key: try AuditKey.loadOrCreate(at: keyPath), file: file)
            try AuditTampering.append(3, to: temporary.store, clock: clock)
            try anchor.checkpoint(reason: "test", at: clock.now)
            _ = try temporary.store.backup(to: backup)
            try AuditTampering.append(2, to: temporary.store, clock: clock)
            try anchor.checkpoint(reason: "test", at: clock.now)
            try temporary.store.close()
            if let tamper {
                let copy = try Store(path: backup)
                try tamper(copy)
                try copy.close()
            }
        }

        func restore() throws -> DatabaseRestore.Outcome {
            try DatabaseRestore.restore(backup: backup, to: database, checkpoints: file, keyPath: keyPath, now: clock.now + 100)
        }

        /// The database's bytes and the folder's file names: what "nothing changed" compares.
        func state() throws -> (Data, [String]) {
            (try Data(contentsOf: URL(fileURLWithPath: database)),
             try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { !$0.hasSuffix(".lock") }.sorted())
        }

        func expectRefusal(containing text: String) throws {
            let before = try state()
            do {
                _ = try restore()
                Issue.record("restore went ahead")
            } catch let refusal as RestoreRefusal {
                #expect(refusal.description.contains(text), "\(refusal)")
            }
            let after = try state()
            #expect(after.0 == before.0)
            #expect(after.1 == before.1)
        }
    }

    @Test func aGoodBackupReplacesTheDatabaseWhichIsKept() throws {
        let fixture = try Fixture()
        let outcome = try fixture.restore()
        #expect(outcome.backupHead.rows == 3 && outcome.head.rows == 4 && outcome.checkedAgainst?.row == 3)
        #expect(outcome.pendingMigrations == 0)
        let replaced = try #require(outcome.replacedPath)
        #expect(replaced.hasPrefix(fixture.database + ".replaced-2027"))

        let restored = try Store(path: fixture.database)
        defer { try? restored.close() }
        let log = SQLiteAuditLog(store: restored, clock: { 0 })
        #expect(try log.verify() == .intact(rows: 4))
        let newest = try #require(try log.recent(limit: 1).first)
        #expect(newest.action == "database.restore" && newest.subject == "backup.sqlite" && newest.actor == "cli")
        #expect(newest.details.contains(#""replaced":"\#(replaced)""#))
        let check = try AuditAnchor.check(store: restored, file: fixture.file, key: try AuditKey.load(at: fixture.keyPath))
        #expect(!check.tampered && check.latest == outcome.checkpoint && outcome.checkpoint.reason == "restore")
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: fixture.database)[.posixPermissions] as? NSNumber)
        #expect(mode.intValue & 0o777 == 0o600)

        let kept = try Store(path: replaced)
        defer { try? kept.close() }
        #expect(try SQLiteAuditLog(store: kept, clock: { 0 }).verify() == .intact(rows: 5))
        #expect(!FileManager.default.fileExists(atPath: fixture.database + ".restoring"))
    }

    @Test func aDatabaseThatDoesNotExistYetIsCreated() throws {
        let fixture = try Fixture()
        let fresh = fixture.directory.appendingPathComponent("new/training.sqlite").path
        let outcome = try DatabaseRestore.restore(backup: fixture.backup, to: fresh,
                                                  checkpoints: AuditCheckpointFile(path: fresh + ".audit-checkpoints"),
                                                  keyPath: fixture.keyPath, now: 1_800_000_000)
        #expect(outcome.replacedPath == nil && outcome.checkedAgainst == nil)
        #expect(FileManager.default.fileExists(atPath: fresh))
    }

    @Test func aRunningServerBlocksTheRestore() throws {
        let fixture = try Fixture()
        let server = try DatabaseLock.shared(databasePath: fixture.database)
        try fixture.expectRefusal(containing: "a server is using")
        withExtendedLifetime(server) {}
    }

    @Test func aCorruptedBackupIsRefused() throws {
        let fixture = try Fixture()
        var bytes = try Data(contentsOf: URL(fileURLWithPath: fixture.backup))
        for offset in stride(from: 4096, to: min(bytes.count, 4096 * 4), by: 7) { bytes[offset] ^= 0x5A }
        try bytes.write(to: URL(fileURLWithPath: fixture.backup))
        try fixture.expectRefusal(containing: fixture.backup)
    }

    @Test func aFileThatIsNotADatabaseIsRefused() throws {
        let fixture = try Fixture()
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: fixture.backup))
        try fixture.expectRefusal(containing: "backup.sqlite")
    }

    @Test func aNewerSchemaIsRefused() throws {
        let fixture = try Fixture { store in
            try store.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('2099-01-01-future')") }
        }
        try fixture.expectRefusal(containing: "newer schema than this program (migration 2099-01-01-future")
    }

    @Test func anOlderSchemaIsRestoredAndMigratedLater() throws {
        let fixture = try Fixture { store in
            let last = try #require(Migrations.migrator.migrations.last)
            try store.write { db in try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = ?", arguments: [last]) }
        }
        #expect(try fixture.restore().pendingMigrations == 1)
    }

    @Test func aBrokenAuditChainIsRefused() throws {
        let fixture = try Fixture { store in
            try AuditTampering.dropTriggers(store)
            try store.write { db in try db.execute(sql: "UPDATE audit_log SET subject = 'x' WHERE id = 2") }
        }
        try fixture.expectRefusal(containing: "audit log is broken at row 2")
    }

    @Test func aRewrittenChainThatDisagreesWithTheCheckpointsIsRefused() throws {
        let fixture = try Fixture { store in try AuditTampering.rewrite(row: 2, in: store) }
        try fixture.expectRefusal(containing: "does not match the audit checkpoints")
    }

    @Test func checkpointsWithoutTheirKeyAreRefused() throws {
        let fixture = try Fixture()
        try FileManager.default.removeItem(atPath: fixture.keyPath)
        try fixture.expectRefusal(containing: "audit key")
    }
}
