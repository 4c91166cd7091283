/// What a renewed certificate's new expiry counts from.
public enum ExpiryBase: String, Sendable, Hashable, Codable, CaseIterable {
    /// The date the renewal was completed.
    case completion
    /// The previous certificate's expiry date, so renewing early loses nothing.
    case previousExpiry = "previous_expiry"
}
