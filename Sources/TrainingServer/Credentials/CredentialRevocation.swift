import Foundation

/// The issuer's record that a credential was withdrawn.
public struct CredentialRevocation: Sendable, Equatable {
    /// When it was revoked, if known.
    public var revokedAt: Date?
    /// Why, if known: HR's words for the holder and HR (the public status document never carries them).
    public var reason: String?

    /// A revocation at `revokedAt` for `reason`, either of which may be unknown.
    public init(revokedAt: Date? = nil, reason: String? = nil) {
        self.revokedAt = revokedAt
        self.reason = reason
    }
}
