import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Synchronization
import Testing
@testable import TrainingServer

/// The session and user cache (`SessionCache`, `CachedSessionRepository`, `SessionCachingUserRepository`): answers
/// from memory, and every change that matters ends a cached session at once.
@Suite struct SessionCacheTests {
    private static let start = 1_800_000_000.0
    private static let idle = 1_800.0

    private struct Fixture {
        let temporary: TemporaryStore
        let cache: SessionCache
        let sessions: CachedSessionRepository
        let users: SessionCachingUserRepository
        /// The same database as another process sees it: no cache, no wrapper.
        let otherProcessUsers: SQLiteUserRepository
        let user: User

        /// `stamp`: whether the cache watches the database's change stamp (as the server does).
        init(stamp: Bool = true, lifetime: Double = 30, capacity: Int = 100) throws {
            temporary = try TemporaryStore()
            cache = SessionCache(lifetime: lifetime, capacity: capacity,
                                 changes: stamp ? ChangeStamp.accounts(databasePath: temporary.store.path) : nil)
            sessions = CachedSessionRepository(SQLiteSessionRepository(store: temporary.store), cache: cache)
            let base = SQLiteUserRepository(store: temporary.store, clock: { SessionCacheTests.start })
            users = SessionCachingUserRepository(base, cache: cache)
            otherProcessUsers = SQLiteUserRepository(store: temporary.store, clock: { SessionCacheTests.start })
            let department = try SQLiteDepartmentRepository(store: temporary.store, clock: { 0 }).ensure(path: ["处"], by: .system)
            user = try users.create(NewUser(login: "li", displayName: "李", departmentID: department.id,
                                            passwordHash: "h", roles: []), by: .system)
        }

        func create(_ token: String) throws {
            _ = try sessions.create(tokenHash: token, userID: user.id, csrfSecret: "csrf", now: SessionCacheTests.start,
                                    idleTimeout: SessionCacheTests.idle, absoluteTimeout: 43_200, clientAddress: "192.0.2.1")
        }

        func resume(_ token: String, at offset: Double = 10) throws -> (SessionRecord, User)? {
            try sessions.resume(tokenHash: token, now: SessionCacheTests.start + offset, idleTimeout: SessionCacheTests.idle)
        }

        /// Renames the person behind every cache's back (no stamp): shows whether an answer came from the cache.
        func renameSilently(_ name: String) throws {
            try temporary.store.write { db in
                try db.execute(sql: "UPDATE users SET display_name = ? WHERE id = ?", arguments: [name, user.id.rawValue])
            }
        }

        func storedIdleExpiry(_ token: String) throws -> Double? {
            try temporary.store.read { db in
                try Double.fetchOne(db, sql: "SELECT idle_expires_at FROM sessions WHERE token_hash = ?", arguments: [token])
            }
        }
    }

    @Test func aResumedSessionIsAnsweredFromMemoryUntilItsLifetimeEnds() throws {
        let fixture = try Fixture(lifetime: 30)
        try fixture.create("t")
        #expect(try fixture.resume("t", at: 10)?.1.displayName == "李")
        try fixture.renameSilently("王")
        #expect(try fixture.resume("t", at: 20)?.1.displayName == "李", "within the lifetime: from memory")
        #expect(try fixture.resume("t", at: 41)?.1.displayName == "王", "after the lifetime: read again")
    }

    @Test func signingOutEndsTheCachedSessionAtOnce() throws {
        let fixture = try Fixture(stamp: false)
        try fixture.create("t")
        try fixture.create("other")
        #expect(try fixture.resume("t") != nil)
        #expect(try fixture.resume("other") != nil)
        try fixture.sessions.delete(tokenHash: "t")
        #expect(try fixture.resume("t", at: 11) == nil)
        #expect(try fixture.resume("other", at: 11) != nil)
    }

    @Test func endingAllSessionsOfAPersonEndsTheirCachedSessions() throws {
        let fixture = try Fixture(stamp: false)
        try fixture.create("a")
        try fixture.create("b")
        _ = try fixture.resume("a")
        _ = try fixture.resume("b")
        try fixture.sessions.deleteAll(userID: fixture.user.id)
        #expect(try fixture.resume("a", at: 11) == nil)
        #expect(try fixture.resume("b", at: 11) == nil)
    }

    @Test func disablingAnAccountEndsItsCachedSessions() throws {
        let fixture = try Fixture(stamp: false)
        try fixture.create("t")
        _ = try fixture.resume("t")
        try fixture.users.setDisabled(true, id: fixture.user.id, by: .system)
        #expect(try fixture.resume("t", at: 11) == nil)
    }

    @Test func aNewPasswordEndsTheCachedSessions() throws {
        let fixture = try Fixture(stamp: false)
        try fixture.create("t")
        _ = try fixture.resume("t")
        try fixture.users.setPasswordHash("new", id: fixture.user.id, by: .system)
        #expect(try fixture.resume("t", at: 11) == nil)
    }

    @Test func languageTimeZoneAndEnablingAreSeenOnTheNextRequest() throws {
        let fixture = try Fixture(stamp: false)
        try fixture.create("t")
        _ = try fixture.resume("t")
        try fixture.users.setLanguage("en", id: fixture.user.id)
        #expect(try fixture.resume("t", at: 11)?.1.language == "en")
        try fixture.users.setTimeZone("Europe/Berlin", id: fixture.user.id)
        #expect(try fixture.resume("t", at: 12)?.1.timeZone == "Europe/Berlin")
        // Enabling: a person disabled elsewhere and enabled here keeps no stale entry either.
        try fixture.renameSilently("王")
        try fixture.users.setDisabled(false, id: fixture.user.id, by: .system)
        #expect(try fixture.resume("t", at: 13)?.1.displayName == "王")
    }

    @Test func purgingClearsTheCache() throws {
        let fixture = try Fixture(stamp: false)
        try fixture.create("t")
        _ = try fixture.resume("t")
        try fixture.renameSilently("王")
        _ = try fixture.sessions.purgeExpired(now: Self.start + 12)
        #expect(try fixture.resume("t", at: 13)?.1.displayName == "王")
    }

    @Test func anotherProcessDisablingThePersonIsSeenOnTheNextRequest() throws {
        let fixture = try Fixture()
        try fixture.create("t")
        _ = try fixture.resume("t")
        // As `users disable` from the command line does: its own repository, no access to this cache.
        try fixture.otherProcessUsers.setDisabled(true, id: fixture.user.id, by: .system)
        #expect(try fixture.resume("t", at: 11) == nil)
    }

    @Test func anotherProcessChangingGrantsIsSeenOnTheNextRequest() throws {
        let fixture = try Fixture()
        try fixture.create("t")
        #expect(try fixture.resume("t")?.1.roles == [.learner])
        // A staff import's grant change: written, then the stamp touched after the commit.
        try fixture.temporary.store.write { db in
            try db.execute(sql: "INSERT INTO role_grants (user_id, role, department_id) SELECT id, 'trainer', department_id FROM users WHERE id = ?",
                           arguments: [fixture.user.id.rawValue])
        }
        #expect(try fixture.resume("t", at: 11)?.1.roles == [.learner], "no stamp yet: from memory")
        ChangeStamp.accounts(databasePath: fixture.temporary.store.path).touch()
        #expect(try fixture.resume("t", at: 12)?.1.roles == [.learner, .trainer])
    }

    @Test func withAStampIntervalAnotherProcessesChangeIsSeenOnceTheIntervalHasPassed() throws {
        let temporary = try TemporaryStore()
        let nanoseconds = Atomic<UInt64>(1_000_000_000)
        let cache = SessionCache(changes: ChangeStamp.accounts(databasePath: temporary.store.path), stampInterval: 0.01,
                                 stampClock: { nanoseconds.load(ordering: .relaxed) })
        let sessions = CachedSessionRepository(SQLiteSessionRepository(store: temporary.store), cache: cache)
        let users = SQLiteUserRepository(store: temporary.store, clock: { SessionCacheTests.start })
        let department = try SQLiteDepartmentRepository(store: temporary.store, clock: { 0 }).ensure(path: ["处"], by: .system)
        let user = try users.create(NewUser(login: "li", displayName: "李", departmentID: department.id, passwordHash: "h",
                                            roles: []), by: .system)
        _ = try sessions.create(tokenHash: "t", userID: user.id, csrfSecret: "csrf", now: Self.start, idleTimeout: Self.idle,
                                absoluteTimeout: 43_200, clientAddress: "192.0.2.1")
        #expect(try sessions.resume(tokenHash: "t", now: Self.start + 10, idleTimeout: Self.idle) != nil)
        nanoseconds.add(20_000_000, ordering: .relaxed)
        #expect(try sessions.resume(tokenHash: "t", now: Self.start + 11, idleTimeout: Self.idle) != nil,
                "reads the stamp (the interval has passed) and keeps the entry: nothing changed")
        // `users disable` from the command line (another process: its touch of the stamp is not counted in this one),
        // 1 ms after that reading: within the interval, the reading stands.
        try temporary.store.write { db in
            try db.execute(sql: "UPDATE users SET disabled = 1 WHERE id = ?", arguments: [user.id.rawValue])
            try db.execute(sql: "DELETE FROM sessions WHERE user_id = ?", arguments: [user.id.rawValue])
        }
        let stampPath = ChangeStamp.accounts(databasePath: temporary.store.path).path
        _ = FileManager.default.createFile(atPath: stampPath, contents: nil)
        var times = [timespec(tv_sec: 2_000, tv_nsec: 0), timespec(tv_sec: 2_000, tv_nsec: 0)]
        _ = utimensat(AT_FDCWD, stampPath, &times, 0)
        nanoseconds.add(1_000_000, ordering: .relaxed)
        #expect(try sessions.resume(tokenHash: "t", now: Self.start + 12, idleTimeout: Self.idle) != nil,
                "within the interval: from memory")
        nanoseconds.add(10_000_000, ordering: .relaxed)
        #expect(try sessions.resume(tokenHash: "t", now: Self.start + 13, idleTimeout: Self.idle) == nil,
                "once the interval has passed: the stamp moved, the session is read again and ended")
    }

    @Test func withAStampIntervalThisProcesssOwnChangeIsSeenAtOnce() throws {
        let temporary = try TemporaryStore()
        let nanoseconds = Atomic<UInt64>(1_000_000_000)
        let cache = SessionCache(changes: ChangeStamp.accounts(databasePath: temporary.store.path), stampInterval: 0.01,
                                 stampClock: { nanoseconds.load(ordering: .relaxed) })
        let sessions = CachedSessionRepository(SQLiteSessionRepository(store: temporary.store), cache: cache)
        // Not the caching decorator: an administration page's write through the plain repository.
        let users = SQLiteUserRepository(store: temporary.store, clock: { SessionCacheTests.start })
        let department = try SQLiteDepartmentRepository(store: temporary.store, clock: { 0 }).ensure(path: ["处"], by: .system)
        let user = try users.create(NewUser(login: "li", displayName: "李", departmentID: department.id, passwordHash: "h",
                                            roles: []), by: .system)
        _ = try sessions.create(tokenHash: "t", userID: user.id, csrfSecret: "csrf", now: Self.start, idleTimeout: Self.idle,
                                absoluteTimeout: 43_200, clientAddress: "192.0.2.1")
        #expect(try sessions.resume(tokenHash: "t", now: Self.start + 10, idleTimeout: Self.idle) != nil)
        try users.setDisabled(true, id: user.id, reason: "调离", by: .system)
        #expect(try sessions.resume(tokenHash: "t", now: Self.start + 11, idleTimeout: Self.idle) == nil,
                "no time passed, but this process touched the stamp: the session is read again and ended")
    }

    @Test func tokensSpreadOverTheShardsStayApart() throws {
        let fixture = try Fixture(stamp: false)
        let tokens = (0..<40).map { String(format: "%064x", $0 * 7919) }
        for token in tokens { try fixture.create(token) }
        for token in tokens { #expect(try fixture.resume(token) != nil) }
        #expect(fixture.cache.count == tokens.count)
        try fixture.sessions.delete(tokenHash: tokens[3])
        #expect(fixture.cache.count == tokens.count - 1)
        #expect(try fixture.resume(tokens[3], at: 11) == nil)
        #expect(try fixture.resume(tokens[4], at: 11) != nil)
        try fixture.users.setDisabled(true, id: fixture.user.id, by: .system)
        #expect(fixture.cache.count == 0, "every shard drops the person's sessions")
    }

    @Test func aPersonHoldingMoreThanTheLearnerRoleIsAlwaysReadFromTheDatabase() throws {
        let fixture = try Fixture()
        try fixture.temporary.store.write { db in
            try db.execute(sql: "INSERT INTO role_grants (user_id, role, department_id) SELECT id, 'hr', department_id FROM users WHERE id = ?",
                           arguments: [fixture.user.id.rawValue])
        }
        try fixture.create("t")
        #expect(try fixture.resume("t")?.1.roles == [.learner, .hr])
        #expect(fixture.cache.count == 0)
        // A grant withdrawn by hand (no stamp touched) narrows the next request.
        try fixture.temporary.store.write { db in
            try db.execute(sql: "DELETE FROM role_grants WHERE user_id = ? AND role = 'hr'", arguments: [fixture.user.id.rawValue])
        }
        #expect(try fixture.resume("t", at: 11)?.1.roles == [.learner])
    }

    @Test func anIdleSessionIsNotAnsweredFromMemory() throws {
        let fixture = try Fixture(lifetime: 10_000)
        try fixture.create("t")
        #expect(try fixture.resume("t", at: 10) != nil)
        #expect(try fixture.resume("t", at: Self.idle) == nil, "idle since its start: ended, even though cached")
    }

    @Test func useStillSlidesTheIdleExpiry() throws {
        let fixture = try Fixture(lifetime: 10_000)
        try fixture.create("t")
        #expect(try fixture.resume("t", at: 10)?.0.idleExpiresAt == Self.start + Self.idle)
        #expect(try fixture.storedIdleExpiry("t") == Self.start + Self.idle)
        // More than a minute later the expiry moves, in the database too, though the entry is still fresh.
        let slid = try #require(try fixture.resume("t", at: 100))
        #expect(slid.0.idleExpiresAt == Self.start + 100 + Self.idle)
        #expect(try fixture.storedIdleExpiry("t") == Self.start + 100 + Self.idle)
        // And the session stays alive past its first idle expiry.
        #expect(try fixture.resume("t", at: Self.idle + 50) != nil)
    }

    @Test func aReadFromBeforeAnInvalidationIsNotKept() throws {
        let fixture = try Fixture(stamp: false)
        try fixture.create("t")
        let (session, user) = try #require(try SQLiteSessionRepository(store: fixture.temporary.store)
            .resume(tokenHash: "t", now: Self.start, idleTimeout: Self.idle))
        let generation = fixture.cache.generation("t")
        fixture.cache.invalidate(userID: user.id)
        fixture.cache.store("t", session: session, user: user, now: Self.start, readAt: generation)
        #expect(fixture.cache.lookup("t", now: Self.start + 1) == nil)
        fixture.cache.store("t", session: session, user: user, now: Self.start, readAt: fixture.cache.generation("t"))
        #expect(fixture.cache.lookup("t", now: Self.start + 1) != nil)
    }

    /// What the threads of `anInvalidationEndsTheEntryForEveryThreadThatLookedItUp` found, before and after.
    private final class Findings: Sendable {
        let found = Mutex<[(before: Bool, after: Bool)]>([])
    }

    @Test func anInvalidationEndsTheEntryForEveryThreadThatLookedItUp() throws {
        let fixture = try Fixture(stamp: false)
        try fixture.create("t")
        #expect(try fixture.resume("t") != nil)
        let cache = fixture.cache
        let now = Self.start + 10
        let threads = 8
        let looked = DispatchSemaphore(value: 0), invalidated = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        let findings = Findings()
        // Each thread looks the session up (its memo then holds it), waits for the invalidation, and looks again.
        for _ in 0..<threads {
            Thread {
                let before = cache.lookup("t", now: now) != nil
                looked.signal()
                invalidated.wait()
                let after = cache.lookup("t", now: now) != nil
                findings.found.withLock { $0.append((before, after)) }
                done.signal()
            }.start()
        }
        for _ in 0..<threads { looked.wait() }
        cache.invalidate(tokenHash: "t")
        for _ in 0..<threads { invalidated.signal() }
        for _ in 0..<threads { done.wait() }
        let found = findings.found.withLock { $0 }
        #expect(found.map(\.before) == Array(repeating: true, count: threads))
        #expect(found.map(\.after) == Array(repeating: false, count: threads), "no thread's memo outlives the invalidation")
    }

    @Test func theCacheStaysWithinItsCapacity() throws {
        let fixture = try Fixture(stamp: false, capacity: 3)
        for token in ["a", "b", "c", "d", "e"] {
            try fixture.create(token)
            _ = try fixture.resume(token)
            #expect(fixture.cache.count <= 3)
        }
        #expect(try fixture.resume("a", at: 11) != nil, "an entry dropped for room is read again")
    }
}
