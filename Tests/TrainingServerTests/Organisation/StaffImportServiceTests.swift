import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// Staff imports from the admin pages: the upload is kept with its digest, the dry run changes nothing, the
/// confirmation applies exactly the previewed plan or nothing, and the history shows each administrator the
/// imports made within their scope.
@Suite struct StaffImportServiceTests {
    let header = "employee_number,login,name,department,roles,status\n"

    struct Organisation {
        let temporary: TemporaryStore
        let clock = ManualClock()
        let service: StaffImportService
        let root: AdminScope
        let unit: AdminScope

        init() throws {
            temporary = try TemporaryStore()
            service = StaffImportService(store: temporary.store, clock: clock.function)
            let departments = SQLiteDepartmentRepository(store: temporary.store, clock: clock.function)
            let users = SQLiteUserRepository(store: temporary.store, clock: clock.function)
            let province = try departments.ensure(path: ["省"], by: .system)
            let bureau = try departments.ensure(path: ["省", "局"], by: .system)
            _ = try departments.ensure(path: ["省", "厅"], by: .system)
            let rootAdmin = try users.create(NewUser(login: "root", displayName: "总", departmentID: province.id, passwordHash: "!",
                                                     roles: [.admin]), by: .system)
            let unitAdmin = try users.create(NewUser(login: "unit", displayName: "单位", departmentID: bureau.id, passwordHash: "!",
                                                     roles: [.admin]), by: .system)
            let all = try departments.all()
            root = AdminScope(user: rootAdmin, departments: all)
            unit = AdminScope(user: unitAdmin, departments: all)
        }

        func logins() throws -> Set<String> { Set(try SQLiteUserRepository(store: temporary.store, clock: clock.function).all().map(\.login)) }
    }

    @Test func aConfirmedDryRunIsAppliedAsPreviewedAuditedAndKeptInTheHistory() throws {
        let org = try Organisation()
        let file = Array((header + "1,a,甲,省/局/处,,\n2,b,乙,省/局,,\n").utf8)
        let upload = try org.service.upload(fileName: "C:\\HR\\名单.csv", content: file, by: org.unit.user)
        #expect(upload.fileName == "名单.csv")
        #expect(upload.sha256 == StaffImportUpload.digest(file) && upload.sha256.count == 64)
        let preview = try #require(try org.service.preview(upload.id, scope: org.unit))
        guard case .plan(let plan) = preview.outcome else { Issue.record("expected a plan"); return }
        #expect(plan.created == 2 && plan.newDepartments == [["省", "局", "处"]])
        #expect(try org.logins() == ["root", "unit"], "the dry run changes nothing")
        let applied = try org.service.apply(upload.id, sha256: upload.sha256, fingerprint: try #require(preview.fingerprint), scope: org.unit)
        #expect(applied == plan)
        #expect(try org.logins() == ["root", "unit", "a", "b"])
        #expect(try org.service.preview(upload.id, scope: org.unit) == nil, "an applied upload is gone")
        let history = try org.service.history(scope: org.unit)
        #expect(history.count == 1)
        #expect(history.first?.actor == "unit" && history.first?.fileName == "名单.csv" && history.first?.sha256 == upload.sha256)
        #expect(history.first?.created == 2 && history.first?.departments == 1)
        let audit = try SQLiteAuditLog(store: org.temporary.store, clock: { 0 }).recent(limit: 1)
        #expect(audit.first?.action == "staff.import" && audit.first?.actor == "unit")
        #expect(audit.first?.details.contains(upload.sha256) == true)
    }

    @Test func aChangeSinceTheDryRunOrAnotherDigestIsRefusedAndChangesNothing() throws {
        let org = try Organisation()
        let upload = try org.service.upload(fileName: "staff.csv", content: Array((header + "1,a,甲,省/局,,\n").utf8), by: org.unit.user)
        let fingerprint = try #require(try org.service.preview(upload.id, scope: org.unit)?.fingerprint)
        #expect(throws: StaffImportService.Refusal.fileChanged) {
            try org.service.apply(upload.id, sha256: String(repeating: "0", count: 64), fingerprint: fingerprint, scope: org.unit)
        }
        #expect(throws: StaffImportService.Refusal.dataChanged) {
            try org.service.apply(upload.id, sha256: upload.sha256, fingerprint: "other", scope: org.unit)
        }
        // Someone takes the login meanwhile: the same file plans differently now.
        _ = try SQLiteUserRepository(store: org.temporary.store, clock: org.clock.function).create(
            NewUser(login: "a", displayName: "抢先", departmentID: try #require(org.unit.roots.first).id, passwordHash: "!", roles: []),
            by: .system)
        #expect(throws: StaffImportService.Refusal.dataChanged) {
            try org.service.apply(upload.id, sha256: upload.sha256, fingerprint: fingerprint, scope: org.unit)
        }
        #expect(try org.logins() == ["root", "unit", "a"])
        #expect(try org.service.history(scope: nil).isEmpty)
        #expect(try org.service.preview(upload.id, scope: org.unit) != nil, "the upload stays for a new dry run")
    }

    @Test func uploadsBelongToTheirAdministratorAndExpire() throws {
        let org = try Organisation()
        let upload = try org.service.upload(fileName: "staff.csv", content: Array((header + "1,a,甲,省/局,,\n").utf8), by: org.unit.user)
        #expect(try org.service.preview(upload.id, scope: org.root) == nil)
        #expect(throws: StaffImportService.Refusal.notFound) {
            try org.service.apply(upload.id, sha256: upload.sha256, fingerprint: "x", scope: org.root)
        }
        org.clock.advance(by: StaffImportUpload.lifetime + 1)
        #expect(try org.service.preview(upload.id, scope: org.unit) == nil)
    }

    @Test func theHistoryShowsEachAdministratorTheImportsWithinTheirScope() throws {
        let org = try Organisation()
        let staff = SQLiteStaffRepository(store: org.temporary.store, clock: org.clock.function)
        func importAs(_ scope: AdminScope, _ rows: String, name: String) throws {
            let upload = try org.service.upload(fileName: name, content: Array((header + rows).utf8), by: scope.user)
            let fingerprint = try #require(try org.service.preview(upload.id, scope: scope)?.fingerprint)
            _ = try org.service.apply(upload.id, sha256: upload.sha256, fingerprint: fingerprint, scope: scope)
            org.clock.advance(by: 60)
        }
        try importAs(org.unit, "1,a,甲,省/局,,\n", name: "unit.csv")
        try importAs(org.root, "2,b,乙,省/厅,,\n", name: "root.csv")
        // The command line imports for the whole organisation.
        let (people, departments) = try staff.snapshot()
        guard case .plan(let plan) = StaffImport.plan(csv: Array((header + "3,c,丙,省/局,,\n").utf8), existing: people,
                                                      departments: departments) else { Issue.record("expected a plan"); return }
        try staff.apply(plan, passwordHashes: [:], source: StaffImportSource(fileName: "cli.csv", sha256: "abc", scope: []),
                        by: .commandLine)
        #expect(try org.service.history(scope: org.root).map(\.fileName) == ["cli.csv", "root.csv", "unit.csv"])
        #expect(try org.service.history(scope: org.unit).map(\.fileName) == ["unit.csv"])
        #expect(try org.service.history(scope: nil).count == 3)
        // The unit's bureau moves under the other department: its imports stay its own.
        let tree = DepartmentAdministration(store: org.temporary.store, clock: org.clock.function)
        let bureau = try #require(org.unit.roots.first)
        let sibling = try #require(try tree.find(path: ["省", "厅"]))
        _ = try tree.move(bureau, under: sibling, scope: nil, by: .system)
        let moved = AdminScope(user: org.unit.user, departments: try tree.all())
        #expect(try org.service.history(scope: moved).map(\.fileName) == ["unit.csv"])
        #expect(try org.service.history(scope: AdminScope(user: org.root.user, departments: try tree.all())).count == 3)
    }

    @Test func fileNamesAreCleaned() {
        #expect(StaffImportService.cleanFileName("/tmp/a/名单.xlsx") == "名单.xlsx")
        #expect(StaffImportService.cleanFileName("a\u{0}b\n.csv") == "ab.csv")
        #expect(StaffImportService.cleanFileName("  ") == "staff")
    }
}
