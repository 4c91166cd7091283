import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// The audit log's reading side against a real database: whom rows are about, filters, and what a unit
/// administrator may read (never a row about someone outside their subtree).
@Suite struct AuditQueriesTests {
    /// 省 ── 局A (unit admin a; learner a1) and 厅B (learner zzmarker.b); a root admin.
    struct Organisation {
        let temporary: TemporaryStore
        let users: SQLiteUserRepository
        let root: Department
        let a: Department
        let b: Department
        let admin: User
        let unitAdmin: User
        let learnerA: User
        let marker: User
        let clock: ManualClock

        init() throws {
            temporary = try TemporaryStore()
            clock = ManualClock(1_800_000_000)
            let departments = SQLiteDepartmentRepository(store: temporary.store, clock: clock.function)
            users = SQLiteUserRepository(store: temporary.store, clock: clock.function)
            root = try departments.ensure(path: ["省"], by: .commandLine)
            a = try departments.ensure(path: ["省", "局A"], by: .commandLine)
            b = try departments.ensure(path: ["省", "厅B"], by: .commandLine)
            let users = self.users
            func add(_ login: String, _ name: String, _ department: Department, _ roles: [Role]) throws -> User {
                try users.create(NewUser(login: login, displayName: name, departmentID: department.id, passwordHash: "x",
                                         roles: roles), by: .commandLine)
            }
            admin = try add("admin.root", "总管理员", root, [.admin])
            unitAdmin = try add("admin.a", "单位管理员", a, [.admin])
            learnerA = try add("learner.a1", "学员李", a, [.learner])
            marker = try add("zzmarker.b", "ZZMARKER乙", b, [.learner])
        }

        var queries: AuditLogQueries { AuditLogQueries(store: temporary.store) }
        var unitScope: AuditReadScope { .subtrees(prefixes: [a.idPath]) }

        func append(_ action: String, _ subject: String, _ details: [String: String] = [:], by actor: AuditActor) throws {
            clock.advance(by: 60)
            try SQLiteAuditLog(store: temporary.store, clock: clock.function)
                .append(AuditEvent(action: action, subject: subject, details: details), by: actor)
        }

        func all(_ query: AuditQuery = AuditQuery(), scope: AuditReadScope = .organisation) throws -> [AuditRecord] {
            try queries.page(query, scope: scope, limit: 1000, offset: 0).records
        }
    }

    @Test func rowsAreResolvedToThePersonOrDepartmentTheyAreAbout() throws {
        let org = try Organisation()
        try org.append("user.disable", "user:\(org.marker.id.rawValue)", ["reason": "left"], by: AuditActor(org.admin))
        try org.append("record.view", "user:learner.a1", ["user_id": String(org.learnerA.id.rawValue)], by: AuditActor(org.admin))
        try org.append("report.export", "people", ["format": "csv"], by: AuditActor(org.unitAdmin))
        let records = try org.all()
        #expect(records[0].subjectUserID == nil && records[0].subjectDepartmentID == nil)
        #expect(records[1].subjectLogin == "learner.a1" && records[1].subjectName == "学员李")
        #expect(records[2].subjectUserID == org.marker.id.rawValue && records[2].actorName == "总管理员")
        // user.create rows name the person by login; department.create rows the department.
        let created = records.first { $0.entry.action == "user.create" && $0.entry.subject == "user:zzmarker.b" }
        #expect(created?.subjectUserID == org.marker.id.rawValue)
        let department = records.first { $0.entry.action == "department.create" && $0.entry.subject == "department:\(org.b.id.rawValue)" }
        #expect(department?.subjectDepartmentID == org.b.id.rawValue)
    }

    @Test func aUnitAdministratorReadsOnlyRowsAboutTheirScope() throws {
        let org = try Organisation()
        try org.append("user.disable", "user:\(org.marker.id.rawValue)", ["reason": "zzmarker left"], by: AuditActor(org.admin))
        try org.append("user.enable", "user:\(org.learnerA.id.rawValue)", by: AuditActor(org.admin))
        try org.append("report.export", "people", ["format": "csv"], by: AuditActor(org.unitAdmin))
        try org.append("report.export", "people", ["format": "csv"], by: AuditActor(org.marker))
        try org.append("staff.import", "staff", ["created": "1"], by: .commandLine)
        let visible = try org.all(scope: org.unitScope)
        let text = visible.map { "\($0.entry.subject) \($0.entry.details) \($0.entry.actor) \($0.subjectLogin ?? "")" }
            .joined(separator: "\n")
        #expect(!text.lowercased().contains("zzmarker"))
        // The root admin's action on a person in scope shows; so does the unit admin's own export and the
        // creation of their own people and departments.
        #expect(visible.contains { $0.entry.action == "user.enable" })
        #expect(visible.contains { $0.entry.action == "report.export" && $0.entry.actor == "admin.a" })
        #expect(visible.contains { $0.entry.subject == "user:learner.a1" && $0.entry.action == "user.create" })
        #expect(visible.contains { $0.entry.subject == "department:\(org.a.id.rawValue)" })
        #expect(!visible.contains { $0.entry.subject == "department:\(org.root.id.rawValue)" })
        #expect(!visible.contains { $0.entry.action == "staff.import" })
        // The whole organisation sees every row.
        let total = try org.all().count
        #expect(visible.count == 5 && total == 12)
        // A target search for the marker finds nothing in the unit's scope, and everything in the organisation's.
        #expect(try org.all(AuditQuery(target: "zzmarker"), scope: org.unitScope).isEmpty)
        #expect(try org.all(AuditQuery(target: "zzmarker")).count == 2)
        #expect(try org.all(scope: .subtrees(prefixes: [])).isEmpty)
    }

    @Test func filtersCombineAndPagesCountTheMatches() throws {
        let org = try Organisation()
        for index in 0..<7 {
            try org.append("record.view", "user:learner.a1", ["user_id": String(org.learnerA.id.rawValue), "n": String(index)],
                           by: AuditActor(index.isMultiple(of: 2) ? org.admin : org.unitAdmin))
        }
        let start = org.clock.now - 3 * 60
        #expect(try org.all(AuditQuery(action: "record.view")).count == 7)
        #expect(try org.all(AuditQuery(actor: "单位")).count == 3)
        #expect(try org.all(AuditQuery(actor: "admin.root", action: "record.view")).count == 4)
        #expect(try org.all(AuditQuery(actor: "cli")).allSatisfy { $0.entry.actor == "cli" })
        #expect(try org.all(AuditQuery(target: "学员")).count == 8)
        #expect(try org.all(AuditQuery(target: "%")).isEmpty)
        #expect(try org.all(AuditQuery(from: start)).count == 4)
        #expect(try org.all(AuditQuery(until: start)).allSatisfy { $0.entry.at < start })
        let page = try org.queries.page(AuditQuery(action: "record.view"), scope: .organisation, limit: 3, offset: 3)
        #expect(page.total == 7 && page.totalExact && page.records.count == 3)
        #expect(page.records.map { AuditSubjects.decode($0.entry.details)["n"] } == ["3", "2", "1"])
        let batch = try org.queries.batch(AuditQuery(action: "record.view"), scope: .organisation,
                                          before: page.records[0].entry.id, limit: 10)
        #expect(batch.count == 3 && batch.allSatisfy { $0.entry.id < page.records[0].entry.id })
        #expect(try org.queries.latest(action: "record.view")?.details.contains("\"n\":\"6\"") == true)
        #expect(try org.queries.latest(action: "audit.verify") == nil)
    }

    @Test func aDatabaseOfAnOlderSchemaStillTakesRows() throws {
        let org = try Organisation()
        try org.temporary.store.write { db in try db.execute(sql: "DROP TABLE audit_log_subjects") }
        try org.append("database.restore", "backup.sqlite", ["user": String(org.learnerA.id.rawValue)], by: .commandLine)
        #expect(try SQLiteAuditLog(store: org.temporary.store, clock: { 0 }).verify() == .intact(rows: 8))
    }

    @Test func backfillResolvesRowsWrittenBeforeTheTableExisted() throws {
        let org = try Organisation()
        try org.append("user.disable", "user:\(org.marker.id.rawValue)", by: AuditActor(org.admin))
        let before = try org.all().map(\.subjectUserID)
        try org.temporary.store.write { db in
            try db.execute(sql: "DELETE FROM audit_log_subjects")
            try AuditSubjects.backfill(in: db, batchSize: 2)
        }
        #expect(try org.all().map(\.subjectUserID) == before)
        #expect(try SQLiteAuditLog(store: org.temporary.store, clock: { 0 }).verify() == .intact(rows: before.count))
    }
}
