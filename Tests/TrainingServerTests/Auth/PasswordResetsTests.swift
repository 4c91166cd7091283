import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct PasswordResetsTests {
    private struct Fixture {
        let temporary: TemporaryStore
        let clock = ManualClock()
        let users: SQLiteUserRepository
        let user: User
        let resets: PasswordResets

        init(mail: Bool = false) throws {
            temporary = try TemporaryStore()
            users = SQLiteUserRepository(store: temporary.store, clock: clock.function)
            let department = try SQLiteDepartmentRepository(store: temporary.store, clock: clock.function)
                .ensure(path: ["省政府", "数据局"], by: .system)
            user = try users.create(NewUser(login: "zhang.wei", displayName: "张伟", departmentID: department.id,
                                            passwordHash: "old-hash", roles: []), by: .system)
            resets = PasswordResets(store: temporary.store, strings: .shipped, publicURL: "https://academy.example/",
                                    mailEnabled: mail, clock: clock.function)
        }

        func token(_ link: PasswordResets.IssuedLink) -> String { String(link.url.split(separator: "/").last!) }

        func audit(_ action: String) throws -> [AuditEntry] {
            try SQLiteAuditLog(store: temporary.store, clock: clock.function).recent(limit: 100).filter { $0.action == action }
        }

        func outbox() throws -> [OutboxMessage] { try SQLiteMailOutbox(store: temporary.store).recent(limit: 10) }
    }

    @Test func aLinkIsStoredOnlyAsAHashAndWorksOnce() throws {
        let fixture = try Fixture()
        let link = try fixture.resets.issue(for: fixture.user, origin: .admin, by: .commandLine)
        #expect(link.url.hasPrefix("https://academy.example/password/reset/") && link.mailedTo == nil)
        #expect(link.expiresAt == fixture.clock.now + 24 * 3600)
        let token = fixture.token(link)
        let stored = try fixture.temporary.store.read { db in try String.fetchAll(db, sql: "SELECT token_hash FROM password_reset_tokens") }
        #expect(stored == [Tokens.digest(token)])
        #expect(try fixture.resets.account(forToken: token)?.id == fixture.user.id)
        #expect(try fixture.resets.redeem(token: token, newHash: "new-hash") == fixture.user.id)
        #expect(try fixture.users.passwordHash(of: fixture.user.id) == "new-hash")
        #expect(try fixture.resets.account(forToken: token) == nil)
        #expect(try fixture.resets.redeem(token: token, newHash: "third-hash") == nil)
        #expect(try fixture.users.passwordHash(of: fixture.user.id) == "new-hash")
        #expect(try fixture.audit("password.reset_link").count == 1)
        #expect(try fixture.audit("password.reset").first?.actor == "zhang.wei")
    }

    @Test func usingALinkEndsSessionsAndAPITokens() throws {
        let fixture = try Fixture()
        let store = fixture.temporary.store
        _ = try SQLiteSessionRepository(store: store).create(tokenHash: "s", userID: fixture.user.id, csrfSecret: "c",
                                                             now: fixture.clock.now, idleTimeout: 600, absoluteTimeout: 6000,
                                                             clientAddress: "127.0.0.1")
        try SQLiteAPITokenRepository(store: store).create(tokenHash: "t", userID: fixture.user.id, name: "api",
                                                          now: fixture.clock.now, expiresAt: fixture.clock.now + 1000, by: .system)
        let link = try fixture.resets.issue(for: fixture.user, origin: .admin, by: .commandLine)
        _ = try fixture.resets.redeem(token: fixture.token(link), newHash: "new-hash")
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sessions") } == 0)
        #expect(try SQLiteAPITokenRepository(store: store).user(tokenHash: "t", now: fixture.clock.now) == nil)
        #expect(try fixture.audit("password.reset").first?.details.contains("tokens_revoked") == true)
    }

    @Test func aLinkEndsWhenReplacedWhenThePasswordChangesAndAfterADay() throws {
        let fixture = try Fixture()
        let first = fixture.token(try fixture.resets.issue(for: fixture.user, origin: .admin, by: .commandLine))
        let second = fixture.token(try fixture.resets.issue(for: fixture.user, origin: .cli, by: .commandLine))
        #expect(try fixture.resets.account(forToken: first) == nil)
        #expect(try fixture.resets.redeem(token: first, newHash: "x") == nil)
        #expect(try fixture.resets.account(forToken: second) != nil)
        try fixture.users.setPasswordHash("changed", id: fixture.user.id, by: .commandLine)
        #expect(try fixture.resets.account(forToken: second) == nil)
        #expect(try fixture.resets.redeem(token: second, newHash: "x") == nil)
        let third = fixture.token(try fixture.resets.issue(for: fixture.user, origin: .admin, by: .commandLine))
        fixture.clock.advance(by: 24 * 3600 - 1)
        #expect(try fixture.resets.account(forToken: third) != nil)
        fixture.clock.advance(by: 1)
        #expect(try fixture.resets.redeem(token: third, newHash: "x") == nil)
        #expect(try fixture.users.passwordHash(of: fixture.user.id) == "changed")
    }

    @Test func disabledAccountsGetNoLinkAndTheirLinksStopWorking() throws {
        let fixture = try Fixture()
        let token = fixture.token(try fixture.resets.issue(for: fixture.user, origin: .admin, by: .commandLine))
        try fixture.users.setDisabled(true, id: fixture.user.id, by: .commandLine)
        #expect(try fixture.resets.account(forToken: token) == nil)
        #expect(throws: PasswordResets.Failure.disabled) {
            try fixture.resets.issue(for: fixture.user, origin: .admin, by: .commandLine)
        }
    }

    @Test func malformedTokensAreNotLookedUp() throws {
        let fixture = try Fixture()
        for token in ["", "short", String(repeating: "a", count: 44), String(repeating: "!", count: 43)] {
            #expect(try fixture.resets.account(forToken: token) == nil)
        }
    }

    @Test func linksAreMailedInThePersonsLanguageWhenMailIsOn() throws {
        let fixture = try Fixture(mail: true)
        let addresses = SQLiteMailAddressRepository(store: fixture.temporary.store, clock: fixture.clock.function)
        // Without an address nothing is mailed.
        #expect(try fixture.resets.issue(for: fixture.user, origin: .admin, by: .commandLine).mailedTo == nil)
        try addresses.setEmail("zhang@example.gov", id: fixture.user.id, by: .commandLine)
        try fixture.users.setLanguage("en", id: fixture.user.id)
        let english = try #require(try fixture.users.find(id: fixture.user.id))
        let link = try fixture.resets.issue(for: english, origin: .admin, by: .commandLine)
        #expect(link.mailedTo == "zhang@example.gov")
        let mail = try #require(try fixture.outbox().first)
        #expect(mail.subject == "Set a new password" && mail.sensitive && mail.kind == "password.reset_link")
        #expect(mail.body.contains(link.url) && mail.body.contains("Dear 张伟") && !mail.body.contains("您好"))
        #expect(mail.expiresAt == link.expiresAt)
        #expect(try fixture.audit("password.reset_link").first?.details.contains(#""mailed":"yes""#) == true)
    }

    @Test func selfServiceRequestsAreHandledLaterAndLimited() throws {
        let fixture = try Fixture(mail: true)
        try SQLiteMailAddressRepository(store: fixture.temporary.store, clock: fixture.clock.function)
            .setEmail("Zhang@Example.gov", id: fixture.user.id, by: .commandLine)
        #expect(try fixture.resets.request(identifier: " ZHANG.WEI ", clientAddress: "10.0.0.1") == .queued)
        #expect(try fixture.resets.request(identifier: "nobody", clientAddress: "10.0.0.1") == .queued)
        #expect(try fixture.outbox().isEmpty, "the request itself looks nothing up")
        #expect(try fixture.resets.handleRequests() == 1)
        let mail = try #require(try fixture.outbox().first)
        #expect(mail.recipient == "Zhang@Example.gov" && mail.subject == "重置您的密码 / Set a new password")
        #expect(try fixture.audit("password.reset_link").first?.actor == "system")
        let typed = try fixture.temporary.store.read { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM password_reset_requests WHERE identifier IS NOT NULL")
        }
        #expect(typed.isEmpty, "what was typed is forgotten once handled")
        // By address too, at most three links an hour per account, and the same identifier three times an hour.
        for _ in 0..<2 { _ = try fixture.resets.request(identifier: "zhang@example.gov", clientAddress: "10.0.0.2") }
        #expect(try fixture.resets.request(identifier: "zhang.wei", clientAddress: "10.0.0.3") == .queued)
        #expect(try fixture.resets.handleRequests() == 2)
        #expect(try fixture.outbox().count == 3)
        #expect(try fixture.resets.request(identifier: "zhang.wei", clientAddress: "10.0.0.3") == .queued)
        #expect(try fixture.resets.request(identifier: "zhang.wei", clientAddress: "10.0.0.3") == .ignored)
        #expect(try fixture.resets.handleRequests() == 0, "three self-service links an hour per account")
        fixture.clock.advance(by: 3601)
        #expect(try fixture.resets.request(identifier: "zhang.wei", clientAddress: "10.0.0.3") == .queued)
        #expect(try fixture.resets.handleRequests() == 1)
    }

    @Test func aClientThatAsksTooOftenIsThrottled() throws {
        let fixture = try Fixture(mail: true)
        for index in 0..<PasswordResets.requestsPerClient {
            #expect(try fixture.resets.request(identifier: "person\(index)", clientAddress: "2001:db8::\(index)") == .queued)
        }
        // The same /64: counted together.
        guard case .throttled(let wait) = try fixture.resets.request(identifier: "other", clientAddress: "2001:db8::99") else {
            Issue.record("not throttled")
            return
        }
        #expect(wait == 3600)
        #expect(try fixture.resets.request(identifier: "other", clientAddress: "2001:db9::1") == .queued)
    }
}
