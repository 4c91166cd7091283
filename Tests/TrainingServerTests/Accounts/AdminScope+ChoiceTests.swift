import Testing
@testable import TrainingServer

@Suite struct AdminScopeChoiceTests {
    private static func department(_ id: Int64, _ path: [String], parent: Int64?, idPath: String) -> Department {
        Department(id: DepartmentID(rawValue: id), parentID: parent.map(DepartmentID.init), name: path.last!, idPath: idPath,
                   namePath: path)
    }

    private static func scope(extra: Int = 0) -> AdminScope {
        var departments = [department(1, ["省"], parent: nil, idPath: "/1/"),
                           department(2, ["省", "局"], parent: 1, idPath: "/1/2/"),
                           department(3, ["省", "局", "处"], parent: 2, idPath: "/1/2/3/"),
                           department(4, ["省", "厅"], parent: 1, idPath: "/1/4/")]
        for index in 0..<extra {
            departments.append(department(Int64(100 + index), ["省", "局", "科\(index)"], parent: 2, idPath: "/1/2/\(100 + index)/"))
        }
        let admin = User(id: UserID(rawValue: 1), login: "a", displayName: "管", employeeNumber: nil,
                         departmentID: DepartmentID(rawValue: 2), disabled: false, language: nil, accommodationFactor: 1,
                         grants: [RoleGrant(role: .admin, departmentID: DepartmentID(rawValue: 2))])
        return AdminScope(user: admin, departments: departments)
    }

    @Test func aDepartmentIsChosenByIdOrByItsPathWithinTheScope() throws {
        let scope = Self.scope()
        #expect(try scope.department(chosen: "3")?.id.rawValue == 3)
        #expect(try scope.department(chosen: "省/局/处")?.id.rawValue == 3)
        #expect(try scope.department(chosen: " 省 / 局 ")?.id.rawValue == 2)
        #expect(try scope.department(chosen: "") == nil && scope.department(chosen: nil) == nil)
        for outside in ["4", "省/厅", "省", "1", "省/局/无", "x"] {
            #expect(throws: AdminScopeFailure.notFound) { try scope.department(chosen: outside) }
        }
        #expect(AdminScope.typedPath(try #require(try scope.department(chosen: "3"))) == "省/局/处")
    }

    @Test func manyDepartmentsAreTypedNotListed() {
        #expect(Self.scope(extra: AdminScope.departmentListLimit - 2).listsDepartments)
        #expect(!Self.scope(extra: AdminScope.departmentListLimit - 1).listsDepartments)
    }
}
