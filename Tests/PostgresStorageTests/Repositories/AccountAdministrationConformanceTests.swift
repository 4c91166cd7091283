import Foundation
import PostgresStorage
import Testing
import SQLiteStorage
@testable import TrainingServer

/// The administration of accounts and the token directory give the same answers on SQLite and PostgreSQL.
@Suite struct AccountAdministrationConformanceTests {
    @Test(arguments: StorageKind.enabled)
    func theAccountListStaysInItsSubtreesAndFiltersSearchesAndSorts(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let bureau = try storage.department("省", "局")
            let office = try storage.department("省", "局", "处")
            // "/1/2/" must not reach "/1/20/": the sibling below gets a long id path by being made after many.
            for index in 0..<20 { _ = try storage.department("省", "填充\(index)") }
            let sibling = try storage.department("省", "厅")
            func add(_ login: String, _ name: String, _ department: Department, number: String? = nil,
                     roles: [Role] = []) throws -> User {
                try storage.user(login, in: department, roles: roles, employeeNumber: number, name: name)
            }
            _ = try add("zhang.wei", "张伟", office, number: "E-1")
            _ = try add("wang.fang", "王芳", bureau, roles: [.hr])
            let disabled = try add("li.na", "李娜", office)
            try storage.users.setDisabled(true, id: disabled.id, by: .system)
            _ = try add("zhao.wu", "赵武", sibling, number: "E-9")
            _ = try add("Zz_Top", "Top", office)
            let scope = [bureau.idPath]
            func logins(_ filter: AccountFilter) throws -> [String] {
                #expect(try storage.accounts.countAccounts(filter) == storage.accounts.accounts(filter, limit: 100, offset: 0).count)
                return try storage.accounts.accounts(filter, limit: 100, offset: 0).map(\.login)
            }
            #expect(try logins(AccountFilter(prefixes: scope)) == ["li.na", "wang.fang", "zhang.wei", "Zz_Top"])
            #expect(try logins(AccountFilter(prefixes: [sibling.idPath])) == ["zhao.wu"])
            #expect(try logins(AccountFilter(prefixes: [])) == [])
            #expect(try logins(AccountFilter(prefixes: [office.idPath])) == ["li.na", "zhang.wei", "Zz_Top"])
            #expect(try logins(AccountFilter(prefixes: scope, role: .hr)) == ["wang.fang"])
            #expect(try logins(AccountFilter(prefixes: scope, disabled: true)) == ["li.na"])
            #expect(try logins(AccountFilter(prefixes: scope, disabled: false)) == ["wang.fang", "zhang.wei", "Zz_Top"])
            #expect(try logins(AccountFilter(prefixes: scope, search: "王")) == ["wang.fang"])
            #expect(try logins(AccountFilter(prefixes: scope, search: "zhang")) == ["zhang.wei"])
            #expect(try logins(AccountFilter(prefixes: scope, search: "ZHANG")) == ["zhang.wei"], "ASCII letters folded")
            #expect(try logins(AccountFilter(prefixes: scope, search: "z_t")) == ["Zz_Top"], "'_' is itself, not a wildcard")
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
            // Name order is the Chinese collation's (李 < 王 < 张, Chinese before Latin); other columns both ways.
            #expect(try logins(AccountFilter(prefixes: scope, sort: .name, descending: true)) == ["Zz_Top", "zhang.wei", "wang.fang", "li.na"])
            #expect(try logins(AccountFilter(prefixes: scope, sort: .login)) == ["li.na", "wang.fang", "zhang.wei", "Zz_Top"])
            #expect(try logins(AccountFilter(prefixes: scope, sort: .login, descending: true)) == ["Zz_Top", "zhang.wei", "wang.fang", "li.na"])
            #expect(try logins(AccountFilter(prefixes: scope, sort: .state)) == ["wang.fang", "zhang.wei", "Zz_Top", "li.na"])
            // No number first ascending and last descending, as SQLite orders NULL.
            #expect(try logins(AccountFilter(prefixes: scope, sort: .employeeNumber)) == ["li.na", "wang.fang", "Zz_Top", "zhang.wei"])
            #expect(try logins(AccountFilter(prefixes: scope, sort: .employeeNumber, descending: true)) == ["zhang.wei", "Zz_Top", "wang.fang", "li.na"])
            // By the department's name (处 before 局, as the HR list orders them), then by name.
            #expect(try logins(AccountFilter(prefixes: scope, sort: .department)) == ["li.na", "zhang.wei", "Zz_Top", "wang.fang"])
            let page = try storage.accounts.accounts(AccountFilter(prefixes: scope), limit: 2, offset: 1)
            #expect(page.map(\.login) == ["wang.fang", "zhang.wei"] && page[0].roles == [.learner, .hr])
            #expect(page[1].employeeNumber == "E-1" && page[1].departmentID == office.id && !page[1].disabled)
            // An employee number beyond ASCII is found whole, though no name holds its characters.
            _ = try add("e.cn", "编号", office, number: "甲-7")
            #expect(try logins(AccountFilter(prefixes: scope, search: "甲-7")) == ["e.cn"])
        }
    }

    @Test(arguments: StorageKind.enabled)
    func anUpdateMovesTheLearnerGrantRekeysTheNameAndAuditsWhatChanged(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let from = try storage.department("省", "局")
            let to = try storage.department("省", "厅")
            let user = try storage.user("li", in: from, roles: [.trainer], name: "李明")
            let other = try storage.user("wang", in: from, employeeNumber: "E-2", name: "王芳")
            try storage.accounts.update(user.id, name: "张明", employeeNumber: "E-1", departmentID: to.id, by: .commandLine)
            let updated = try #require(try storage.users.find(id: user.id))
            #expect(updated.displayName == "张明" && updated.employeeNumber == "E-1" && updated.departmentID == to.id)
            #expect(updated.grants.filter { $0.role == .learner }.map(\.departmentID) == [to.id])
            #expect(updated.grants.filter { $0.role == .trainer }.map(\.departmentID) == [from.id])
            let entry = try #require(try storage.audit.recent(limit: 1).first)
            #expect(entry.action == "user.update")
            #expect(entry.details == #"{"department":"\#(to.id)","employee_number":"E-1","from_department":"\#(from.id)","name":"张明"}"#)
            // The name key follows the name: 王 < 张 now.
            #expect(try storage.accounts.accounts(AccountFilter(prefixes: ["/"]), limit: 10, offset: 0).map(\.login) == ["wang", "li"])
            // Nothing changed: nothing audited.
            try storage.accounts.update(user.id, name: "张明", employeeNumber: "E-1", departmentID: to.id, by: .commandLine)
            #expect(try storage.audit.recent(limit: 1).first?.id == entry.id)
            #expect(throws: StoreError.self) {
                try storage.accounts.update(user.id, name: "张明", employeeNumber: "E-2", departmentID: to.id, by: .commandLine)
            }
            #expect(throws: StoreError.self) {
                try storage.accounts.update(UserID(rawValue: 404), name: "x", employeeNumber: nil, departmentID: to.id, by: .commandLine)
            }
            #expect(try storage.accounts.owner(ofEmployeeNumber: "E-2") == other.id)
            #expect(try storage.accounts.owner(ofEmployeeNumber: "E-3") == nil)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func grantsAreWrittenOnceAndWithdrawnOnceWithTheirAuditRows(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let department = try storage.department("处")
            let user = try storage.user("a", in: department, employeeNumber: "E-1")
            let grant = RoleGrant(role: .trainer, departmentID: department.id)
            #expect(try storage.accounts.grant(grant, to: user.id, by: .system))
            #expect(try !storage.accounts.grant(grant, to: user.id, by: .system))
            #expect(throws: StoreError.self) { try storage.accounts.grant(grant, to: UserID(rawValue: 999), by: .system) }
            #expect(try storage.users.find(id: user.id)?.has(.trainer) == true)
            #expect(try storage.accounts.withdraw(grant, from: user.id, by: .system))
            #expect(try !storage.accounts.withdraw(grant, from: user.id, by: .system))
            #expect(try storage.users.find(id: user.id)?.has(.trainer) == false)
            let entries = try storage.audit.recent(limit: 2)
            #expect(entries.map(\.action) == ["role.withdraw", "role.grant"])
            #expect(entries[0].details == #"{"department":"\#(department.id)","role":"trainer"}"#)
            #expect(try storage.audit.verify() == .intact(rows: 4))
        }
    }

    @Test(arguments: StorageKind.enabled)
    func stateChangesAndTheLastSignInAreRemembered(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("Li.Ming", in: try storage.department("处"))
            #expect(try storage.accounts.lastSignIn(of: user.id) == nil)
            #expect(try storage.accounts.lastSignIn(of: UserID(rawValue: 404)) == nil)
            try storage.execute("""
                INSERT INTO login_usual_addresses (key, last_success_at) VALUES ('10.0.0.1 li.ming', 500), ('10.0.0.2 xli.ming', 900)
                """, [])
            #expect(try storage.accounts.lastSignIn(of: user.id) == 500)
            try storage.session(for: user, token: "t")
            #expect(try storage.accounts.lastSignIn(of: user.id) == 1_800_000_000)
            try storage.accounts.setDisabled(true, id: user.id, reason: "moved away", by: AuditActor(userID: nil, name: "hr"))
            storage.clock.advance(by: 10)
            try storage.accounts.setDisabled(false, id: user.id, reason: nil, by: .commandLine)
            #expect(try storage.accounts.stateChanges(of: user.id) == [
                AccountStateChange(disabled: false, reason: nil, actor: "cli", at: 1_800_000_010),
                AccountStateChange(disabled: true, reason: "moved away", actor: "hr", at: 1_800_000_000),
            ])
        }
    }

    @Test(arguments: StorageKind.enabled)
    func theDirectoryListsTokensOfPeopleInSomeDepartmentsByState(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let here = try storage.department("处")
            let elsewhere = try storage.department("厅")
            let user = try storage.user("api", in: here)
            let other = try storage.user("other", in: elsewhere, name: "别处")
            let tokens = storage.tokens
            try tokens.create(tokenHash: "a", userID: user.id, name: "live", now: 10, expiresAt: 1_000, by: .system)
            try tokens.create(tokenHash: "b", userID: user.id, name: "old", now: 11, expiresAt: 50, by: .system)
            let gone = try tokens.create(tokenHash: "c", userID: user.id, name: "gone", now: 12, expiresAt: 1_000, by: .system)
            try tokens.revoke(id: gone, now: 13, by: .system)
            try tokens.create(tokenHash: "d", userID: other.id, name: "theirs", now: 14, expiresAt: 1_000, by: .system)
            func names(_ state: TokenFilter.State?) throws -> [String] {
                let filter = TokenFilter(prefixes: [here.idPath], state: state)
                #expect(try storage.tokenDirectory.countTokens(filter, now: 100)
                            == storage.tokenDirectory.tokens(filter, now: 100, limit: 10, offset: 0).count)
                return try storage.tokenDirectory.tokens(filter, now: 100, limit: 10, offset: 0).map(\.token.name)
            }
            #expect(try names(nil) == ["gone", "old", "live"])
            #expect(try names(.active) == ["live"] && names(.expired) == ["old"] && names(.revoked) == ["gone"])
            let line = try #require(try storage.tokenDirectory.tokens(TokenFilter(prefixes: [elsewhere.idPath]), now: 100,
                                                                      limit: 10, offset: 0).first)
            #expect(line.ownerLogin == "other" && line.ownerName == "别处" && line.ownerDepartmentID == elsewhere.id)
            #expect(try storage.tokenDirectory.tokens(TokenFilter(prefixes: []), now: 100, limit: 10, offset: 0).isEmpty)
            #expect(try storage.tokenDirectory.tokens(TokenFilter(prefixes: ["/"]), now: 100, limit: 2, offset: 1)
                        .map(\.token.name) == ["gone", "old"])
        }
    }
}
