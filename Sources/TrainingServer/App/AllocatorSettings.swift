#if canImport(Glibc)
import CMalloc
#endif

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
/// This file is the only caller of `mallopt` (through the `CMalloc` shim).
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

    public init(mmapThreshold: Int? = AllocatorSettings.defaultMmapThreshold,
                arenaMax: Int? = AllocatorSettings.defaultArenaMax) {
        self.mmapThreshold = mmapThreshold
        self.arenaMax = arenaMax
    }

    /// 1 MiB: well above what a page or an answer allocates, well below Argon2's 19 MiB.
    public static let defaultMmapThreshold = 1 << 20
    /// Two arenas: the machines the server targets have a few cores; more arenas mostly keep more idle memory.
    public static let defaultArenaMax = 2
    /// glibc's defaults, nothing changed.
    public static let glibcDefaults = AllocatorSettings(mmapThreshold: nil, arenaMax: nil)

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
}
