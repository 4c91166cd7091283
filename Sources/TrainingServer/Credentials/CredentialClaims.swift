import Foundation

/// What a correctly signed credential states, read back from its JWT payload.
public struct CredentialClaims: Sendable, Equatable {
    /// The credential's `id` (for this platform's credentials, the verification page URL).
    public var credentialID: String
    /// `issuer.id`.
    public var issuerID: String
    /// `issuer.name`, when the issuer is given as a profile with a name.
    public var issuerName: String?
    /// `credentialSubject.id`.
    public var subjectID: String
    /// The holder's name from a plain-text `identifier` of type `name`, if the credential carries one.
    public var holderName: String?
    /// `credentialSubject.achievement.id`.
    public var achievementID: String?
    /// `credentialSubject.achievement.name`.
    public var achievementName: String?
    /// `validFrom` (equal to the JWT `nbf`).
    public var validFrom: Date
    /// `validUntil` or the JWT `exp`; nil when the credential does not expire.
    public var validUntil: Date?
    /// `credentialStatus.id`: where the issuer publishes revocations, if anywhere.
    public var statusID: String?
    /// `credentialStatus.type`, e.g. `1EdTechRevocationList`.
    public var statusType: String?
    /// The `kid` of the key that signed it.
    public var keyID: String

    /// Claims as read from a verified payload.
    public init(credentialID: String, issuerID: String, issuerName: String?, subjectID: String, holderName: String?,
                achievementID: String?, achievementName: String?, validFrom: Date, validUntil: Date?,
                statusID: String?, statusType: String?, keyID: String) {
        self.credentialID = credentialID
        self.issuerID = issuerID
        self.issuerName = issuerName
        self.subjectID = subjectID
        self.holderName = holderName
        self.achievementID = achievementID
        self.achievementName = achievementName
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.statusID = statusID
        self.statusType = statusType
        self.keyID = keyID
    }
}
