@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct SQLiteServerKeyStoreTests {
    @Test func aKeyIsMadeOnceAndEveryInstanceOnTheDatabaseReadsIt() throws {
        let temporary = try TemporaryStore()
        let first = try SQLiteServerKeyStore(store: temporary.store).key(named: "k", now: 1) { Array(repeating: 1, count: 32) }
        #expect(first == Array(repeating: 1, count: 32))
        // A second process on the same file: it finds the key and does not make another.
        let other = try Store(path: temporary.store.path, readers: 1)
        var made = false
        let second = try SQLiteServerKeyStore(store: other).key(named: "k", now: 2) {
            made = true
            return Array(repeating: 2, count: 32)
        }
        #expect(second == first)
        #expect(!made)
        let another = try SQLiteServerKeyStore(store: other).key(named: "other", now: 2) { Array(repeating: 3, count: 32) }
        #expect(another == Array(repeating: 3, count: 32))
    }

    @Test func aShortKeyIsRefusedByTheSchema() throws {
        let temporary = try TemporaryStore()
        #expect(throws: (any Error).self) {
            try SQLiteServerKeyStore(store: temporary.store).key(named: "k", now: 1) { [1, 2, 3] }
        }
    }
}
