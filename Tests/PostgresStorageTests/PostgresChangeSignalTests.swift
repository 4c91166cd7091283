import Assessment
import Foundation
@testable import PostgresStorage
import Testing
import TrainingServer

/// The change signals across nodes: two pools on one schema stand for two servers on different machines, which share
/// only the database. A change committed through one ends the other's cached sessions and reloads its settings within
/// the signal's reading interval; its own caches see it at once; a change that rolls back signals nothing.
@Suite(.enabled(if: TestPostgres.isEnabled, "set SE_POSTGRES_URL (scripts/postgres.sh starts a cluster and prints it)"))
struct PostgresChangeSignalTests {
    static let start = 1_800_000_000.0

    /// One server: its pool, the signals' own connection, and the repositories it changes the database through.
    struct Node {
        let pool: PostgresPool
        let readers: PostgresPool
        let users: PostgresUserRepository
        let sessions: PostgresSessionRepository
        let settings: PostgresSettingsRepository

        init(_ configuration: PostgresConfiguration) {
            pool = PostgresPool(configuration: configuration, size: 2)
            readers = PostgresChangeSignal.readerPool(for: configuration)
            users = PostgresUserRepository(pool: pool, clock: { PostgresChangeSignalTests.start })
            sessions = PostgresSessionRepository(pool: pool)
            settings = PostgresSettingsRepository(pool: pool)
        }

        func signal(_ name: PostgresChangeSignal.Name) -> PostgresChangeSignal {
            PostgresChangeSignal(name, pool: pool, readers: readers)
        }

        func close() {
            pool.close()
            readers.close()
        }
    }

    func withTwoNodes(_ body: (Node, Node, User) throws -> Void) throws {
        try TestPostgres.withSchema("signals") { configuration in
            let connection = try PostgresConnection(configuration: configuration)
            try PostgresSchema.migrator().migrate(connection)
            let a = Node(configuration), b = Node(configuration)
            defer { a.close(); b.close() }
            let department = try PostgresDepartmentRepository(pool: a.pool, clock: { Self.start })
                .ensure(path: ["省政府", "测试处"], by: .system)
            let user = try a.users.create(NewUser(login: "li.ming", displayName: "李明", departmentID: department.id,
                                                  passwordHash: "h", roles: []), by: .system)
            try body(a, b, user)
        }
    }

    @Test func aSessionEndedThroughOneNodeIsNoLongerResumedFromTheOthersCache() throws {
        try withTwoNodes { a, b, user in
            let cacheB = SessionCache(changes: b.signal(.accounts), stampInterval: ChangeStampWatch.serverInterval)
            let sessionsB = CachedSessionRepository(b.sessions, cache: cacheB)
            _ = try a.sessions.create(tokenHash: "t1", userID: user.id, csrfSecret: "c", now: Self.start, idleTimeout: 1_800,
                                      absoluteTimeout: 43_200, clientAddress: "192.0.2.1")
            #expect(try sessionsB.resume(tokenHash: "t1", now: Self.start + 1, idleTimeout: 1_800) != nil)
            Thread.sleep(forTimeInterval: 0.02)
            #expect(try sessionsB.resume(tokenHash: "t1", now: Self.start + 2, idleTimeout: 1_800) != nil,
                    "nothing changed: the entry stays")
            // Signed out through node A (a plain repository of another server: B's cache is not told).
            try a.sessions.delete(tokenHash: "t1")
            Thread.sleep(forTimeInterval: 0.02)
            #expect(try sessionsB.resume(tokenHash: "t1", now: Self.start + 3, idleTimeout: 1_800) == nil,
                    "past the reading interval, B reads the counter, drops its entries and finds the session gone")
        }
    }

    @Test func aDisabledAccountIsSeenByTheOtherNodeWithinTheIntervalAndByItsOwnAtOnce() throws {
        try withTwoNodes { a, b, user in
            let clock = ManualNanoseconds()
            let watchA = ChangeStampWatch(a.signal(.accounts), interval: 10, clock: clock.function)
            let watchB = ChangeStampWatch(b.signal(.accounts), interval: 0.01, clock: clock.function)
            let (a0, b0) = (watchA.generation, watchB.generation)
            try a.users.setDisabled(true, id: user.id, reason: "调离", by: .system)
            #expect(watchA.generation != a0, "the node that made the change re-reads at once, whatever its interval")
            #expect(watchB.generation == b0, "within its interval the other node keeps its last reading")
            clock.advance(seconds: 0.011)
            let b1 = watchB.generation
            #expect(b1 != b0, "past the interval it reads the counter the change's transaction bumped")
            clock.advance(seconds: 0.011)
            #expect(watchB.generation == b1, "read again, unchanged")
        }
    }

    @Test func aChangeThatRollsBackSignalsNothing() throws {
        try withTwoNodes { a, b, _ in
            let signal = b.signal(.accounts)
            let before = try #require(signal.reading())
            #expect(throws: StoreError.self) {
                try a.users.setPasswordHash("x", id: UserID(rawValue: 9_999), by: .system)
            }
            #expect(signal.reading() == before)
            try a.users.setLanguage("en", id: UserID(rawValue: 1))
            #expect(signal.reading() != before)
        }
    }

    @Test func aStaffImportThroughOneNodeSignalsTheOthersAccountCaches() throws {
        try withTwoNodes { a, b, _ in
            let staffA = PostgresStaffRepository(pool: a.pool, clock: { Self.start })
            let before = try #require(b.signal(.accounts).reading())
            let (people, departments) = try staffA.snapshot()
            let csv = "employee_number,login,name,department,roles,status,job_category,email\n7,zhao,赵六,省政府/测试处,,,,\n"
            guard case .plan(let plan) = StaffImport.plan(csv: Array(csv.utf8), existing: people, departments: departments) else {
                Issue.record("the file does not plan")
                return
            }
            try staffA.apply(plan, passwordHashes: [:], source: nil, by: .commandLine)
            #expect(b.signal(.accounts).reading() != before, "grants and disabled accounts change what sessions may do")
        }
    }

    @Test func settingsChangedThroughOneNodeAreReloadedByTheOther() throws {
        try withTwoNodes { a, b, _ in
            let serviceA = SettingsService(repository: a.settings, changes: a.signal(.settings), configuredIssuerName: "A",
                                           stampInterval: ChangeStampWatch.serverInterval)
            let serviceB = SettingsService(repository: b.settings, changes: b.signal(.settings), configuredIssuerName: "A",
                                           stampInterval: ChangeStampWatch.serverInterval)
            let accountsB = b.signal(.accounts).reading()
            #expect(serviceB.current().organisationName.zh != "测试省人社厅")
            var input = SettingsInput()
            input.organisationZh = "测试省人社厅"
            input.organisationEn = "Test Department"
            input.accent = "teal"
            try serviceA.update(input, by: AuditActor(userID: nil, name: "admin"))
            #expect(serviceA.current().organisationName.zh == "测试省人社厅")
            Thread.sleep(forTimeInterval: 0.02)
            #expect(serviceB.current().organisationName.zh == "测试省人社厅")
            #expect(b.signal(.accounts).reading() == accountsB, "a settings change does not end sessions")
        }
    }

    @Test func aSignalThatCannotBeReadCountsAsAChange() throws {
        try withTwoNodes { _, b, _ in
            let watch = ChangeStampWatch(b.signal(.accounts))
            let before = watch.generation
            b.readers.close()
            #expect(b.signal(.accounts).reading() == nil)
            #expect(watch.generation != before)
        }
    }

    @Test func aCompletedPasswordResetIsSeenByTheOtherNode() throws {
        try withTwoNodes { a, b, user in
            let resets = PostgresPasswordResets(pool: a.pool)
            try resets.write { transaction in
                try resets.insert(tokenHash: "h", userID: user.id, passwordDigest: "d", origin: .admin, now: Self.start,
                                  expiresAt: Self.start + 100, in: transaction)
            }
            let before = b.signal(.accounts).reading()
            let raises = a.signal(.accounts).localRaises
            #expect(try resets.redeem(tokenHash: "h", newHash: "n", now: Self.start + 1) { _, _, _ in false } == nil)
            #expect(b.signal(.accounts).reading() == before, "a refused link changes nothing")
            #expect(a.signal(.accounts).localRaises == raises)
            #expect(try resets.redeem(tokenHash: "h", newHash: "n", now: Self.start + 1) { token, _, _ in
                token.usedAt == nil
            } == user.id)
            #expect(b.signal(.accounts).reading() != before, "the reset's sessions and tokens end on every node")
            #expect(a.signal(.accounts).localRaises > raises)
        }
    }

    @Test func aCatalogueReloadRaisedOnOneNodeIsSeenOnTheOtherAndCountedAsItsOwnOnlyWhereRaised() throws {
        try withTwoNodes { a, b, _ in
            let onA = a.signal(.catalogue), onB = b.signal(.catalogue)
            let before = try #require(onB.reading())
            let raisesOnB = onB.localRaises
            try onA.raise()
            #expect(onB.reading() != before && onB.reading() == onA.reading())
            #expect(onB.localRaises == raisesOnB, "B did not raise it")
            #expect(onA.localRaises >= 1)
            // Raised again from B: A sees the next reading.
            let seenOnA = onA.reading()
            try onB.raise()
            #expect(onA.reading() != seenOnA)
        }
    }
}

/// A monotonic clock the test moves by hand.
final class ManualNanoseconds: @unchecked Sendable {
    private let lock = NSLock()
    private var now: UInt64 = 1_000_000_000

    func advance(seconds: Double) {
        lock.lock(); defer { lock.unlock() }
        now += UInt64(seconds * 1e9)
    }

    var function: @Sendable () -> UInt64 {
        { [self] in
            lock.lock(); defer { lock.unlock() }
            return now
        }
    }
}
