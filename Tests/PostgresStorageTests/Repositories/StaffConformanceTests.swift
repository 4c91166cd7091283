import Foundation
import PostgresStorage
import Testing
import SQLiteStorage
import TrainingServer

/// Staff imports (planned against the stored snapshot, applied in one transaction), uploaded files and the history
/// of imports behave the same on SQLite and PostgreSQL.
@Suite struct StaffConformanceTests {
    static let header = "employee_number,login,name,department,roles,status,job_category,email\n"

    static func file(_ rows: String) -> StaffImport.File { .csv(Array((header + rows).utf8), encoding: nil) }

    /// The plan of `rows` against what `storage` holds now.
    static func plan(_ rows: String, _ storage: StorageFixture, reach: [[String]]? = nil) throws -> StaffImport.Plan {
        let (people, departments) = try storage.node.staff.snapshot()
        guard case .plan(let plan) = StaffImport.plan(file: file(rows), existing: people, departments: departments, reach: reach) else {
            throw StoreError.conflict("the rows do not plan")
        }
        return plan
    }

    @Test(arguments: StorageKind.enabled)
    func anImportCreatesUpdatesAndDisablesPeopleWithTheirDepartmentsAndGrants(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let staff = storage.node.staff
            let bureau = try storage.department("省", "局")
            let marker = try storage.user("marker", in: try storage.department("省", "厅"), employeeNumber: "900", name: "ZZMARKER")
            let rows = "1,li,李四,省/局/一处,hr@省/局,,窗口岗位,li@example.org\n2,wang,王五,省/局,,,,\n"
            let first = try Self.plan(rows, storage)
            #expect(first.created == 2 && first.newDepartments == [["省", "局", "一处"]])
            try staff.apply(first, passwordHashes: ["1": "hash-1"], source: StaffImportSource(fileName: "a.csv", sha256: "aa", scope: []),
                            by: .commandLine)
            let li = try #require(try storage.users.find(login: "li"))
            let office = try #require(try storage.departments.find(path: ["省", "局", "一处"]))
            #expect(li.displayName == "李四" && li.employeeNumber == "1" && li.departmentID == office.id && li.jobCategory == "窗口岗位")
            #expect(Set(li.grants) == [RoleGrant(role: .learner, departmentID: office.id), RoleGrant(role: .hr, departmentID: bureau.id)])
            #expect(try storage.users.passwordHash(of: li.id) == "hash-1")
            let wang = try #require(try storage.users.find(login: "wang"))
            #expect(try storage.users.passwordHash(of: wang.id)?.hasPrefix("!") == true, "no password matches a generated hash")
            #expect(try storage.text("SELECT email FROM users WHERE id = ?", [.int(li.id.rawValue)]) == "li@example.org")
            #expect(try storage.text("SELECT action || ' ' || details FROM audit_log ORDER BY id DESC LIMIT 1", [])?
                .hasPrefix("staff.import") == true)
            // The snapshot describes what was written, so the same file plans nothing now.
            let again = try Self.plan(rows, storage)
            #expect(again.changes.isEmpty && again.unchanged == 2)
            let (people, departments) = try staff.snapshot()
            let described = try #require(people.first { $0.login == "li" })
            #expect(described.department == ["省", "局", "一处"] && described.email == "li@example.org" && described.timeFactor == 1)
            #expect(described.grants.contains(StaffImport.Grant(.hr, department: ["省", "局"])))
            #expect(departments.isSuperset(of: [["省"], ["省", "局"], ["省", "局", "一处"], ["省", "厅"]]))
            // A rename (its name key follows), a move, a cleared category, and a person who left.
            let changes = try Self.plan("1,li,李大四,省/局,,,-,\n2,wang,王五,省/局,,left,,\n", storage)
            #expect(changes.updated == 1 && changes.disabled == 1)
            try staff.apply(changes, passwordHashes: [:], source: nil, by: .commandLine)
            let renamed = try #require(try storage.users.find(id: li.id))
            #expect(renamed.displayName == "李大四" && renamed.departmentID == bureau.id && renamed.jobCategory == nil)
            #expect(Set(renamed.grants) == [RoleGrant(role: .learner, departmentID: bureau.id)])
            #expect(try storage.users.find(id: wang.id)?.disabled == true)
            let key = try storage.text(kind == .sqlite ? "SELECT lower(hex(name_key)) FROM users WHERE id = ?"
                                                       : "SELECT encode(name_key, 'hex') FROM users WHERE id = ?", [.int(li.id.rawValue)])
            #expect(key == NameCollation.key("李大四").map { String(format: "%02x", $0) }.joined())
            // The marker outside the file is never touched.
            let untouched = try #require(try storage.users.find(id: marker.id))
            #expect(untouched.displayName == "ZZMARKER" && !untouched.disabled)
            #expect(try storage.node.staffImports.history(limit: 10) { _ in true }.map(\.fileName) == ["a.csv"])
        }
    }

    @Test(arguments: StorageKind.enabled)
    func aPreviewedFileIsAppliedOnlyWhileItStillPlansTheSame(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            _ = try storage.department("省", "局")
            let rows = "1,li,李四,省/局,,\n"
            let file = StaffImport.File.csv(Array(("employee_number,login,name,department,roles,status\n" + rows).utf8), encoding: nil)
            let (people, departments) = try storage.node.staff.snapshot()
            guard case .plan(let preview) = StaffImport.plan(file: file, existing: people, departments: departments, reach: nil) else {
                Issue.record("the file does not plan")
                return
            }
            let source = StaffImportSource(fileName: "b.csv", sha256: "bb", scope: ["2"])
            // Someone takes the login meanwhile: the plan differs, nothing is written.
            let other = try storage.user("li", in: try storage.department("省"), employeeNumber: "7")
            let audits = try storage.count("audit_log")
            #expect(throws: StaffImportChanged.self) {
                _ = try storage.node.staff.apply(file: file, reach: nil, expecting: preview.fingerprint, source: source, by: .commandLine)
            }
            #expect(try storage.count("audit_log") == audits)
            #expect(try storage.count("staff_imports") == 0)
            // Once it plans as previewed again, it is applied and kept in the history.
            try storage.execute("UPDATE users SET login = 'li.old' WHERE id = ?", [.int(other.id.rawValue)])
            let applied = try storage.node.staff.apply(file: file, reach: nil, expecting: preview.fingerprint, source: source,
                                                       by: .commandLine)
            #expect(applied == preview)
            #expect(try storage.users.find(login: "li")?.employeeNumber == "1")
            let record = try #require(try storage.node.staffImports.history(limit: 10) { _ in true }.first)
            #expect(record.fileName == "b.csv" && record.sha256 == "bb" && record.scope == ["2"] && record.created == 1)
            #expect(record.actor == "cli" && record.at == storage.clock.current)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func twoServersApplyingTheSamePreviewAtOnceApplyItOnce(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            _ = try storage.department("省", "局")
            let file = Self.file("1,li,李四,省/局/新处,,,,\n2,wang,王五,省/局/新处,,,,\n")
            let (people, departments) = try storage.node.staff.snapshot()
            guard case .plan(let preview) = StaffImport.plan(file: file, existing: people, departments: departments, reach: nil) else {
                Issue.record("the file does not plan")
                return
            }
            let nodes = try (0..<3).map { _ in try storage.openNode().staff }
            let applied = LockedBox(0)
            let refused = LockedBox(0)
            let failures = LockedBox([String]())
            runThreads(3) { index in
                do {
                    _ = try nodes[index].apply(file: file, reach: nil, expecting: preview.fingerprint,
                                               source: StaffImportSource(fileName: "c.csv", sha256: "cc", scope: []), by: .commandLine)
                    applied.update { $0 += 1 }
                } catch is StaffImportChanged {
                    refused.update { $0 += 1 }
                } catch {
                    failures.update { $0.append("\(error)") }
                }
            }
            #expect(failures.current.isEmpty, "\(failures.current)")
            #expect(applied.current == 1 && refused.current == 2)
            #expect(try storage.count("staff_imports") == 1)
            #expect(try storage.integer("SELECT count(*) FROM departments WHERE name = '新处'", []) == 1)
            #expect(try storage.integer("SELECT count(*) FROM users WHERE employee_number IN ('1', '2')", []) == 2)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func uploadsAreKeptWithTheirDigestForTheirUploaderAndDroppedAfterADay(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let imports = storage.node.staffImports
            let user = try storage.user("admin", in: try storage.department("省"), roles: [.admin])
            let first = try imports.keep(fileName: "a.csv", content: Array("abc".utf8), userID: user.id)
            #expect(first.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
            #expect(first.id.count >= 24)
            #expect(try imports.upload(first.id, userID: user.id) == first)
            #expect(try imports.upload(first.id, userID: UserID(rawValue: user.id.rawValue + 1)) == nil)
            storage.clock.advance(by: StaffImportUpload.lifetime + 1)
            #expect(try imports.upload(first.id, userID: user.id) == nil, "expired")
            let second = try imports.keep(fileName: "b.csv", content: [0, 1, 2, 0xFF], userID: user.id)
            #expect(try imports.upload(second.id, userID: user.id)?.content == [0, 1, 2, 0xFF])
            #expect(try storage.text("SELECT file_name FROM staff_import_uploads", []) == "b.csv")
            #expect(try storage.count("staff_import_uploads") == 1, "a new upload drops those older than a day")
            try imports.discard(second.id)
            #expect(try imports.upload(second.id, userID: user.id) == nil)
        }
    }

    /// The imports made within a scope (not by the whole organisation's administrators), newest first.
    static func scopedHistory(_ imports: any StaffImportRepository) throws -> [StaffImportRecord] {
        func scoped(_ record: StaffImportRecord) -> Bool { !record.scope.isEmpty }
        return try imports.history(limit: 10, include: scoped)
    }

    @Test(arguments: StorageKind.enabled)
    func theHistoryIsNewestFirstAndFiltered(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            _ = try storage.department("省")
            for (index, name) in ["one.csv", "two.csv", "three.csv"].enumerated() {
                let plan = try Self.plan("\(index),p\(index),人\(index),省,,,,\n", storage)
                try storage.node.staff.apply(plan, passwordHashes: [:],
                                             source: StaffImportSource(fileName: name, sha256: String(index), scope: index == 1 ? [] : ["1"]),
                                             by: .commandLine)
                storage.clock.advance(by: 10)
            }
            let imports = storage.node.staffImports
            #expect(try imports.history(limit: 10) { _ in true }.map(\.fileName) == ["three.csv", "two.csv", "one.csv"])
            #expect(try imports.history(limit: 1) { _ in true }.map(\.fileName) == ["three.csv"])
            #expect(try imports.history(limit: 0) { _ in true }.isEmpty)
            let scoped = try Self.scopedHistory(imports)
            #expect(scoped.map(\.fileName) == ["three.csv", "one.csv"])
            #expect(scoped.first?.scope == ["1"] && scoped.first?.actor == "cli")
        }
    }
}
