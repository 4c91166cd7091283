import Foundation

/// The issuer's record that a credential was withdrawn.
public struct CredentialRevocation: Sendable, Equatable {
    /// When it was revoked, if known.
    public var revokedAt: Date?
    /// Why, in words the holder and verifiers may read, if given.
    public var reason: String?

    /// A revocation at `revokedAt` for `reason`, either of which may be unknown.
    public init(revokedAt: Date? = nil, reason: String? = nil) {
        self.revokedAt = revokedAt
        self.reason = reason
    }
}
