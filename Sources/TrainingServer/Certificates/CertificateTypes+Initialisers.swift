// Public initialisers for the certificate values a storage engine outside this module builds from its rows (and its
// tests pass in).
//
// The synthesised memberwise initialisers are internal and cannot be redeclared with the same labels, so the first
// argument of each of these is unlabelled; the others are named after the stored properties they set.

extension StoredCertificate {
    public init(_ id: CertificateID, userID: UserID, programID: String, kind: CertificationCycle.Kind, issuedAt: Double,
                expiresAt: Double, revokedAt: Double?, revokedReason: String?, revokedBy: String?, credential: String) {
        self.id = id
        self.userID = userID
        self.programID = programID
        self.kind = kind
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.revokedReason = revokedReason
        self.revokedBy = revokedBy
        self.credential = credential
    }
}

extension StoredCertification {
    public init(_ history: [CertificationTransition], certificates: [StoredCertificate]) {
        self.history = history
        self.certificates = certificates
    }
}

extension LearnerRecords {
    public init(_ outcomes: [QuizOutcome], ledger: [LedgerEntry],
                passes: [(courseID: String, quizID: String, at: Double)], certificates: [StoredCertificate]) {
        self.outcomes = outcomes
        self.ledger = ledger
        self.passes = passes
        self.certificates = certificates
    }
}

extension CertificationUpdate {
    public init(_ userID: UserID, programID: String, record: CertificationRecord, newHistory: [CertificationTransition],
                issue: [StoredCertificate], withdraw: [(CertificateID, String)],
                notifications: [(kind: String, payload: [String: String])], audit: [AuditEvent],
                basis: CertificationBasis? = nil) {
        self.userID = userID
        self.programID = programID
        self.record = record
        self.newHistory = newHistory
        self.issue = issue
        self.withdraw = withdraw
        self.notifications = notifications
        self.audit = audit
        self.basis = basis
    }
}
