import Testing
@testable import TrainingServer

@Suite struct AccountTypesTests {
    @Test func rolesAreOrderedFromLearnerToAdmin() {
        #expect(Role.allCases.sorted() == [.learner, .trainer, .hr, .admin])
        #expect(Role.learner < .admin && !(Role.hr < .trainer))
    }

    @Test func aUsersRolesComeFromItsGrants() {
        let office = DepartmentID(rawValue: 3)
        let user = User(id: UserID(rawValue: 9), login: "li", displayName: "李", employeeNumber: nil, departmentID: office,
                        disabled: false, language: nil, accommodationFactor: 1,
                        grants: [RoleGrant(role: .learner, departmentID: office), RoleGrant(role: .hr, departmentID: office),
                                 RoleGrant(role: .hr, departmentID: DepartmentID(rawValue: 1))])
        #expect(user.roles == [.learner, .hr])
        #expect(user.has(.hr) && !user.has(.admin))
        let actor = AuditActor(user)
        #expect(actor.userID == user.id && actor.name == "li")
        #expect(AuditActor.system.userID == nil && AuditActor.commandLine.name == "cli")
    }

    @Test func departmentContainmentFollowsWholeIdSegments() {
        func department(_ id: Int64, _ path: String, _ names: [String]) -> Department {
            Department(id: DepartmentID(rawValue: id), parentID: nil, name: names.last ?? "", idPath: path, namePath: names)
        }
        let one = department(1, "/1/", ["省政府"])
        let child = department(4, "/1/4/", ["省政府", "数据局"])
        let ten = department(10, "/10/", ["市政府"])
        #expect(one.contains(child) && one.contains(one))
        #expect(!one.contains(ten) && !child.contains(one))
        #expect(child.displayPath == "省政府 / 数据局")
    }

    /// RFC 9110 §9.2.1: GET, HEAD, OPTIONS and TRACE are safe (no route answers TRACE but with 405).
    @Test func onlyGetHeadOptionsAndTraceAreSafe() {
        #expect(HTTPMethod.allCases.filter(\.isSafe) == [.get, .head, .options, .trace])
    }
}
