import Synchronization

/// How many requests are being answered: handlers running and streamed bodies still being sent, so that `stop` can
/// wait for them. Counted per thread shard, each counter on its own cache line, so that the server's threads do not
/// pass one line between the cores on every request; `isEmpty` reads them all.
final class InFlight: Sendable {
    private struct Slot: ~Copyable, Sendable {
        let count = Atomic<Int>(0)
        private let padding = CacheLinePadding()
    }

    /// Inline in this object, so that reaching a slot touches no reference count.
    private let slots = InlineArray<16, Slot> { _ in Slot() }

    /// Counts one more in the calling thread's slot; returns the slot, for `leave`.
    func enter() -> Int {
        let slot = ThreadShard.current(of: slots.count)
        slots[slot].count.add(1, ordering: .relaxed)
        return slot
    }

    /// Counts one less in `slot` (from `enter`), from any thread.
    func leave(_ slot: Int) {
        slots[slot].count.subtract(1, ordering: .releasing)
    }

    /// Whether nothing is in flight. Each slot only ever counts what entered it, so none is below zero.
    var isEmpty: Bool {
        for slot in slots.indices where slots[slot].count.load(ordering: .acquiring) != 0 { return false }
        return true
    }
}
