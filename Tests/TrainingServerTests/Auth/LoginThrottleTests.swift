import Testing
@testable import TrainingServer

@Suite struct LoginThrottleTests {
    private static let start = 1_800_000_000.0

    /// A throttle on a fresh database; the database lives as long as the fixture.
    private struct Fixture {
        let temporary: TemporaryStore
        var throttle: LoginThrottle

        init() throws {
            temporary = try TemporaryStore()
            throttle = LoginThrottle(store: SQLiteLoginFailureStore(store: temporary.store))
        }
    }

    @Test func anAccountIsHeldAfterFiveFailuresFromAnywhere() throws {
        let fixture = try Fixture()
        let throttle = fixture.throttle
        for index in 0..<5 {
            #expect(try throttle.allows(login: "li", address: "10.0.0.\(index)", now: Self.start + Double(index)))
            try throttle.recordFailure(login: "li", address: "10.0.0.\(index)", now: Self.start + Double(index))
        }
        #expect(try !throttle.allows(login: "li", address: "10.9.9.9", now: Self.start + 10))
        #expect(try !throttle.allows(login: "LI", address: "10.9.9.9", now: Self.start + 10))
        #expect(try throttle.allows(login: "wang", address: "10.0.0.1", now: Self.start + 10))
    }

    @Test func anAddressIsHeldAfterTwentyFailuresAcrossAccounts() throws {
        let fixture = try Fixture()
        let throttle = fixture.throttle
        for index in 0..<20 {
            try throttle.recordFailure(login: "user\(index)", address: "203.0.113.5", now: Self.start)
        }
        #expect(try !throttle.allows(login: "fresh", address: "203.0.113.5", now: Self.start + 1))
        #expect(try throttle.allows(login: "fresh", address: "203.0.113.6", now: Self.start + 1))
    }

    @Test func theHoldEndsWhenTheWindowHasPassed() throws {
        let fixture = try Fixture()
        let throttle = fixture.throttle
        for _ in 0..<5 { try throttle.recordFailure(login: "li", address: "a", now: Self.start) }
        #expect(try !throttle.allows(login: "li", address: "a", now: Self.start + throttle.window - 1))
        #expect(try throttle.allows(login: "li", address: "a", now: Self.start + throttle.window))
    }

    @Test func aSuccessClearsTheAccountButNotTheAddress() throws {
        var fixture = try Fixture()
        fixture.throttle.perAddress = 6
        let throttle = fixture.throttle
        for _ in 0..<5 { try throttle.recordFailure(login: "li", address: "a", now: Self.start) }
        #expect(try !throttle.allows(login: "li", address: "b", now: Self.start + 1))
        try throttle.recordSuccess(login: "Li")
        #expect(try throttle.allows(login: "li", address: "b", now: Self.start + 1))
        try throttle.recordFailure(login: "other", address: "a", now: Self.start + 1)
        #expect(try !throttle.allows(login: "li", address: "a", now: Self.start + 2))
    }

    @Test func limitsAndWindowAreAdjustable() throws {
        var fixture = try Fixture()
        fixture.throttle.perAccount = 1
        fixture.throttle.window = 10
        let throttle = fixture.throttle
        try throttle.recordFailure(login: "li", address: "a", now: Self.start)
        #expect(try !throttle.allows(login: "li", address: "a", now: Self.start + 9))
        #expect(try throttle.allows(login: "li", address: "a", now: Self.start + 10))
    }
}
