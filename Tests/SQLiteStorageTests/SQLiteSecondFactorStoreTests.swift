import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct SQLiteSecondFactorStoreTests {
    /// A person on a fresh database and the store of their second factors.
    struct Fixture {
        let temporary: TemporaryStore
        let clock = ManualClock()
        let user: User
        let store: SQLiteSecondFactorStore

        init() throws {
            temporary = try TemporaryStore()
            user = try LearningFixtures.user(temporary, clock: clock)
            store = SQLiteSecondFactorStore(store: temporary.store)
        }

        /// Enrols the person with one recovery code.
        func enrol() throws {
            #expect(try store.startEnrolment(user.id, sealedSecret: Data([1]), now: clock.now))
            #expect(try store.confirm(user.id, step: 1, recoveryCodes: [(salt: Data([2]), digest: Data([3]))], now: clock.now,
                                      by: .system))
        }
    }

    @Test func aPendingSignInExpiresAndEndsAfterTheFailureLimit() throws {
        let fixture = try Fixture()
        let store = fixture.store
        let now = fixture.clock.now
        let pending = PendingSignIn(userID: fixture.user.id, method: .ldap, purpose: .enrol, next: "/hr", expiresAt: now + 300,
                                    failures: 0)
        try store.createPending(tokenHash: "a", pending, now: now)
        #expect(try store.pending(tokenHash: "a", now: now) == pending)
        #expect(try store.pending(tokenHash: "a", now: now + 300) == nil)
        #expect(try store.pending(tokenHash: "b", now: now) == nil)
        for expected in 1...4 { #expect(try store.failPending(tokenHash: "a", limit: 5) == expected) }
        #expect(try store.pending(tokenHash: "a", now: now)?.failures == 4)
        #expect(try store.failPending(tokenHash: "a", limit: 5) == 5)
        #expect(try store.pending(tokenHash: "a", now: now) == nil)
    }

    @Test func theMigrationRefusesUnknownPurposesAndRemovesRowsWithThePerson() throws {
        let fixture = try Fixture()
        try fixture.enrol()
        try fixture.temporary.store.write { db in
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: """
                    INSERT INTO pending_sign_ins (token_hash, user_id, method, purpose, next, created_at, expires_at)
                    VALUES ('x', ?, 'password', 'other', '/', 0, 1)
                    """, arguments: [fixture.user.id.rawValue])
            }
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            try db.execute(sql: "DELETE FROM sessions")
            try db.execute(sql: "DELETE FROM users WHERE id = ?", arguments: [fixture.user.id.rawValue])
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM second_factors") == 0)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM second_factor_recovery_codes") == 0)
        }
    }

    @Test func aCodeStepIsRecordedOnlyWhenLaterThanTheLastAndOnlyOnceEnabled() throws {
        let fixture = try Fixture()
        let store = fixture.store
        #expect(try store.startEnrolment(fixture.user.id, sealedSecret: Data([1, 2, 3]), now: 10))
        #expect(try !store.use(fixture.user.id, step: 5))
        #expect(try store.confirm(fixture.user.id, step: 5, recoveryCodes: [], now: 11, by: .system))
        #expect(try !store.confirm(fixture.user.id, step: 6, recoveryCodes: [], now: 12, by: .system))
        #expect(try !store.startEnrolment(fixture.user.id, sealedSecret: Data([4]), now: 13))
        #expect(try store.enrolment(of: fixture.user.id)?.sealedSecret == Data([1, 2, 3]))
        #expect(try !store.use(fixture.user.id, step: 5))
        #expect(try !store.use(fixture.user.id, step: 4))
        #expect(try store.use(fixture.user.id, step: 6))
        #expect(try store.enrolment(of: fixture.user.id)?.lastUsedStep == 6)
    }
}
