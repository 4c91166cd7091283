#if canImport(Glibc)
import Glibc
#endif
import Logging
import Testing
@testable import TrainingServer

@Suite struct AllocatorSettingsTests {
    #if canImport(Glibc)
    /// Whether glibc served `block` by its own `mmap` (so `free` gives it back to the kernel): the chunk's size
    /// field, the word before the block, has the IS_MMAPPED bit (0x2) set (glibc's chunk layout, malloc.c).
    private func isMmapped(_ block: UnsafeMutableRawPointer) -> Bool {
        (block.load(fromByteOffset: -MemoryLayout<Int>.size, as: Int.self) & 0x2) != 0
    }

    @Test func passwordChecksKeepGettingMemoryOfTheirOwnAfterOneIsFreed() throws {
        #expect(AllocatorSettings().apply() == [])
        // What Argon2 asks for on every sign-in. With glibc's dynamic threshold the first block is mmapped,
        // its free raises the threshold, and the next ones come from an arena and stay resident.
        let size = Int(PasswordHasher().memoryKiB) * 1024
        for round in 0..<3 {
            let block = try #require(malloc(size))
            memset(block, 1, 4096)
            #expect(isMmapped(block), "block \(round) came from an arena")
            free(block)
        }
    }

    @Test func smallBlocksStillComeFromTheArenas() throws {
        #expect(AllocatorSettings().apply() == [])
        let block = try #require(malloc(64 * 1024))
        defer { free(block) }
        #expect(!isMmapped(block))
    }
    #endif

    @Test func theServerFixesTheThresholdBelowWhatAPasswordCheckTakes() throws {
        let runner = ServerRunner(application: ApplicationConfiguration(), http: HTTPServerConfiguration(), demo: false,
                                  logger: Logger(label: "test"))
        let threshold = try #require(runner.allocator.mmapThreshold)
        #expect(threshold < Int(PasswordHasher().memoryKiB) * 1024)
        #expect(runner.allocator.arenaMax == AllocatorSettings.defaultArenaMax)
    }
}
