import Curriculum

/// What a person still has to do for their next certification or renewal, as of the record's evaluation.
public struct CertificationRequirements: Sendable, Hashable, Codable {
    /// What the requirements lead to.
    public enum Goal: String, Sendable, Hashable, Codable, CaseIterable {
        /// The full programme: never certified, or certified before a revocation.
        case certification
        /// The renewal path inside the window of the certificate in force (the window may not be open yet).
        case renewal
        /// The renewal path after expiry: a fresh certification whose expiry counts from completion.
        case lateRenewal = "late_renewal"
    }

    public let goal: Goal
    /// Required courses without a completion that counts yet, in programme order.
    public let courses: [CourseID]
    /// How many more courses of `from` must be completed.
    public let choose: Int
    /// The courses to choose from that have no completion that counts yet; empty when `choose` is 0.
    public let from: [CourseID]
    /// Study hours still missing in the 365 days up to the evaluation.
    public let hours: Double
    /// Completions count only from this instant (the window's opening, the revocation); nil for no limit.
    public let countsFrom: Double?
    /// The instant by which a renewal must be completed (the expiry); nil when there is none.
    public let deadline: Double?

    /// Whether nothing is missing.
    public var isMet: Bool { courses.isEmpty && choose == 0 && hours <= 0 }
}
