import Curriculum
import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Synchronization
import Testing
@testable import TrainingServer

/// The certification evidence the dashboard builds for every programme from reads it already holds is the evidence
/// the service reads for each programme on its own.
@Suite struct CertificationServiceTests {
    static let now: Double = 1_800_000_000

    @Test func theEvidenceOfEveryProgrammeAtOnceIsEachProgrammesOwn() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("certification-service-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try SyntheticCatalogue.write(to: folder, courses: 2, modules: 2)
        let holder = try CatalogueHolder(directory: folder, now: Self.now)
        let catalogue = holder.catalogue
        let program = try #require(catalogue.programs.first).id.rawValue

        let fixture = try ReportFixture()
        let person = try fixture.person("learner", "李四", in: fixture.a1)
        let other = try fixture.person("other", "王五", in: fixture.a1)
        let learning = SQLiteLearningRepository(store: fixture.store)
        let repository = SQLiteCertificationRepository(store: fixture.store)
        let service = CertificationService(repository: repository, learning: learning, users: fixture.users,
                                           catalogue: holder, issueCredential: { _ in "jwt" }, clock: { Self.now })
        // Every module of the first course completed and its final exam passed; hours in the ledger; one certificate
        // revoked by HR, one withdrawn after a regrade, one of another programme, and someone else's revocation.
        let course = try #require(catalogue.courses.first)
        try fixture.store.write { db in
            for (index, module) in course.modules.enumerated() {
                try db.execute(sql: """
                    INSERT INTO module_progress (user_id, course_id, module_id, seconds, started_at, last_activity_at,
                                                 completed_at, content_hash)
                    VALUES (?, ?, ?, 600, ?, ?, ?, 'hash')
                    """, arguments: [person.id.rawValue, course.id.rawValue, module.id.rawValue, Self.now - 9_000,
                                     Self.now - 8_000 + Double(index), Self.now - 8_000 + Double(index)])
            }
            try db.execute(sql: """
                INSERT INTO quiz_attempts (id, user_id, course_id, quiz_id, number, quiz_hash, paper, started_at,
                                           closed_at, mark, max_mark, fraction, passed)
                VALUES ('a1', ?, ?, 'final-exam', 1, 'hash', '{}', ?, ?, 1, 1, 1, 1)
                """, arguments: [person.id.rawValue, course.id.rawValue, Self.now - 7_500, Self.now - 7_400])
            try db.execute(sql: """
                INSERT INTO hours_ledger (user_id, year, source, course_id, item_id, hours, at)
                VALUES (?, 2027, 'module', ?, 'a', 1.5, ?), (?, 2027, 'module', ?, 'b', 2, ?)
                """, arguments: [person.id.rawValue, course.id.rawValue, Self.now - 7_000,
                                 person.id.rawValue, course.id.rawValue, Self.now - 6_000])
            let certificates: [(String, Int64, String, Double?, String?)] = [
                ("c1", person.id.rawValue, program, Self.now - 5_000, "misconduct"),
                ("c2", person.id.rawValue, program, Self.now - 4_000, CertificationRecord.CycleChanges.withdrawalReason),
                ("c3", person.id.rawValue, "another-programme", Self.now - 3_000, "elsewhere"),
                ("c4", other.id.rawValue, program, Self.now - 2_000, "not theirs"),
                ("c5", person.id.rawValue, program, nil, nil),
            ]
            for (index, certificate) in certificates.enumerated() {
                try db.execute(sql: """
                    INSERT INTO certificates (id, user_id, program_id, kind, issued_at, expires_at, revoked_at,
                                              revoked_reason, revoked_by, credential)
                    VALUES (?, ?, ?, 'initial', ?, ?, ?, ?, 'hr.a', 'jwt')
                    """, arguments: [certificate.0, certificate.1, certificate.2, Self.now - 10_000 + Double(index),
                                     Self.now + 10_000, certificate.3, certificate.4])
            }
        }

        let single = try service.evidence(userID: person.id, programID: program)
        #expect(single.completions.map(\.course) == [course.id], "the first course is completed")
        #expect(single.credits.map(\.hours) == [1.5, 2])
        #expect(single.revocations.map(\.reason) == ["misconduct"], "only HR's revocations of this programme count")
        let records = try repository.learnerRecords(userID: person.id)
        #expect(records.passes.map(\.quizID) == ["final-exam"])
        #expect(records.certificates.map(\.id.rawValue) == ["c1", "c2", "c3", "c5"], "the person's own, in issue order")
        #expect(records.ledger == (try learning.ledger(userID: person.id)))
        #expect(records.outcomes == (try SQLiteAttemptRepository(store: fixture.store).outcomes(userID: person.id)))
        #expect(records.outcomes.map(\.quizID.rawValue) == ["final-exam"])
        let all = service.evidence(progress: try learning.progress(userID: person.id), ledger: records.ledger,
                                   passes: records.passes, certificates: records.certificates)
        #expect(Set(all.keys) == Set(catalogue.programs.map(\.id.rawValue)))
        #expect(all[program] == single)
    }

    @Test func twoServersReEvaluatingOnePersonAtOnceWriteItOnce() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("certification-race-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try SyntheticCatalogue.write(to: folder, courses: 1, modules: 2)
        let holder = try CatalogueHolder(directory: folder, now: Self.now)
        let program = try #require(holder.catalogue.programs.first)
        let course = try #require(holder.catalogue.courses.first)
        #expect(program.courses == [course.id])

        let fixture = try ReportFixture()
        let person = try fixture.person("learner", "李四", in: fixture.a1)
        try fixture.store.write { db in
            for module in course.modules {
                try db.execute(sql: """
                    INSERT INTO module_progress (user_id, course_id, module_id, seconds, started_at, last_activity_at,
                                                 completed_at, content_hash)
                    VALUES (?, ?, ?, 600, ?, ?, ?, 'hash')
                    """, arguments: [person.id.rawValue, course.id.rawValue, module.id.rawValue, Self.now - 9_000,
                                     Self.now - 8_000, Self.now - 8_000])
            }
            try db.execute(sql: """
                INSERT INTO quiz_attempts (id, user_id, course_id, quiz_id, number, quiz_hash, paper, started_at,
                                           closed_at, mark, max_mark, fraction, passed)
                VALUES ('a1', ?, ?, 'final-exam', 1, 'hash', '{}', ?, ?, 1, 1, 1, 1)
                """, arguments: [person.id.rawValue, course.id.rawValue, Self.now - 7_500, Self.now - 7_400])
        }
        func service(_ repository: any CertificationRepository) -> CertificationService {
            CertificationService(repository: repository, learning: SQLiteLearningRepository(store: fixture.store),
                                 users: fixture.users, catalogue: holder, issueCredential: { _ in "jwt" },
                                 clock: { Self.now })
        }
        let stored = SQLiteCertificationRepository(store: fixture.store)
        let otherServer = service(SQLiteCertificationRepository(store: fixture.store))
        // This server decides, then the other server re-evaluates the same person before this one applies.
        let interleaved = InterleavingCertifications(stored) { try otherServer.refresh(userID: person.id) }
        try service(interleaved).refresh(userID: person.id)

        #expect(interleaved.applies.withLock { $0 } == 2, "refused once, decided again, applied")
        let result = try stored.stored(userID: person.id, programID: program.id.rawValue)
        #expect(result.history.map(\.event) == [.certified], "one history entry, not two")
        #expect(result.certificates.count == 1)
        #expect(try fixture.store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM notification_outbox") } == 1)
        #expect(try fixture.store.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_log WHERE action = 'certificate.issue'")
        } == 1)
    }
}

/// A certification repository that runs `interleave` once, before the first update it is handed is applied (another
/// server's work landing between this one's decision and its write), and counts the updates it is handed.
final class InterleavingCertifications: CertificationRepository, Sendable {
    let base: any CertificationRepository
    let interleave: @Sendable () throws -> Void
    let applies = Mutex(0)

    init(_ base: any CertificationRepository, interleave: @escaping @Sendable () throws -> Void) {
        self.base = base
        self.interleave = interleave
    }

    func apply(_ update: CertificationUpdate, at: Double, by actor: AuditActor) throws {
        let first = applies.withLock { count in
            count += 1
            return count == 1
        }
        if first { try interleave() }
        try base.apply(update, at: at, by: actor)
    }

    func passes(userID: UserID) throws -> [(courseID: String, quizID: String, at: Double)] { try base.passes(userID: userID) }
    func stored(userID: UserID, programID: String) throws -> StoredCertification {
        try base.stored(userID: userID, programID: programID)
    }
    func learnerRecords(userID: UserID) throws -> LearnerRecords { try base.learnerRecords(userID: userID) }
    func certificate(_ id: CertificateID) throws -> StoredCertificate? { try base.certificate(id) }
    func certificates(userID: UserID) throws -> [StoredCertificate] { try base.certificates(userID: userID) }
    func revoke(_ id: CertificateID, reason: String, by actor: AuditActor, at: Double) throws -> Bool {
        try base.revoke(id, reason: reason, by: actor, at: at)
    }
    func reinstate(_ id: CertificateID, reason: String, by actor: AuditActor, at: Double) throws -> Bool {
        try base.reinstate(id, reason: reason, by: actor, at: at)
    }
    func dueForSweep(now: Double) throws -> [UserID] { try base.dueForSweep(now: now) }
    func everyoneWithEvidence() throws -> [UserID] { try base.everyoneWithEvidence() }
}
