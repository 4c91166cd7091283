import Foundation

/// Spreads threads over a fixed number of shards (locks, connections, buffers) by their id, so that server threads
/// mostly use different ones.
package enum ThreadShard {
    /// The calling thread's shard among `count` (at least 1): Fibonacci hashing of its id, from the product's high
    /// bits, where the id's differences are mixed best.
    package static func current(of count: Int) -> Int {
        Int(((UInt(pthread_self()) &* 0x9E37_79B9_7F4A_7C15) >> 32) % UInt(max(1, count)))
    }
}
/// Unused bytes that end a per-shard object, so that the next object in memory starts on another cache line: two
/// cores then never pass one line back and forth because their threads use neighbouring shards.
package struct CacheLinePadding: Sendable {
    private let bytes = InlineArray<64, UInt8>(repeating: 0)

    package init() {}
}
