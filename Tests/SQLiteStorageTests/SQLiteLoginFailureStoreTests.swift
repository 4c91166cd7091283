import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct SQLiteLoginFailureStoreTests {
    @Test func admitCountsEachKeyAndRecordsOnlyWhenAllowed() throws {
        let temporary = try TemporaryStore()
        let failures = SQLiteLoginFailureStore(store: temporary.store)
        let first = try failures.admit(keys: ["login:a", "address:1"], since: 0, usual: "1 a", usualSince: 0, at: 100) { counts, usual in
            #expect(counts["login:a"] == LoginFailureCounts(count: 0, oldest: nil, latest: nil))
            #expect(!usual)
            return nil
        }
        #expect(first.wait == nil && first.rowIDs.count == 2)
        _ = try failures.admit(keys: ["login:a"], since: 0, usual: "1 a", usualSince: 0, at: 200) { _, _ in nil }
        let refused = try failures.admit(keys: ["login:a", "address:1"], since: 0, usual: "1 a", usualSince: 0, at: 300) { counts, _ in
            #expect(counts["login:a"] == LoginFailureCounts(count: 2, oldest: 100, latest: 200))
            #expect(counts["address:1"]?.count == 1)
            return 42
        }
        #expect(refused.wait == 42 && refused.rowIDs.isEmpty)
        #expect(try failures.count(key: "login:a", since: 0) == 2)
        #expect(try failures.count(key: "login:a", since: 100) == 1)
    }

    @Test func forgetRemovesTheAttemptClearsOneKeyAndRemembersTheUsualAddress() throws {
        let temporary = try TemporaryStore()
        let failures = SQLiteLoginFailureStore(store: temporary.store)
        _ = try failures.admit(keys: ["login:a", "pair:1 a"], since: 0, usual: "1 a", usualSince: 0, at: 1) { _, _ in nil }
        let attempt = try failures.admit(keys: ["login:a", "pair:1 a", "address:1"], since: 0, usual: "1 a", usualSince: 0,
                                         at: 2) { _, _ in nil }
        try failures.forget(rowIDs: attempt.rowIDs, clearing: "pair:1 a", usual: "1 a", at: 2)
        #expect(try failures.count(key: "login:a", since: 0) == 1)
        #expect(try failures.count(key: "pair:1 a", since: 0) == 0)
        #expect(try failures.count(key: "address:1", since: 0) == 0)
        _ = try failures.admit(keys: ["login:a"], since: 0, usual: "1 a", usualSince: 1, at: 3) { _, usual in
            #expect(usual)
            return 1
        }
        _ = try failures.admit(keys: ["login:a"], since: 0, usual: "1 a", usualSince: 2, at: 3) { _, usual in
            #expect(!usual)
            return 1
        }
    }

    @Test func recordingForgetsFailuresOlderThanADay() throws {
        let temporary = try TemporaryStore()
        let failures = SQLiteLoginFailureStore(store: temporary.store)
        _ = try failures.admit(keys: ["login:a"], since: 0, usual: "", usualSince: 0, at: 0) { _, _ in nil }
        _ = try failures.admit(keys: ["login:b"], since: 0, usual: "", usualSince: 0, at: 86_401) { _, _ in nil }
        let rows = try temporary.store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM login_failures") }
        #expect(rows == 1)
    }

    @Test func anAccountsFailuresAreCountedAndClearedWithoutTouchingOthers() throws {
        let temporary = try TemporaryStore()
        let failures = SQLiteLoginFailureStore(store: temporary.store)
        for (key, at) in [("login:li", 100.0), ("login:li", 110), ("pair:1.1.1.1 li", 100), ("pair:1.1.1.1 li", 110),
                          ("pair:2.2.2.2 li", 120), ("pair:1.1.1.1 xli", 100), ("login:xli", 100), ("address:1.1.1.1", 100)] {
            _ = try failures.admit(keys: [key], since: 0, usual: "-", usualSince: 0, at: at) { _, _ in nil }
        }
        let counts = try failures.failures(account: "login:li", pairSuffix: " li", since: 0)
        #expect(counts.account == 2 && counts.worstPair == 2)
        #expect(try failures.failures(account: "login:li", pairSuffix: " li", since: 105) == (account: 1, worstPair: 1))
        #expect(try failures.clear(account: "login:li", pairSuffix: " li") == 5)
        #expect(try failures.failures(account: "login:li", pairSuffix: " li", since: 0) == (account: 0, worstPair: 0))
        #expect(try failures.count(key: "login:xli", since: 0) == 1)
        #expect(try failures.count(key: "pair:1.1.1.1 xli", since: 0) == 1)
        #expect(try failures.count(key: "address:1.1.1.1", since: 0) == 1)
    }
}
