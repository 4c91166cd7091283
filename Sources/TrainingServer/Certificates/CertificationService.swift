import Assessment
import Curriculum
import Foundation

/// What a signed credential says; the issuer turns it into a compact VC-JWT.
public struct CredentialRequest: Sendable {
    public var certificateID: CertificateID
    public var holderID: UserID
    public var holderName: String
    public var program: Program
    /// The titles of the catalogue's courses, to name the programme's courses in the criteria.
    public var courseTitles: [CourseID: LocalizedText] = [:]
    public var issuedAt: Double
    public var expiresAt: Double
}

/// Connects the pure certification engine to storage: gathers a person's evidence (completed courses, passed
/// exams, study hours, revocations), evaluates every programme, and stores what changed — state, history,
/// certificates (issued with a signed credential, or withdrawn after a regrade), notifications and audit rows —
/// in one transaction per programme.
public struct CertificationService: Sendable {
    public let repository: any CertificationRepository
    public let learning: any LearningRepository
    public let users: any UserRepository
    public let catalogue: CatalogueHolder
    public let issueCredential: @Sendable (CredentialRequest) throws -> String
    public let clock: @Sendable () -> Double

    public init(repository: any CertificationRepository, learning: any LearningRepository, users: any UserRepository,
                catalogue: CatalogueHolder, issueCredential: @escaping @Sendable (CredentialRequest) throws -> String,
                clock: @escaping @Sendable () -> Double) {
        self.repository = repository
        self.learning = learning
        self.users = users
        self.catalogue = catalogue
        self.issueCredential = issueCredential
        self.clock = clock
    }

    /// The evidence for `userID` as the engine needs it.
    public func evidence(userID: UserID, programID: String) throws -> CertificationEvidence {
        let certificates = try repository.stored(userID: userID, programID: programID).certificates
        return Self.evidence(catalogue: catalogue.catalogue, progress: try learning.progress(userID: userID),
                             passes: try repository.passes(userID: userID), ledger: try learning.ledger(userID: userID),
                             certificates: certificates)
    }

    /// The evidence for every programme of the catalogue, by programme id, from the person's study progress and
    /// hours ledger as the caller has read them (the dashboard reads them anyway) and the passes and certificates
    /// given (`repository.passesAndCertificates`, one read): no further reads, instead of four for each programme.
    public func evidence(progress: [ModuleProgress], ledger: [LedgerEntry],
                         passes: [(courseID: String, quizID: String, at: Double)],
                         certificates: [StoredCertificate]) -> [String: CertificationEvidence] {
        let catalogue = self.catalogue.catalogue
        let completions = Self.completions(catalogue: catalogue, progress: progress, passes: passes)
        let credits = Self.credits(ledger)
        var evidence: [String: CertificationEvidence] = [:]
        for program in catalogue.programs {
            evidence[program.id.rawValue] = CertificationEvidence(
                completions: completions, credits: credits,
                revocations: Self.revocations(certificates.filter { $0.programID == program.id.rawValue }))
        }
        return evidence
    }

    static func evidence(catalogue: Catalogue, progress: [ModuleProgress], passes: [(courseID: String, quizID: String, at: Double)],
                         ledger: [LedgerEntry], certificates: [StoredCertificate]) -> CertificationEvidence {
        CertificationEvidence(completions: completions(catalogue: catalogue, progress: progress, passes: passes),
                              credits: credits(ledger), revocations: revocations(certificates))
    }

    /// The same rule as the pages' course status, so a course is completed here exactly when it shows so.
    private static func completions(catalogue: Catalogue, progress: [ModuleProgress],
                                    passes: [(courseID: String, quizID: String, at: Double)]) -> [CertificationEvidence.Completion] {
        catalogue.courses.flatMap { CourseStatus.completions(of: $0, progress: progress, passes: passes) }
    }

    private static func credits(_ ledger: [LedgerEntry]) -> [CertificationEvidence.Credit] {
        ledger.map { CertificationEvidence.Credit(at: $0.at, hours: $0.hours) }
    }

    /// HR's revocations of a programme's certificates (in issue order); withdrawals after a regrade are not evidence.
    private static func revocations(_ certificates: [StoredCertificate]) -> [CertificationEvidence.Revocation] {
        certificates.compactMap { certificate in
            certificate.revokedAt.flatMap { at -> CertificationEvidence.Revocation? in
                guard certificate.revokedReason != CertificationRecord.CycleChanges.withdrawalReason else { return nil }
                return CertificationEvidence.Revocation(at: at, reason: certificate.revokedReason ?? "", by: certificate.revokedBy ?? "")
            }
        }
    }

    /// Re-evaluates every programme for `userID` and stores what changed.
    public func refresh(userID: UserID, by actor: AuditActor = .system) throws {
        guard let user = try users.find(id: userID) else { return }
        let now = clock()
        let catalogue = self.catalogue.catalogue
        let courseTitles = ProgramAchievement.courseTitles(in: catalogue)
        for program in catalogue.programs {
            // Decided from one reading and applied only if the rows are still as read; when another server or request
            // wrote them meanwhile, decided again from a new reading.
            var tries = 0
            while true {
                tries += 1
                do {
                    try refresh(user, program: program, courseTitles: courseTitles, now: now, by: actor)
                    break
                } catch is CertificationUpdateStale where tries < Self.staleRetries {
                    continue
                }
            }
        }
    }

    /// How many times `refresh` decides again when the rows moved under it before it gives up with the error.
    static let staleRetries = 5

    private func refresh(_ user: User, program: Program, courseTitles: [CourseID: LocalizedText], now: Double,
                         by actor: AuditActor) throws {
        let userID = user.id
        let evidence = try evidence(userID: userID, programID: program.id.rawValue)
        let record = CertificationEngine.evaluate(program: program, evidence: evidence, now: now)
        let stored = try repository.stored(userID: userID, programID: program.id.rawValue)
        let newHistory = record.entries(toAppendTo: stored.history)
        let changes = record.cycleChanges(since: stored.certificates.map(\.key))
        var issue: [StoredCertificate] = []
        var audit: [AuditEvent] = []
        for cycle in changes.issued {
            let id = CertificateID.random()
            let credential = try issueCredential(CredentialRequest(certificateID: id, holderID: user.id,
                                                                   holderName: user.displayName, program: program,
                                                                   courseTitles: courseTitles,
                                                                   issuedAt: cycle.issuedAt, expiresAt: cycle.expiresAt))
            issue.append(StoredCertificate(id: id, userID: user.id, programID: program.id.rawValue, kind: cycle.kind,
                                           issuedAt: cycle.issuedAt, expiresAt: cycle.expiresAt, credential: credential))
            audit.append(AuditEvent(action: cycle.kind == .initial ? "certificate.issue" : "certificate.reissue",
                                    subject: "certificate:\(id.rawValue)",
                                    details: ["user": String(user.id.rawValue), "program": program.id.rawValue,
                                              "expires": String(Int(cycle.expiresAt))]))
        }
        let withdraw = changes.withdrawn.compactMap { key in
            stored.certificates.first { $0.key == key && $0.revokedAt == nil }
        }.map { ($0.id, CertificationRecord.CycleChanges.withdrawalReason) }
        for (id, reason) in withdraw {
            audit.append(AuditEvent(action: "certificate.withdraw", subject: "certificate:\(id.rawValue)",
                                    details: ["reason": reason, "user": String(user.id.rawValue)]))
        }
        for entry in newHistory where entry.event == .expired {
            audit.append(AuditEvent(action: "certification.expire", subject: "user:\(user.id.rawValue)",
                                    details: ["program": program.id.rawValue]))
        }
        let notifiable: Set<CertificationTransition.Event> = [.certified, .windowOpened, .renewed, .expired, .revoked,
                                                              .recertified]
        let notifications = newHistory.filter { notifiable.contains($0.event) }.map { entry in
            (kind: "certification.\(entry.event.rawValue)",
             payload: ["program": program.id.rawValue, "state": entry.to.rawValue, "at": String(Int(entry.at))])
        }
        let update = CertificationUpdate(userID: userID, programID: program.id.rawValue, record: record,
                                         newHistory: newHistory, issue: issue, withdraw: withdraw,
                                         notifications: notifications, audit: audit, basis: stored.basis)
        try repository.apply(update, at: now, by: actor)
    }

    /// Moves every certification the clock has moved (windows opening, expiries); returns how many people.
    @discardableResult
    public func sweep() throws -> Int {
        let due = try repository.dueForSweep(now: clock())
        for userID in due { try refresh(userID: userID) }
        return due.count
    }

    /// Revokes a certificate with a reason, then re-evaluates its holder.
    public func revoke(_ id: CertificateID, reason: String, by actor: AuditActor) throws -> Bool {
        guard let certificate = try repository.certificate(id) else { return false }
        let revoked = try repository.revoke(id, reason: reason, by: actor, at: clock())
        try refresh(userID: certificate.userID, by: actor)
        return revoked
    }

    /// Lifts HR's revocation of a certificate with a reason, then re-evaluates its holder (the certificate is valid
    /// again unless it has expired, and the certification follows); false when HR had not revoked it.
    public func reinstate(_ id: CertificateID, reason: String, by actor: AuditActor) throws -> Bool {
        guard let certificate = try repository.certificate(id) else { return false }
        let reinstated = try repository.reinstate(id, reason: reason, by: actor, at: clock())
        if reinstated { try refresh(userID: certificate.userID, by: actor) }
        return reinstated
    }
}
