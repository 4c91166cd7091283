import Synchronization

/// Parts of pages that are the same for every person who sees them (built from the catalogue and the UI strings),
/// kept by key for one version of the catalogue: `invalidate` (called on every catalogue reload) drops them all and
/// starts a new version. Parts built from a catalogue read before the reload are not kept (see `value`). Readers take
/// a `Snapshot` (a number and a reference) before they read the catalogue and look parts up outside any lock.
/// Bounded by the catalogue: one entry per key the pages ask for (courses × languages); for keys that are not, see
/// `ThreadMemo`.
///
/// Every request takes a snapshot, so it comes from the calling thread's slot (`ThreadShard`, 16 slots, each under
/// its own lock on its own cache line), not from one lock for the server: 16 server threads on 2 cores taking one
/// lock per request make a convoy as soon as a thread holding it is preempted. Each slot is a copy of the kept
/// parts; the values themselves are made once for all slots (a slot without a key takes it from the shared table,
/// under its lock, and makes it only when that has none either), so the slots add a dictionary each, not 16 copies
/// of the parts.
public final class KeptParts<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    /// The kept parts and the catalogue version they belong to, as they were when taken.
    public struct Snapshot: Sendable {
        public fileprivate(set) var version: Int
        fileprivate var entries: [Key: Value]
    }

    private struct Slot: ~Copyable, Sendable {
        let state = Mutex(Snapshot(version: 0, entries: [:]))
        private let padding = CacheLinePadding()
    }

    /// Every part made for the current version: the one table parts are made for, shared by the slots.
    private let shared = Mutex(Snapshot(version: 0, entries: [:]))
    /// The threads' copies of `shared`, each at the version of the last `invalidate` that reached it.
    private let slots = InlineArray<16, Slot> { _ in Slot() }

    public init() {}

    /// The kept parts now, from the calling thread's slot. Take it before reading the catalogue the parts are built
    /// from.
    public func snapshot() -> Snapshot { slots[ThreadShard.current(of: slots.count)].state.withLock { $0 } }

    /// Drops every kept part and starts a new version. The shared table moves first (under its lock, which also keeps
    /// two invalidations from passing each other), then each slot: a slot not yet reached keeps the old version, so
    /// whatever a thread adds to it under that version is dropped when the slot is reached, and nothing made under
    /// the old version enters the shared table after it moved.
    public func invalidate() {
        shared.withLock { shared in
            shared = Snapshot(version: shared.version + 1, entries: [:])
            for index in slots.indices {
                slots[index].state.withLock { $0 = Snapshot(version: shared.version, entries: [:]) }
            }
        }
    }

    /// How many entries are kept.
    public var count: Int { shared.withLock { $0.entries.count } }

    /// The parts for `key`: kept ones from `snapshot`, or the shared table's, or `make()`'s, which are kept when the
    /// snapshot's version (taken before the catalogue that `make` reads) is still the current one.
    public func value(_ key: Key, from snapshot: Snapshot, make: () -> Value) -> Value {
        if let found = snapshot.entries[key] { return found }
        let value: Value
        if let found = shared.withLock({ $0.version == snapshot.version ? $0.entries[key] : nil }) {
            value = found
        } else {
            let made = make()
            value = shared.withLock { shared in
                guard shared.version == snapshot.version else { return made }
                if let first = shared.entries[key] { return first }
                shared.entries[key] = made
                return made
            }
        }
        slots[ThreadShard.current(of: slots.count)].state.withLock { slot in
            guard slot.version == snapshot.version else { return }
            slot.entries[key] = value
        }
        return value
    }
}

/// Values kept per server thread (`ThreadShard`, 16 slots, each under its own lock on its own cache line) for one
/// version of the catalogue, at most `limit` per slot (a full slot starts again empty): for parts whose keys are not
/// bounded by the catalogue (they hold a person's dates), where most lookups of a busy server miss. A lookup and an
/// insert each take the calling thread's slot's lock only, and nothing is copied out of a slot, so a miss costs the
/// value's making and one insert. Take `version()` before reading the catalogue the values are built from; a value
/// is kept only when no `invalidate` (called on every catalogue reload) came after that.
public final class ThreadMemo<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Table: Sendable {
        var version = 0
        var entries: [Key: Value] = [:]
    }

    private struct Slot: ~Copyable, Sendable {
        let state = Mutex(Table())
        private let padding = CacheLinePadding()
    }

    private let current = Atomic(0)
    private let slots = InlineArray<16, Slot> { _ in Slot() }
    /// Most entries a slot keeps.
    public let limit: Int

    public init(limit: Int) { self.limit = max(1, limit) }

    /// The catalogue version now: take it before reading the catalogue.
    public func version() -> Int { current.load(ordering: .acquiring) }

    /// Starts a new version: every slot drops its values the next time it is used.
    public func invalidate() { current.add(1, ordering: .releasing) }

    /// How many values the calling thread's slot keeps.
    public var count: Int { slots[ThreadShard.current(of: slots.count)].state.withLock { $0.entries.count } }

    /// The value for `key` kept by the calling thread for `version`, or `make()`'s, kept when `version` is still
    /// the current one once it is made.
    public func value(_ key: Key, version: Int, make: () -> Value) -> Value {
        let slot = ThreadShard.current(of: slots.count)
        let found = slots[slot].state.withLock { table -> Value? in
            if table.version < version { table = Table(version: version) }
            return table.version == version ? table.entries[key] : nil
        }
        if let found { return found }
        let made = make()
        slots[slot].state.withLock { table in
            guard table.version == version, current.load(ordering: .acquiring) == version else { return }
            if table.entries.count >= limit { table.entries.removeAll() }
            table.entries[key] = made
        }
        return made
    }
}
