import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct SQLiteAPITokenRepositoryTests {
    private struct Fixture {
        let temporary: TemporaryStore
        let tokens: SQLiteAPITokenRepository
        let users: SQLiteUserRepository
        let user: User

        init() throws {
            temporary = try TemporaryStore()
            tokens = SQLiteAPITokenRepository(store: temporary.store)
            users = SQLiteUserRepository(store: temporary.store, clock: { 1 })
            let department = try SQLiteDepartmentRepository(store: temporary.store, clock: { 1 }).ensure(path: ["处"], by: .system)
            user = try users.create(NewUser(login: "api-client", displayName: "接口", departmentID: department.id,
                                            passwordHash: "h", roles: [.hr]), by: .system)
        }
    }

    @Test func aTokenFindsItsUserByDigest() throws {
        let fixture = try Fixture()
        let secret = Tokens.random()
        try fixture.tokens.create(tokenHash: Tokens.digest(secret), userID: fixture.user.id, name: "HR export",
                                  now: 10, expiresAt: 1_000, by: .commandLine)
        #expect(try fixture.tokens.user(tokenHash: Tokens.digest(secret), now: 11) == fixture.user)
        #expect(try fixture.tokens.user(tokenHash: secret, now: 11) == nil)
        #expect(try fixture.tokens.user(tokenHash: Tokens.digest("guess"), now: 11) == nil)
        let stored = try fixture.temporary.store.read { db in try String.fetchAll(db, sql: "SELECT token_hash FROM api_tokens") }
        #expect(stored == [Tokens.digest(secret)])
        let entry = try SQLiteAuditLog(store: fixture.temporary.store, clock: { 0 }).recent(limit: 1).first
        #expect(entry?.action == "token.create" && entry?.details.contains(#""name":"HR export""#) == true)
    }

    @Test func revokedTokensAndDisabledUsersFindNobody() throws {
        let fixture = try Fixture()
        try fixture.tokens.create(tokenHash: "revoked", userID: fixture.user.id, name: "a", now: 1, expiresAt: 100, by: .system)
        try fixture.tokens.create(tokenHash: "live", userID: fixture.user.id, name: "b", now: 1, expiresAt: 100, by: .system)
        try fixture.temporary.store.write { db in
            try db.execute(sql: "UPDATE api_tokens SET revoked_at = 5 WHERE token_hash = 'revoked'")
        }
        #expect(try fixture.tokens.user(tokenHash: "revoked", now: 6) == nil)
        #expect(try fixture.tokens.user(tokenHash: "live", now: 6) != nil)
        try fixture.users.setDisabled(true, id: fixture.user.id, by: .system)
        #expect(try fixture.tokens.user(tokenHash: "live", now: 7) == nil)
    }

    @Test func tokensNeedAnExistingUserAndAUniqueHash() throws {
        let fixture = try Fixture()
        #expect(throws: DatabaseError.self) {
            try fixture.tokens.create(tokenHash: "x", userID: UserID(rawValue: 999), name: "n", now: 1, expiresAt: 100, by: .system)
        }
        try fixture.tokens.create(tokenHash: "y", userID: fixture.user.id, name: "n", now: 1, expiresAt: 100, by: .system)
        #expect(throws: DatabaseError.self) {
            try fixture.tokens.create(tokenHash: "y", userID: fixture.user.id, name: "again", now: 1, expiresAt: 100, by: .system)
        }
        // The failed creations left no audit rows behind.
        #expect(try SQLiteAuditLog(store: fixture.temporary.store, clock: { 0 }).verify() == .intact(rows: 3))
    }

    @Test func aTokenEndsAtItsExpiry() throws {
        let fixture = try Fixture()
        try fixture.tokens.create(tokenHash: "t", userID: fixture.user.id, name: "a", now: 1, expiresAt: 100, by: .system)
        #expect(try fixture.tokens.user(tokenHash: "t", now: 99.9) != nil)
        #expect(try fixture.tokens.user(tokenHash: "t", now: 100) == nil)
    }

    @Test func listingShowsUseAndExpiryButNoSecret() throws {
        let fixture = try Fixture()
        let first = try fixture.tokens.create(tokenHash: "one", userID: fixture.user.id, name: "a", now: 1, expiresAt: 500, by: .system)
        let second = try fixture.tokens.create(tokenHash: "two", userID: fixture.user.id, name: "b", now: 2, expiresAt: 600, by: .system)
        _ = try fixture.tokens.user(tokenHash: "one", now: 50)
        _ = try fixture.tokens.user(tokenHash: "one", now: 70)   // within a minute: not written again
        _ = try fixture.tokens.user(tokenHash: "one", now: 111)
        let listed = try fixture.tokens.list(userID: fixture.user.id)
        #expect(listed == [
            APIToken(id: second, userID: fixture.user.id, name: "b", createdAt: 2, lastUsedAt: nil, expiresAt: 600, revokedAt: nil),
            APIToken(id: first, userID: fixture.user.id, name: "a", createdAt: 1, lastUsedAt: 111, expiresAt: 500, revokedAt: nil),
        ])
    }

    @Test func aRevokedTokenStaysRevokedAndTheRevocationIsAudited() throws {
        let fixture = try Fixture()
        let id = try fixture.tokens.create(tokenHash: "t", userID: fixture.user.id, name: "a", now: 1, expiresAt: 100, by: .system)
        try fixture.tokens.revoke(id: id, now: 5, by: .commandLine)
        #expect(try fixture.tokens.user(tokenHash: "t", now: 6) == nil)
        #expect(try fixture.tokens.find(id: id)?.revokedAt == 5)
        let entry = try SQLiteAuditLog(store: fixture.temporary.store, clock: { 0 }).recent(limit: 1).first
        #expect(entry?.action == "token.revoke" && entry?.details == #"{"token":"\#(id)"}"#)
        #expect(throws: StoreError.self) { try fixture.tokens.revoke(id: 999, now: 7, by: .commandLine) }
    }

    @Test func aPasswordChangeRevokesEveryToken() throws {
        let fixture = try Fixture()
        try fixture.tokens.create(tokenHash: "t", userID: fixture.user.id, name: "a", now: 1, expiresAt: 100, by: .system)
        try fixture.users.setPasswordHash("new", id: fixture.user.id, by: .system)
        #expect(try fixture.tokens.user(tokenHash: "t", now: 2) == nil)
        #expect(try fixture.tokens.list(userID: fixture.user.id).allSatisfy { $0.revokedAt != nil })
        let entry = try SQLiteAuditLog(store: fixture.temporary.store, clock: { 0 }).recent(limit: 1).first
        #expect(entry?.action == "user.password" && entry?.details == #"{"tokens_revoked":"1"}"#)
    }

    @Test func enablingADisabledAccountDoesNotReviveItsTokens() throws {
        let fixture = try Fixture()
        try fixture.tokens.create(tokenHash: "t", userID: fixture.user.id, name: "a", now: 1, expiresAt: 100, by: .system)
        try fixture.users.setDisabled(true, id: fixture.user.id, by: .system)
        let entry = try SQLiteAuditLog(store: fixture.temporary.store, clock: { 0 }).recent(limit: 1).first
        #expect(entry?.action == "user.disable" && entry?.details == #"{"tokens_revoked":"1"}"#)
        try fixture.users.setDisabled(false, id: fixture.user.id, by: .system)
        #expect(try fixture.tokens.user(tokenHash: "t", now: 2) == nil)
    }

    @Test func theDirectoryListsTokensOfPeopleInSomeDepartmentsByState() throws {
        let fixture = try Fixture()
        let departments = SQLiteDepartmentRepository(store: fixture.temporary.store, clock: { 1 })
        let elsewhere = try departments.ensure(path: ["厅"], by: .system)
        let here = try #require(try departments.find(id: fixture.user.departmentID))
        let other = try fixture.users.create(NewUser(login: "other", displayName: "别处", departmentID: elsewhere.id,
                                                     passwordHash: "h", roles: []), by: .system)
        let live = try fixture.tokens.create(tokenHash: "a", userID: fixture.user.id, name: "live", now: 10, expiresAt: 1_000, by: .system)
        let old = try fixture.tokens.create(tokenHash: "b", userID: fixture.user.id, name: "old", now: 11, expiresAt: 50, by: .system)
        let gone = try fixture.tokens.create(tokenHash: "c", userID: fixture.user.id, name: "gone", now: 12, expiresAt: 1_000, by: .system)
        try fixture.tokens.revoke(id: gone, now: 13, by: .system)
        try fixture.tokens.create(tokenHash: "d", userID: other.id, name: "theirs", now: 14, expiresAt: 1_000, by: .system)
        func names(_ state: TokenFilter.State?) throws -> [String] {
            let filter = TokenFilter(prefixes: [here.idPath], state: state)
            #expect(try fixture.tokens.countTokens(filter, now: 100) == fixture.tokens.tokens(filter, now: 100, limit: 10, offset: 0).count)
            return try fixture.tokens.tokens(filter, now: 100, limit: 10, offset: 0).map(\.token.name)
        }
        #expect(try names(nil) == ["gone", "old", "live"])
        #expect(try names(.active) == ["live"] && names(.expired) == ["old"] && names(.revoked) == ["gone"])
        let line = try #require(try fixture.tokens.tokens(TokenFilter(prefixes: [elsewhere.idPath]), now: 100, limit: 10, offset: 0).first)
        #expect(line.ownerLogin == "other" && line.ownerDepartmentID == elsewhere.id)
        #expect(try fixture.tokens.tokens(TokenFilter(prefixes: []), now: 100, limit: 10, offset: 0).isEmpty)
        _ = (live, old)
    }
}
