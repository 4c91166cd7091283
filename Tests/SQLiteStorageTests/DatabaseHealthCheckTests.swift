import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct DatabaseHealthCheckTests {
    @Test func aMigratedDatabaseIsHealthyOnEveryConnection() throws {
        let temporary = try TemporaryStore()
        let check = DatabaseHealthCheck(path: temporary.store.path, connections: 3)
        // More checks than connections, from several threads, so that every connection is opened and used.
        let results = (0..<12).map { _ in check.check() }
        #expect(results.allSatisfy { $0 })
        DispatchQueue.concurrentPerform(iterations: 200) { _ in #expect(check.check()) }
    }

    @Test func aClosedCheckIsUnhealthyForGood() throws {
        let temporary = try TemporaryStore()
        let check = DatabaseHealthCheck(path: temporary.store.path)
        #expect(check.check())
        check.close()
        #expect(!check.check())
        #expect(!check.check())
    }

    @Test func aMissingFileIsUnhealthyAndIsNotCreated() throws {
        let temporary = try TemporaryStore()
        let path = temporary.path("missing.sqlite")
        #expect(!DatabaseHealthCheck(path: path).check())
        #expect(!FileManager.default.fileExists(atPath: path), "the check opens read-only")
    }

    @Test func aFileThatIsNotADatabaseIsUnhealthy() throws {
        let temporary = try TemporaryStore()
        let path = temporary.path("garbage.sqlite")
        #expect(FileManager.default.createFile(atPath: path, contents: Data(repeating: 0x5A, count: 8_192)))
        #expect(!DatabaseHealthCheck(path: path).check())
    }

    @Test func aDatabaseWithoutTablesIsUnhealthy() throws {
        let temporary = try TemporaryStore()
        let path = temporary.path("empty.sqlite")
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "PRAGMA user_version = 1") }
        try queue.close()
        #expect(!DatabaseHealthCheck(path: path).check())
    }

    /// Nothing is remembered: a database that breaks is reported at the next check, and one that comes back is
    /// healthy again at the next check after that.
    @Test func everyCheckAsksTheDatabaseAndRecovers() throws {
        let temporary = try TemporaryStore()
        let path = temporary.path("plain.sqlite")
        // A rollback-journal database: each read compares the file's header, so a change on disk is seen at once.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "CREATE TABLE t (x INTEGER)") }
        try queue.close()
        let original = try Data(contentsOf: URL(fileURLWithPath: path))

        let check = DatabaseHealthCheck(path: path)
        #expect(check.check())
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.write(contentsOf: Data(repeating: 0x5A, count: original.count))
        try handle.synchronize()
        #expect(!check.check())
        #expect(!check.check())
        try handle.seek(toOffset: 0)
        try handle.write(contentsOf: original)
        try handle.close()
        #expect(check.check())
    }
}
