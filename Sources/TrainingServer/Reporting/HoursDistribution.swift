/// How many people earned how many study hours in one year, in buckets around the yearly requirement:
/// none at all, then quarters of the requirement, then the requirement met.
public struct HoursDistribution: Sendable, Hashable {
    /// One bucket: people with `lower <= hours < upper` (`upper` nil: no upper bound; the first bucket is exactly 0).
    public struct Bucket: Sendable, Hashable {
        public var lower: Double
        public var upper: Double?
        public var people: Int
    }

    public var required: Double
    public var buckets: [Bucket]

    /// The upper bounds of the buckets after "no hours": a quarter, half, three quarters and all of `required`.
    public static func bounds(required: Double) -> [Double] {
        guard required > 0 else { return [] }
        return [0.25, 0.5, 0.75, 1].map { required * $0 }
    }

    /// Joins the repository's counts (one more than `bounds`, the first for zero hours) to their bounds.
    public init(required: Double, counts: [Int]) {
        self.required = required
        let bounds = Self.bounds(required: required)
        var buckets = [Bucket(lower: 0, upper: 0, people: counts.first ?? 0)]
        var lower = 0.0
        for (index, upper) in bounds.enumerated() {
            buckets.append(Bucket(lower: lower, upper: upper, people: index + 1 < counts.count ? counts[index + 1] : 0))
            lower = upper
        }
        buckets.append(Bucket(lower: lower, upper: nil, people: counts.count > bounds.count + 1 ? counts[bounds.count + 1] : 0))
        self.buckets = buckets
    }

    /// Everyone counted.
    public var people: Int { buckets.reduce(0) { $0 + $1.people } }
}
