/// Slows down password guessing: too many failures for one account, or from one client address, within a
/// window refuse further attempts (429) until the window has passed. Counts live in the database, so every
/// server instance sees the same numbers.
public struct LoginThrottle: Sendable {
    public var window: Double = 15 * 60
    public var perAccount = 5
    public var perAddress = 20
    let store: any LoginFailureStore

    public init(store: any LoginFailureStore) { self.store = store }

    /// Whether an attempt for `login` from `address` may proceed now.
    public func allows(login: String, address: String, now: Double) throws -> Bool {
        try store.count(key: accountKey(login), since: now - window) < perAccount
            && store.count(key: addressKey(address), since: now - window) < perAddress
    }

    public func recordFailure(login: String, address: String, now: Double) throws {
        try store.record(keys: [accountKey(login), addressKey(address)], at: now)
    }

    /// A successful login clears the account's count (not the address's).
    public func recordSuccess(login: String) throws {
        try store.clear(key: accountKey(login))
    }

    private func accountKey(_ login: String) -> String { "login:" + login.lowercased() }
    private func addressKey(_ address: String) -> String { "address:" + address }
}
