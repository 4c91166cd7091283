import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct SQLiteSessionRepositoryTests {
    private static let start = 1_800_000_000.0
    private static let idle = 1_800.0
    private static let absolute = 43_200.0

    private struct Fixture {
        let temporary: TemporaryStore
        let sessions: SQLiteSessionRepository
        let users: SQLiteUserRepository
        let user: User

        init() throws {
            temporary = try TemporaryStore()
            sessions = SQLiteSessionRepository(store: temporary.store)
            users = SQLiteUserRepository(store: temporary.store, clock: { SQLiteSessionRepositoryTests.start })
            let department = try SQLiteDepartmentRepository(store: temporary.store, clock: { 0 }).ensure(path: ["处"], by: .system)
            user = try users.create(NewUser(login: "li", displayName: "李", departmentID: department.id,
                                            passwordHash: "h", roles: []), by: .system)
        }

        @discardableResult
        func create(_ token: String, at now: Double = SQLiteSessionRepositoryTests.start) throws -> SessionRecord {
            try sessions.create(tokenHash: token, userID: user.id, csrfSecret: "csrf-\(token)", now: now,
                                idleTimeout: SQLiteSessionRepositoryTests.idle,
                                absoluteTimeout: SQLiteSessionRepositoryTests.absolute, clientAddress: "192.0.2.1")
        }

        func resume(_ token: String, at now: Double) throws -> SessionRecord? {
            try sessions.resume(tokenHash: token, now: now, idleTimeout: SQLiteSessionRepositoryTests.idle)?.0
        }
    }

    @Test func aNewSessionResumesWithItsUser() throws {
        let fixture = try Fixture()
        let created = try fixture.create("t")
        #expect(created.idleExpiresAt == Self.start + Self.idle)
        #expect(created.absoluteExpiresAt == Self.start + Self.absolute)
        let resumed = try #require(try fixture.sessions.resume(tokenHash: "t", now: Self.start + 10, idleTimeout: Self.idle))
        #expect(resumed.0.id == created.id)
        #expect(resumed.0.csrfSecret == "csrf-t")
        #expect(resumed.1 == fixture.user)
        #expect(try fixture.resume("other", at: Self.start + 10) == nil)
    }

    @Test func anIdleSessionIsNotResumed() throws {
        let fixture = try Fixture()
        try fixture.create("t")
        #expect(try fixture.resume("t", at: Self.start + Self.idle - 1) != nil)
        let fresh = try Fixture()
        try fresh.create("t")
        #expect(try fresh.resume("t", at: Self.start + Self.idle) == nil)
    }

    @Test func useSlidesTheIdleExpiryButNotPastTheAbsoluteOne() throws {
        let fixture = try Fixture()
        try fixture.create("t")
        // Within the first minute nothing is written.
        #expect(try fixture.resume("t", at: Self.start + 30)?.idleExpiresAt == Self.start + Self.idle)
        var now = Self.start
        // Using the session every 20 minutes keeps it alive well past one idle timeout.
        for _ in 0..<6 {
            now += 1_200
            let record = try #require(try fixture.resume("t", at: now))
            #expect(record.idleExpiresAt == now + Self.idle)
        }
        let stored = try fixture.temporary.store.read { db in
            try Double.fetchOne(db, sql: "SELECT idle_expires_at FROM sessions WHERE token_hash = 't'")
        }
        #expect(stored == now + Self.idle)
        // Near the absolute limit the idle expiry is capped there, and after it the session is gone.
        let late = Self.start + Self.absolute - 600
        var cursor = now
        while cursor + 1_200 < late {
            cursor += 1_200
            _ = try #require(try fixture.resume("t", at: cursor))
        }
        #expect(try fixture.resume("t", at: late)?.idleExpiresAt == Self.start + Self.absolute)
        #expect(try fixture.resume("t", at: Self.start + Self.absolute) == nil)
    }

    @Test func aDisabledUsersSessionIsNotResumedEvenIfItsRowRemains() throws {
        let fixture = try Fixture()
        try fixture.create("t")
        try fixture.temporary.store.write { db in
            try db.execute(sql: "UPDATE users SET disabled = 1 WHERE id = ?", arguments: [fixture.user.id.rawValue])
        }
        #expect(try fixture.resume("t", at: Self.start + 1) == nil)
    }

    @Test func deleteEndsOneSessionAndDeleteAllEndsEveryOne() throws {
        let fixture = try Fixture()
        try fixture.create("a")
        try fixture.create("b")
        try fixture.create("c")
        try fixture.sessions.delete(tokenHash: "a")
        #expect(try fixture.resume("a", at: Self.start + 1) == nil)
        #expect(try fixture.resume("b", at: Self.start + 1) != nil)
        try fixture.sessions.deleteAll(userID: fixture.user.id)
        #expect(try fixture.resume("b", at: Self.start + 1) == nil)
        #expect(try fixture.resume("c", at: Self.start + 1) == nil)
        try fixture.sessions.delete(tokenHash: "never-existed")
    }

    @Test func purgeRemovesOnlyExpiredSessions() throws {
        let fixture = try Fixture()
        try fixture.create("old", at: Self.start - Self.idle - 1)
        try fixture.create("older", at: Self.start - Self.absolute)
        try fixture.create("live")
        #expect(try fixture.sessions.purgeExpired(now: Self.start) == 2)
        #expect(try fixture.sessions.purgeExpired(now: Self.start) == 0)
        #expect(try fixture.resume("live", at: Self.start + 1) != nil)
    }

    @Test func tokenHashesAreUnique() throws {
        let fixture = try Fixture()
        try fixture.create("same")
        #expect(throws: DatabaseError.self) { try fixture.create("same") }
    }
}
