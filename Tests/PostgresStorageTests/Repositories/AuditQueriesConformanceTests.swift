import Foundation
import PostgresStorage
import Testing
import SQLiteStorage
import TrainingServer

/// The audit log's reading side gives the same pages on SQLite and PostgreSQL: whom rows are about, filters,
/// counts, export batches, and what a unit administrator may read (never a row about the marker person outside
/// their subtree).
@Suite struct AuditQueriesConformanceTests {
    /// 省 ── 局A (unit admin a; learner a1) and 厅B (learner zzmarker.b); a root admin.
    struct Organisation {
        let storage: StorageFixture
        let root: Department, a: Department, b: Department
        let admin: User, unitAdmin: User, learnerA: User, marker: User

        init(_ storage: StorageFixture) throws {
            self.storage = storage
            root = try storage.department("省")
            a = try storage.department("省", "局A")
            b = try storage.department("省", "厅B")
            admin = try storage.user("admin.root", in: root, roles: [.admin], name: "总管理员")
            unitAdmin = try storage.user("admin.a", in: a, roles: [.admin], name: "单位管理员")
            learnerA = try storage.user("learner.a1", in: a, roles: [.learner], name: "学员李")
            marker = try storage.user("zzmarker.b", in: b, roles: [.learner], name: "ZZMARKER乙")
        }

        var queries: any AuditQueryRepository { storage.node.auditQueries }
        var unitScope: AuditReadScope { .subtrees(prefixes: [a.idPath]) }

        func append(_ action: String, _ subject: String, _ details: [String: String] = [:], by actor: AuditActor) throws {
            storage.clock.advance(by: 60)
            try storage.audit.append(AuditEvent(action: action, subject: subject, details: details), by: actor)
        }

        func all(_ query: AuditQuery = AuditQuery(), scope: AuditReadScope = .organisation) throws -> [AuditRecord] {
            try queries.page(query, scope: scope, limit: 1000, offset: 0).records
        }
    }

    @Test(arguments: StorageKind.enabled)
    func rowsAreResolvedToThePersonOrDepartmentTheyAreAbout(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let org = try Organisation(storage)
            try org.append("user.disable", "user:\(org.marker.id.rawValue)", ["reason": "left"], by: AuditActor(org.admin))
            try org.append("record.view", "user:learner.a1", ["user_id": String(org.learnerA.id.rawValue)], by: AuditActor(org.admin))
            try org.append("report.export", "people", ["format": "csv"], by: AuditActor(org.unitAdmin))
            let records = try org.all()
            #expect(records[0].subjectUserID == nil && records[0].subjectDepartmentID == nil && records[0].actorName == "单位管理员")
            #expect(records[1].subjectLogin == "learner.a1" && records[1].subjectName == "学员李")
            #expect(records[2].subjectUserID == org.marker.id.rawValue && records[2].actorName == "总管理员")
            #expect(records[2].entry.details == #"{"reason":"left"}"#)
            let created = records.first { $0.entry.action == "user.create" && $0.entry.subject == "user:zzmarker.b" }
            #expect(created?.subjectUserID == org.marker.id.rawValue)
            let department = records.first { $0.entry.action == "department.create" && $0.entry.subject == "department:\(org.b.id.rawValue)" }
            #expect(department?.subjectDepartmentID == org.b.id.rawValue)
            #expect(records.map(\.entry.id) == records.map(\.entry.id).sorted(by: >), "newest first")
        }
    }

    @Test(arguments: StorageKind.enabled)
    func aUnitAdministratorReadsOnlyRowsAboutTheirScope(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let org = try Organisation(storage)
            try org.append("user.disable", "user:\(org.marker.id.rawValue)", ["reason": "zzmarker left"], by: AuditActor(org.admin))
            try org.append("user.enable", "user:\(org.learnerA.id.rawValue)", by: AuditActor(org.admin))
            try org.append("report.export", "people", ["format": "csv"], by: AuditActor(org.unitAdmin))
            try org.append("report.export", "people", ["format": "csv"], by: AuditActor(org.marker))
            try org.append("staff.import", "staff", ["created": "1"], by: .commandLine)
            let visible = try org.all(scope: org.unitScope)
            let text = visible.map { "\($0.entry.subject) \($0.entry.details) \($0.entry.actor) \($0.subjectLogin ?? "")" }
                .joined(separator: "\n")
            #expect(!text.lowercased().contains("zzmarker"))
            #expect(visible.contains { $0.entry.action == "user.enable" })
            #expect(visible.contains { $0.entry.action == "report.export" && $0.entry.actor == "admin.a" })
            #expect(visible.contains { $0.entry.subject == "user:learner.a1" && $0.entry.action == "user.create" })
            #expect(visible.contains { $0.entry.subject == "department:\(org.a.id.rawValue)" })
            #expect(!visible.contains { $0.entry.subject == "department:\(org.root.id.rawValue)" })
            #expect(!visible.contains { $0.entry.action == "staff.import" })
            let total = try org.all().count
            #expect(visible.count == 5 && total == 12)
            let page = try org.queries.page(AuditQuery(), scope: org.unitScope, limit: 2, offset: 0)
            #expect(page.total == 5 && page.totalExact && page.records.count == 2)
            #expect(try org.all(AuditQuery(target: "zzmarker"), scope: org.unitScope).isEmpty)
            #expect(try org.all(AuditQuery(target: "zzmarker")).count == 2)
            #expect(try org.all(scope: .subtrees(prefixes: [])).isEmpty)
            #expect(try org.queries.batch(AuditQuery(), scope: org.unitScope, before: nil, limit: 100).map(\.entry.id)
                == visible.map(\.entry.id))
        }
    }

    @Test(arguments: StorageKind.enabled)
    func filtersCombineAndPagesCountTheMatches(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let org = try Organisation(storage)
            for index in 0..<7 {
                try org.append("record.view", "user:learner.a1", ["user_id": String(org.learnerA.id.rawValue), "n": String(index)],
                               by: AuditActor(index.isMultiple(of: 2) ? org.admin : org.unitAdmin))
            }
            let start = storage.clock.current - 3 * 60
            #expect(try org.all(AuditQuery(action: "record.view")).count == 7)
            #expect(try org.all(AuditQuery(actor: "单位")).count == 3)
            #expect(try org.all(AuditQuery(actor: "ADMIN.ROOT", action: "record.view")).count == 4, "ASCII letters folded")
            #expect(try org.all(AuditQuery(actor: "cli")).allSatisfy { $0.entry.actor == "cli" })
            #expect(try org.all(AuditQuery(target: "学员")).count == 8)
            #expect(try org.all(AuditQuery(target: "LEARNER.A1")).count == 8)
            #expect(try org.all(AuditQuery(target: "%")).isEmpty)
            #expect(try org.all(AuditQuery(target: "局A")).count == 1, "the department's own row, by its name")
            #expect(try org.all(AuditQuery(from: start)).count == 4)
            #expect(try org.all(AuditQuery(until: start)).allSatisfy { $0.entry.at < start })
            let page = try org.queries.page(AuditQuery(action: "record.view"), scope: .organisation, limit: 3, offset: 3)
            #expect(page.total == 7 && page.totalExact && page.records.count == 3 && page.offset == 3 && page.limit == 3)
            #expect(page.records.map { $0.entry.details.contains("\"n\":\"3\"") } == [true, false, false])
            let batch = try org.queries.batch(AuditQuery(action: "record.view"), scope: .organisation,
                                              before: page.records[0].entry.id, limit: 10)
            #expect(batch.count == 3 && batch.allSatisfy { $0.entry.id < page.records[0].entry.id })
            #expect(try org.queries.latest(action: "record.view")?.details.contains("\"n\":\"6\"") == true)
            #expect(try org.queries.latest(action: "audit.verify") == nil)
        }
    }
}
