import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct SQLiteIssuerKeyRepositoryTests {
    @Test func keysAreListedNewestFirstAndRecordedOnce() throws {
        let temporary = try TemporaryStore()
        let repository = SQLiteIssuerKeyRepository(store: temporary.store)
        #expect(try repository.published().isEmpty)
        let old = try IssuerKey.generate().publicKey
        let new = try TemporaryStore.issuer().key.publicKey
        try repository.publish(old, at: 100)
        try repository.publish(new, at: 200)
        try repository.publish(old, at: 300)
        #expect(try repository.published() == [new, old])
    }
}
