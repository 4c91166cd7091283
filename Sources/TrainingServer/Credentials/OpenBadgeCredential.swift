import Foundation

/// A certificate expressed as an Open Badges 3.0 `OpenBadgeCredential` (a W3C Verifiable Credential 2.0),
/// and its VC-JWT: the credential signed with RS256 by the issuer key in compact JWS form.
public struct OpenBadgeCredential: Sendable, Equatable {
    /// The certificate's unguessable id; the credential's `id` is its verification page.
    public var certificateID: String
    /// The issuing organisation and the platform's public addresses.
    public var issuer: IssuerProfile
    /// The learner the certificate was awarded to.
    public var holder: BadgeHolder
    /// The certification programme.
    public var achievement: BadgeAchievement
    /// When the certificate was awarded: `validFrom` and `nbf` (cut to whole seconds).
    public var issuedAt: Date
    /// When the certification expires: `validUntil` and `exp`; nil for certifications that never expire.
    public var expiresAt: Date?

    /// The credential for certificate `certificateID`, awarded to `holder` for `achievement` by `issuer`.
    public init(certificateID: String, issuer: IssuerProfile, holder: BadgeHolder, achievement: BadgeAchievement,
                issuedAt: Date, expiresAt: Date?) {
        self.certificateID = certificateID
        self.issuer = issuer
        self.holder = holder
        self.achievement = achievement
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }

    /// The credential's `id` and JWT `jti`: the public verification page `{base}/verify/{certificateID}`.
    public var id: String { issuer.verificationURL(certificateID: certificateID) }

    /// The media type to serve the signed credential with (RFC 7519 §10.3.1); save it as `{certificateID}.jwt`.
    public static let jwtMediaType = "application/jwt"

    /// The JWT payload as JSON: the credential members and the JWT claims, keys sorted.
    public func payloadJSON() -> Data {
        CredentialPayload.encode(payload)
    }

    /// The VC-JWT: header `{"alg":"RS256","jwk":{…},"kid":…,"typ":"JWT"}`, this payload, an RS256 signature.
    ///
    /// The header's `kid` is the key's URL, `{base}/.well-known/jwks/{thumbprint}`, which answers the public JWK
    /// (OB 3.0 §8.2.3: a URI that dereferences to the key); the header also carries the public `jwk`, so that
    /// verifiers who cannot dereference a key id can still check the signature.
    public func signedJWT(with key: IssuerKey) throws -> String {
        try CompactJWS.sign(payload: payloadJSON(), with: key, keyID: issuer.keyURL(thumbprint: key.publicKey.thumbprint))
    }

    var payload: CredentialPayload {
        let validFrom = CredentialDate.wholeSeconds(issuedAt)
        let validUntil = expiresAt.map(CredentialDate.wholeSeconds)
        let subject = CredentialPayload.Subject(
            id: holder.subjectID,
            identifier: holder.identityObjects(salt: certificateID),
            achievement: CredentialPayload.Achievement(achievement, issuer: issuer))
        return CredentialPayload(
            id: id,
            name: achievement.name,
            description: achievement.description,
            issuer: issuer.profile,
            validFrom: CredentialDate.string(validFrom),
            validUntil: validUntil.map(CredentialDate.string),
            credentialSubject: subject,
            credentialStatus: CredentialPayload.Status(id: issuer.statusURL(certificateID: certificateID)),
            iss: issuer.id,
            sub: holder.subjectID,
            nbf: CredentialDate.numeric(validFrom),
            exp: validUntil.map(CredentialDate.numeric),
            jti: id)
    }
}
