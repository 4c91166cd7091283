import Foundation
@testable import PostgresStorage
import Testing
import SQLiteStorage
import TrainingServer

/// The PostgreSQL engine's own members on a real cluster: opening (migrating), demo seeding's record, health, the
/// integrity check and what it finds, waits, backups with pg_dump, the audit chain, closing.
@Suite(.enabled(if: TestPostgres.isEnabled, "set SE_POSTGRES_URL (scripts/postgres.sh starts a cluster and prints it)"))
struct PostgresEngineTests {
    func withEngine(_ body: (PostgresEngine, PostgresConfiguration) throws -> Void) throws {
        try TestPostgres.withSchema("engine") { configuration in
            let engine = try PostgresEngine.open(configuration: configuration, poolSize: 2, clock: { 1_800_000_000 })
            defer { try? engine.close() }
            try body(engine, configuration)
        }
    }

    @Test func opensMigratedAnswersHealthAndRecordsDemoSeeding() throws {
        try withEngine { engine, configuration in
            #expect(engine.isHealthy())
            #expect(try engine.checkIntegrity(limit: 5) == ["ok"])
            #expect(try !engine.demoSeeded())
            try engine.recordDemoSeeded(at: Date(timeIntervalSince1970: 1_800_000_000))
            #expect(try engine.demoSeeded())
            // The repositories are the database's: a department made through one engine is found by another.
            let department = try engine.departments.ensure(path: ["省政府", "测试处"], by: .system)
            let other = try PostgresEngine.open(configuration: configuration, poolSize: 1)
            defer { try? other.close() }
            #expect(try other.departments.find(path: ["省政府", "测试处"])?.id == department.id)
            #expect(engine.waitSeconds >= 0)
            try engine.close()
            #expect(!engine.isHealthy())
        }
    }

    @Test func theIntegrityCheckFindsDisabledAppendOnlyTriggersInvalidIndexesAndABrokenChain() throws {
        try withEngine { engine, configuration in
            _ = try engine.departments.ensure(path: ["省政府"], by: .system)
            try engine.audit.append(AuditEvent(action: "test.one", subject: "x"), by: .system)
            let connection = try PostgresConnection(configuration: configuration)
            try connection.executeScript("""
                ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;
                ALTER TABLE users DISABLE TRIGGER USER;
                UPDATE audit_log SET action = 'test.rewritten' WHERE action = 'test.one';
                CREATE TABLE scratch (n bigint); INSERT INTO scratch VALUES (1), (1);
                """)
            // An index left invalid, as a failed CREATE UNIQUE INDEX CONCURRENTLY leaves it.
            _ = try? connection.executeScript("CREATE UNIQUE INDEX CONCURRENTLY scratch_n ON scratch (n)")
            let problems = try engine.checkIntegrity(limit: 20)
            #expect(problems.contains("audit_log is not append-only: the trigger audit_log_no_update is disabled"))
            #expect(problems.contains { $0.hasPrefix("the trigger users_") && $0.hasSuffix("is disabled") })
            #expect(problems.contains("the index scratch_n is invalid (rebuild it with REINDEX)"))
            #expect(problems.contains { $0.hasPrefix("the audit chain is broken at row") })
            #expect(try engine.checkIntegrity(limit: 2).count == 2)
            try connection.executeScript("DROP TRIGGER attempt_steps_no_delete ON attempt_steps")
            #expect(try engine.checkIntegrity(limit: 20)
                .contains("attempt_steps is not append-only: the trigger attempt_steps_no_delete is missing"))
        }
    }

    @Test func backsUpWithPgDumpIntoTheFolderAndRecordsIt() throws {
        try withEngine { engine, _ in
            _ = try engine.departments.ensure(path: ["省政府", "测试处"], by: .system)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pg-backups-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let backups = DatabaseBackups(folder: folder.path, databasePath: "training.sqlite")
            let outcome = try engine.backUp(into: backups, by: .commandLine, now: 1_800_000_000)
            #expect(outcome.isSound)
            #expect(outcome.file.name == "training-20270115-080000.dump")
            #expect(outcome.file.bytes > 1_000)
            let mode = try FileManager.default.attributesOfItem(atPath: outcome.file.path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            #expect(try engine.audit.recent(limit: 1).first?.action == "database.backup")
            // A second one at the same second gets its own name; an existing path is refused.
            #expect(try engine.backUp(into: backups, by: .commandLine, now: 1_800_000_000).file.name
                == "training-20270115-080000-2.dump")
            #expect(throws: DatabaseBackups.Failure.self) {
                try engine.backUp(to: outcome.file.path, by: .commandLine, now: 1_800_000_001)
            }
            #expect(throws: DatabaseBackups.Failure.folderMissing(folder.path + "/none")) {
                try engine.backUp(into: DatabaseBackups(folder: folder.path + "/none", databasePath: "t.sqlite"),
                                  by: .commandLine, now: 1)
            }
        }
    }

    @Test func aDumpThatFailsSaysWhyAndLeavesNoFile() throws {
        try withEngine { engine, configuration in
            var wrong = configuration
            wrong.database = "no_such_database_here"
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("pg-\(UUID().uuidString).dump").path
            #expect {
                try PostgresDump(configuration: wrong).write(to: path)
            } throws: { error in
                guard case .backupFailed(let message) = error as? PostgresEngineError else { return false }
                return message.contains("no_such_database_here")
            }
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    @Test func verifiesTheAuditChainAgainstCheckpointsKeptBesideTheNodesFiles() throws {
        try withEngine { engine, _ in
            _ = try engine.departments.ensure(path: ["省政府"], by: .system)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pg-audit-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let database = folder.appendingPathComponent("training.sqlite").path
            let settings = AuditAnchorSettings()
            let unanchored = try engine.verifyAudit(databasePath: database, settings: settings)
            #expect(unanchored.chain == .intact(rows: 1) && !unanchored.failed)
            #expect(unanchored.check?.findings == [.noCheckpoints(path: database + ".audit-checkpoints", missing: true)])
            let key = try AuditKey.loadOrCreate(at: settings.keyPath(databasePath: database))
            let anchor = engine.auditAnchor(key: key, file: AuditCheckpointFile(path: settings.checkpointsPath(databasePath: database)))
            let checkpoint = try #require(try anchor.checkpoint(reason: "test", at: 1_800_000_000))
            let anchored = try engine.verifyAudit(databasePath: database, settings: settings)
            #expect(!anchored.failed && anchored.matchedCheckpoint == checkpoint && anchored.rowsSinceCheckpoint == 0)
        }
    }
}
