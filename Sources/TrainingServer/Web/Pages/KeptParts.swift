import Synchronization

/// Parts of pages that are the same for every person who sees them (built from the catalogue and the UI strings),
/// kept by key for one version of the catalogue: `invalidate` (called on every catalogue reload) drops them all and
/// starts a new version. Parts built from a catalogue read before the reload are not kept (see `value`). Readers take
/// a `Snapshot` (one short lock: a number and a reference) before they read the catalogue and look parts up outside
/// the lock. Bounded by the catalogue: one entry per key the pages ask for (courses × languages).
public final class KeptParts<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    /// The kept parts and the catalogue version they belong to, as they were when taken.
    public struct Snapshot: Sendable {
        public fileprivate(set) var version: Int
        fileprivate var entries: [Key: Value]
    }

    private let state = Mutex(Snapshot(version: 0, entries: [:]))

    public init() {}

    /// The kept parts now. Take it before reading the catalogue the parts are built from.
    public func snapshot() -> Snapshot { state.withLock { $0 } }

    /// Drops every kept part and starts a new version.
    public func invalidate() {
        state.withLock { state in
            state = Snapshot(version: state.version + 1, entries: [:])
        }
    }

    /// How many entries are kept.
    public var count: Int { snapshot().entries.count }

    /// The parts for `key`: kept ones from `snapshot`, or `make()`'s, which are kept when the snapshot's version
    /// (taken before the catalogue that `make` reads) is still the current one.
    public func value(_ key: Key, from snapshot: Snapshot, make: () -> Value) -> Value {
        if let found = snapshot.entries[key] { return found }
        let value = make()
        state.withLock { state in
            if state.version == snapshot.version { state.entries[key] = value }
        }
        return value
    }
}

/// A page's pieces written once into a buffer of their size.
struct PageBytes {
    private var pieces: [String] = []
    private var count = 0

    init(capacity: Int = 32) { pieces.reserveCapacity(capacity) }

    mutating func append(_ html: HTML) { append(html.rendered) }

    mutating func append(_ text: String) {
        count += text.utf8.count
        pieces.append(text)
    }

    var bytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        for piece in pieces { bytes.append(contentsOf: piece.utf8) }
        return bytes
    }
}
