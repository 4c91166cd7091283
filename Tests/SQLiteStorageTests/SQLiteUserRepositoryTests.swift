import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
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

    // MARK: Administration

    @Test func theAccountListStaysInItsSubtreesAndFiltersSearchesAndSorts() throws {
        let temporary = try TemporaryStore()
        let users = SQLiteUserRepository(store: temporary.store, clock: { 1_800_000_000 })
        let departments = SQLiteDepartmentRepository(store: temporary.store, clock: { 1 })
        let bureau = try departments.ensure(path: ["省", "局"], by: .system)
        let office = try departments.ensure(path: ["省", "局", "处"], by: .system)
        // "/1/2/" must not reach "/1/20/": the sibling below gets a long id path by being made after many.
        for index in 0..<20 { _ = try departments.ensure(path: ["省", "填充\(index)"], by: .system) }
        let sibling = try departments.ensure(path: ["省", "厅"], by: .system)
        func add(_ login: String, _ name: String, _ department: Department, number: String? = nil, roles: [Role] = []) throws -> User {
            try users.create(NewUser(login: login, displayName: name, employeeNumber: number, departmentID: department.id,
                                     passwordHash: "h", roles: roles), by: .system)
        }
        _ = try add("zhang.wei", "张伟", office, number: "E-1")
        _ = try add("wang.fang", "王芳", bureau, roles: [.hr])
        let disabled = try add("li.na", "李娜", office)
        try users.setDisabled(true, id: disabled.id, by: .system)
        _ = try add("zhao.wu", "赵武", sibling, number: "E-9")
        let scope = [bureau.idPath]
        func logins(_ filter: AccountFilter) throws -> [String] {
            #expect(try users.countAccounts(filter) == users.accounts(filter, limit: 100, offset: 0).count)
            return try users.accounts(filter, limit: 100, offset: 0).map(\.login)
        }
        #expect(try logins(AccountFilter(prefixes: scope)) == ["li.na", "wang.fang", "zhang.wei"])
        #expect(try logins(AccountFilter(prefixes: [sibling.idPath])) == ["zhao.wu"])
        #expect(try logins(AccountFilter(prefixes: [])) == [])
        #expect(try logins(AccountFilter(prefixes: [office.idPath])) == ["li.na", "zhang.wei"])
        #expect(try logins(AccountFilter(prefixes: scope, role: .hr)) == ["wang.fang"])
        #expect(try logins(AccountFilter(prefixes: scope, disabled: true)) == ["li.na"])
        #expect(try logins(AccountFilter(prefixes: scope, disabled: false)) == ["wang.fang", "zhang.wei"])
        #expect(try logins(AccountFilter(prefixes: scope, search: "王")) == ["wang.fang"])
        #expect(try logins(AccountFilter(prefixes: scope, search: "zhang")) == ["zhang.wei"])
        #expect(try logins(AccountFilter(prefixes: scope, search: "E-1")) == ["zhang.wei"])
        #expect(try logins(AccountFilter(prefixes: scope, search: "E-9")) == [])
        #expect(try logins(AccountFilter(prefixes: scope, search: "%")) == [])
        #expect(try logins(AccountFilter(prefixes: scope, search: "张伟")) == ["zhang.wei"])
        #expect(try logins(AccountFilter(prefixes: scope, search: "伟张")) == [])
        func initials(_ text: String) -> [ClosedRange<UInt16>] { PinyinInitials.ranges(for: text) ?? [] }
        #expect(try logins(AccountFilter(prefixes: scope, search: "zw", initials: initials("zw"))) == ["zhang.wei"])
        #expect(try logins(AccountFilter(prefixes: scope, search: "w", initials: initials("w"))) == ["wang.fang", "zhang.wei"])
        #expect(try logins(AccountFilter(prefixes: scope, search: "wf", initials: initials("wf"))) == ["wang.fang"])
        #expect(try logins(AccountFilter(prefixes: ["/"], search: "zw", initials: initials("zw"))) == ["zhang.wei", "zhao.wu"])
        #expect(try logins(AccountFilter(prefixes: scope, search: "zwx", initials: initials("zwx"))) == [])
        // Name order is the Chinese collation's (李 < 王 < 张); other columns both ways.
        #expect(try logins(AccountFilter(prefixes: scope, sort: .name, descending: true)) == ["zhang.wei", "wang.fang", "li.na"])
        #expect(try logins(AccountFilter(prefixes: scope, sort: .login, descending: true)) == ["zhang.wei", "wang.fang", "li.na"])
        #expect(try logins(AccountFilter(prefixes: scope, sort: .state)) == ["wang.fang", "zhang.wei", "li.na"])
        // By the department's name (处 before 局, as the HR list orders them), then by name.
        #expect(try logins(AccountFilter(prefixes: scope, sort: .department)) == ["li.na", "zhang.wei", "wang.fang"])
        let page = try users.accounts(AccountFilter(prefixes: scope), limit: 2, offset: 1)
        #expect(page.map(\.login) == ["wang.fang", "zhang.wei"] && page[0].roles == [.learner, .hr])
        // An employee number beyond ASCII is found whole, though no name holds its characters.
        _ = try add("e.cn", "编号", office, number: "甲-7")
        #expect(try logins(AccountFilter(prefixes: scope, search: "甲-7")) == ["e.cn"])
    }

    @Test func theLastSignInComesFromSessionsAndUsualAddresses() throws {
        let fixture = try Fixture()
        let user = try fixture.create("Li.Ming")
        #expect(try fixture.users.lastSignIn(of: user.id) == nil)
        try fixture.temporary.store.write { db in
            try db.execute(sql: "INSERT INTO login_usual_addresses (key, last_success_at) VALUES ('10.0.0.1 li.ming', 500), ('10.0.0.2 xli.ming', 900)")
        }
        #expect(try fixture.users.lastSignIn(of: user.id) == 500)
        try fixture.session(for: user, token: "t")
        #expect(try fixture.users.lastSignIn(of: user.id) == 1_800_000_000)
    }

    @Test func grantsAndEmployeeNumbersAreCheckedInTheTransaction() throws {
        let fixture = try Fixture()
        let first = try fixture.create("a", employeeNumber: "E-1")
        #expect(throws: StoreError.self) { try fixture.create("b", employeeNumber: "E-1") }
        #expect(try fixture.users.owner(ofEmployeeNumber: "E-1") == first.id)
        let grant = RoleGrant(role: .trainer, departmentID: fixture.department.id)
        #expect(try fixture.users.grant(grant, to: first.id, by: .system))
        #expect(try !fixture.users.grant(grant, to: first.id, by: .system))
        #expect(throws: StoreError.self) { try fixture.users.grant(grant, to: UserID(rawValue: 999), by: .system) }
        #expect(try fixture.users.find(id: first.id)?.has(.trainer) == true)
        #expect(try fixture.users.withdraw(grant, from: first.id, by: .system))
        #expect(try fixture.users.find(id: first.id)?.has(.trainer) == false)
    }
}
