/// Slows down password guessing without locking the owner out (NIST SP 800-63B §5.2.2, OWASP ASVS 5.0 V6).
///
/// Every attempt is counted before the password is checked, in the same write transaction that decides whether
/// it may go ahead, so parallel attempts cannot slip past a limit. Within a sliding window:
/// - one account from one address gets `perAccountAndAddress` failures;
/// - one address gets `perAddress` failures across all accounts (IPv6 counted per /64);
/// - one account, from all addresses together, gets `accountFreeFailures` failures; after that each further
///   attempt must wait a delay that doubles with every failure (from `accountBaseDelay` up to
///   `accountMaximumDelay`) — except from an address the account signed in from before (its owner's usual
///   address), so an attacker elsewhere cannot keep the owner out;
/// - past `accountHardCap` failures the account takes no attempts from anywhere until failures age out.
/// A refused attempt is answered 429 with `Retry-After` without checking the password, and is not counted.
/// A successful attempt is un-counted, clears the account's failures from that address and remembers the
/// address as a usual one. Counts live in the database, so every server instance sees the same numbers.
public struct LoginThrottle: Sendable {
    public struct Policy: Sendable, Equatable {
        public var window: Double = 15 * 60
        public var perAccountAndAddress = 5
        public var perAddress = 20
        public var accountFreeFailures = 5
        public var accountBaseDelay: Double = 2
        public var accountMaximumDelay: Double = 5 * 60
        public var accountHardCap = 100
        /// How long a successful sign-in makes its address a usual one for the account.
        public var usualAddressLifetime: Double = 90 * 86_400

        public init() {}
    }

    /// An attempt that may go ahead; it is already counted as a failure until `succeeded` un-counts it.
    public struct Attempt: Sendable, Equatable {
        public let login: String
        public let address: String
        let rowIDs: [Int64]
    }

    public enum Admission: Sendable, Equatable {
        case admitted(Attempt)
        /// Whole seconds to wait before the next attempt can be admitted (at least 1).
        case refused(retryAfter: Int)

        public var isAdmitted: Bool {
            if case .admitted = self { return true }
            return false
        }
    }

    public var policy: Policy
    let store: any LoginFailureStore

    public init(store: any LoginFailureStore, policy: Policy = Policy()) {
        self.store = store
        self.policy = policy
    }

    /// Decides whether an attempt for `login` from `address` may check a password now, counting it if so.
    public func admit(login: String, address: String, now: Double) throws -> Admission {
        let policy = policy
        let account = accountKey(login)
        let pair = pairKey(login, address)
        let addressKey = addressKey(address)
        let result = try store.admit(keys: [account, pair, addressKey], since: now - policy.window,
                                     usual: usualKey(login, address), usualSince: now - policy.usualAddressLifetime,
                                     at: now) { counts, usual in
            let wait = Self.wait(counts: counts, account: account, pair: pair, address: addressKey, usual: usual,
                                 policy: policy, now: now)
            return wait
        }
        if let wait = result.wait { return .refused(retryAfter: max(1, Int(wait.rounded(.up)))) }
        return .admitted(Attempt(login: login, address: address, rowIDs: result.rowIDs))
    }

    /// The password was right: the attempt no longer counts, the account's failures from this address are
    /// forgotten, and the address becomes a usual one for the account.
    public func succeeded(_ attempt: Attempt, now: Double) throws {
        try store.forget(rowIDs: attempt.rowIDs, clearing: pairKey(attempt.login, attempt.address),
                         usual: usualKey(attempt.login, attempt.address), at: now)
    }

    /// Seconds to wait, or nil when the attempt may go ahead.
    static func wait(counts: [String: LoginFailureCounts], account: String, pair: String, address: String, usual: Bool,
                     policy: Policy, now: Double) -> Double? {
        func untilBelow(_ key: String, _ limit: Int) -> Double? {
            guard let entry = counts[key], entry.count >= limit, let oldest = entry.oldest else { return nil }
            // Refused attempts are not counted, so the count never passes the limit by more than the parallel
            // attempts admitted together: the oldest failure leaving the window reopens it.
            return oldest + policy.window - now
        }
        var waits = [untilBelow(account, policy.accountHardCap), untilBelow(pair, policy.perAccountAndAddress),
                     untilBelow(address, policy.perAddress)].compactMap { $0 }
        if !usual, let entry = counts[account], entry.count >= policy.accountFreeFailures, let latest = entry.latest {
            let doublings = min(entry.count - policy.accountFreeFailures, 30)
            let delay = min(policy.accountBaseDelay * Double(1 << doublings), policy.accountMaximumDelay)
            if latest + delay > now { waits.append(latest + delay - now) }
        }
        return waits.max().map { max($0, 0.001) }
    }

    private func accountKey(_ login: String) -> String { Self.keys(of: login).account }
    /// The key of an account's failures from everywhere, and the end of the keys of its address pairs (for
    /// administrators inspecting and clearing them, `LoginFailureInspection`).
    public static func keys(of login: String) -> (account: String, pairSuffix: String) {
        ("login:" + login.lowercased(), " " + login.lowercased())
    }
    private func pairKey(_ login: String, _ address: String) -> String {
        "pair:" + IPAddress.throttleKey(address) + " " + login.lowercased()
    }
    private func addressKey(_ address: String) -> String { "address:" + IPAddress.throttleKey(address) }
    private func usualKey(_ login: String, _ address: String) -> String {
        IPAddress.throttleKey(address) + " " + login.lowercased()
    }
}

/// Failures counted under one key within the window.
public struct LoginFailureCounts: Sendable, Equatable {
    public var count: Int
    public var oldest: Double?
    public var latest: Double?

    public init(count: Int, oldest: Double?, latest: Double?) {
        self.count = count
        self.oldest = oldest
        self.latest = latest
    }
}
