/// An API token as stored: never its secret, only what identifies and limits it.
public struct APIToken: Sendable, Equatable {
    public var id: Int64
    public var userID: UserID
    public var name: String
    public var createdAt: Double
    public var lastUsedAt: Double?
    public var expiresAt: Double
    /// When it was revoked (by `tokens revoke`, a password change or disabling the account).
    public var revokedAt: Double?

    public init(id: Int64, userID: UserID, name: String, createdAt: Double, lastUsedAt: Double?, expiresAt: Double,
                revokedAt: Double?) {
        self.id = id
        self.userID = userID
        self.name = name
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    /// Whether the token authenticates at `now`.
    public func isLive(at now: Double) -> Bool { revokedAt == nil && now < expiresAt }

    /// Days a token lives unless `tokens create --expires-days` says otherwise.
    public static let defaultLifetimeDays = 90
}
