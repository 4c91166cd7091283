import Foundation

/// A certificate's public identifier: 128 random bits in Crockford base32 (26 characters, no I, L, O or U), so it
/// can be read aloud and typed; shown in groups of four, accepted in any case with or without hyphens.
public struct CertificateID: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// A fresh random id.
    public static func random() -> CertificateID {
        var generator = SystemRandomNumberGenerator()
        var value = (UInt64.random(in: 0...UInt64.max, using: &generator), UInt64.random(in: 0...UInt64.max, using: &generator))
        var characters: [Character] = []
        // 26 characters × 5 bits = 130 bits: the top two bits are always zero.
        for _ in 0..<26 {
            characters.append(alphabet[Int(value.1 & 31)])
            value.1 = (value.1 >> 5) | ((value.0 & 31) << 59)
            value.0 >>= 5
        }
        return CertificateID(rawValue: String(characters.reversed()))
    }

    /// Reads what a person typed: case-insensitive, hyphens and spaces ignored, I/L read as 1 and O as 0.
    public init?(typed text: String) {
        var result = ""
        for character in text.uppercased() where character != "-" && character != " " {
            switch character {
            case "I", "L": result.append("1")
            case "O": result.append("0")
            default:
                guard Self.alphabet.contains(character) else { return nil }
                result.append(character)
            }
        }
        guard result.count == 26 else { return nil }
        self.rawValue = result
    }

    /// Groups of four for display: `0H5K-...`.
    public var grouped: String {
        stride(from: 0, to: rawValue.count, by: 4).map { start in
            let from = rawValue.index(rawValue.startIndex, offsetBy: start)
            let to = rawValue.index(from, offsetBy: min(4, rawValue.count - start))
            return String(rawValue[from..<to])
        }.joined(separator: "-")
    }

    public var description: String { rawValue }
}

/// A certificate as stored.
public struct StoredCertificate: Sendable, Hashable {
    public var id: CertificateID
    public var userID: UserID
    public var programID: String
    public var kind: CertificationCycle.Kind
    public var issuedAt: Double
    public var expiresAt: Double
    public var revokedAt: Double?
    public var revokedReason: String?
    public var revokedBy: String?
    /// The signed Open Badges credential (compact VC-JWT).
    public var credential: String

    public var key: CertificationCycle.Key { CertificationCycle.Key(kind: kind, issuedAt: issuedAt, expiresAt: expiresAt) }

    /// Valid, expired or revoked at `now`.
    public func status(at now: Double) -> CertificateStatus {
        if revokedAt != nil { return .revoked }
        return now >= expiresAt ? .expired : .valid
    }
}

/// What the public verification page says about a certificate.
public enum CertificateStatus: String, Sendable, Codable {
    case valid, expired, revoked
}

/// A person's stored standing in one programme, and what changed it.
public struct StoredCertification: Sendable {
    public var history: [CertificationTransition]
    public var certificates: [StoredCertificate]
}

extension StoredCertification {
    /// What an update decided from this reading was based on (see `CertificationUpdate.basis`).
    public var basis: CertificationBasis {
        CertificationBasis(historyRows: history.count, certificates: certificates.count,
                           revoked: certificates.filter { $0.revokedAt != nil }.count)
    }
}

/// The stored rows an update was decided from: the history entries, the certificates and how many of them are revoked,
/// of one person in one programme. Every one of them only grows, so equal counts mean nothing was written since.
public struct CertificationBasis: Sendable, Equatable {
    public var historyRows: Int
    public var certificates: Int
    public var revoked: Int

    public init(historyRows: Int, certificates: Int, revoked: Int) {
        self.historyRows = historyRows
        self.certificates = certificates
        self.revoked = revoked
    }
}

/// `apply` refused an update because the person's certification rows changed after it was decided (another server or
/// request re-evaluated them meanwhile): deciding again from a new reading gives the right update.
public struct CertificationUpdateStale: Error, Equatable {
    public var found: CertificationBasis

    public init(found: CertificationBasis) { self.found = found }
}

/// Everything the certification of one person in one programme writes, in one transaction.
public struct CertificationUpdate: Sendable {
    public var userID: UserID
    public var programID: String
    public var record: CertificationRecord
    public var newHistory: [CertificationTransition]
    public var issue: [StoredCertificate]
    /// Certificates whose cycle the evidence no longer supports (a regrade), to revoke with this reason.
    public var withdraw: [(CertificateID, String)]
    public var notifications: [(kind: String, payload: [String: String])]
    public var audit: [AuditEvent]
    /// The rows the update was decided from; `apply` refuses it (`CertificationUpdateStale`) when they moved since, so
    /// two servers re-evaluating one person at once never both append the same history, notifications and
    /// certificates. nil applies unconditionally.
    public var basis: CertificationBasis?
}

/// The certification tables.
/// What the dashboard shows and certification evidence is built from, read together (see
/// `CertificationRepository.learnerRecords`).
public struct LearnerRecords: Sendable {
    public var outcomes: [QuizOutcome]
    public var ledger: [LedgerEntry]
    /// Closed passing attempts: (course, quiz, closed at), oldest first.
    public var passes: [(courseID: String, quizID: String, at: Double)]
    /// In issue order.
    public var certificates: [StoredCertificate]
}

public protocol CertificationRepository: Sendable {
    /// Closed passing attempts per course and quiz: (course, quiz, closed at).
    func passes(userID: UserID) throws -> [(courseID: String, quizID: String, at: Double)]
    func stored(userID: UserID, programID: String) throws -> StoredCertification
    /// A person's quiz outcomes, hours ledger, passes and certificates from one snapshot: one read for the
    /// dashboard, which needs them all.
    func learnerRecords(userID: UserID) throws -> LearnerRecords
    func apply(_ update: CertificationUpdate, at: Double, by actor: AuditActor) throws
    func certificate(_ id: CertificateID) throws -> StoredCertificate?
    func certificates(userID: UserID) throws -> [StoredCertificate]
    /// Revokes a certificate (HR or admin), with the reason; returns false when it was already revoked.
    func revoke(_ id: CertificateID, reason: String, by actor: AuditActor, at: Double) throws -> Bool
    /// Lifts HR's revocation of a certificate, with the reason; returns false unless HR had revoked it (a certificate
    /// withdrawn by a regrade is not reinstated this way).
    func reinstate(_ id: CertificateID, reason: String, by actor: AuditActor, at: Double) throws -> Bool
    /// People whose certification the clock may have moved by `now` (a window opened, an expiry passed).
    func dueForSweep(now: Double) throws -> [UserID]
    /// Everyone with any certification row or any passed attempt (for a full re-evaluation).
    func everyoneWithEvidence() throws -> [UserID]
}
