import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct PeopleAdministrationTests {
    private struct Fixture {
        let temporary: TemporaryStore
        let service: PeopleAdministration
        let bureau: Department
        let office: Department
        let sibling: Department
        let throttle: LoginThrottle

        init() throws {
            temporary = try TemporaryStore()
            let store = temporary.store
            let departments = SQLiteDepartmentRepository(store: store, clock: { 1_800_000_000 })
            bureau = try departments.ensure(path: ["省", "数据局"], by: .system)
            office = try departments.ensure(path: ["省", "数据局", "综合处"], by: .system)
            sibling = try departments.ensure(path: ["省", "财政厅"], by: .system)
            var policy = LoginThrottle.Policy()
            policy.perAccountAndAddress = 3
            policy.accountFreeFailures = 4
            throttle = LoginThrottle(store: SQLiteLoginFailureStore(store: store), policy: policy)
            service = PeopleAdministration.sqlite(store: store, users: SQLiteUserRepository(store: store, clock: { 1_800_000_000 }),
                                                  audit: SQLiteAuditLog(store: store, clock: { 1_800_000_000 }),
                                                  throttle: policy, clock: { 1_800_000_000 })
        }

        func add(_ login: String, _ name: String, in department: Department? = nil, number: String? = nil,
                 grants: [RoleGrant] = []) throws -> User {
            try service.add(PeopleAdministration.NewPerson(login: login, name: name, employeeNumber: number,
                                                           departmentID: (department ?? office).id, grants: grants),
                            by: .commandLine)
        }

        func audit(_ action: String) throws -> [AuditEntry] {
            try SQLiteAuditLog(store: temporary.store, clock: { 0 }).recent(limit: 100).filter { $0.action == action }
        }
    }

    @Test func addingAPersonGrantsLearnerAndTheRolesAskedAndNoUsablePassword() throws {
        let fixture = try Fixture()
        let person = try fixture.add("zhang.wei", "张伟", number: "E-1", grants: [RoleGrant(role: .hr, departmentID: fixture.bureau.id)])
        #expect(person.grants.contains(RoleGrant(role: .learner, departmentID: fixture.office.id)))
        #expect(person.grants.contains(RoleGrant(role: .hr, departmentID: fixture.bureau.id)))
        let hash = try #require(try fixture.service.users.passwordHash(of: person.id))
        #expect(hash.hasPrefix("!") && !PasswordHasher().verify("anything", against: hash))
        let created = try #require(try fixture.audit("user.create").first)
        #expect(created.subject == "user:zhang.wei" && created.details.contains("hr@\(fixture.bureau.id)"))
    }

    @Test func everyProblemOfANewPersonIsNamedAndNothingIsWritten() throws {
        let fixture = try Fixture()
        _ = try fixture.add("taken", "某人", number: "E-1")
        let problems = try fixture.service.problems(PeopleAdministration.NewPerson(
            login: "taken", name: "", employeeNumber: "E-1", departmentID: nil))
        #expect(problems.map(\.reason) == [.loginTaken, .nameMissing, .employeeNumberTaken, .departmentMissing])
        #expect(try fixture.service.problems(PeopleAdministration.NewPerson(
            login: "a b", name: "名\n字", employeeNumber: "E\t2", departmentID: fixture.office.id)).map(\.reason)
            == [.loginInvalid, .controlCharacter, .controlCharacter])
        #expect(throws: AccountProblems.self) { try fixture.add("", "x") }
        #expect(try fixture.service.users.all().count == 1)
    }

    @Test func editingMovesTheLearnerGrantAndIsAudited() throws {
        let fixture = try Fixture()
        let person = try fixture.add("li", "李明", number: "E-1")
        _ = try fixture.add("other", "王", number: "E-2")
        #expect(throws: AccountProblems.self) {
            try fixture.service.edit(person, name: "李明", employeeNumber: "E-2", departmentID: fixture.office.id, by: .commandLine)
        }
        try fixture.service.edit(person, name: "李小明", employeeNumber: nil, departmentID: fixture.bureau.id, by: .commandLine)
        let edited = try #require(try fixture.service.users.find(id: person.id))
        #expect(edited.displayName == "李小明" && edited.employeeNumber == nil && edited.departmentID == fixture.bureau.id)
        #expect(edited.grants == [RoleGrant(role: .learner, departmentID: fixture.bureau.id)])
        let update = try #require(try fixture.audit("user.update").first)
        #expect(update.details.contains("李小明") && update.details.contains("from_department"))
        // The name's sort key follows the name: the list finds the person by the new initials.
        let found = try fixture.service.accounts.accounts(AccountFilter(prefixes: [fixture.bureau.idPath], search: "lxm",
                                                                         initials: PinyinInitials.ranges(for: "lxm") ?? []),
                                                           limit: 10, offset: 0)
        #expect(found.map(\.login) == ["li"])
    }

    @Test func anAdministratorKeepsTheirOwnLastAdminGrant() throws {
        let fixture = try Fixture()
        let admin = try fixture.add("admin", "管理员", grants: [RoleGrant(role: .admin, departmentID: fixture.bureau.id)])
        let other = try fixture.add("other", "别人", grants: [RoleGrant(role: .admin, departmentID: fixture.bureau.id)])
        let own = RoleGrant(role: .admin, departmentID: fixture.bureau.id)
        #expect(throws: AccountProblems.self) { try fixture.service.withdraw(own, from: admin, by: AuditActor(admin)) }
        // Someone else's, or one of two of one's own, may go.
        #expect(try fixture.service.withdraw(own, from: other, by: AuditActor(admin)))
        #expect(try fixture.service.grant(RoleGrant(role: .admin, departmentID: fixture.office.id), to: admin, by: AuditActor(admin)))
        let twice = try #require(try fixture.service.users.find(id: admin.id))
        #expect(try fixture.service.withdraw(own, from: twice, by: AuditActor(admin)))
        #expect(try !fixture.service.withdraw(own, from: twice, by: AuditActor(admin)))
        #expect(try fixture.audit("role.withdraw").count == 2 && fixture.audit("role.grant").count == 1)
    }

    @Test func disablingNeedsAReasonOnPagesAndKeepsIt() throws {
        let fixture = try Fixture()
        let person = try fixture.add("li", "李明")
        #expect(throws: AccountProblems.self) {
            try fixture.service.setDisabled(true, person, reason: " ", reasonRequired: true, by: .commandLine)
        }
        #expect(throws: AccountProblems.self) {
            try fixture.service.setDisabled(true, person, reason: String(repeating: "长", count: 501), reasonRequired: true,
                                            by: .commandLine)
        }
        #expect(try fixture.service.users.find(id: person.id)?.disabled == false)
        try fixture.service.setDisabled(true, person, reason: "调离", reasonRequired: true, by: .commandLine)
        try fixture.service.setDisabled(false, person, reason: nil, reasonRequired: false, by: .commandLine)
        let changes = try fixture.service.accounts.stateChanges(of: person.id)
        #expect(changes.map(\.disabled) == [false, true] && changes.map(\.reason) == [nil, "调离"])
        #expect(try fixture.audit("user.disable").first?.details.contains("调离") == true)
    }

    @Test func aThrottledAccountIsShownAsSuchAndUnlocked() throws {
        let fixture = try Fixture()
        let person = try fixture.add("Li.Ming", "李明")
        _ = try fixture.add("li.ming2", "李明二")
        #expect(try !fixture.service.isThrottled(person))
        for _ in 0..<3 {
            _ = try fixture.throttle.admit(login: "li.ming", address: "10.0.0.1", now: 1_800_000_000 - 10)
            _ = try fixture.throttle.admit(login: "li.ming2", address: "10.0.0.1", now: 1_800_000_000 - 10)
        }
        #expect(try fixture.service.isThrottled(person))
        #expect(try fixture.service.unlock(person, by: .commandLine) == 6)
        #expect(try !fixture.service.isThrottled(person))
        #expect(try fixture.throttle.admit(login: "li.ming", address: "10.0.0.1", now: 1_800_000_000).isAdmitted)
        // Another account's failures stay.
        let other = try #require(try fixture.service.users.find(login: "li.ming2"))
        #expect(try fixture.service.isThrottled(other))
        #expect(try fixture.audit("user.unlock").first?.subject == "user:\(person.id)")
    }

    @Test func wrongSecondStepCodesThrottleTheAccountAndUnlockingForgetsThem() throws {
        let fixture = try Fixture()
        let person = try fixture.add("wang.fang", "王芳")
        for _ in 0..<3 {
            _ = try fixture.throttle.admit(login: "2fa:wang.fang", address: "10.0.0.1", now: 1_800_000_000 - 10)
        }
        #expect(try fixture.service.isThrottled(person))
        #expect(try fixture.service.unlock(person, by: .commandLine) == 6)
        #expect(try !fixture.service.isThrottled(person))
        #expect(try fixture.throttle.admit(login: "2fa:wang.fang", address: "10.0.0.1", now: 1_800_000_000).isAdmitted)
    }
}
