import Assessment
import Foundation
import Testing
@testable import TrainingServer

/// The people pages as rendered: what a person typed is escaped, sort links keep the filters, only the scope's
/// departments are offered, and a grant outside the scope is shown without its name.
@Suite struct AdminPeoplePageTests {
    private static let departments = [
        Department(id: DepartmentID(rawValue: 1), parentID: nil, name: "省", idPath: "/1/", namePath: ["省"]),
        Department(id: DepartmentID(rawValue: 2), parentID: DepartmentID(rawValue: 1), name: "局", idPath: "/1/2/", namePath: ["省", "局"]),
        Department(id: DepartmentID(rawValue: 3), parentID: DepartmentID(rawValue: 1), name: "秘密厅", idPath: "/1/3/",
                   namePath: ["省", "秘密厅"]),
    ]

    private static let admin = User(id: UserID(rawValue: 1), login: "admin", displayName: "管理员", employeeNumber: nil,
                                    departmentID: DepartmentID(rawValue: 2), disabled: false, language: nil,
                                    accommodationFactor: 1, grants: [RoleGrant(role: .admin, departmentID: DepartmentID(rawValue: 2))])

    private static func context(_ language: Language = .zh) -> PageContext {
        PageContext(language: language, user: admin, csrfToken: "token", currentPath: "/admin/people", strings: .shipped,
                    timeZone: TimeZone(identifier: "Asia/Shanghai")!)
    }

    @Test func theListEscapesNamesAndItsSortLinksKeepTheFilters() throws {
        let scope = AdminScope(user: Self.admin, departments: Self.departments)
        var query = PeopleListQuery()
        query.search = "<b>x</b>"
        query.role = .hr
        let line = AccountLine(id: UserID(rawValue: 7), login: "li<script>", name: "李<i>明</i>", employeeNumber: "E&1",
                               departmentID: DepartmentID(rawValue: 2), disabled: true, roles: [.learner, .hr])
        let html = AdminPeoplePage.render(AdminPeoplePage.Model(query: query, problems: [], result: AdminPeoplePage.Result(
            lines: [line], total: 51, page: 1, pages: 2), scope: scope, department: nil), context: Self.context(),
            stylesheet: "/s.css").rendered
        #expect(!html.contains("<script>") && !html.contains("<i>明") && !html.contains("<b>x"))
        #expect(html.contains("李&lt;i&gt;明&lt;/i&gt;") && html.contains("E&amp;1") && html.contains("value=\"&lt;b&gt;x&lt;/b&gt;\""))
        #expect(html.contains("href=\"/admin/people?q=%3Cb%3Ex%3C%2Fb%3E&amp;role=hr&amp;sort=login\""))
        #expect(html.contains("aria-sort=\"ascending\"") && html.contains("rel=\"next\"") && html.contains("已停用"))
        #expect(!html.contains("秘密厅"))
        #expect(html.utf8.count < 50_000)
    }

    @Test func aPersonsGrantOutsideTheScopeHasNoNameAndNoWithdrawButton() throws {
        let scope = AdminScope(user: Self.admin, departments: Self.departments)
        let person = User(id: UserID(rawValue: 5), login: "li", displayName: "李明", employeeNumber: nil,
                          departmentID: DepartmentID(rawValue: 2), disabled: false, language: nil, accommodationFactor: 1,
                          grants: [RoleGrant(role: .learner, departmentID: DepartmentID(rawValue: 2)),
                                   RoleGrant(role: .hr, departmentID: DepartmentID(rawValue: 3)),
                                   RoleGrant(role: .trainer, departmentID: DepartmentID(rawValue: 2))])
        for language in [Language.zh, .en] {
            let html = AdminPersonPage.render(AdminPersonPage.Model(
                person: person, scope: scope, stateChanges: [], lastSignIn: nil, throttled: true, tokens: [], now: 0,
                hrRecord: true, done: .created, failure: nil), context: Self.context(language), stylesheet: "/s.css").rendered
            #expect(!html.contains("秘密厅"))
            #expect(html.components(separatedBy: "/admin/people/5/roles/withdraw").count == 2)
            #expect(html.contains("/admin/people/5/unlock") && html.contains("/admin/people/5/password-reset"))
            #expect(html.contains("href=\"/hr/people/5\""))
        }
    }
}
