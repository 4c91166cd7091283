import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct LoginThrottleTests {
    private static let start = 1_800_000_000.0

    /// A throttle on a fresh database; the database lives as long as the fixture.
    private struct Fixture {
        let temporary: TemporaryStore
        var throttle: LoginThrottle

        init(_ adjust: (inout LoginThrottle.Policy) -> Void = { _ in }) throws {
            temporary = try TemporaryStore()
            var policy = LoginThrottle.Policy()
            adjust(&policy)
            throttle = LoginThrottle(store: SQLiteLoginFailureStore(store: temporary.store), policy: policy)
        }

        /// One attempt that turns out wrong; whether it was admitted (and so counted).
        @discardableResult
        func fail(_ login: String, from address: String, at now: Double) throws -> Bool {
            if case .admitted = try throttle.admit(login: login, address: address, now: now) { return true }
            return false
        }

        /// The wait an attempt is told, or nil when it was admitted (and so counted as a failure).
        func retryAfter(_ login: String, from address: String, at now: Double) throws -> Int? {
            if case .refused(let seconds) = try throttle.admit(login: login, address: address, now: now) { return seconds }
            return nil
        }

        /// A right password from `address`.
        func succeed(_ login: String, from address: String, at now: Double) throws -> Bool {
            guard case .admitted(let attempt) = try throttle.admit(login: login, address: address, now: now) else { return false }
            try throttle.succeeded(attempt, now: now)
            return true
        }
    }

    @Test func oneAddressGetsFiveTriesAtOneAccountThenWaitsForTheWindow() throws {
        let fixture = try Fixture()
        for index in 0..<5 { #expect(try fixture.fail("li", from: "198.51.100.7", at: Self.start + Double(index))) }
        let wait = try fixture.retryAfter("LI", from: "198.51.100.7", at: Self.start + 5)
        #expect(wait == 900 - 5)
        // Refused attempts are not counted: the first failure leaving the window reopens it.
        #expect(try fixture.retryAfter("li", from: "198.51.100.7", at: Self.start + 899.5) != nil)
        #expect(try fixture.fail("li", from: "198.51.100.7", at: Self.start + 900.5))
    }

    @Test func theOwnerSignsInFromTheirUsualAddressWhileAnAttackerGuessesFromManyAddresses() throws {
        let fixture = try Fixture()
        #expect(try fixture.succeed("li", from: "192.0.2.10", at: Self.start - 86_400))
        // 30 wrong passwords at once from 30 addresses: five are tried, the rest wait for the account's delay.
        var admitted = 0
        for index in 0..<30 where try fixture.fail("li", from: "203.0.113.\(index)", at: Self.start) { admitted += 1 }
        #expect(admitted == 5)
        // A new address is slowed by the account's failures; the owner's usual address is not.
        #expect(try fixture.retryAfter("li", from: "198.51.100.1", at: Self.start + 1) == 1)
        #expect(try fixture.succeed("li", from: "192.0.2.10", at: Self.start + 1))
    }

    @Test func anAddressStaysUsualForNinetyDays() throws {
        let fixture = try Fixture()
        #expect(try fixture.succeed("li", from: "192.0.2.10", at: Self.start - 91 * 86_400))
        for index in 0..<5 { try fixture.fail("li", from: "203.0.113.\(index)", at: Self.start) }
        #expect(try fixture.retryAfter("li", from: "192.0.2.10", at: Self.start) == 2)
    }

    @Test func theAccountDelayDoublesAfterFiveFailuresAndIsCapped() throws {
        let fixture = try Fixture()
        var now = Self.start
        for index in 0..<5 { #expect(try fixture.fail("li", from: "203.0.113.\(index)", at: now)) }
        var waits: [Int] = []
        for index in 5..<14 {
            let wait = try #require(try fixture.retryAfter("li", from: "203.0.113.\(index)", at: now))
            waits.append(wait)
            now += Double(wait)
            #expect(try fixture.fail("li", from: "203.0.113.\(index)", at: now))
        }
        #expect(waits == [2, 4, 8, 16, 32, 64, 128, 256, 300])
    }

    @Test func anAddressIsHeldAfterTwentyFailuresAcrossAccounts() throws {
        let fixture = try Fixture()
        for index in 0..<20 { #expect(try fixture.fail("user\(index)", from: "203.0.113.5", at: Self.start)) }
        #expect(try fixture.retryAfter("fresh", from: "203.0.113.5", at: Self.start + 1) == 899)
        #expect(try fixture.succeed("fresh", from: "203.0.113.6", at: Self.start + 1))
    }

    @Test func ipv6AddressesInOneSlash64CountTogether() throws {
        let fixture = try Fixture()
        for index in 0..<5 { #expect(try fixture.fail("li", from: "2001:db8:1:2::\(index + 1)", at: Self.start)) }
        #expect(try fixture.retryAfter("li", from: "2001:db8:1:2:ffff::9", at: Self.start) != nil)
        #expect(try fixture.retryAfter("wang", from: "2001:db8:1:3::1", at: Self.start) == nil)
    }

    @Test func noAddressGetsPastTheHardCapOfAnAccount() throws {
        let fixture = try Fixture { $0.accountHardCap = 12 }
        #expect(try fixture.succeed("li", from: "192.0.2.10", at: Self.start - 60))
        var now = Self.start
        for index in 0..<12 {
            // Each wrong password waits out the account's delay first; 12 failures take about four minutes.
            while case .refused(let wait) = try fixture.throttle.admit(login: "li", address: "203.0.113.\(index)", now: now) {
                now += Double(wait)
            }
        }
        #expect(now - Self.start == 254)
        #expect(try fixture.retryAfter("li", from: "192.0.2.10", at: now) != nil)
        #expect(try fixture.succeed("li", from: "192.0.2.10", at: Self.start + 901))
    }

    @Test func theProductionHardCapIsAtMostAHundred() {
        let policy = LoginThrottle.Policy()
        #expect(policy.accountHardCap <= 100)
        #expect(policy.window == 900 && policy.perAccountAndAddress == 5 && policy.perAddress == 20)
    }

    @Test func aSuccessIsUncountedAndClearsTheAccountFromThatAddressButNotTheAddress() throws {
        let fixture = try Fixture { $0.perAddress = 6 }
        for _ in 0..<4 { try fixture.fail("li", from: "a", at: Self.start) }
        #expect(try fixture.succeed("li", from: "a", at: Self.start + 1))
        let store = SQLiteLoginFailureStore(store: fixture.temporary.store)
        #expect(try store.count(key: "pair:a li", since: 0) == 0)
        #expect(try store.count(key: "login:li", since: 0) == 4)
        #expect(try store.count(key: "address:a", since: 0) == 4)
        try fixture.fail("other", from: "a", at: Self.start + 1)
        try fixture.fail("other", from: "a", at: Self.start + 1)
        #expect(try fixture.retryAfter("li", from: "a", at: Self.start + 2) != nil)
    }

    @Test func parallelAttemptsAreAdmittedNoMoreThanTheLimit() async throws {
        let fixture = try Fixture()
        let throttle = fixture.throttle
        let admitted = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<64 {
                group.addTask {
                    if case .admitted = try? throttle.admit(login: "li", address: "203.0.113.1", now: Self.start) { return true }
                    return false
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(admitted == 5)
    }
}
