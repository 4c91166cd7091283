import Foundation

/// The outcome of verifying one credential.
public enum CredentialVerification: Sendable, Equatable {
    /// Signed by the issuer, consistent, within its validity period and not revoked. `revocationChecked` is false
    /// when no revocation lookup was available.
    case valid(CredentialClaims, revocationChecked: Bool)
    /// Not valid. `claims` holds what the credential states whenever its signature was genuine (an expired or
    /// revoked credential still names its holder and programme); nil when it could not be trusted at all.
    case invalid(CredentialVerificationFailure, claims: CredentialClaims?)

    /// True for `.valid`.
    public var isValid: Bool {
        if case .valid = self { return true }
        return false
    }

    /// The reason for `.invalid`, nil for `.valid`.
    public var failure: CredentialVerificationFailure? {
        if case .invalid(let failure, _) = self { return failure }
        return nil
    }
}
