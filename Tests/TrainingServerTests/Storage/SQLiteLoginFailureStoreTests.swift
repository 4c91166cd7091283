import GRDB
import Testing
@testable import TrainingServer

@Suite struct SQLiteLoginFailureStoreTests {
    @Test func countsFailuresPerKeyAfterAMoment() throws {
        let temporary = try TemporaryStore()
        let failures = SQLiteLoginFailureStore(store: temporary.store)
        try failures.record(keys: ["login:a", "address:1"], at: 100)
        try failures.record(keys: ["login:a"], at: 200)
        try failures.record(keys: ["login:b"], at: 200)
        #expect(try failures.count(key: "login:a", since: 0) == 2)
        #expect(try failures.count(key: "login:a", since: 100) == 1)
        #expect(try failures.count(key: "address:1", since: 0) == 1)
        #expect(try failures.count(key: "login:c", since: 0) == 0)
    }

    @Test func clearForgetsOneKey() throws {
        let temporary = try TemporaryStore()
        let failures = SQLiteLoginFailureStore(store: temporary.store)
        try failures.record(keys: ["login:a", "login:b"], at: 100)
        try failures.clear(key: "login:a")
        #expect(try failures.count(key: "login:a", since: 0) == 0)
        #expect(try failures.count(key: "login:b", since: 0) == 1)
    }

    @Test func recordingForgetsFailuresOlderThanADay() throws {
        let temporary = try TemporaryStore()
        let failures = SQLiteLoginFailureStore(store: temporary.store)
        try failures.record(keys: ["login:a"], at: 0)
        try failures.record(keys: ["login:b"], at: 86_401)
        let rows = try temporary.store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM login_failures") }
        #expect(rows == 1)
    }
}
