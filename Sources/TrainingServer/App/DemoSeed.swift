import Foundation

/// A small organisation and one account per role, created on the first start with `--demo` only.
public enum DemoSeed {
    public struct Account: Sendable {
        public var login: String
        public var password: String
        public var role: Role
    }

    /// Seeds if this database was never seeded; returns the accounts created (empty when already seeded).
    public static func seedIfNeeded(storage: any StorageEngine, users: any UserRepository,
                                    departments: any DepartmentRepository, hasher: PasswordHasher) throws -> [Account] {
        guard try !storage.demoSeeded() else { return [] }
        let province = ["省人民政府"]
        let office = try departments.ensure(path: province + ["省数据局", "综合处"], by: .system)
        _ = try departments.ensure(path: province + ["省数据局", "网络安全处"], by: .system)
        let hrOffice = try departments.ensure(path: province + ["省人力资源和社会保障厅", "培训处"], by: .system)
        _ = try departments.ensure(path: province + ["省人力资源和社会保障厅", "公务员管理处"], by: .system)
        let root = try departments.ensure(path: province, by: .system)
        let plan: [(String, String, Role, Department)] = [
            ("demo-learner", "李明", .learner, office),
            ("demo-trainer", "王芳", .trainer, hrOffice),
            ("demo-hr", "张伟", .hr, root),
            ("demo-admin", "陈静", .admin, root),
        ]
        var accounts: [Account] = []
        for (login, name, role, department) in plan {
            let password = Tokens.random(bytes: 12)
            _ = try users.create(NewUser(login: login, displayName: name, departmentID: department.id,
                                         passwordHash: try hasher.hash(password), roles: [role]), by: .system)
            accounts.append(Account(login: login, password: password, role: role))
        }
        // Training plans: one required course due 30 days after being assigned, one elective, for everyone.
        let assignments = storage.assignments
        _ = try assignments.create(NewAssignment(name: "信息安全年度培训", item: AssignmentItem(kind: .course, id: "info-security"),
                                                 required: true, audience: .department(includeSubtree: true, jobCategory: nil),
                                                 departmentID: root.id, dueRule: .afterAssignment(days: 30)), by: .system)
        _ = try assignments.create(NewAssignment(name: "信息素养选修", item: AssignmentItem(kind: .course, id: "info-literacy"),
                                                 required: false, audience: .department(includeSubtree: true, jobCategory: nil),
                                                 departmentID: root.id, dueRule: .none), by: .system)
        try storage.recordDemoSeeded(at: Date())
        return accounts
    }
}
