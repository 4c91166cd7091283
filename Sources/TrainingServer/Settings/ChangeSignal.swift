import Synchronization

/// A signal that a committed change happened, in whichever server process or on whichever node made it: what a cache
/// compares (through `ChangeStampWatch`, at most once per interval) to drop what it holds. The storage engine supplies
/// it: SQLite a file beside the database whose modification time moves (`ChangeStamp`: every process on the machine
/// sees it with one `stat`), PostgreSQL a counter row in the database bumped in the same transaction as the change
/// (`PostgresChangeSignal`: every node sees it, wherever it runs).
///
/// A reading is opaque: only "differs from the last one" means anything. A signal that cannot be read answers nil,
/// which a watch takes as a change (caches then read again: stale data is never kept because a reading failed).
public protocol ChangeSignal: Sendable {
    /// The signal now, nil when it does not exist yet or cannot be read.
    func reading() -> ChangeReading?
    /// How many times this process raised the signal (after committing a change): a watch that sees this count move
    /// reads the signal at once instead of waiting for its interval.
    var localRaises: UInt64 { get }
}

/// A `ChangeSignal` raised by itself, for a change that is not a database write of its own (a catalogue reload).
public protocol RaisableChangeSignal: ChangeSignal {
    /// Marks a change for every process and node that reads the signal.
    func raise() throws
}

/// One reading of a `ChangeSignal`: a few numbers, compared as a whole.
public struct ChangeReading: Sendable, Equatable {
    let parts: [Int64]

    public init(_ parts: Int64...) { self.parts = parts }
}

extension ChangeStamp: ChangeSignal {
    public func reading() -> ChangeReading? {
        read().map { ChangeReading(Int64($0.seconds), Int64($0.nanoseconds), Int64(bitPattern: $0.inode)) }
    }

    public var localRaises: UInt64 { touches.value.load(ordering: .acquiring) }
}

extension ChangeStamp: RaisableChangeSignal {
    public func raise() throws { touch() }
}
