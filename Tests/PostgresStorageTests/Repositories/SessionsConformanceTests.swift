import Foundation
import PostgresStorage
import Testing
import SQLiteStorage
import TrainingServer

/// Browser sessions and sign-in records give the same answers on SQLite and PostgreSQL (the cases of
/// `SQLiteSessionRepositoryTests`, plus sign-in records and provider sessions).
@Suite struct SessionsConformanceTests {
    static let idle = 1_800.0
    static let absolute = 43_200.0

    @discardableResult
    static func create(_ storage: StorageFixture, _ user: User, _ token: String, at now: Double? = nil,
                       method: SignInMethod = .password, secondFactor: Bool = false, address: String = "192.0.2.1",
                       providerSession: String? = nil) throws -> SessionRecord {
        try storage.sessions.create(tokenHash: token, userID: user.id, csrfSecret: "csrf-\(token)",
                                    now: now ?? storage.clock.current, idleTimeout: idle, absoluteTimeout: absolute,
                                    clientAddress: address, method: method, secondFactor: secondFactor,
                                    providerSession: providerSession)
    }

    static func resume(_ storage: StorageFixture, _ token: String, at now: Double) throws -> SessionRecord? {
        try storage.sessions.resume(tokenHash: token, now: now, idleTimeout: idle)?.0
    }

    @Test(arguments: StorageKind.enabled)
    func aNewSessionResumesWithItsUser(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("li", in: try storage.department("处"), roles: [.trainer])
            let start = storage.clock.current
            let created = try Self.create(storage, user, "t", method: .oidc, providerSession: "id-token")
            #expect(created.idleExpiresAt == start + Self.idle && created.absoluteExpiresAt == start + Self.absolute)
            #expect(created.createdAt == start && created.method == .oidc && created.providerSession == "id-token")
            let (record, resumedUser) = try #require(try storage.sessions.resume(tokenHash: "t", now: start + 10,
                                                                                  idleTimeout: Self.idle))
            #expect(record == created, "every field read back as written")
            #expect(resumedUser == user)
            #expect(try Self.resume(storage, "other", at: start + 10) == nil)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func anIdleSessionIsNotResumed(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("li", in: try storage.department("处"))
            let start = storage.clock.current
            try Self.create(storage, user, "a")
            try Self.create(storage, user, "b")
            #expect(try Self.resume(storage, "a", at: start + Self.idle - 1) != nil)
            #expect(try Self.resume(storage, "b", at: start + Self.idle) == nil, "the idle expiry itself is too late")
        }
    }

    @Test(arguments: StorageKind.enabled)
    func useSlidesTheIdleExpiryButNotPastTheAbsoluteOne(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("li", in: try storage.department("处"))
            let start = storage.clock.current
            try Self.create(storage, user, "t")
            // Within the first minute nothing is written.
            #expect(try Self.resume(storage, "t", at: start + 30)?.idleExpiresAt == start + Self.idle)
            #expect(try storage.integer("SELECT count(*) FROM sessions WHERE last_seen_at = ?", [.double(start)]) == 1)
            var now = start
            // Using the session every 20 minutes keeps it alive well past one idle timeout.
            for _ in 0..<6 {
                now += 1_200
                #expect(try Self.resume(storage, "t", at: now)?.idleExpiresAt == now + Self.idle)
            }
            #expect(try storage.integer("SELECT count(*) FROM sessions WHERE idle_expires_at = ? AND last_seen_at = ?",
                                        [.double(now + Self.idle), .double(now)]) == 1)
            // Near the absolute limit the idle expiry is capped there, and after it the session is gone.
            let late = start + Self.absolute - 600
            while now + 1_200 < late {
                now += 1_200
                _ = try #require(try Self.resume(storage, "t", at: now))
            }
            #expect(try Self.resume(storage, "t", at: late)?.idleExpiresAt == start + Self.absolute)
            #expect(try Self.resume(storage, "t", at: start + Self.absolute) == nil)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func aDisabledUsersSessionIsNotResumedEvenIfItsRowRemains(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("li", in: try storage.department("处"))
            try Self.create(storage, user, "t")
            try storage.execute("UPDATE users SET disabled = 1 WHERE id = ?", [.int(user.id.rawValue)])
            #expect(try Self.resume(storage, "t", at: storage.clock.current + 1) == nil)
            #expect(try storage.sessionCount(of: user) == 1)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func deleteEndsOneSessionDeleteAllEveryOneAndProviderLogoutItsOwn(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let department = try storage.department("处")
            let user = try storage.user("li", in: department)
            let other = try storage.user("wang", in: department)
            let now = storage.clock.current + 1
            for token in ["a", "b", "c"] { try Self.create(storage, user, token) }
            try Self.create(storage, user, "cas-1", method: .cas, providerSession: "ST-1")
            try Self.create(storage, other, "cas-2", method: .cas, providerSession: "ST-1")
            try Self.create(storage, other, "cas-3", method: .cas, providerSession: "ST-2")
            try Self.create(storage, other, "w")
            try storage.sessions.delete(tokenHash: "a")
            #expect(try Self.resume(storage, "a", at: now) == nil)
            #expect(try Self.resume(storage, "b", at: now) != nil)
            #expect(try storage.sessions.delete(providerSession: "ST-1") == 2)
            #expect(try storage.sessions.delete(providerSession: "ST-1") == 0)
            #expect(try Self.resume(storage, "cas-3", at: now) != nil)
            try storage.sessions.deleteAll(userID: user.id)
            #expect(try Self.resume(storage, "b", at: now) == nil && Self.resume(storage, "c", at: now) == nil)
            #expect(try Self.resume(storage, "w", at: now) != nil, "another person's sessions stay")
            try storage.sessions.delete(tokenHash: "never-existed")
            // Ending sessions keeps the record of the sign-ins.
            #expect(try storage.count("sign_ins") == 7)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func purgeRemovesOnlyExpiredSessions(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("li", in: try storage.department("处"))
            let start = storage.clock.current
            try Self.create(storage, user, "old", at: start - Self.idle - 1)
            try Self.create(storage, user, "older", at: start - Self.absolute)
            try Self.create(storage, user, "live")
            #expect(try storage.sessions.purgeExpired(now: start) == 2)
            #expect(try storage.sessions.purgeExpired(now: start) == 0)
            #expect(try Self.resume(storage, "live", at: start + 1) != nil)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func aTakenTokenHashIsRefusedAndRecordsNoSignIn(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("li", in: try storage.department("处"))
            try Self.create(storage, user, "same")
            #expect(throws: (any Error).self) { try Self.create(storage, user, "same", address: "198.51.100.7") }
            #expect(try storage.sessionCount(of: user) == 1)
            #expect(try storage.sessions.signIns(userID: user.id, limit: 10).map(\.clientAddress) == ["192.0.2.1"])
        }
    }

    @Test(arguments: StorageKind.enabled)
    func signInsAreListedNewestFirstWithHowAndWhence(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let department = try storage.department("处")
            let user = try storage.user("li", in: department)
            let other = try storage.user("wang", in: department)
            let start = storage.clock.current
            try Self.create(storage, user, "1", at: start, method: .password, address: "192.0.2.1")
            try Self.create(storage, user, "2", at: start + 60, method: .ldap, secondFactor: true, address: "192.0.2.2")
            // Two at the same moment: the later one first.
            try Self.create(storage, user, "3", at: start + 120, method: .cas, address: "192.0.2.3")
            try Self.create(storage, user, "4", at: start + 120, method: .oidc, secondFactor: true, address: "2001:db8::1")
            try Self.create(storage, other, "5", at: start + 180)
            let records = try storage.sessions.signIns(userID: user.id, limit: 3)
            #expect(records == [
                SignInRecord(.oidc, secondFactor: true, at: start + 120, clientAddress: "2001:db8::1"),
                SignInRecord(.cas, secondFactor: false, at: start + 120, clientAddress: "192.0.2.3"),
                SignInRecord(.ldap, secondFactor: true, at: start + 60, clientAddress: "192.0.2.2"),
            ])
            #expect(try storage.sessions.signIns(userID: user.id, limit: 10).count == 4)
            #expect(try storage.sessions.signIns(userID: other.id, limit: 10).map(\.method) == [.password])
            // Nobody else's records.
            #expect(try storage.sessions.signIns(userID: UserID(rawValue: 999), limit: 10).isEmpty)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func anotherServerResumesAndEndsTheSession(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("li", in: try storage.department("处"))
            let start = storage.clock.current
            let created = try Self.create(storage, user, "t")
            let other = try storage.openNode()
            let resumed = try #require(try other.sessions.resume(tokenHash: "t", now: start + 600, idleTimeout: Self.idle))
            #expect(resumed.0.id == created.id && resumed.0.idleExpiresAt == start + 600 + Self.idle)
            #expect(try Self.resume(storage, "t", at: start + 660)?.idleExpiresAt == start + 600 + Self.idle,
                    "the first server sees the slide the second one wrote")
            try other.sessions.delete(tokenHash: "t")
            #expect(try Self.resume(storage, "t", at: start + 700) == nil)
        }
    }
}
