import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// Revoking and reinstating a certificate in SQLite: each changes the row once, is audited with its reason, and
/// a certificate withdrawn by a regrade is not reinstated.
@Suite struct SQLiteCertificationRepositoryTests {
    private let hr = AuditActor(userID: nil, name: "hr.a")

    private func fixture() throws -> (ReportFixture, SQLiteCertificationRepository, User) {
        let fixture = try ReportFixture()
        let holder = try fixture.person("holder", "张三", in: fixture.a1)
        return (fixture, SQLiteCertificationRepository(store: fixture.store), holder)
    }

    private func audit(_ fixture: ReportFixture) throws -> [(action: String, actor: String, details: String)] {
        try fixture.store.read { db in
            try Row.fetchAll(db, sql: "SELECT action, actor, details FROM audit_log WHERE action LIKE 'certificate.%' ORDER BY id")
                .map { (action: $0["action"], actor: $0["actor"], details: $0["details"]) }
        }
    }

    @Test func reinstatingLiftsTheRevocationOnceAndAuditsBoth() throws {
        let (fixture, repository, holder) = try fixture()
        let id = CertificateID.random()
        try fixture.issue(id.rawValue, to: holder, issuedAt: 100, expiresAt: 10_000)
        #expect(try repository.reinstate(id, reason: "nothing to lift", by: hr, at: 150) == false)

        #expect(try repository.revoke(id, reason: "misconduct", by: hr, at: 200))
        #expect(try repository.certificate(id)?.status(at: 300) == .revoked)
        #expect(try repository.reinstate(id, reason: "appeal upheld", by: hr, at: 400))
        let certificate = try #require(try repository.certificate(id))
        #expect(certificate.revokedAt == nil && certificate.revokedReason == nil && certificate.revokedBy == nil)
        #expect(certificate.status(at: 500) == .valid)
        #expect(try repository.reinstate(id, reason: "again", by: hr, at: 600) == false)

        let rows = try audit(fixture)
        #expect(rows.map(\.action) == ["certificate.revoke", "certificate.reinstate"])
        #expect(rows.allSatisfy { $0.actor == "hr.a" })
        let details = try #require(try JSONSerialization.jsonObject(with: Data(rows[1].details.utf8)) as? [String: String])
        #expect(details == ["reason": "appeal upheld", "revoked_reason": "misconduct", "revoked_by": "hr.a"])
        #expect(try SQLiteAuditLog(store: fixture.store, clock: { 700 }).verify() == .intact(rows: try fixture.store.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_log") ?? 0
        }))
    }

    @Test func aCertificateWithdrawnByARegradeIsNotReinstated() throws {
        let (fixture, repository, holder) = try fixture()
        let id = CertificateID.random()
        try fixture.issue(id.rawValue, to: holder, issuedAt: 100, expiresAt: 10_000, revokedAt: 200)
        try fixture.store.write { db in
            try db.execute(sql: "UPDATE certificates SET revoked_reason = ? WHERE id = ?",
                           arguments: [CertificationRecord.CycleChanges.withdrawalReason, id.rawValue])
        }
        #expect(try repository.reinstate(id, reason: "undo", by: hr, at: 300) == false)
        #expect(try repository.certificate(id)?.revokedAt == 200)
        #expect(try audit(fixture).isEmpty)
    }
}
