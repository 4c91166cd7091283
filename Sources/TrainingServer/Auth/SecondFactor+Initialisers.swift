import Foundation

// Public initialisers for the two-step sign-in values a storage engine outside this module builds from its rows.
//
// The synthesised memberwise initialisers are internal and cannot be redeclared with the same labels, so the first
// argument of each of these is unlabelled; the others are named after the stored properties they set.

extension StoredSecondFactor {
    public init(_ sealedSecret: Data, createdAt: Double, enabledAt: Double?, lastUsedStep: Int64?) {
        self.sealedSecret = sealedSecret
        self.createdAt = createdAt
        self.enabledAt = enabledAt
        self.lastUsedStep = lastUsedStep
    }
}

extension StoredRecoveryCode {
    public init(_ id: Int64, salt: Data, digest: Data) {
        self.id = id
        self.salt = salt
        self.digest = digest
    }
}

extension PendingSignIn {
    public init(_ userID: UserID, method: SignInMethod, purpose: Purpose, next: String, expiresAt: Double, failures: Int) {
        self.userID = userID
        self.method = method
        self.purpose = purpose
        self.next = next
        self.expiresAt = expiresAt
        self.failures = failures
    }
}
