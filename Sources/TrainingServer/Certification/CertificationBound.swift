/// The instant from which completions count: the window's opening (inclusive), or a revocation or issue
/// (exclusive, so the completion that certified, or one at the revocation's instant, does not count again).
struct CertificationBound: Sendable, Hashable {
    let instant: Double
    let inclusive: Bool

    static let none = CertificationBound(instant: -.infinity, inclusive: true)

    func admits(_ value: Double) -> Bool { inclusive ? value >= instant : value > instant }

    /// The instant for requirements, nil when there is no limit.
    var countsFrom: Double? { instant.isFinite ? instant : nil }
}
