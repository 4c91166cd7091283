#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A `ChangeSignal` (a `ChangeStamp` file, a PostgreSQL counter) as a cache sees it: a number (`generation`) that
/// moves whenever the signal was found changed, with the signal read (one `stat`, one row) at most once per `interval`
/// however many requests ask. A server's caches ask on
/// every request; with an interval, a change another process makes is seen by the first request that arrives at least
/// `interval` after the last reading (a request arriving after the server was idle for that long always reads the file),
/// so a change made from the command line, which takes far longer than the interval to start and finish, is still
/// seen on the next request. This process's own changes do not wait: their caches drop what they change themselves, and
/// `refresh()` reads the file at once.
///
/// The fast path is two atomic loads and a monotonic clock read (no system call, no lock); one thread at a time reads
/// the file when the interval has passed, the others keep the last reading meanwhile.
public final class ChangeStampWatch: Sendable {
    public let signal: any ChangeSignal
    /// Nanoseconds a reading stands; 0 reads the file on every `generation`.
    let interval: UInt64
    /// Monotonic nanoseconds (see `clock`).
    private let clock: @Sendable () -> UInt64
    /// When the last reading stops standing.
    private let due = Atomic<UInt64>(0)
    private let moves = Atomic<UInt64>(0)
    /// This process's touches of the stamp as of the last reading.
    private let touchesSeen = Atomic<UInt64>(0)
    /// The last value read (nil: no file).
    private let last: Mutex<ChangeReading?>

    /// The interval a server uses: its caches read each stamp file at most a hundred times a second.
    public static let serverInterval = 0.01

    /// `interval` in seconds (0: read the file every time); `clock` gives monotonic nanoseconds (tests pass their own).
    public init(_ signal: any ChangeSignal, interval: Double = 0,
                clock: @escaping @Sendable () -> UInt64 = ChangeStampWatch.monotonicNanoseconds) {
        self.signal = signal
        self.interval = interval > 0 ? UInt64((interval * 1e9).rounded()) : 0
        self.clock = clock
        touchesSeen.store(signal.localRaises, ordering: .relaxed)
        last = Mutex(signal.reading())
        due.store(self.interval > 0 ? clock() &+ self.interval : 0, ordering: .relaxed)
    }

    /// A number that changes whenever the stamp was found changed; reads the file if the last reading is older than
    /// the interval.
    public var generation: UInt64 {
        guard interval > 0 else { return refresh() }
        // A stamp this process touched is read at once (the interval is for other processes' changes).
        let touches = signal.localRaises
        if touches != touchesSeen.load(ordering: .relaxed) {
            touchesSeen.store(touches, ordering: .relaxed)
            return refresh()
        }
        let now = clock()
        let until = due.load(ordering: .relaxed)
        guard now >= until else { return moves.load(ordering: .acquiring) }
        // One thread reads the file; one that loses the race keeps the reading in force (at most one `stat` old).
        guard due.compareExchange(expected: until, desired: now &+ interval, ordering: .relaxed).exchanged else {
            return moves.load(ordering: .acquiring)
        }
        return refresh()
    }

    /// Reads the file now (after this process changed it, or to check at once) and returns the generation.
    @discardableResult
    public func refresh() -> UInt64 {
        let value = signal.reading()
        return last.withLock { last in
            if last != value {
                last = value
                return moves.add(1, ordering: .releasing).newValue
            }
            return moves.load(ordering: .relaxed)
        }
    }

    /// Nanoseconds of `CLOCK_MONOTONIC` (read through the vDSO: no system call).
    @Sendable public static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }
}
