import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// The department tree as administrators change it: counts, add, rename, move with the subtree, delete when empty,
/// the scope's limits, the audit log, and HR summaries that stay equal to a recount after a move.
@Suite struct DepartmentAdministrationTests {
    struct Organisation {
        let temporary: TemporaryStore
        let service: DepartmentAdministration
        let users: SQLiteUserRepository
        let root: Department, bureau: Department, office: Department, network: Department, sibling: Department

        init() throws {
            temporary = try TemporaryStore()
            let clock: @Sendable () -> Double = { 1_800_000_000 }
            service = DepartmentAdministration(store: temporary.store, clock: clock)
            users = SQLiteUserRepository(store: temporary.store, clock: clock)
            root = try service.ensure(path: ["省"], by: .system)
            bureau = try service.ensure(path: ["省", "数据局"], by: .system)
            office = try service.ensure(path: ["省", "数据局", "综合处"], by: .system)
            network = try service.ensure(path: ["省", "数据局", "网络处"], by: .system)
            sibling = try service.ensure(path: ["省", "人社厅"], by: .system)
        }

        @discardableResult
        func person(_ login: String, in department: Department, roles: [Role] = [], disabled: Bool = false) throws -> User {
            let user = try users.create(NewUser(login: login, displayName: login, departmentID: department.id, passwordHash: "!",
                                                roles: roles), by: .system)
            if disabled { try users.setDisabled(true, id: user.id, by: .system) }
            return user
        }

        func admin(on department: Department) throws -> AdminScope {
            let user = try person("admin-\(department.id)", in: department, roles: [.admin])
            return AdminScope(user: user, departments: try service.all())
        }

        func reload(_ department: Department) throws -> Department { try #require(try service.find(id: department.id)) }

        func auditActions() throws -> [String] {
            try SQLiteAuditLog(store: temporary.store, clock: { 0 }).recent(limit: 100).map(\.action)
        }
    }

    @Test func theTreeCountsEnabledPeopleDirectlyAndWithTheSubtree() throws {
        let org = try Organisation()
        try org.person("a", in: org.office)
        try org.person("b", in: org.office)
        try org.person("c", in: org.bureau)
        try org.person("gone", in: org.network, disabled: true)
        try org.person("d", in: org.sibling)
        let nodes = Dictionary(uniqueKeysWithValues: try org.service.tree(scope: nil).map { ($0.department.name, $0) })
        #expect(nodes["综合处"]?.direct == 2 && nodes["综合处"]?.total == 2)
        #expect(nodes["网络处"]?.direct == 0 && nodes["网络处"]?.total == 0, "a disabled account is not counted")
        #expect(nodes["数据局"]?.direct == 1 && nodes["数据局"]?.total == 3)
        #expect(nodes["省"]?.direct == 0 && nodes["省"]?.total == 4)
        #expect(nodes["省"]?.depth == 0 && nodes["综合处"]?.depth == 2)
    }

    @Test func aUnitAdministratorSeesOnlyTheirSubtreeWithItsTopAtDepthZero() throws {
        let org = try Organisation()
        try org.person("d", in: org.sibling)
        let scope = try org.admin(on: org.bureau)
        let nodes = try org.service.tree(scope: scope)
        #expect(nodes.map(\.department.name) == ["数据局", "综合处", "网络处"])
        #expect(nodes.map(\.depth) == [0, 1, 1])
        #expect(nodes[0].total == 1, "the administrator counts in their own bureau")
    }

    @Test func addRenameMoveAndDeleteAreAuditedAndKeepPathsRight() throws {
        let org = try Organisation()
        let team = try org.service.add(" 数据组 ", under: org.office, scope: nil, by: .system)
        #expect(team.namePath == ["省", "数据局", "综合处", "数据组"])
        let renamed = try org.service.rename(org.office, to: "办公室", scope: nil, by: .system)
        #expect(renamed.namePath == ["省", "数据局", "办公室"])
        #expect(try org.reload(team).namePath == ["省", "数据局", "办公室", "数据组"])

        let moved = try org.service.move(renamed, under: org.sibling, scope: nil, by: .system)
        #expect(moved.parentID == org.sibling.id)
        #expect(moved.idPath == "\(org.sibling.idPath)\(org.office.id)/")
        let movedTeam = try org.reload(team)
        #expect(movedTeam.idPath == "\(moved.idPath)\(team.id)/")
        #expect(movedTeam.namePath == ["省", "人社厅", "办公室", "数据组"])
        #expect(org.sibling.contains(movedTeam) && !org.bureau.contains(movedTeam))

        try org.service.delete(moved, scope: nil, by: .system)
        #expect(try org.service.find(id: moved.id) == nil && org.service.find(id: team.id) == nil)
        #expect(try org.auditActions().prefix(4) == ["department.delete", "department.move", "department.rename", "department.create"])
        #expect(try SQLiteAuditLog(store: org.temporary.store, clock: { 0 }).verify() == .intact(rows: 9))
    }

    @Test func refusalsChangeNothing() throws {
        let org = try Organisation()
        let before = try org.service.all()
        #expect(throws: DepartmentChangeFailure.intoOwnSubtree) { try org.service.move(org.bureau, under: org.office, scope: nil, by: .system) }
        #expect(throws: DepartmentChangeFailure.intoOwnSubtree) { try org.service.move(org.bureau, under: org.bureau, scope: nil, by: .system) }
        #expect(throws: DepartmentChangeFailure.alreadyThere) { try org.service.move(org.office, under: org.bureau, scope: nil, by: .system) }
        _ = try org.service.ensure(path: ["省", "人社厅", "综合处"], by: .system)
        #expect(throws: DepartmentChangeFailure.nameTaken) { try org.service.move(org.office, under: org.sibling, scope: nil, by: .system) }
        #expect(throws: DepartmentChangeFailure.nameTaken) { try org.service.rename(org.office, to: "网络处", scope: nil, by: .system) }
        #expect(throws: DepartmentChangeFailure.nameTaken) { try org.service.add("综合处", under: org.bureau, scope: nil, by: .system) }
        for bad in ["", "  ", "a/b", String(repeating: "长", count: 201), "a\nb"] {
            #expect(throws: DepartmentChangeFailure.invalidName) { try org.service.rename(org.office, to: bad, scope: nil, by: .system) }
            #expect(throws: DepartmentChangeFailure.invalidName) { try org.service.add(bad, under: org.office, scope: nil, by: .system) }
        }
        #expect(try org.service.all().filter { $0.namePath != ["省", "人社厅", "综合处"] } == before)
    }

    @Test func deletingNeedsAnEmptySubtreeWithoutGrants() throws {
        let org = try Organisation()
        try org.person("gone", in: org.office, disabled: true)
        #expect(throws: DepartmentChangeFailure.notEmpty(people: 1)) { try org.service.delete(org.bureau, scope: nil, by: .system) }
        #expect(try org.service.accounts(inSubtreeOf: org.bureau) == 1)
        _ = try org.person("hr", in: org.sibling, roles: [.hr])
        try org.temporary.store.write { db in
            try db.execute(sql: "INSERT INTO role_grants (user_id, role, department_id) SELECT id, 'hr', ? FROM users WHERE login = 'hr'",
                           arguments: [org.network.id.rawValue])
        }
        #expect(throws: DepartmentChangeFailure.rolesGranted(1)) { try org.service.delete(org.network, scope: nil, by: .system) }
        #expect(try org.service.all().count == 5)
        // A department people once belonged to (a zero head count row) can go once they moved away.
        let person = try org.person("mover", in: org.sibling)
        try org.temporary.store.write { db in
            try db.execute(sql: "UPDATE users SET department_id = ? WHERE id = ?", arguments: [org.network.id.rawValue, person.id.rawValue])
            try db.execute(sql: "UPDATE users SET department_id = ? WHERE id = ?", arguments: [org.sibling.id.rawValue, person.id.rawValue])
            try db.execute(sql: "DELETE FROM role_grants WHERE department_id = ?", arguments: [org.network.id.rawValue])
        }
        try org.service.delete(org.network, scope: nil, by: .system)
        #expect(try org.service.find(id: org.network.id) == nil)
    }

    @Test func aUnitAdministratorCannotMoveTheTopOfTheirScopeOrReachOutsideIt() throws {
        let org = try Organisation()
        let scope = try org.admin(on: org.bureau)
        #expect(throws: DepartmentChangeFailure.scopeRoot) { try org.service.move(org.bureau, under: org.office, scope: scope, by: .system) }
        #expect(try org.service.moveTargets(for: org.bureau, scope: scope).isEmpty)
        #expect(throws: DepartmentChangeFailure.notFound) { try org.service.move(org.office, under: org.sibling, scope: scope, by: .system) }
        #expect(throws: DepartmentChangeFailure.notFound) { try org.service.rename(org.sibling, to: "x", scope: scope, by: .system) }
        #expect(throws: DepartmentChangeFailure.notFound) { try org.service.add("x", under: org.root, scope: scope, by: .system) }
        #expect(throws: DepartmentChangeFailure.notFound) { try org.service.delete(org.sibling, scope: scope, by: .system) }
        #expect(try org.service.moveTargets(for: org.office, scope: scope).map(\.name) == ["网络处"])
        let moved = try org.service.move(org.office, under: org.network, scope: scope, by: .system)
        #expect(moved.namePath == ["省", "数据局", "网络处", "综合处"])
    }

    @Test func summariesOfTheOldAndNewParentEqualARecountAfterAMove() throws {
        let org = try Organisation()
        let team = try org.service.ensure(path: ["省", "数据局", "综合处", "数据组"], by: .system)
        var people: [User] = []
        for (index, department) in [org.office, org.office, team, team, team, org.network, org.sibling].enumerated() {
            people.append(try org.person("p\(index)", in: department))
        }
        try org.person("left", in: team, disabled: true)
        try org.temporary.store.write { db in
            for (index, person) in people.enumerated() where index % 2 == 0 {
                try db.execute(sql: """
                    INSERT INTO certifications (user_id, program_id, department_id, state, updated_at)
                    SELECT id, 'prog', department_id, ?, 0 FROM users WHERE id = ?
                    """, arguments: [index % 4 == 0 ? "certified" : "in_progress", person.id.rawValue])
            }
        }
        _ = try org.service.move(org.office, under: org.sibling, scope: nil, by: .system)
        let reports = SQLiteReportRepository(store: org.temporary.store)
        let departments = try org.service.all()
        let root = try #require(departments.first { $0.id == org.root.id })
        let children = departments.filter { $0.parentID == root.id }
        let summary = try reports.summary(programID: "prog", root: root, children: children, scope: AccessScope(prefixes: [root.idPath]))
        func recount(_ department: Department) throws -> (people: Int, certified: Int, inProgress: Int) {
            try org.temporary.store.read { db in
                let range: StatementArguments = [department.idPath + "%"]
                let people = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM users u JOIN departments d ON d.id = u.department_id
                    WHERE u.disabled = 0 AND d.id_path LIKE ?
                    """, arguments: range) ?? -1
                func state(_ name: String) throws -> Int {
                    try Int.fetchOne(db, sql: """
                        SELECT count(*) FROM certifications c JOIN users u ON u.id = c.user_id
                        JOIN departments d ON d.id = u.department_id
                        WHERE u.disabled = 0 AND c.program_id = 'prog' AND c.state = ? AND d.id_path LIKE ?
                        """, arguments: [name] + range) ?? -1
                }
                return (people, try state("certified"), try state("in_progress"))
            }
        }
        for child in summary.children {
            let expected = try recount(child.department)
            #expect(child.people == expected.people, "\(child.department.name)")
            #expect(child.counts[.certified] ?? 0 == expected.certified, "\(child.department.name)")
            #expect(child.counts[.inProgress] ?? 0 == expected.inProgress, "\(child.department.name)")
        }
        let byName = Dictionary(uniqueKeysWithValues: summary.children.map { ($0.department.name, $0.people) })
        #expect(byName == ["数据局": 1, "人社厅": 6], "the office's five people joined the sibling's own one")
        #expect(summary.root.people == 7)
        // The tree's counts agree.
        let nodes = Dictionary(uniqueKeysWithValues: try org.service.tree(scope: nil).map { ($0.department.name, $0.total) })
        #expect(nodes["数据局"] == 1 && nodes["人社厅"] == 6)
    }
}
