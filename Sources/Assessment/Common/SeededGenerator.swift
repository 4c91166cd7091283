/// A deterministic random number generator (SplitMix64) for everything an attempt draws: pool draws, shuffles
/// and per-attempt option ids.
///
/// The algorithm, the bounded draw and the shuffle are written out here rather than taken from the standard
/// library, whose `shuffle(using:)` and `random(in:using:)` may change between releases: a paper rebuilt from
/// its seed years later, for an appeal, must be the paper that was shown.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Hashable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniformly distributed integer in `0..<bound` (Lemire's multiply-and-reject); 0 when `bound` < 2.
    public mutating func nextIndex(below bound: Int) -> Int {
        guard bound > 1 else { return 0 }
        let limit = UInt64(bound)
        var product = next().multipliedFullWidth(by: limit)
        if product.low < limit {
            let threshold = (0 &- limit) % limit
            while product.low < threshold {
                product = next().multipliedFullWidth(by: limit)
            }
        }
        return Int(product.high)
    }

    /// Shuffles `elements` in place (Fisher–Yates, from the end).
    public mutating func shuffle<Element>(_ elements: inout [Element]) {
        guard elements.count > 1 else { return }
        for index in stride(from: elements.count - 1, to: 0, by: -1) {
            let other = nextIndex(below: index + 1)
            if other != index {
                elements.swapAt(index, other)
            }
        }
    }
}
