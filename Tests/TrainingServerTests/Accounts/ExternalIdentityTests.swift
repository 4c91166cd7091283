import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// `IdentityProvisioner`: which account a directory or identity platform's word about a person signs in to,
/// on a real SQLite file.
@Suite struct ExternalIdentityTests {
    private struct Fixture {
        let temporary: TemporaryStore
        let provisioner: IdentityProvisioner
        let departments: SQLiteDepartmentRepository
        let office: Department

        init() throws {
            temporary = try TemporaryStore()
            let store = temporary.store
            departments = SQLiteDepartmentRepository(store: store, clock: { 1_800_000_000 })
            office = try departments.ensure(path: ["省人民政府", "省数据局", "综合处"], by: .system)
            provisioner = .sqlite(store: store, users: SQLiteUserRepository(store: store, clock: { 1_800_000_000 }),
                                  departments: departments, audit: SQLiteAuditLog(store: store, clock: { 1_800_000_000 }),
                                  throttle: LoginThrottle.Policy(), clock: { 1_800_000_000 })
        }

        func add(_ login: String, _ name: String, number: String? = nil) throws -> User {
            try provisioner.people.add(PeopleAdministration.NewPerson(login: login, name: name, employeeNumber: number,
                                                                      departmentID: office.id), by: .commandLine)
        }

        func account(_ profile: ExternalProfile, _ policy: ProvisioningPolicy = .match) throws -> Result<User, IdentityProvisioner.Refusal> {
            try provisioner.account(for: profile, policy: policy, defaultDepartment: ["省人民政府"])
        }

        func audit(_ action: String) throws -> [AuditEntry] {
            try SQLiteAuditLog(store: temporary.store, clock: { 0 }).recent(limit: 100).filter { $0.action == action }
        }
    }

    private static let zhang = ExternalProfile(method: .ldap, subject: "uid=zhangwei,ou=people,dc=example,dc=gov",
                                               login: "zhangwei", displayName: "张伟", employeeNumber: "100001",
                                               departmentPath: ["省人民政府", "省数据局", "信息中心"], jobCategory: "窗口岗位",
                                               email: "zhangwei@example.gov")

    @Test func matchOnlyRefusesUnknownPeopleAndCreatesNothing() throws {
        let fixture = try Fixture()
        #expect(try fixture.account(Self.zhang, .match) == .failure(.noAccount))
        #expect(try fixture.provisioner.people.users.find(login: "zhangwei") == nil)
        #expect(try fixture.departments.find(path: ["省人民政府", "省数据局", "信息中心"]) == nil)
    }

    @Test func createMakesTheAccountInItsDepartmentWithItsAttributesAndLinksIt() throws {
        let fixture = try Fixture()
        let user = try fixture.account(Self.zhang, .create).get()
        #expect(user.login == "zhangwei" && user.displayName == "张伟" && user.employeeNumber == "100001")
        #expect(user.jobCategory == "窗口岗位")
        let department = try #require(try fixture.departments.find(path: ["省人民政府", "省数据局", "信息中心"]))
        #expect(user.departmentID == department.id)
        #expect(try fixture.provisioner.attributes.email(of: user) == "zhangwei@example.gov")
        #expect(try fixture.provisioner.identities.user(method: .ldap, subject: Self.zhang.subject) == user.id)
        // No usable local password, and the audit log names the provider as the actor.
        let hash = try #require(try fixture.provisioner.people.users.passwordHash(of: user.id))
        #expect(hash.hasPrefix("!"))
        #expect(try fixture.audit("user.create").first?.actor == "sign-in:ldap")
    }

    @Test func anExistingAccountIsFoundByLoginThenByEmployeeNumberAndBroughtUpToDate() throws {
        let fixture = try Fixture()
        let byLogin = try fixture.add("zhangwei", "张 伟（旧）")
        let found = try fixture.account(Self.zhang, .match).get()
        #expect(found.id == byLogin.id && found.displayName == "张伟" && found.employeeNumber == "100001")
        #expect(found.departmentID != fixture.office.id)

        let byNumber = try fixture.add("li.na", "李娜", number: "200002")
        var profile = ExternalProfile(method: .cas, subject: "lina", login: "lina", displayName: "李娜",
                                      employeeNumber: "200002")
        #expect(try fixture.account(profile).get().id == byNumber.id)
        // Linked now: a changed login at the provider still finds the account.
        profile.login = "lina2"
        profile.employeeNumber = nil
        #expect(try fixture.account(profile).get().id == byNumber.id)
        // Nothing the provider does not give is erased.
        #expect(try fixture.provisioner.people.users.find(id: byNumber.id)?.employeeNumber == "200002")
    }

    @Test func aDisabledAccountIsRefused() throws {
        let fixture = try Fixture()
        let user = try fixture.add("zhangwei", "张伟")
        try fixture.provisioner.people.setDisabled(true, user, reason: "离职", reasonRequired: true, by: .commandLine)
        #expect(try fixture.account(Self.zhang, .create) == .failure(.disabled))
    }

    @Test func anEmployeeNumberHeldByAnotherAccountIsNotTakenFromIt() throws {
        let fixture = try Fixture()
        let holder = try fixture.add("wang.fang", "王芳", number: "100001")
        let zhang = try fixture.add("zhangwei", "张伟", number: "300003")
        // Found by login; the number the provider gives belongs to someone else: both keep their own.
        let user = try fixture.account(Self.zhang).get()
        #expect(user.id == zhang.id && user.employeeNumber == "300003")
        #expect(try fixture.provisioner.people.users.find(id: holder.id)?.employeeNumber == "100001")
        // The other details are still brought up to date.
        #expect(user.jobCategory == "窗口岗位")
    }

    @Test func aProfileWithoutLoginIsInvalidAndWithoutDepartmentGoesToTheDefault() throws {
        let fixture = try Fixture()
        guard case .failure(.invalid) = try fixture.account(ExternalProfile(method: .cas, subject: "x", login: " "), .create) else {
            Issue.record("a profile without a login was accepted")
            return
        }
        let user = try fixture.account(ExternalProfile(method: .cas, subject: "alice", login: "alice"), .create).get()
        #expect(user.displayName == "alice")
        #expect(user.departmentID == (try fixture.departments.find(path: ["省人民政府"]))?.id)
    }

    @Test func departmentAttributesSplitOnTheUsualSeparators() {
        #expect(ExternalProfile.departmentPath("省人民政府/省数据局/ 综合处 ") == ["省人民政府", "省数据局", "综合处"])
        #expect(ExternalProfile.departmentPath("A > B\\C") == ["A", "B", "C"])
        #expect(ExternalProfile.departmentPath(" / ").isEmpty)
    }
}
