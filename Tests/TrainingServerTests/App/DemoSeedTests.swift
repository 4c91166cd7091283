@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct DemoSeedTests {
    @Test func seedsOneAccountPerRoleOnceOnly() throws {
        let temporary = try TemporaryStore()
        let users = SQLiteUserRepository(store: temporary.store, clock: { 1 })
        let departments = SQLiteDepartmentRepository(store: temporary.store, clock: { 1 })
        let hasher = PasswordHasher()
        let accounts = try DemoSeed.seedIfNeeded(store: temporary.store, users: users, departments: departments, hasher: hasher)
        #expect(accounts.map(\.login) == ["demo-learner", "demo-trainer", "demo-hr", "demo-admin"])
        #expect(accounts.map(\.role) == [.learner, .trainer, .hr, .admin])
        #expect(Set(accounts.map(\.password)).count == 4)
        #expect(accounts.allSatisfy { $0.password.count == 16 })

        let admin = try #require(try users.find(login: "demo-admin"))
        #expect(admin.has(.admin))
        let root = try #require(try departments.find(path: ["省人民政府"]))
        #expect(admin.departmentID == root.id)
        let learner = try #require(try users.find(login: "demo-learner"))
        #expect(try departments.find(id: learner.departmentID)?.namePath == ["省人民政府", "省数据局", "综合处"])
        #expect(hasher.verify(accounts[0].password, against: try #require(try users.passwordHash(of: learner.id))))
        #expect(try departments.all().count == 7)

        let again = try DemoSeed.seedIfNeeded(store: temporary.store, users: users, departments: departments, hasher: hasher)
        #expect(again.isEmpty)
        #expect(try users.all().count == 4)
        #expect(try SQLiteAuditLog(store: temporary.store, clock: { 2 }).verify() == .intact(rows: 13))
    }
}
