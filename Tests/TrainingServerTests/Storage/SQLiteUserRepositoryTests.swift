import Foundation
import GRDB
import Testing
@testable import TrainingServer

@Suite struct SQLiteUserRepositoryTests {
    /// Repositories on a fresh store with one department. Password hashes are plain strings here: these
    /// tests are about storage, not hashing.
    private struct Fixture {
        let temporary: TemporaryStore
        let users: SQLiteUserRepository
        let sessions: SQLiteSessionRepository
        let department: Department

        init() throws {
            temporary = try TemporaryStore()
            users = SQLiteUserRepository(store: temporary.store, clock: { 1_800_000_000 })
            sessions = SQLiteSessionRepository(store: temporary.store)
            department = try SQLiteDepartmentRepository(store: temporary.store, clock: { 1_800_000_000 })
                .ensure(path: ["省政府", "数据局"], by: .system)
        }

        func create(_ login: String, roles: [Role] = [], employeeNumber: String? = nil) throws -> User {
            try users.create(NewUser(login: login, displayName: "李明", employeeNumber: employeeNumber,
                                     departmentID: department.id, passwordHash: "hash-of-\(login)", roles: roles),
                             by: .commandLine)
        }

        func session(for user: User, token: String) throws {
            _ = try sessions.create(tokenHash: token, userID: user.id, csrfSecret: "c", now: 1_800_000_000,
                                    idleTimeout: 1_800, absoluteTimeout: 43_200, clientAddress: "127.0.0.1")
        }

        func resumes(_ token: String) throws -> Bool {
            try sessions.resume(tokenHash: token, now: 1_800_000_001, idleTimeout: 1_800) != nil
        }
    }

    @Test func createStoresTheAccountWithLearnerAlwaysGranted() throws {
        let fixture = try Fixture()
        let user = try fixture.create("  li.ming ", roles: [.trainer, .admin], employeeNumber: "E-001")
        #expect(user.login == "li.ming")
        #expect(user.displayName == "李明")
        #expect(user.employeeNumber == "E-001")
        #expect(user.departmentID == fixture.department.id)
        #expect(!user.disabled && user.language == nil && user.accommodationFactor == 1)
        #expect(user.grants.map(\.role) == [.learner, .trainer, .admin])
        #expect(user.grants.allSatisfy { $0.departmentID == fixture.department.id })
        #expect(user.has(.admin) && !user.has(.hr))
        #expect(try fixture.users.passwordHash(of: user.id) == "hash-of-  li.ming ")
        let audit = try SQLiteAuditLog(store: fixture.temporary.store, clock: { 0 }).recent(limit: 1)
        #expect(audit.first?.action == "user.create" && audit.first?.subject == "user:li.ming" && audit.first?.actor == "cli")
    }

    @Test func loginsAreUniqueWithoutRegardToCase() throws {
        let fixture = try Fixture()
        _ = try fixture.create("Wang.Fang")
        #expect(throws: StoreError.self) { try fixture.create("wang.fang") }
        #expect(throws: StoreError.self) { try fixture.create("WANG.FANG") }
        #expect(try fixture.users.find(login: "wang.FANG")?.login == "Wang.Fang")
        #expect(try fixture.users.all().count == 1)
    }

    @Test func employeeNumbersAreUnique() throws {
        let fixture = try Fixture()
        _ = try fixture.create("a", employeeNumber: "E-7")
        #expect(throws: (any Error).self) { try fixture.create("b", employeeNumber: "E-7") }
        _ = try fixture.create("c")
        _ = try fixture.create("d")
        #expect(try fixture.users.all().map(\.login) == ["a", "c", "d"])
    }

    @Test(arguments: ["", "   ", "li ming", "tab\there", String(repeating: "x", count: 101)])
    func invalidLoginsAreRefused(_ login: String) throws {
        let fixture = try Fixture()
        #expect(throws: StoreError.self) { try fixture.create(login) }
    }

    @Test func blankDisplayNamesAreRefused() throws {
        let fixture = try Fixture()
        #expect(throws: StoreError.self) {
            try fixture.users.create(NewUser(login: "x", displayName: " \n ", departmentID: fixture.department.id,
                                             passwordHash: "h", roles: []), by: .system)
        }
    }

    @Test func findAnswersNilForUnknownAccounts() throws {
        let fixture = try Fixture()
        #expect(try fixture.users.find(login: "nobody") == nil)
        #expect(try fixture.users.find(id: UserID(rawValue: 42)) == nil)
        #expect(try fixture.users.passwordHash(of: UserID(rawValue: 42)) == nil)
    }

    @Test func disablingEndsSessionsAndEnablingDoesNotRestoreThem() throws {
        let fixture = try Fixture()
        let user = try fixture.create("li")
        let other = try fixture.create("wang")
        try fixture.session(for: user, token: "t1")
        try fixture.session(for: user, token: "t2")
        try fixture.session(for: other, token: "t3")
        try fixture.users.setDisabled(true, id: user.id, by: .commandLine)
        #expect(try fixture.users.find(id: user.id)?.disabled == true)
        #expect(try !fixture.resumes("t1") && !fixture.resumes("t2"))
        #expect(try fixture.resumes("t3"))
        try fixture.users.setDisabled(false, id: user.id, by: .commandLine)
        #expect(try fixture.users.find(id: user.id)?.disabled == false)
        #expect(try !fixture.resumes("t1"))
        let actions = try SQLiteAuditLog(store: fixture.temporary.store, clock: { 0 }).recent(limit: 2).map(\.action)
        #expect(actions == ["user.enable", "user.disable"])
    }

    @Test func changingThePasswordEndsEverySession() throws {
        let fixture = try Fixture()
        let user = try fixture.create("li")
        try fixture.session(for: user, token: "t1")
        try fixture.users.setPasswordHash("new-hash", id: user.id, by: AuditActor(user))
        #expect(try fixture.users.passwordHash(of: user.id) == "new-hash")
        #expect(try !fixture.resumes("t1"))
        let entry = try SQLiteAuditLog(store: fixture.temporary.store, clock: { 0 }).recent(limit: 1).first
        #expect(entry?.action == "user.password" && entry?.actorUserID == user.id.rawValue)
    }

    @Test func changesToUnknownAccountsAreNotFound() throws {
        let fixture = try Fixture()
        let ghost = UserID(rawValue: 404)
        #expect(throws: StoreError.self) { try fixture.users.setDisabled(true, id: ghost, by: .system) }
        #expect(throws: StoreError.self) { try fixture.users.setPasswordHash("h", id: ghost, by: .system) }
        #expect(try SQLiteAuditLog(store: fixture.temporary.store, clock: { 0 }).verify() == .intact(rows: 2))
    }

    @Test func languageIsStoredAndCleared() throws {
        let fixture = try Fixture()
        let user = try fixture.create("li")
        try fixture.users.setLanguage("en", id: user.id)
        #expect(try fixture.users.find(id: user.id)?.language == "en")
        try fixture.users.setLanguage(nil, id: user.id)
        #expect(try fixture.users.find(id: user.id)?.language == nil)
        #expect(throws: DatabaseError.self) { try fixture.users.setLanguage("fr", id: user.id) }
    }

    @Test func timeZoneIsStoredAndCleared() throws {
        let fixture = try Fixture()
        let user = try fixture.create("li")
        #expect(user.timeZone == nil)
        try fixture.users.setTimeZone("Europe/Berlin", id: user.id)
        #expect(try fixture.users.find(id: user.id)?.timeZone == "Europe/Berlin")
        #expect(try fixture.users.find(login: "li")?.timeZone == "Europe/Berlin")
        try fixture.users.setTimeZone(nil, id: user.id)
        #expect(try fixture.users.find(id: user.id)?.timeZone == nil)
        #expect(throws: DatabaseError.self) { try fixture.users.setTimeZone(String(repeating: "x", count: 65), id: user.id) }
        #expect(throws: StoreError.self) { try fixture.users.setTimeZone("UTC", id: UserID(rawValue: 404)) }
    }
}
