/// Values kept by key for as long as they are used, in at most `2 × generationSize` entries: the memo behind the
/// attempt caches (`AttemptReplays`, `KnownAttempts`, `DecodedAttempts` in the SQLite engine), which are only
/// shortcuts and never the truth.
///
/// Two generations: new and used entries go to the current one; when it holds `generationSize` entries it becomes
/// the previous one and the old previous one is dropped. An entry found in the previous generation moves to the
/// current one. So an entry used again before `generationSize` other keys were kept or used is never dropped, and
/// one that is not used again (a closed attempt whose result was shown) leaves after two generations: what the
/// memo holds follows the keys in use (the open attempts of the people taking quizzes), not the count of all keys
/// ever kept. (Dropping everything when full, as before, held up to the whole capacity of finished attempts, and
/// dropped the ones in use with them.)
///
/// A value type, kept under the owner's lock (`Mutex<RecentEntries<…>>`).
public struct RecentEntries<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    public let generationSize: Int
    private var current: [Key: Value]
    private var previous: [Key: Value] = [:]

    public init(generationSize: Int) {
        self.generationSize = max(1, generationSize)
        current = Dictionary(minimumCapacity: self.generationSize)
    }

    /// The value kept for `key`, if any (moved to the current generation).
    public mutating func value(_ key: Key) -> Value? {
        if let value = current[key] { return value }
        guard let value = previous.removeValue(forKey: key) else { return nil }
        insert(value, for: key)
        return value
    }

    /// Keeps `value` for `key`, in place of any value kept before.
    public mutating func keep(_ value: Value, for key: Key) {
        if current.updateValue(value, forKey: key) != nil { return }
        previous.removeValue(forKey: key)
        rotateIfFull()
    }

    /// How many entries are kept (at most `2 × generationSize`).
    public var count: Int { current.count + previous.count }

    private mutating func insert(_ value: Value, for key: Key) {
        current[key] = value
        rotateIfFull()
    }

    private mutating func rotateIfFull() {
        guard current.count >= generationSize else { return }
        previous = current
        current = Dictionary(minimumCapacity: generationSize)
    }
}
