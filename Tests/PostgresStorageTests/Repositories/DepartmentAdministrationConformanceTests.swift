import Foundation
import PostgresStorage
import Testing
import SQLiteStorage
import TrainingServer

/// The department administration's changes (rename, move, delete) and counts give the same answers on SQLite and
/// PostgreSQL: the same paths, refusals, audit rows, and what follows a move (requirements, assignments).
@Suite struct DepartmentAdministrationConformanceTests {
    struct Organisation {
        let root: Department, bureau: Department, office: Department, network: Department, sibling: Department

        init(_ storage: StorageFixture) throws {
            root = try storage.department("省")
            bureau = try storage.department("省", "数据局")
            office = try storage.department("省", "数据局", "综合处")
            network = try storage.department("省", "数据局", "网络处")
            sibling = try storage.department("省", "人社厅")
        }
    }

    @Test(arguments: StorageKind.enabled)
    func renameMoveAndDeleteAreAuditedAndKeepPathsRight(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let org = try Organisation(storage)
            let changes = storage.departmentChanges
            let team = try storage.department("省", "数据局", "综合处", "数据组")
            let renamed = try changes.rename(org.office.id, " 办公室 ", .system)
            #expect(renamed.namePath == ["省", "数据局", "办公室"])
            #expect(try storage.departments.find(id: team.id)?.namePath == ["省", "数据局", "办公室", "数据组"])
            #expect(try changes.rename(org.office.id, "办公室", .system) == renamed, "the same name changes nothing")

            let moved = try changes.move(org.office.id, org.sibling.id, .system)
            #expect(moved.parentID == org.sibling.id && moved.idPath == "\(org.sibling.idPath)\(org.office.id)/")
            let movedTeam = try #require(try storage.departments.find(id: team.id))
            #expect(movedTeam.idPath == "\(moved.idPath)\(team.id)/")
            #expect(movedTeam.namePath == ["省", "人社厅", "办公室", "数据组"])
            #expect(org.sibling.contains(movedTeam) && !org.bureau.contains(movedTeam))

            try changes.delete(moved.id, .system)
            #expect(try storage.departments.find(id: moved.id) == nil && storage.departments.find(id: team.id) == nil)
            let entries = try storage.audit.recent(limit: 4)
            #expect(entries.map(\.action) == ["department.delete", "department.move", "department.rename", "department.create"])
            #expect(entries[0].details == #"{"departments":"2","path":"省/人社厅/办公室"}"#)
            #expect(entries[1].details == #"{"from":"省/数据局/办公室","to":"省/人社厅/办公室"}"#)
            #expect(entries[2].details == #"{"from":"省/数据局/综合处","to":"省/数据局/办公室"}"#)
            #expect(try storage.audit.verify() == .intact(rows: 9))
        }
    }

    @Test(arguments: StorageKind.enabled)
    func refusalsChangeNothing(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let org = try Organisation(storage)
            let changes = storage.departmentChanges
            _ = try storage.department("省", "人社厅", "综合处")
            let before = try storage.departments.all()
            #expect(throws: DepartmentChangeFailure.intoOwnSubtree) { try changes.move(org.bureau.id, org.office.id, .system) }
            #expect(throws: DepartmentChangeFailure.intoOwnSubtree) { try changes.move(org.bureau.id, org.bureau.id, .system) }
            #expect(throws: DepartmentChangeFailure.alreadyThere) { try changes.move(org.office.id, org.bureau.id, .system) }
            #expect(throws: DepartmentChangeFailure.nameTaken) { try changes.move(org.office.id, org.sibling.id, .system) }
            #expect(throws: DepartmentChangeFailure.nameTaken) { try changes.rename(org.office.id, "网络处", .system) }
            #expect(throws: DepartmentChangeFailure.notFound) { try changes.rename(DepartmentID(rawValue: 999), "x", .system) }
            #expect(throws: DepartmentChangeFailure.notFound) { try changes.move(org.office.id, DepartmentID(rawValue: 999), .system) }
            #expect(throws: DepartmentChangeFailure.notFound) { try changes.delete(DepartmentID(rawValue: 999), .system) }
            for bad in ["", "  ", "a/b", String(repeating: "长", count: 201), "a\nb"] {
                #expect(throws: DepartmentChangeFailure.invalidName) { try changes.rename(org.office.id, bad, .system) }
            }
            #expect(try storage.departments.all() == before)
            #expect(try storage.audit.verify() == .intact(rows: 6))
        }
    }

    @Test(arguments: StorageKind.enabled)
    func deletingNeedsAnEmptySubtreeWithoutGrantsAndCountsFollowPeople(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let org = try Organisation(storage)
            let changes = storage.departmentChanges
            let gone = try storage.user("gone", in: org.office)
            try storage.users.setDisabled(true, id: gone.id, by: .system)
            _ = try storage.user("a", in: org.office)
            _ = try storage.user("b", in: org.bureau)
            #expect(throws: DepartmentChangeFailure.notEmpty(people: 3)) { try changes.delete(org.bureau.id, .system) }
            #expect(try changes.accountsInSubtree(org.bureau) == 3)
            #expect(try changes.accountsInSubtree(org.network) == 0)
            #expect(try changes.headcounts() == [org.office.id: 1, org.bureau.id: 1], "disabled accounts are not counted")
            let hr = try storage.user("hr", in: org.sibling, roles: [.hr])
            #expect(try storage.accounts.grant(RoleGrant(role: .hr, departmentID: org.network.id), to: hr.id, by: .system))
            #expect(throws: DepartmentChangeFailure.rolesGranted(1)) { try changes.delete(org.network.id, .system) }
            #expect(try storage.departments.all().count == 5)
            // A department people once belonged to (a zero head count row) can go once they moved away.
            let mover = try storage.user("mover", in: org.sibling)
            try storage.accounts.update(mover.id, name: "mover", employeeNumber: nil, departmentID: org.network.id, by: .system)
            try storage.accounts.update(mover.id, name: "mover", employeeNumber: nil, departmentID: org.sibling.id, by: .system)
            #expect(try storage.accounts.withdraw(RoleGrant(role: .hr, departmentID: org.network.id), from: hr.id, by: .system))
            try changes.delete(org.network.id, .system)
            #expect(try storage.departments.find(id: org.network.id) == nil)
            #expect(try storage.integer("SELECT count(*) FROM department_people WHERE department_id = ?",
                                        [.int(org.network.id.rawValue)]) == 0)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func aMovedSubtreesPeopleTakeTheNewRequirementsAndAssignments(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let org = try Organisation(storage)
            let person = try storage.user("li", in: org.office)
            // A yearly requirement and an assignment on the new parent's subtree, written directly (their
            // repositories are not part of this suite).
            try storage.execute("""
                INSERT INTO yearly_requirements (department_id, job_category, hours, created_at, updated_at) VALUES (?, NULL, 48, 1, 1)
                """, [.int(org.sibling.id.rawValue)])
            try storage.execute("""
                INSERT INTO assignments (name, item_kind, item_id, required, audience, department_id, include_subtree,
                                         due_kind, due_day, due_days, created_at)
                VALUES ('人社培训', 'course', 'c1', 1, 'department', ?, 1, 'fixed', '2027-06-30', NULL, 1)
                """, [.int(org.sibling.id.rawValue)])
            #expect(try storage.users.find(id: person.id)?.requiredHours == nil)
            _ = try storage.departmentChanges.move(org.office.id, org.sibling.id, .system)
            #expect(try storage.users.find(id: person.id)?.requiredHours == 48)
            #expect(try storage.integer("""
                SELECT count(*) FROM assignment_members WHERE user_id = ? AND due_day = '2027-06-30' AND left_at IS NULL
                """, [.int(person.id.rawValue)]) == 1)
            // Moving back: the requirement goes, the membership is marked as left.
            _ = try storage.departmentChanges.move(org.office.id, org.bureau.id, .system)
            #expect(try storage.users.find(id: person.id)?.requiredHours == nil)
            #expect(try storage.integer("SELECT count(*) FROM assignment_members WHERE user_id = ? AND left_at IS NOT NULL",
                                        [.int(person.id.rawValue)]) == 1)
        }
    }
}
