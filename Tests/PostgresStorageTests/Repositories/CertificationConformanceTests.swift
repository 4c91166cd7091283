import Curriculum
import Foundation
import PostgresStorage
import Testing
import SQLiteStorage
import TrainingServer

/// Certifications give the same answers on SQLite and PostgreSQL: updates made as `CertificationService.refresh`
/// makes them (from `CertificationEngine`'s record), revocation and reinstatement (the cases of
/// `SQLiteCertificationRepositoryTests`), the sweep's and the re-evaluation's people.
@Suite struct CertificationConformanceTests {
    static let day = 86_400.0
    static let hr = AuditActor(userID: nil, name: "hr.a")

    static let program = Program(id: ProgramID("ethics-cert"), title: LocalizedText(both: "Ethics"),
                                 summary: LocalizedText(both: "s"), courses: [CourseID("ethics")], validityDays: 365,
                                 renewalWindowDays: 60, expiryBase: .completion, recertification: nil,
                                 source: SourceReference(file: "programs/ethics.yaml", line: 1))

    /// What `CertificationService.refresh` would store for a person who completed the course at `completedAt`.
    static func refresh(_ storage: StorageFixture, _ user: User, completedAt: Double?, now: Double) throws {
        try storage.certifications.apply(try decide(storage, user, completedAt: completedAt, now: now), at: now, by: .system)
    }

    /// The update `CertificationService.refresh` decides from the stored rows now, with their basis.
    static func decide(_ storage: StorageFixture, _ user: User, completedAt: Double?, now: Double) throws
        -> CertificationUpdate {
        let programID = program.id.rawValue
        let stored = try storage.certifications.stored(userID: user.id, programID: programID)
        let evidence = CertificationEvidence(completions: completedAt.map {
            [CertificationEvidence.Completion(course: CourseID("ethics"), at: $0)]
        } ?? [])
        let record = CertificationEngine.evaluate(program: program, evidence: evidence, now: now)
        let newHistory = record.entries(toAppendTo: stored.history)
        let changes = record.cycleChanges(since: stored.certificates.map(\.key))
        let issue = changes.issued.enumerated().map { index, cycle in
            StoredCertificate(CertificateID(rawValue: "C\(Int(cycle.issuedAt))-\(index)"), userID: user.id,
                              programID: programID, kind: cycle.kind, issuedAt: cycle.issuedAt, expiresAt: cycle.expiresAt,
                              revokedAt: nil, revokedReason: nil, revokedBy: nil, credential: "vc-\(Int(cycle.issuedAt))")
        }
        let withdraw = changes.withdrawn.compactMap { key in stored.certificates.first { $0.key == key && $0.revokedAt == nil } }
            .map { ($0.id, CertificationRecord.CycleChanges.withdrawalReason) }
        let audit = issue.map { AuditEvent(action: "certificate.issue", subject: "certificate:\($0.id.rawValue)",
                                           details: ["user": String(user.id.rawValue), "program": programID]) }
        let notifications = newHistory.map { entry in
            (kind: "certification.\(entry.event.rawValue)", payload: ["program": programID, "state": entry.to.rawValue])
        }
        return CertificationUpdate(user.id, programID: programID, record: record, newHistory: newHistory, issue: issue,
                                   withdraw: withdraw, notifications: notifications, audit: audit, basis: stored.basis)
    }

    @Test(arguments: StorageKind.enabled)
    func anUpdateDecidedFromRowsThatMovedSinceIsRefusedAndWritesNothing(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("li", in: try storage.department("处"))
            let start = storage.clock.current
            // Two servers decide from the same reading; the first to apply wins, the second is refused.
            let first = try Self.decide(storage, user, completedAt: start, now: start + 10)
            let second = try Self.decide(storage, user, completedAt: start, now: start + 11)
            #expect(first.basis == CertificationBasis(historyRows: 0, certificates: 0, revoked: 0))
            try storage.certifications.apply(first, at: start + 10, by: .system)
            #expect(throws: CertificationUpdateStale(found: CertificationBasis(historyRows: 1, certificates: 1, revoked: 0))) {
                try storage.certifications.apply(second, at: start + 11, by: .system)
            }
            var stored = try storage.certifications.stored(userID: user.id, programID: "ethics-cert")
            #expect(stored.history.count == 1 && stored.certificates.count == 1)
            #expect(try storage.count("notification_outbox") == 1)
            // Deciding again from a new reading finds nothing to add.
            let again = try Self.decide(storage, user, completedAt: start, now: start + 12)
            #expect(again.newHistory.isEmpty && again.issue.isEmpty && again.notifications.isEmpty)
            try storage.certifications.apply(again, at: start + 12, by: .system)

            // HR revokes between a decision and its apply: refused too.
            let beforeRevocation = try Self.decide(storage, user, completedAt: start, now: start + 13)
            #expect(try storage.certifications.revoke(stored.certificates[0].id, reason: "r", by: Self.hr, at: start + 13))
            #expect(throws: CertificationUpdateStale.self) {
                try storage.certifications.apply(beforeRevocation, at: start + 14, by: .system)
            }
            stored = try storage.certifications.stored(userID: user.id, programID: "ethics-cert")
            #expect(stored.certificates.map(\.revokedBy) == ["hr.a"])
        }
    }

    @Test(arguments: StorageKind.enabled)
    func updatesStoreTheStateHistoryCertificatesNotificationsAndAuditRows(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("li", in: try storage.department("处"))
            let start = storage.clock.current
            try Self.refresh(storage, user, completedAt: start, now: start + 10)
            var stored = try storage.certifications.stored(userID: user.id, programID: "ethics-cert")
            #expect(stored.history.map(\.event) == [.certified])
            #expect(stored.certificates.map(\.id.rawValue) == ["C\(Int(start))-0"])
            #expect(stored.certificates.first?.expiresAt == start + 365 * Self.day)
            #expect(try storage.integer("SELECT count(*) FROM certifications WHERE state = 'certified' AND certificate_id = ?",
                                        [.text("C\(Int(start))-0")]) == 1)
            #expect(try storage.text("SELECT payload FROM notification_outbox", [])
                    == #"{"program":"ethics-cert","state":"certified"}"#)
            // Applying the same evaluation again changes nothing.
            try Self.refresh(storage, user, completedAt: start, now: start + 20)
            stored = try storage.certifications.stored(userID: user.id, programID: "ethics-cert")
            #expect(stored.history.count == 1 && stored.certificates.count == 1)
            #expect(try storage.count("notification_outbox") == 1)
            // The window opens, then the certificate expires: the sweep finds the person each time.
            #expect(try storage.certifications.dueForSweep(now: start + 100) == [])
            let windowOpens = start + 305 * Self.day
            #expect(try storage.certifications.dueForSweep(now: windowOpens) == [user.id])
            try Self.refresh(storage, user, completedAt: start, now: windowOpens)
            try Self.refresh(storage, user, completedAt: start, now: start + 366 * Self.day)
            stored = try storage.certifications.stored(userID: user.id, programID: "ethics-cert")
            #expect(stored.history.map(\.event) == [.certified, .windowOpened, .expired])
            #expect(try storage.certifications.dueForSweep(now: start + 400 * Self.day) == [])
            #expect(try storage.certifications.everyoneWithEvidence() == [user.id])
            #expect(try storage.certifications.certificates(userID: user.id).map(\.id) == stored.certificates.map(\.id))
            // The evidence went away (a regrade): the certificate is withdrawn and the state dropped.
            try Self.refresh(storage, user, completedAt: nil, now: start + 401 * Self.day)
            let withdrawn = try #require(try storage.certifications.certificate(stored.certificates[0].id))
            #expect(withdrawn.revokedReason == CertificationRecord.CycleChanges.withdrawalReason && withdrawn.revokedBy == "system")
            #expect(try storage.count("certifications") == 0)
            #expect(try storage.audit.verify() == .intact(rows: try storage.count("audit_log")))
        }
    }

    @Test(arguments: StorageKind.enabled)
    func reinstatingLiftsTheRevocationOnceAndAuditsBoth(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("holder", in: try storage.department("处"))
            try Self.refresh(storage, user, completedAt: 100, now: 150)
            let id = try #require(try storage.certifications.certificates(userID: user.id).first?.id)
            #expect(try storage.certifications.reinstate(id, reason: "nothing to lift", by: Self.hr, at: 150) == false)
            #expect(try storage.certifications.revoke(id, reason: "misconduct", by: Self.hr, at: 200))
            #expect(try storage.certifications.revoke(id, reason: "twice", by: Self.hr, at: 250) == false)
            #expect(try storage.certifications.certificate(id)?.status(at: 300) == .revoked)
            #expect(try storage.certifications.reinstate(id, reason: "appeal upheld", by: Self.hr, at: 400))
            let certificate = try #require(try storage.certifications.certificate(id))
            #expect(certificate.revokedAt == nil && certificate.revokedReason == nil && certificate.revokedBy == nil)
            #expect(certificate.status(at: 500) == .valid)
            #expect(try storage.certifications.reinstate(id, reason: "again", by: Self.hr, at: 600) == false)
            let rows = try storage.audit.recent(limit: 10).filter { $0.action.hasPrefix("certificate.r") }.reversed()
            #expect(rows.map(\.action) == ["certificate.revoke", "certificate.reinstate"])
            #expect(rows.allSatisfy { $0.actor == "hr.a" })
            #expect(rows.last?.details == #"{"reason":"appeal upheld","revoked_by":"hr.a","revoked_reason":"misconduct"}"#)
            #expect(try storage.certifications.certificate(CertificateID(rawValue: "NOPE")) == nil)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func aCertificateWithdrawnByARegradeIsNotReinstated(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("holder", in: try storage.department("处"))
            try Self.refresh(storage, user, completedAt: 100, now: 150)
            try Self.refresh(storage, user, completedAt: nil, now: 200)
            let id = try #require(try storage.certifications.certificates(userID: user.id).first?.id)
            #expect(try storage.certifications.reinstate(id, reason: "undo", by: Self.hr, at: 300) == false)
            #expect(try storage.certifications.certificate(id)?.revokedAt == 200)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func learnerRecordsGatherOutcomesLedgerPassesAndCertificates(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("li", in: try storage.department("处"))
            let course = AttemptsConformanceTests.course(AttemptsConformanceTests.exam())
            try AttemptsConformanceTests.take(storage, user, course, q1: "b", seed: 1)
            let passed = try AttemptsConformanceTests.take(storage, user, course, q1: "a", seed: 2)
            try storage.learning.credit(userID: user.id, source: .module, courseID: "ethics", itemID: "m1", hours: 1,
                                        year: 2027, at: 5)
            try Self.refresh(storage, user, completedAt: 100, now: 150)
            let records = try storage.certifications.learnerRecords(userID: user.id)
            #expect(records.outcomes == [QuizOutcome(courseID: "ethics", quizID: course.quizzes[0].id, passed: true)])
            #expect(records.ledger.map(\.itemID) == ["m1", "final-exam"], "the pass credits its hours too")
            #expect(records.passes.map(\.at) == [try #require(passed.closedAt)])
            #expect(try storage.certifications.passes(userID: user.id).map(\.quizID) == ["final-exam"])
            #expect(records.certificates.map(\.id) == (try storage.certifications.certificates(userID: user.id).map(\.id)))
            #expect(Set(try storage.certifications.everyoneWithEvidence()) == [user.id])
        }
    }
}
