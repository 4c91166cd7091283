import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct DatabaseBackupsTests {
    @Test func backupsGoIntoTheFolderWithTimedNamesAndAreAudited() throws {
        let temporary = try TemporaryStore()
        let folder = temporary.path("backups")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let backups = DatabaseBackups(folder: folder, databasePath: temporary.store.path)
        #expect(backups.latest() == nil)
        let first = try backups.backUp(temporary.store, by: .commandLine, now: 1_800_000_000)
        #expect(first.isSound && first.file.name == "training-20270115-080000.sqlite")
        let second = try backups.backUp(temporary.store, by: .commandLine, now: 1_800_000_000)
        #expect(second.file.name == "training-20270115-080000-2.sqlite")
        #expect(backups.latest()?.path == second.file.path || backups.latest()?.path == first.file.path)
        #expect(first.file.bytes > 0)
        let copy = try DatabaseQueue(path: first.file.path)
        #expect(try copy.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM users") } == 0)
        try copy.close()
        let rows = try AuditLogQueries(store: temporary.store).page(AuditQuery(action: "database.backup"), scope: .organisation,
                                                                    limit: 10, offset: 0)
        #expect(rows.total == 2 && rows.records[1].entry.subject == first.file.name)
        #expect(AuditSubjects.decode(rows.records[1].entry.details)["integrity"] == "ok")
    }

    @Test func aMissingFolderIsRefusedAndWritesNothing() throws {
        let temporary = try TemporaryStore()
        let backups = DatabaseBackups(folder: temporary.path("nowhere"), databasePath: temporary.store.path)
        #expect(throws: DatabaseBackups.Failure.folderMissing(temporary.path("nowhere"))) {
            try backups.backUp(temporary.store, by: .commandLine, now: 1_800_000_000)
        }
        #expect(try AuditLogQueries(store: temporary.store).latest(action: "database.backup") == nil)
    }

    @Test func filesAndTheQuickCheckDescribeTheDatabase() throws {
        let temporary = try TemporaryStore()
        let files = DatabaseFiles.measure(temporary.store.path)
        #expect(files.bytes > 0 && files.path == temporary.store.path)
        #expect(try temporary.store.quickCheck() == ["ok"])
    }
}
