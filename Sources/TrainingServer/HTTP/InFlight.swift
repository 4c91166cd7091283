import Synchronization

/// How many requests are being answered: handlers running and streamed bodies still being sent, so that `stop` can
/// wait for them. Counted per thread shard, each slot on its own cache line, so that the server's threads do not
/// pass one line between the cores on every request.
///
/// A slot counts what entered and what left it, and both counts only grow. `isEmpty` adds up every slot's leavings
/// first and their entries after: the slots are read one after another, not at one instant, but the counts only
/// grow, so the leavings summed are at most those at the moment between the two passes, and the entries summed at
/// least those then. Equal sums therefore mean nothing was in flight at that moment. (Reading a single count per
/// slot could miss a request that entered a slot already read while another left a slot not yet read.) The counts
/// are sequentially consistent, so that "the moment between the passes" is one moment for every slot; on x86 that
/// costs nothing over relaxed counting.
final class InFlight: Sendable {
    private struct Slot: ~Copyable, Sendable {
        let entered = Atomic<Int>(0)
        let left = Atomic<Int>(0)
        private let padding = CacheLinePadding()
    }

    /// Inline in this object, so that reaching a slot touches no reference count.
    private let slots = InlineArray<16, Slot> { _ in Slot() }

    /// Counts one more in the calling thread's slot; returns the slot, for `leave`.
    func enter() -> Int {
        let slot = ThreadShard.current(of: slots.count)
        slots[slot].entered.wrappingAdd(1, ordering: .sequentiallyConsistent)
        return slot
    }

    /// Counts one less, in `slot` (from `enter`), from any thread.
    func leave(_ slot: Int) {
        slots[slot].left.wrappingAdd(1, ordering: .sequentiallyConsistent)
    }

    /// Whether nothing was in flight at some moment during the call (see the type's comment).
    var isEmpty: Bool { isEmpty(betweenPasses: {}) }

    /// `isEmpty`, running `betweenPasses` after the leavings are summed and before the entries are, so that a test
    /// can let requests come and go there.
    func isEmpty(betweenPasses: () -> Void) -> Bool {
        var left = 0
        for slot in slots.indices { left &+= slots[slot].left.load(ordering: .sequentiallyConsistent) }
        betweenPasses()
        var entered = 0
        for slot in slots.indices { entered &+= slots[slot].entered.load(ordering: .sequentiallyConsistent) }
        return entered == left
    }
}
