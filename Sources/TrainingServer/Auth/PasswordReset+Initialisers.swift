import Foundation

// Public initialisers for the password reset values a storage engine outside this module builds from its rows.
//
// The synthesised memberwise initialisers are internal and cannot be redeclared with the same labels, so the first
// argument of each of these is unlabelled; the others are named after the stored properties they set.

extension PasswordResetToken {
    public init(_ id: Int64, userID: UserID, origin: PasswordResetOrigin, createdAt: Double, expiresAt: Double,
                usedAt: Double?, passwordDigest: String) {
        self.id = id
        self.userID = userID
        self.origin = origin
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.usedAt = usedAt
        self.passwordDigest = passwordDigest
    }
}
