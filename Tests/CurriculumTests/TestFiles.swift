import Foundation

/// Where the tests find their files: the bundled fixtures, the repository and the shared GIFT samples.
enum TestFiles {
    /// `Tests/CurriculumTests/Fixtures`, as copied into the test bundle.
    static var fixtures: URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
    }

    /// The repository root, found from this file's path (with symbolic links resolved, for checkouts that link
    /// the test folder into another package).
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `../shared/gift` next to the repository, when it exists on this machine.
    static var sharedGIFT: URL? {
        let url = repository.deletingLastPathComponent().appendingPathComponent("shared/gift")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }
}
