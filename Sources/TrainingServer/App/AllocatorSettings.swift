#if canImport(Glibc)
import CMalloc
#endif
import Foundation

/// How the C allocator (glibc malloc) keeps memory, set once when the server starts (`ServerRunner.run`).
///
/// Why: with glibc's defaults, memory the server has freed stays resident.
/// - **Dynamic mmap threshold.** A block of 128 KiB or more is first served by `mmap` and given back to the
///   kernel on `free`; but the first such free raises the threshold to the block's size (up to 32 MiB), so every
///   later block of that size comes from a malloc arena and stays there. Argon2 takes 19 MiB per password check,
///   so after a few sign-ins each worker thread's arena holds 19 MiB it no longer uses (240 MB measured after
///   200 sign-ins on 16 threads).
///   Fixing the threshold turns the dynamic adjustment off: large blocks keep coming from `mmap` and leave on
///   `free`. The cost is a fresh `mmap` and its page faults per large block: a password check takes about
///   10–15 ms more CPU (docs/operations.md, "Memory"); pages and answers stay far below the threshold.
/// - **Arenas.** glibc gives threads arenas of their own up to 8 per core; each keeps its own free memory. A few
///   arenas hold less idle memory; threads mostly allocate from their per-thread cache (tcache) anyway.
///
/// - **Trimming.** Freed blocks inside an arena stay resident until glibc gives the pages back, which it does on its
///   own only at the arena's top. Every `trimInterval` seconds a background thread calls `malloc_trim(0)`, which
///   hands every whole free page of every arena back to the kernel (what the caches and pages dropped since).
///
/// This file is the only caller of `mallopt` and `malloc_trim` (through the `CMalloc` shim).
///
/// Safety: `mallopt` takes the allocator's lock and only changes how later allocations are served; it is called
/// once, first thing in `ServerRunner.run`, before the HTTP, database and background threads start. Blocks
/// allocated before keep working: `free` tells an mmapped block from an arena block by the block's own header,
/// not by the current threshold.
public struct AllocatorSettings: Sendable, Equatable {
    /// Blocks of at least this many bytes are mmapped and unmapped when freed; nil keeps glibc's dynamic threshold.
    public var mmapThreshold: Int?
    /// The most malloc arenas; nil keeps glibc's default (8 per core).
    public var arenaMax: Int?

    /// Seconds between two trims of the arenas' free pages; nil never trims.
    public var trimInterval: Double?

    public init(mmapThreshold: Int? = AllocatorSettings.defaultMmapThreshold,
                arenaMax: Int? = AllocatorSettings.defaultArenaMax,
                trimInterval: Double? = AllocatorSettings.defaultTrimInterval) {
        self.mmapThreshold = mmapThreshold
        self.arenaMax = arenaMax
        self.trimInterval = trimInterval
    }

    /// Five seconds: a trim walks the arenas' free lists (about a millisecond), and pages given back cost a page
    /// fault when used again, so trimming much more often buys little.
    public static let defaultTrimInterval = 5.0

    /// 1 MiB: well above what a page or an answer allocates, well below Argon2's 19 MiB.
    public static let defaultMmapThreshold = 1 << 20
    /// Two arenas: the machines the server targets have a few cores; more arenas mostly keep more idle memory.
    public static let defaultArenaMax = 2
    /// glibc's defaults, nothing changed.
    public static let glibcDefaults = AllocatorSettings(mmapThreshold: nil, arenaMax: nil, trimInterval: nil)

    /// Applies the settings; returns the names of those the allocator refused (empty when all took effect, and on
    /// platforms without glibc, where there is nothing to set).
    @discardableResult
    public func apply() -> [String] {
        var refused: [String] = []
        #if canImport(Glibc)
        if let mmapThreshold, mallopt(M_MMAP_THRESHOLD, Int32(clamping: mmapThreshold)) != 1 {
            refused.append("mmap threshold \(mmapThreshold)")
        }
        if let arenaMax, mallopt(M_ARENA_MAX, Int32(clamping: arenaMax)) != 1 {
            refused.append("arena max \(arenaMax)")
        }
        #endif
        return refused
    }

    /// Gives the free pages of every arena back to the kernel now; true if any were.
    @discardableResult
    public static func trim() -> Bool {
        #if canImport(Glibc)
        return malloc_trim(0) == 1
        #else
        return false
        #endif
    }

    /// Starts the thread that trims every `trimInterval` seconds (nothing without an interval). It runs until the
    /// process ends.
    public func startTrimming() {
        guard let trimInterval, trimInterval > 0 else { return }
        Thread.detachNewThread {
            while true {
                Thread.sleep(forTimeInterval: trimInterval)
                Self.trim()
            }
        }
    }
}
