import Curriculum
import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
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
}
