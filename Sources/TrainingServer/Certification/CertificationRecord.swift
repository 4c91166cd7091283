import Curriculum

/// A person's standing in one programme, replayed by `CertificationEngine.evaluate(program:evidence:now:)`.
public struct CertificationRecord: Sendable, Hashable, Codable {
    public let program: ProgramID
    /// The `now` the record was evaluated at.
    public let evaluatedAt: Double
    public let state: CertificationState
    /// Every certification and renewal, in issue order; each one is a certificate.
    public let cycles: [CertificationCycle]
    /// Every transition up to `evaluatedAt`, in order, including those time alone causes (window opened, expired).
    public let history: [CertificationTransition]
    /// What is still missing for the next certification or renewal.
    public let requirements: CertificationRequirements

    /// The most recently issued cycle, whatever became of it.
    public var latestCycle: CertificationCycle? { cycles.last }

    /// The latest cycle if its certificate is valid at `evaluatedAt`.
    public var currentCycle: CertificationCycle? {
        cycles.last.flatMap { $0.isInForce(at: evaluatedAt) ? $0 : nil }
    }

    /// The latest cycle's expiry, unless it was revoked.
    public var expiresAt: Double? {
        cycles.last.flatMap { $0.revocation == nil ? $0.expiresAt : nil }
    }

    /// Whether the renewal window is open.
    public var isInWindow: Bool { state == .dueForRenewal }

    /// Whole days until the latest cycle expires, counted up: 1 or more while valid (1 on the last day), 0 on
    /// the first day after expiry, -1 on the second, and so on. Nil when never certified or revoked.
    public var daysUntilExpiry: Int? {
        expiresAt.map { Self.days(from: evaluatedAt, to: $0) }
    }

    /// The state after every transition up to and including `instant`.
    public func state(at instant: Double) -> CertificationState {
        history.last { $0.at <= instant }?.to ?? .notStarted
    }

    /// Whole days from `now` to `instant`: rounded up while `instant` is ahead (the last day counts as 1), and the
    /// whole days since it, negated, once it is past.
    static func days(from now: Double, to instant: Double) -> Int {
        let remaining = (instant - now) / CertificationEngine.secondsPerDay
        return remaining > 0 ? Int(remaining.rounded(.up)) : -Int((-remaining).rounded(.down))
    }
}
