import Foundation
import PostgresStorage
import Testing

/// The PostgreSQL the suites run against: `SE_POSTGRES_URL` (with the password in `SE_POSTGRES_PASSWORD_FILE`, else
/// libpq's `PGPASSFILE`), as `scripts/postgres.sh` prints them and `scripts/test` sets them. Without the URL the
/// suites that need a server are disabled; with `SE_REQUIRE_POSTGRES=true` (as `scripts/test` sets) a missing URL
/// fails them instead.
enum TestPostgres {
    static let environment = ProcessInfo.processInfo.environment

    static var isRequired: Bool {
        ["1", "true", "yes"].contains(environment["SE_REQUIRE_POSTGRES"]?.lowercased() ?? "")
    }

    /// Whether the suites that need a server run: a URL is given, or one is required (and its absence fails them).
    static var isEnabled: Bool { url != nil || isRequired }

    static var url: String? { environment["SE_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 } }

    struct NotConfigured: Error, CustomStringConvertible {
        var description: String {
            "SE_REQUIRE_POSTGRES is set but SE_POSTGRES_URL is not: start a cluster with scripts/postgres.sh and set "
                + "the variables it prints"
        }
    }

    /// The configuration for the test database itself (its default schema).
    static func baseConfiguration() throws -> PostgresConfiguration {
        guard let url else { throw NotConfigured() }
        var configuration = try PostgresConfiguration.parse(url)
        if let file = environment["SE_POSTGRES_PASSWORD_FILE"] {
            configuration = try configuration.withPassword(fromFile: file)
        }
        configuration.applicationName = "postgres-storage-tests"
        configuration.connectTimeoutSeconds = 5
        return configuration
    }

    /// Runs `body` with a configuration on a new, empty schema of its own (so tests running at once never see each
    /// other's tables), and drops the schema afterwards.
    static func withSchema<T>(_ label: String, _ body: (PostgresConfiguration) throws -> T) throws -> T {
        let base = try baseConfiguration()
        let suffix = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let name = "test_\(label)_\(suffix)"
        let admin = try PostgresConnection(configuration: base)
        try admin.executeScript("CREATE SCHEMA \(name)")
        defer {
            // Held shared: drops run side by side, but never while a test reads the catalogue (`readingCatalogue`).
            _ = try? admin.query("SELECT pg_advisory_lock_shared($1)", catalogueLock)
            try? admin.executeScript("DROP SCHEMA \(name) CASCADE")
            _ = try? admin.query("SELECT pg_advisory_unlock_shared($1)", catalogueLock)
        }
        var configuration = base
        configuration.schema = name
        return try body(configuration)
    }

    /// The advisory lock between schema drops and catalogue readers. The catalogue's views (`information_schema`,
    /// `pg_indexes`) call functions on every relation's oid before their filters leave only the test's own schema, so
    /// a schema another test drops at that moment fails the reading with "could not open relation with OID" (XX000):
    /// a race of the suite, not a defect of the schema.
    static let catalogueLock: Int64 = 0x5345_4341_5441_4C47

    /// Runs `body`, which reads the catalogue's views on `connection`, while no test drops its schema.
    static func readingCatalogue<T>(_ connection: PostgresConnection, _ body: () throws -> T) throws -> T {
        _ = try connection.query("SELECT pg_advisory_lock($1)", catalogueLock)
        defer { _ = try? connection.query("SELECT pg_advisory_unlock($1)", catalogueLock) }
        return try body()
    }
}

/// Collects values from several threads.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func update(_ change: (inout Value) -> Void) {
        lock.lock(); defer { lock.unlock() }
        change(&value)
    }

    var current: Value {
        lock.lock(); defer { lock.unlock() }
        return value
    }
}

/// Runs `count` plain threads (not Swift's cooperative pool, which blocking libpq calls must not hold) and waits
/// for all of them.
func runThreads(_ count: Int, timeout: Double = 60, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        Thread.detachNewThread {
            body(index)
            group.leave()
        }
    }
    let finished = group.wait(timeout: .now() + timeout) == .success
    #expect(finished, "threads still running after \(timeout) s")
}
