import Foundation
import Logging
import SQLiteStorage
import Synchronization
import TrainingServer

/// A fresh SQLite database in its own temporary directory. The directories of one test run share a parent
/// that is removed when the process exits (not earlier: repositories may keep the store open after the value
/// that created it is gone, and GRDB opens reader connections by path on demand).
package struct TemporaryStore: Sendable {
    package let directory: URL
    package let store: Store

    private static let root: String = {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("training-server-tests-\(getpid())", isDirectory: true).path
        atexit { try? FileManager.default.removeItem(atPath: TemporaryStore.root) }
        return path
    }()

    package init() throws {
        directory = URL(fileURLWithPath: Self.root).appendingPathComponent(UUID().uuidString, isDirectory: true)
        store = try Store(path: directory.appendingPathComponent("training.sqlite").path, readers: 4)
    }

    /// One issuer for the whole test run (creating an RSA 3072 key takes a moment), in the run's directory.
    package static func issuer() throws -> CertificateIssuer {
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        return try CertificateIssuer(keyPath: root + "/issuer-key.pem", baseURL: "https://academy.example", name: "Test Academy")
    }

    /// A path in the same directory, for backups and second databases.
    package func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// A catalogue with no courses, loaded from an empty folder next to the database: these tests are about the
    /// platform, not course content.
    package func emptyCatalogue(now: Double) throws -> CatalogueHolder {
        let courses = directory.appendingPathComponent("Courses", isDirectory: true)
        try FileManager.default.createDirectory(at: courses, withIntermediateDirectories: true)
        return try CatalogueHolder(directory: courses, now: now)
    }
}

/// A clock the test moves by hand.
package final class ManualClock: Sendable {
    private let seconds: Mutex<Double>

    package init(_ start: Double = 1_800_000_000) { seconds = Mutex(start) }

    package var now: Double { seconds.withLock { $0 } }

    package func advance(by interval: Double) { seconds.withLock { $0 += interval } }

    /// The closure form the repositories and the application take.
    package var function: @Sendable () -> Double { { [self] in now } }
}

extension Logger {
    /// A logger that drops everything, so test output stays readable.
    package static let silent = Logger(label: "training-tests") { _ in SwiftLogNoOpLogHandler() }
}
