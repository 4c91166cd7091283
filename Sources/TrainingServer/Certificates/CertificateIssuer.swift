import Curriculum
import Foundation

/// The platform as an Open Badges issuer: its signing key (RSA 3072, a 0600 file created on first start), its
/// public profile, and what it publishes about certificates (signed credentials, QR codes, revocation status).
public struct CertificateIssuer: Sendable {
    public let key: IssuerKey
    public let profile: IssuerProfile

    /// Loads the key at `keyPath` (creating it on first start) for the platform reachable at `baseURL`.
    public init(keyPath: String, baseURL: String, name: String) throws {
        key = try IssuerKey.loadOrCreate(at: keyPath)
        profile = IssuerProfile(baseURL: baseURL, name: name)
    }

    /// The certificate as a signed `OpenBadgeCredential` (compact VC-JWT, RS256).
    public func sign(_ request: CredentialRequest) throws -> String {
        let program = request.program
        let achievement = BadgeAchievement(
            programID: program.id.rawValue,
            name: [program.title.zh, program.title.en].compactMap { $0 }.joined(separator: " / "),
            description: program.summary.text(in: .zh) + (program.summary.en.map { "\n\n" + $0 } ?? ""),
            criteria: "Completed the courses " + program.courses.map(\.rawValue).joined(separator: ", ")
                + " of the programme, each with its final exam passed.",
            language: "zh-CN")
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

    /// The 1EdTech Revocation List for one credential: empty unless the certificate is revoked.
    public func statusDocument(_ certificate: StoredCertificate) -> Data {
        struct Entry: Encodable { var id: String; var revocationReason: String? }
        struct Document: Encodable { var id: String; var revokedCredentials: [Entry] }
        let revoked = certificate.revokedAt == nil ? [] : [
            Entry(id: profile.verificationURL(certificateID: certificate.id.rawValue), revocationReason: certificate.revokedReason),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let document = Document(id: profile.statusURL(certificateID: certificate.id.rawValue), revokedCredentials: revoked)
        return (try? encoder.encode(document)) ?? Data("{}".utf8)
    }
}
