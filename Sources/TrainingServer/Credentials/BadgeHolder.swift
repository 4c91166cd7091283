import Crypto
import Foundation

/// The learner a credential is about, as the credential shows them.
public struct BadgeHolder: Sendable, Equatable {
    /// The subject id, written `urn:uuid:…`; `IssuerKey.holderID(forLearner:)` derives a stable one.
    public var id: UUID
    /// The name printed on the certificate; it appears in plain text, as on the certificate itself.
    public var name: String
    /// The learner's e-mail address; the credential carries only its salted SHA-256 hash.
    public var email: String?

    /// A holder with subject id `id`, shown as `name`, optionally matched by the hash of `email`.
    public init(id: UUID, name: String, email: String? = nil) {
        self.id = id
        self.name = name
        self.email = email
    }

    /// `urn:uuid:` plus the lower-case UUID (RFC 9562 §4).
    public var subjectID: String { "urn:uuid:" + id.uuidString.lowercased() }

    /// The Open Badges IdentityHash of `identity` salted with `salt`: `sha256$` and the hex SHA-256 of the
    /// UTF-8 text of identity followed by salt (OB 3.0 data model, IdentityHash).
    public static func identityHash(_ identity: String, salt: String) -> String {
        let digest = SHA256.hash(data: Data((identity + salt).utf8))
        return "sha256$" + digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 0x10 ? "0" + hex : hex
        }.joined()
    }

    /// The `identifier` entries: the display name in plain text and, when known, the hashed e-mail address
    /// (lower-cased and trimmed first, so a verifier who knows the address can recompute the hash).
    func identityObjects(salt: String) -> [CredentialPayload.IdentityObject] {
        var objects = [CredentialPayload.IdentityObject(identityType: "name", hashed: false, identityHash: name,
                                                        salt: nil)]
        if let email {
            let normalised = email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            objects.append(CredentialPayload.IdentityObject(identityType: "emailAddress", hashed: true,
                                                            identityHash: Self.identityHash(normalised, salt: salt),
                                                            salt: salt))
        }
        return objects
    }
}
