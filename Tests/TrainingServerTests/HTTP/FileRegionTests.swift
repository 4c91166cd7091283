import Foundation
import Testing
@testable import TrainingServer

/// Opening files for a response body, their validator, and who closes the descriptor.
@Suite struct FileRegionTests {
    @Test func theETagChangesWhenTheFileIsReplaced() throws {
        let (file, _, directory) = try FileAnswerTests.file(100)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("clip.mp4")
        try Data(repeating: 7, count: 100).write(to: url, options: .atomic)
        let replaced = try #require(OpenFile(path: url.path))
        #expect(replaced.status.etag != file.status.etag)
    }

    @Test func onlyRegularFilesOpen() throws {
        let (_, _, directory) = try FileAnswerTests.file(1)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(OpenFile(path: directory.path) == nil, "a folder")
        #expect(OpenFile(path: directory.appendingPathComponent("missing").path) == nil)
    }

    @Test func theDescriptorIsHandedOnOnceAndClosedWhenNotHandedOn() throws {
        let (file, _, directory) = try FileAnswerTests.file(10)
        defer { try? FileManager.default.removeItem(at: directory) }
        let fd = try #require(file.take())
        #expect(file.take() == nil)
        #expect(fcntl(fd, F_GETFD) >= 0)
        close(fd)
        var kept: Int32 = -1
        do {
            let other = try #require(OpenFile(path: directory.appendingPathComponent("clip.mp4").path))
            kept = other.withDescriptor { $0 ?? -1 }
            #expect(fcntl(kept, F_GETFD) >= 0)
        }
        #expect(fcntl(kept, F_GETFD) == -1, "closed when the object went away")
    }

    @Test func aRegionLiesInItsFile() throws {
        let (file, _, directory) = try FileAnswerTests.file(10)
        defer { try? FileManager.default.removeItem(at: directory) }
        let region = FileRegion(file: file, offset: 4, length: 6)
        #expect(region.offset == 4 && region.length == 6)
    }
}
