import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct DatabaseLockTests {
    @Test func serversShareTheLockAndARestoreWaitsForThemAll() throws {
        let temporary = try TemporaryStore()
        let database = temporary.directory.appendingPathComponent("other.sqlite").path
        var first: DatabaseLock? = try DatabaseLock.shared(databasePath: database)
        var second: DatabaseLock? = try DatabaseLock.shared(databasePath: database)
        #expect(first?.path == database + ".lock")
        #expect(throws: DatabaseLockError.self) { try DatabaseLock.exclusive(databasePath: database) }
        first = nil
        #expect(throws: DatabaseLockError.self) { try DatabaseLock.exclusive(databasePath: database) }
        second = nil
        var restore: DatabaseLock? = try DatabaseLock.exclusive(databasePath: database)
        do {
            _ = try DatabaseLock.shared(databasePath: database)
            Issue.record("a server started during a restore")
        } catch let error as DatabaseLockError {
            #expect(error.description.contains("is being restored"))
        }
        restore = nil
        _ = try DatabaseLock.shared(databasePath: database)
        withExtendedLifetime((first, second, restore)) {}
    }
}
