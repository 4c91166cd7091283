/// One entry of a person's history in a programme: what happened, when, and the state before and after.
public struct CertificationTransition: Sendable, Hashable, Codable {
    /// What moved the state.
    public enum Event: String, Sendable, Hashable, Codable, CaseIterable {
        /// The first course of the programme was completed.
        case started
        /// The first certification.
        case certified
        /// The renewal window opened (time passing).
        case windowOpened = "window_opened"
        /// The renewal path was completed inside the window.
        case renewed
        /// The certificate expired without renewal (time passing).
        case expired
        /// HR or an administrator revoked the certificate.
        case revoked
        /// Certified again after a lapse or a revocation.
        case recertified
        /// The evidence changed in the past (a regrade) and the replay disagrees with the stored history; written
        /// only by `CertificationRecord.entries(toAppendTo:)`, never by a replay.
        case reassessed
    }

    public let at: Double
    public let from: CertificationState
    public let to: CertificationState
    public let event: Event
    /// The cycle the event issued, renewed, opened, expired or revoked.
    public let cycle: Int?
    /// The revocation's reason.
    public let note: String?
    /// Who revoked.
    public let by: String?

    public init(at: Double, from: CertificationState, to: CertificationState, event: Event, cycle: Int? = nil,
                note: String? = nil, by: String? = nil) {
        self.at = at
        self.from = from
        self.to = to
        self.event = event
        self.cycle = cycle
        self.note = note
        self.by = by
    }
}
