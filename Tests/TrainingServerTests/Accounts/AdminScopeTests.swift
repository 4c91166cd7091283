import Testing
@testable import TrainingServer

@Suite("AdminScope")
struct AdminScopeTests {
    static func department(_ id: Int64, _ parent: Int64?, _ path: String, _ names: [String]) -> Department {
        Department(id: DepartmentID(rawValue: id), parentID: parent.map { DepartmentID(rawValue: $0) },
                   name: names.last!, idPath: path, namePath: names)
    }

    static let tree = [
        department(1, nil, "/1/", ["省"]),
        department(2, 1, "/1/2/", ["省", "数据局"]),
        department(3, 2, "/1/2/3/", ["省", "数据局", "综合处"]),
        department(4, 1, "/1/4/", ["省", "标记厅"]),
        // An id that starts with the bureau's: a plain string-prefix test would take it for a child.
        department(21, 1, "/1/21/", ["省", "陷阱"]),
    ]

    static func user(_ grants: [RoleGrant], in department: Int64 = 2) -> User {
        User(id: UserID(rawValue: 9), login: "a", displayName: "A", employeeNumber: nil,
             departmentID: DepartmentID(rawValue: department), disabled: false, language: nil,
             accommodationFactor: 1, grants: grants)
    }

    @Test func aUnitAdministratorSeesTheirSubtreeOnly() throws {
        let scope = AdminScope(user: Self.user([RoleGrant(role: .admin, departmentID: DepartmentID(rawValue: 2))]),
                               departments: Self.tree)
        #expect(scope.visibleDepartments.map(\.id.rawValue) == [2, 3])
        #expect(scope.roots.map(\.id.rawValue) == [2])
        #expect(try scope.department("3")?.name == "综合处")
        #expect(try scope.department(nil) == nil)
        for outside in ["1", "4", "21", "99", "3x", "-3", ""] where !outside.isEmpty {
            #expect(throws: AdminScopeFailure.notFound) { try scope.department(outside) }
        }
        #expect(scope.manages(Self.user([], in: 3)))
        #expect(!scope.manages(Self.user([], in: 4)))
        #expect(!scope.manages(Self.user([], in: 21)))
    }

    @Test func onlyAdminGrantsCount() {
        let hrOnly = AdminScope(user: Self.user([RoleGrant(role: .hr, departmentID: DepartmentID(rawValue: 1))]),
                                departments: Self.tree)
        #expect(hrOnly.isEmpty)
        #expect(hrOnly.visibleDepartments.isEmpty)
        let both = AdminScope(user: Self.user([RoleGrant(role: .admin, departmentID: DepartmentID(rawValue: 3)),
                                               RoleGrant(role: .admin, departmentID: DepartmentID(rawValue: 1))]),
                              departments: Self.tree)
        #expect(both.roots.map(\.id.rawValue) == [1])
        #expect(both.visibleDepartments.count == 5)
    }
}
