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

    // That password checks' 19 MiB blocks are mmapped is checked on a running server, where the settings apply
    // before any allocation (Tests/e2e/test_allocator_settings.py): in this process, blocks freed into an arena
    // by other tests before the settings applied may serve them.
    @Test func theSettingsTakeEffect() {
        #expect(AllocatorSettings().apply() == [])
        #expect(AllocatorSettings(mmapThreshold: 1 << 20, arenaMax: nil).apply() == [])
    }

    @Test func smallBlocksStillComeFromTheArenas() throws {
        #expect(AllocatorSettings().apply() == [])
        let block = try #require(malloc(64 * 1024))
        defer { free(block) }
        #expect(!isMmapped(block))
    }

    @Test func trimmingGivesFreedPagesBack() throws {
        // 16 MiB in blocks below the mmap threshold, freed all but the last (so the arena's top stays in use and
        // only a trim, not glibc's own top trimming, can give the pages back).
        let blocks = (0..<256).map { _ in malloc(64 * 1024)! }
        for block in blocks { memset(block, 1, 64 * 1024) }
        for block in blocks.dropLast() { free(block) }
        defer { free(blocks.last!) }
        #expect(AllocatorSettings.trim(), "free pages were given back")
    }
    #endif

    @Test func theServerTrimsEveryFewSeconds() {
        #expect(AllocatorSettings().trimInterval == AllocatorSettings.defaultTrimInterval)
        #expect(AllocatorSettings.glibcDefaults.trimInterval == nil)
    }

    @Test func theServerFixesTheThresholdBelowWhatAPasswordCheckTakes() throws {
        let runner = ServerRunner(application: ApplicationConfiguration(), http: HTTPServerConfiguration(), demo: false,
                                  logger: Logger(label: "test"))
        let threshold = try #require(runner.allocator.mmapThreshold)
        #expect(threshold < Int(PasswordHasher().memoryKiB) * 1024)
        #expect(runner.allocator.arenaMax == AllocatorSettings.defaultArenaMax)
    }
}
