import Foundation

/// Why a credential did not verify, each case explained in plain words by `description`.
public enum CredentialVerificationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a compact JWS holding an Open Badges 3.0 credential; the text says what is wrong.
    case malformed(String)
    /// The header names an algorithm other than RS256 (`none`, `HS256`, ...), or none at all.
    case unsupportedAlgorithm(String)
    /// The header names no key, or a key the issuer's key set does not hold.
    case unknownKey(String?)
    /// The signature does not match header and payload: altered after signing, or signed with another key.
    case badSignature
    /// The JWT claims and the credential disagree (`iss`, `sub`, `jti`, `nbf`, `exp`); the text says which.
    case inconsistentClaims(String)
    /// The issuer revoked the credential.
    case revoked(CredentialRevocation)
    /// Revocation could not be checked; the text says why.
    case statusUnavailable(String)
    /// `validFrom` lies in the future.
    case notYetValid(Date)
    /// `validUntil` has passed.
    case expired(Date)

    /// The reason in plain words, for logs, the command line and pages.
    public var description: String {
        switch self {
        case .malformed(let detail):
            return "This is not a readable Open Badges credential: \(detail)."
        case .unsupportedAlgorithm(let algorithm):
            return "The credential claims the signing algorithm \"\(algorithm)\"; only RS256 signatures made with "
                + "the issuer's published key are accepted, so it cannot be trusted."
        case .unknownKey(let keyID):
            if let keyID {
                return "The credential was signed with a key the issuer does not publish (key id \"\(keyID)\")."
            }
            return "The credential does not say which of the issuer's keys signed it."
        case .badSignature:
            return "The signature does not match the content: the credential was changed after it was signed, "
                + "or it was not signed by the issuer."
        case .inconsistentClaims(let detail):
            return "The signed claims contradict the credential: \(detail)."
        case .revoked(let revocation):
            var text = "The issuer revoked this credential"
            if let revokedAt = revocation.revokedAt {
                text += " on \(CredentialDate.string(revokedAt))"
            }
            if let reason = revocation.reason, !reason.isEmpty {
                text += ": \(reason)"
            }
            return text + "."
        case .statusUnavailable(let detail):
            return "Whether the credential was revoked could not be checked: \(detail)."
        case .notYetValid(let date):
            return "The credential is not valid before \(CredentialDate.string(date))."
        case .expired(let date):
            return "The credential expired on \(CredentialDate.string(date))."
        }
    }
}
