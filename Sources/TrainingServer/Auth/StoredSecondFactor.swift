import Foundation

/// A person's TOTP enrolment as stored: the sealed secret, when it was confirmed (nil while it waits for the
/// first code) and the last step a code was accepted for.
public struct StoredSecondFactor: Sendable, Equatable {
    public var sealedSecret: Data
    public var createdAt: Double
    public var enabledAt: Double?
    public var lastUsedStep: Int64?
}

/// A stored recovery code: its salt and SHA-256 digest.
public struct StoredRecoveryCode: Sendable, Equatable {
    public var id: Int64
    public var salt: Data
    public var digest: Data
}

/// A sign-in whose password was right and whose second step is still to come.
public struct PendingSignIn: Sendable, Equatable {
    public enum Purpose: String, Sendable {
        /// The person has two-step sign-in and must type a code.
        case code
        /// The person's role requires two-step sign-in and they have not set it up yet.
        case enrol
    }

    public var userID: UserID
    public var method: SignInMethod
    public var purpose: Purpose
    public var next: String
    public var expiresAt: Double
    public var failures: Int
}
