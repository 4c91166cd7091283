import CCMark
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Memory for cmark-gfm while it checks one document: allocations are carved from slabs kept per thread and
/// are all given back at once when the document is done, instead of one `malloc` and `free` per node and buffer.
///
/// cmark's allocator callbacks receive no context, so each thread finds its arena through a thread-specific key.
/// Only checking uses it (`CMarkDocument.process` without rendering): rendered HTML is released with `free`.
struct CMarkArena {
    /// The allocator to hand to `cmark_parser_new_with_mem`.
    nonisolated(unsafe) static let allocator: UnsafeMutablePointer<cmark_mem> = {
        let pointer = UnsafeMutablePointer<cmark_mem>.allocate(capacity: 1)
        pointer.initialize(to: cmark_mem(calloc: { count, size in CMarkArena.current.pointee.allocate(count, size) },
                                         realloc: { old, size in CMarkArena.current.pointee.reallocate(old, size) },
                                         free: { _ in }))
        return pointer
    }()

    /// Runs `body` (which must free every cmark object it makes with `allocator`), then recycles the memory.
    static func withArena<Result>(_ body: () -> Result) -> Result {
        let arena = current
        defer { arena.pointee.reset() }
        return body()
    }

    private static let slabSize = 64 * 1024
    /// Slabs kept for the next document; a very large document's extra slabs are released.
    private static let slabsKept = 8
    /// Each allocation starts with its size, for `realloc`; 16 bytes keep the memory after it aligned.
    private static let headerSize = 16

    private var slabs: [UnsafeMutableRawPointer] = []
    private var large: [UnsafeMutableRawPointer] = []
    private var slabIndex = -1
    private var cursor = 0

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in
            guard let arena = pointer?.assumingMemoryBound(to: CMarkArena.self) else { return }
            arena.pointee.release()
            arena.deinitialize(count: 1)
            arena.deallocate()
        }
        return key
    }()

    /// This thread's arena, made on first use and released when the thread ends.
    private static var current: UnsafeMutablePointer<CMarkArena> {
        if let pointer = pthread_getspecific(key) {
            return pointer.assumingMemoryBound(to: CMarkArena.self)
        }
        let arena = UnsafeMutablePointer<CMarkArena>.allocate(capacity: 1)
        arena.initialize(to: CMarkArena())
        pthread_setspecific(key, arena)
        return arena
    }

    /// Zeroed memory for `count` items of `size` bytes, as `calloc` gives.
    private mutating func allocate(_ count: Int, _ size: Int) -> UnsafeMutableRawPointer? {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: size)
        guard !overflow else { return nil }
        let block = take(bytes)
        memset(block, 0, bytes)
        return block
    }

    private mutating func reallocate(_ old: UnsafeMutableRawPointer?, _ size: Int) -> UnsafeMutableRawPointer? {
        guard let old else { return take(size) }
        let header = old - Self.headerSize
        let oldSize = header.load(as: Int.self)
        if size <= oldSize { return old }
        // The most recent allocation grows in place when its slab has room.
        if slabIndex >= 0, old + Self.rounded(oldSize) == slabs[slabIndex] + cursor,
           cursor - Self.rounded(oldSize) + Self.rounded(size) <= Self.slabSize {
            cursor += Self.rounded(size) - Self.rounded(oldSize)
            header.storeBytes(of: size, as: Int.self)
            return old
        }
        let block = take(size)
        block.copyMemory(from: old, byteCount: oldSize)
        return block
    }

    private static func rounded(_ size: Int) -> Int {
        (size + 15) & ~15
    }

    /// `size` bytes after a size header; not zeroed.
    private mutating func take(_ size: Int) -> UnsafeMutableRawPointer {
        let needed = Self.headerSize + Self.rounded(size)
        let start: UnsafeMutableRawPointer
        if needed > Self.slabSize / 4 {
            guard let block = malloc(needed) else { fatalError("out of memory") }
            large.append(block)
            start = block
        } else {
            if slabIndex < 0 || cursor + needed > Self.slabSize {
                slabIndex += 1
                if slabIndex == slabs.count {
                    guard let slab = malloc(Self.slabSize) else { fatalError("out of memory") }
                    slabs.append(slab)
                }
                cursor = 0
            }
            start = slabs[slabIndex] + cursor
            cursor += needed
        }
        start.storeBytes(of: size, as: Int.self)
        return start + Self.headerSize
    }

    /// Gives back everything allocated since the last reset, keeping a few slabs for the next document.
    private mutating func reset() {
        for block in large { free(block) }
        large.removeAll(keepingCapacity: true)
        while slabs.count > Self.slabsKept { free(slabs.removeLast()) }
        slabIndex = -1
        cursor = 0
    }

    /// Gives back all memory, when the thread ends.
    private mutating func release() {
        reset()
        for slab in slabs { free(slab) }
        slabs.removeAll()
    }
}
