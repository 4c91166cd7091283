import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct APITokenServiceTests {
    private struct Fixture {
        let temporary: TemporaryStore
        let service: APITokenService
        let users: SQLiteUserRepository
        let owner: User

        init() throws {
            temporary = try TemporaryStore()
            users = SQLiteUserRepository(store: temporary.store, clock: { 1_000 })
            let department = try SQLiteDepartmentRepository(store: temporary.store, clock: { 1 }).ensure(path: ["处"], by: .system)
            owner = try users.create(NewUser(login: "hr-system", displayName: "人事系统", departmentID: department.id,
                                             passwordHash: "!", roles: [.hr]), by: .system)
            service = APITokenService(tokens: SQLiteAPITokenRepository(store: temporary.store), clock: { 1_000 })
        }
    }

    @Test func aTokenActsAsItsOwnerUntilItExpiresOrIsRevoked() throws {
        let fixture = try Fixture()
        let created = try fixture.service.create(for: fixture.owner, name: "HR 同步", days: 2, by: .commandLine)
        #expect(created.secret.hasPrefix("csa_") && created.expiresAt == 1_000 + 2 * 86_400)
        let tokens = SQLiteAPITokenRepository(store: fixture.temporary.store)
        #expect(try tokens.user(tokenHash: Tokens.digest(created.secret), now: 1_001)?.id == fixture.owner.id)
        let stored = try #require(try fixture.service.list(fixture.owner).first)
        #expect(stored.name == "HR 同步" && APITokenService.state(stored, at: 1_001) == .active)
        #expect(APITokenService.state(stored, at: created.expiresAt) == .expired)
        #expect(try fixture.service.revoke(stored, by: .commandLine))
        let revoked = try #require(try fixture.service.find(stored.id))
        #expect(APITokenService.state(revoked, at: 1_001) == .revoked)
        #expect(try !fixture.service.revoke(revoked, by: .commandLine))
        #expect(try tokens.user(tokenHash: Tokens.digest(created.secret), now: 1_001) == nil)
    }

    @Test func badNamesLifetimesAndDisabledOwnersAreRefused() throws {
        let fixture = try Fixture()
        #expect(APITokenService.problems(name: "", days: 0).map(\.reason) == [.tokenNameInvalid, .tokenDaysInvalid])
        #expect(APITokenService.problems(name: "a\nb", days: 3651).map(\.field) == ["token_name", "expires_days"])
        #expect(APITokenService.problems(name: String(repeating: "x", count: 100), days: 3650).isEmpty)
        #expect(APITokenService.problems(name: "x", days: nil).map(\.reason) == [.tokenDaysInvalid])
        try fixture.users.setDisabled(true, id: fixture.owner.id, by: .commandLine)
        let disabled = try #require(try fixture.users.find(id: fixture.owner.id))
        #expect(throws: AccountProblems.self) { try fixture.service.create(for: disabled, name: "x", days: 1, by: .commandLine) }
        #expect(try fixture.service.list(disabled).isEmpty)
    }
}
