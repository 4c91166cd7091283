import Assessment
import Curriculum
import Foundation

/// The platform as an Open Badges issuer: its signing key (RSA 3072, a 0600 file created on first start), its
/// public profile, and what it publishes about certificates (signed credentials, keys, QR codes, revocation status).
public struct CertificateIssuer: Sendable {
    public let key: IssuerKey
    /// The profile with the name given at start.
    private let configuredProfile: IssuerProfile
    /// Where the issuer's name comes from when it can change while the server runs (the platform's settings);
    /// nil: the name given at start.
    private let currentName: (@Sendable () -> String)?
    /// Where every key the issuer has signed with stays published; nil publishes the current key only.
    public let keyRecord: (any IssuerKeyRepository)?

    /// The issuer's public profile, named as it is now: credentials signed from now on and the profile document
    /// carry this name (credentials signed earlier keep theirs, and still verify: the name is not what a verifier
    /// checks the signature against).
    public var profile: IssuerProfile {
        guard let currentName else { return configuredProfile }
        var profile = configuredProfile
        profile.name = currentName()
        return profile
    }

    /// The same issuer, named by `name` each time it signs or publishes its profile.
    public func named(by name: @escaping @Sendable () -> String) -> CertificateIssuer {
        CertificateIssuer(key: key, configuredProfile: configuredProfile, currentName: name, keyRecord: keyRecord)
    }

    private init(key: IssuerKey, configuredProfile: IssuerProfile, currentName: (@Sendable () -> String)?,
                 keyRecord: (any IssuerKeyRepository)?) {
        self.key = key
        self.configuredProfile = configuredProfile
        self.currentName = currentName
        self.keyRecord = keyRecord
    }

    /// Loads the key at `keyPath` (creating it on first start) for the platform reachable at `baseURL`. With
    /// `keyRecord`, the key is recorded there as published from `now` (once), so that after a rotation to a new
    /// key file the earlier keys stay in the key set.
    public init(keyPath: String, baseURL: String, name: String, keyRecord: (any IssuerKeyRepository)? = nil,
                now: Double = Date().timeIntervalSince1970) throws {
        key = try IssuerKey.loadOrCreate(at: keyPath)
        configuredProfile = IssuerProfile(baseURL: baseURL, name: name)
        currentName = nil
        self.keyRecord = keyRecord
        try keyRecord?.publish(key.publicKey, at: now)
    }

    /// The public keys that verify the issuer's credentials: the current key first, then every earlier one.
    public func publicKeys() throws -> [IssuerPublicKey] {
        let earlier = try keyRecord?.published() ?? []
        return [key.publicKey] + earlier.filter { $0.thumbprint != key.publicKey.thumbprint }
    }

    /// The key set served at `/.well-known/jwks.json`: every published key under its URL and its thumbprint.
    public func keySetJSON() throws -> Data {
        profile.publishedKeySet(try publicKeys()).jsonData()
    }

    /// The JWK served at a key's URL (`/.well-known/jwks/{thumbprint}`), its `kid` that URL; nil for a key the
    /// issuer does not publish.
    public func keyJSON(thumbprint: String) throws -> Data? {
        guard let key = try publicKeys().first(where: { $0.thumbprint == thumbprint }) else { return nil }
        return CredentialPayload.encode(key.named(profile.keyURL(thumbprint: thumbprint)).jwk)
    }

    /// The profile document served at `/issuer`, linking the key set and listing the published keys.
    public func profileJSON() throws -> Data {
        profile.documentJSON(keys: try publicKeys())
    }

    /// The certificate as a signed `OpenBadgeCredential` (compact VC-JWT, RS256).
    public func sign(_ request: CredentialRequest) throws -> String {
        let achievement = ProgramAchievement(program: request.program, courseTitles: request.courseTitles).badge
        let holder = BadgeHolder(id: key.holderID(forLearner: String(request.holderID.rawValue)), name: request.holderName)
        let credential = OpenBadgeCredential(certificateID: request.certificateID.rawValue, issuer: profile, holder: holder,
                                             achievement: achievement,
                                             issuedAt: Date(timeIntervalSince1970: request.issuedAt),
                                             expiresAt: Date(timeIntervalSince1970: request.expiresAt))
        return try credential.signedJWT(with: key)
    }

    /// The verification URL as an inline SVG QR code.
    public func qrSVG(_ url: String, label: String) throws -> String {
        try QRCode(encoding: url).svg(label: label)
    }

    /// The 1EdTech Revocation List for one credential: empty unless the certificate is revoked. It is public, so it
    /// names the revoked credential only: HR's reason is for the holder and HR, never in this document.
    public func statusDocument(_ certificate: StoredCertificate) -> Data {
        struct Entry: Encodable { var id: String }
        struct Document: Encodable { var id: String; var revokedCredentials: [Entry] }
        let revoked = certificate.revokedAt == nil ? [] : [
            Entry(id: profile.verificationURL(certificateID: certificate.id.rawValue)),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let document = Document(id: profile.statusURL(certificateID: certificate.id.rawValue), revokedCredentials: revoked)
        return (try? encoder.encode(document)) ?? Data("{}".utf8)
    }
}
