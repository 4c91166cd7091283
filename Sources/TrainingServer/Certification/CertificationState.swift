/// Where a person stands in one certification programme.
public enum CertificationState: String, Sendable, Hashable, Codable, CaseIterable {
    /// No course of the programme completed yet.
    case notStarted = "not_started"
    /// At least one of the programme's courses completed, never certified yet.
    case inProgress = "in_progress"
    /// A certificate is in force and its renewal window has not opened yet.
    case certified
    /// A certificate is in force and its renewal window is open.
    case dueForRenewal = "due_for_renewal"
    /// The last certificate expired without renewal.
    case expired
    /// The last certificate was revoked.
    case revoked

    /// Whether a certificate is in force.
    public var isCertified: Bool { self == .certified || self == .dueForRenewal }
}
