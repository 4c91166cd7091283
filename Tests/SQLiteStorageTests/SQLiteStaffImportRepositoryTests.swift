import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// Uploaded staff files wait a day at most for their confirmation; the history lists imports newest first.
@Suite struct SQLiteStaffImportRepositoryTests {
    @Test func uploadsAreKeptWithTheirDigestAndDroppedAfterADay() throws {
        let temporary = try TemporaryStore()
        let clock = ManualClock()
        let imports = SQLiteStaffImportRepository(store: temporary.store, clock: clock.function)
        let department = try SQLiteDepartmentRepository(store: temporary.store, clock: clock.function).ensure(path: ["省"], by: .system)
        let user = try SQLiteUserRepository(store: temporary.store, clock: clock.function).create(
            NewUser(login: "admin", displayName: "管理员", departmentID: department.id, passwordHash: "!", roles: [.admin]), by: .system)
        let first = try imports.keep(fileName: "a.csv", content: Array("abc".utf8), userID: user.id)
        #expect(first.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(first.id.count >= 24)
        #expect(try imports.upload(first.id, userID: user.id) == first)
        #expect(try imports.upload(first.id, userID: UserID(rawValue: user.id.rawValue + 1)) == nil)
        clock.advance(by: StaffImportUpload.lifetime + 1)
        let second = try imports.keep(fileName: "b.csv", content: [0, 1, 2], userID: user.id)
        #expect(second.id != first.id)
        let stored = try temporary.store.read { db in try String.fetchAll(db, sql: "SELECT file_name FROM staff_import_uploads") }
        #expect(stored == ["b.csv"], "a new upload drops those older than a day")
        try imports.discard(second.id)
        #expect(try imports.upload(second.id, userID: user.id) == nil)
    }

    @Test func theHistoryIsNewestFirstAndFiltered() throws {
        let temporary = try TemporaryStore()
        let clock = ManualClock()
        let imports = SQLiteStaffImportRepository(store: temporary.store, clock: clock.function)
        let plan = StaffImport.Plan(changes: [], newDepartments: [["省"]], unchanged: 3)
        for (index, name) in ["one.csv", "two.csv", "three.csv"].enumerated() {
            try temporary.store.write { db in
                try SQLiteStaffImportRepository.record(plan, source: StaffImportSource(fileName: name, sha256: String(index),
                                                                                       scope: index == 1 ? [] : ["1"]),
                                                      at: clock.now, by: .commandLine, db)
            }
            clock.advance(by: 10)
        }
        #expect(try imports.history(limit: 10) { _ in true }.map(\.fileName) == ["three.csv", "two.csv", "one.csv"])
        #expect(try imports.history(limit: 1) { _ in true }.map(\.fileName) == ["three.csv"])
        let scoped = try imports.history(limit: 10) { !$0.scope.isEmpty }
        #expect(scoped.map(\.fileName) == ["three.csv", "one.csv"])
        #expect(scoped.first?.scope == ["1"] && scoped.first?.unchanged == 3 && scoped.first?.departments == 1)
        #expect(scoped.first?.actor == "cli")
    }
}
