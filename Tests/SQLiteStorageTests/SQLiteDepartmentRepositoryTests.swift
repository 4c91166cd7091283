import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct SQLiteDepartmentRepositoryTests {
    private func repository(_ temporary: TemporaryStore) -> SQLiteDepartmentRepository {
        SQLiteDepartmentRepository(store: temporary.store, clock: { 1_800_000_000 })
    }

    @Test func ensureCreatesEveryMissingLevelWithIdPaths() throws {
        let temporary = try TemporaryStore()
        let departments = repository(temporary)
        let office = try departments.ensure(path: ["省人民政府", "省数据局", "综合处"], by: .system)
        #expect(office.name == "综合处")
        #expect(office.namePath == ["省人民政府", "省数据局", "综合处"])
        #expect(office.displayPath == "省人民政府 / 省数据局 / 综合处")
        let all = try departments.all()
        #expect(all.map(\.name) == ["省人民政府", "省数据局", "综合处"])
        #expect(all.map(\.idPath) == ["/\(all[0].id)/", "/\(all[0].id)/\(all[1].id)/", "/\(all[0].id)/\(all[1].id)/\(all[2].id)/"])
        #expect(all[1].parentID == all[0].id && all[2].parentID == all[1].id && all[0].parentID == nil)
    }

    @Test func theCachedTreeFollowsChangesFromAnyConnectionOrProcess() throws {
        let temporary = try TemporaryStore()
        let departments = repository(temporary)
        let first = try departments.ensure(path: ["省政府", "数据局"], by: .system)
        #expect(try departments.all().count == 2)
        // Another process: its own Store on the same file, its own repository and cache.
        let other = try Store(path: temporary.store.path, readers: 1)
        let office = try SQLiteDepartmentRepository(store: other, clock: { 1 }).ensure(path: ["省政府", "数据局", "综合处"], by: .system)
        #expect(try departments.all().map(\.name) == ["省政府", "数据局", "综合处"])
        #expect(try departments.find(id: office.id)?.namePath == ["省政府", "数据局", "综合处"])
        // A rename made with plain SQL (no repository involved) is seen too.
        try other.write { db in
            try db.execute(sql: "UPDATE departments SET name = '大数据局' WHERE id = ?", arguments: [first.id.rawValue])
        }
        #expect(try departments.find(id: office.id)?.namePath == ["省政府", "大数据局", "综合处"])
        // Reading again without a change gives the same tree.
        #expect(try departments.all() == departments.all())
    }

    @Test func ensureFindsExistingDepartmentsWithoutDuplicatingOrAuditingThem() throws {
        let temporary = try TemporaryStore()
        let departments = repository(temporary)
        let first = try departments.ensure(path: ["省政府", "数据局"], by: .system)
        let again = try departments.ensure(path: [" 省政府 ", "数据局"], by: .system)
        let sibling = try departments.ensure(path: ["省政府", "人社厅"], by: .system)
        #expect(again == first)
        #expect(sibling.parentID == first.parentID)
        #expect(try departments.all().count == 3)
        #expect(try SQLiteAuditLog(store: temporary.store, clock: { 0 }).verify() == .intact(rows: 3))
    }

    @Test func eachCreatedDepartmentIsAuditedWithItsOwnPath() throws {
        let temporary = try TemporaryStore()
        let departments = repository(temporary)
        let office = try departments.ensure(path: ["省政府", "数据局", "综合处"], by: .system)
        let entries = try SQLiteAuditLog(store: temporary.store, clock: { 0 }).recent(limit: 10)
        #expect(entries.count == 3)
        for entry in entries {
            let id = try #require(Int64(entry.subject.dropFirst("department:".count)))
            let department = try #require(try departments.find(id: DepartmentID(rawValue: id)))
            #expect(entry.action == "department.create")
            #expect(entry.details == AuditChain.encode(["path": department.namePath.joined(separator: "/")]),
                    "audit row of \(department.name)")
        }
        #expect(office.namePath.count == 3)
    }

    @Test func subtreesAreIdPathPrefixes() throws {
        let temporary = try TemporaryStore()
        let departments = repository(temporary)
        let province = try departments.ensure(path: ["省政府"], by: .system)
        let bureau = try departments.ensure(path: ["省政府", "数据局"], by: .system)
        let office = try departments.ensure(path: ["省政府", "数据局", "综合处"], by: .system)
        let other = try departments.ensure(path: ["市政府"], by: .system)
        #expect(province.contains(bureau) && province.contains(office) && province.contains(province))
        #expect(bureau.contains(office) && !office.contains(bureau))
        #expect(!province.contains(other) && !other.contains(office))
        // Enough siblings that an id like 1 is a textual prefix of 10, 11, …: the trailing slash keeps them apart.
        for index in 0..<10 { _ = try departments.ensure(path: ["市政府", "处\(index)"], by: .system) }
        let subtree = try temporary.store.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM departments WHERE id_path LIKE ? || '%'", arguments: [province.idPath])
        }
        #expect(subtree == 3)
    }

    @Test func aMoveRewritesTheSubtreesPathsAndNothingElse() throws {
        let temporary = try TemporaryStore()
        let departments = repository(temporary)
        let top = try departments.ensure(path: ["省"], by: .system)
        // Enough departments that one id is a textual prefix of another (4 and 40-something): only the moved
        // department's own subtree may change.
        var made: [Department] = []
        for index in 0..<45 { made.append(try departments.ensure(path: ["省", "处\(index)"], by: .system)) }
        let moved = try #require(made.first { $0.id.rawValue == 4 })
        let lookalike = try #require(made.first { $0.id.rawValue == 40 })
        let child = try departments.ensure(path: moved.namePath + ["科"], by: .system)
        let lookalikeChild = try departments.ensure(path: lookalike.namePath + ["科"], by: .system)
        let target = try #require(made.last)
        let before = try departments.all()
        let result = try departments.move(moved.id, under: target.id, by: .system)
        #expect(result.idPath == "\(target.idPath)\(moved.id)/" && result.parentID == target.id)
        #expect(try departments.find(id: child.id)?.idPath == "\(target.idPath)\(moved.id)/\(child.id)/")
        #expect(try departments.find(id: child.id)?.namePath == ["省", target.name, moved.name, "科"])
        let untouched = Set([moved.id, child.id])
        #expect(try departments.all().filter { !untouched.contains($0.id) } == before.filter { !untouched.contains($0.id) })
        #expect(try departments.find(id: lookalikeChild.id)?.idPath == "/\(top.id)/40/\(lookalikeChild.id)/")
        let entry = try #require(try SQLiteAuditLog(store: temporary.store, clock: { 0 }).recent(limit: 1).first)
        #expect(entry.action == "department.move" && entry.subject == "department:4")
    }

    @Test func findsByPathAndId() throws {
        let temporary = try TemporaryStore()
        let departments = repository(temporary)
        let office = try departments.ensure(path: ["省政府", "数据局"], by: .system)
        #expect(try departments.find(path: ["省政府", "数据局"]) == office)
        #expect(try departments.find(path: ["数据局"]) == nil)
        #expect(try departments.find(id: office.id) == office)
        #expect(try departments.find(id: DepartmentID(rawValue: 9_999)) == nil)
    }

    @Test(arguments: [[String](), [""], ["省政府", "  "], ["a/b"], [String(repeating: "长", count: 201)]])
    func invalidPathsAreRefused(_ path: [String]) throws {
        let temporary = try TemporaryStore()
        #expect(throws: StoreError.self) { try repository(temporary).ensure(path: path, by: .system) }
        #expect(try repository(temporary).all().isEmpty)
    }

    @Test func parseSplitsOnSlashesAndDropsBlanks() {
        #expect(Department.names(inPath: " 省政府 / 数据局//综合处 /") == ["省政府", "数据局", "综合处"])
        #expect(Department.names(inPath: "") == [])
    }
}
