import Foundation
import Synchronization
import Testing
@testable import TrainingServer

/// `ChangeStampWatch`: a stamp file read at most once per interval, its changes counted as generations.
@Suite struct ChangeStampWatchTests {
    private final class Fixture: Sendable {
        let folder: URL
        let stamp: ChangeStamp
        let nanoseconds = Atomic<UInt64>(5_000_000_000)

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("stamp-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            stamp = ChangeStamp(path: folder.appendingPathComponent("db-accounts").path)
        }

        deinit { try? FileManager.default.removeItem(at: folder) }

        func watch(interval: Double) -> ChangeStampWatch {
            ChangeStampWatch(stamp, interval: interval, clock: { [self] in nanoseconds.load(ordering: .relaxed) })
        }

        func advance(milliseconds: UInt64) { nanoseconds.add(milliseconds * 1_000_000, ordering: .relaxed) }

        /// Touches the stamp as another process would (not through this process's `ChangeStamp.touch`), so that its
        /// time differs from the last touch's even on a coarse file system clock.
        func touch() {
            _ = FileManager.default.createFile(atPath: stamp.path, contents: nil)
            var times = [timespec(tv_sec: Int(Date().timeIntervalSince1970) + Int.random(in: 10...100_000), tv_nsec: 0),
                         timespec(tv_sec: Int(Date().timeIntervalSince1970) + Int.random(in: 10...100_000), tv_nsec: 0)]
            _ = utimensat(AT_FDCWD, stamp.path, &times, 0)
        }
    }

    @Test func withoutAnIntervalEveryChangeIsSeenAtOnce() throws {
        let fixture = try Fixture()
        let watch = fixture.watch(interval: 0)
        let start = watch.generation
        #expect(watch.generation == start, "nothing changed")
        fixture.touch()
        let created = watch.generation
        #expect(created != start, "the file appearing is a change")
        fixture.touch()
        #expect(watch.generation != created)
    }

    @Test func aReadingStandsForTheIntervalThenTheFileIsReadAgain() throws {
        let fixture = try Fixture()
        fixture.touch()
        let watch = fixture.watch(interval: 0.01)
        let start = watch.generation
        fixture.touch()
        #expect(watch.generation == start, "read when the watch was made: the reading stands")
        fixture.advance(milliseconds: 9)
        #expect(watch.generation == start, "9 ms later: still within the interval")
        fixture.advance(milliseconds: 2)
        let moved = watch.generation
        #expect(moved != start, "past the interval: read again, changed")
        fixture.advance(milliseconds: 50)
        #expect(watch.generation == moved, "read again, not changed")
    }

    @Test func aTouchByThisProcessIsSeenAtOnceDespiteTheInterval() throws {
        let fixture = try Fixture()
        fixture.touch()
        let watch = fixture.watch(interval: 10)
        let start = watch.generation
        // Another value of the same stamp, as a repository would hold it, touched by this process.
        ChangeStamp(path: fixture.stamp.path).touch()
        var times = [timespec(tv_sec: 1_000, tv_nsec: 0), timespec(tv_sec: 1_000, tv_nsec: 0)]
        _ = utimensat(AT_FDCWD, fixture.stamp.path, &times, 0)
        let moved = watch.generation
        #expect(moved != start, "no time passed, but this process touched the stamp: read at once")
        #expect(watch.generation == moved, "read once per touch")
    }

    @Test func refreshReadsAtOnce() throws {
        let fixture = try Fixture()
        let watch = fixture.watch(interval: 10)
        let start = watch.generation
        fixture.touch()
        #expect(watch.generation == start)
        let refreshed = watch.refresh()
        #expect(refreshed != start)
        #expect(watch.generation == refreshed)
    }

    @Test func removingTheFileIsAChange() throws {
        let fixture = try Fixture()
        fixture.touch()
        let watch = fixture.watch(interval: 0)
        let start = watch.generation
        try FileManager.default.removeItem(atPath: fixture.stamp.path)
        #expect(watch.generation != start)
    }
}
