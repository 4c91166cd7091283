import Testing
@testable import TrainingServer

@Suite struct PeopleListQueryTests {
    private func parse(_ text: String) throws -> (PeopleListQuery, [AccountProblem]) {
        PeopleListQuery.parse(try Parameters.parseURLEncoded(Substring(text)))
    }

    @Test func readsEveryFilterAndWritesItBack() throws {
        let (query, problems) = try parse("q=zw&department=4&role=hr&state=disabled&sort=login&dir=desc&page=3")
        #expect(problems.isEmpty)
        #expect(query.search == "zw" && query.department == "4" && query.role == .hr && query.state == .disabled)
        #expect(query.sort == .login && query.descending && query.page == 3)
        #expect(query.queryString(page: 2) == "?q=zw&department=4&role=hr&state=disabled&sort=login&dir=desc&page=2")
        #expect(PeopleListQuery().queryString() == "")
    }

    @Test func emptyValuesAreNotGivenAndUnknownOnesAreProblems() throws {
        let (plain, none) = try parse("q=&department=&role=&state=")
        #expect(none.isEmpty && plain == PeopleListQuery())
        let (_, problems) = try parse("role=emperor&state=gone&sort=age&dir=up&page=0&q=" + String(repeating: "x", count: 101))
        #expect(Set(problems.map(\.field)) == ["role", "state", "sort", "dir", "page", "q"])
    }

    @Test func theFilterStaysInsideTheScope() throws {
        let departments = [
            Department(id: DepartmentID(rawValue: 1), parentID: nil, name: "省", idPath: "/1/", namePath: ["省"]),
            Department(id: DepartmentID(rawValue: 2), parentID: DepartmentID(rawValue: 1), name: "局", idPath: "/1/2/", namePath: ["省", "局"]),
            Department(id: DepartmentID(rawValue: 3), parentID: DepartmentID(rawValue: 1), name: "厅", idPath: "/1/3/", namePath: ["省", "厅"]),
        ]
        let admin = User(id: UserID(rawValue: 9), login: "a", displayName: "管", employeeNumber: nil,
                         departmentID: DepartmentID(rawValue: 2), disabled: false, language: nil, accommodationFactor: 1,
                         grants: [RoleGrant(role: .admin, departmentID: DepartmentID(rawValue: 2))])
        let scope = AdminScope(user: admin, departments: departments)
        var query = PeopleListQuery()
        query.search = "zw"
        let filter = try query.filter(in: scope)
        #expect(filter.prefixes == ["/1/2/"] && filter.initials.count == 2)
        query.department = "3"
        #expect(throws: AdminScopeFailure.notFound) { try query.filter(in: scope) }
        query.department = "1"
        #expect(throws: AdminScopeFailure.notFound) { try query.filter(in: scope) }
    }
}
