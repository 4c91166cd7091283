#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A short-lived, bounded, in-memory memo of live sessions and their users, looked up by token hash, so that a
/// signed-in page does not read the `sessions`, `users` and `role_grants` tables on every request.
///
/// Every change that matters made through this server instance ends the affected entries at once: signing out,
/// ending a session, ending all of a person's sessions, purging, and (through `SessionCachingUserRepository`) a
/// password change, disabling or enabling an account, a language or time zone change. Changes made by other processes
/// sharing the database (another server instance, `users disable`, `users set-password`, `import-staff`) are seen
/// on the next request too, through the `ChangeStamp` file every such change touches after it commits: a
/// lookup that finds the stamp changed drops every entry. (A server reads the stamp at most once per
/// `ChangeStampWatch.serverInterval`: under load a change is seen within that interval; a request that comes after the
/// server was idle that long, as one after a command does, always reads it.) A change made some other way (an SQL edit by hand) is seen
/// after at most `lifetime` seconds: that is the bound the cache puts on anything else. People who hold more than the
/// learner role (trainers, HR, admins) are never kept: what their grants allow decides what they may read of other
/// people, so a grant withdrawn by any means, a hand edit included, narrows their very next request.
public final class SessionCache: Sendable {
    /// What is kept per session: one object, so that a lookup under the shard's lock copies one reference.
    final class Entry: Sendable {
        let session: SessionRecord
        let user: User
        /// When the entry stops being used, whatever the session's own expiry says.
        let freshUntil: Double

        init(session: SessionRecord, user: User, freshUntil: Double) {
            self.session = session
            self.user = user
            self.freshUntil = freshUntil
        }
    }

    struct State {
        var entries: [String: Entry] = [:]
        /// Counts invalidations: a lookup that read the database before one must not store what it read.
        var generation: UInt64 = 0
        /// The change stamp's generation (`ChangeStampWatch`) the entries were read under.
        var stamp: UInt64 = 0
    }

    /// One part of the entries, under a lock of its own, so that server threads resuming different sessions rarely
    /// wait for each other; kept inline (no reference count to touch on the way to a shard) and on cache lines of its
    /// own.
    private struct Shard: ~Copyable, Sendable {
        let state = Mutex(State())
        private let padding = CacheLinePadding()
    }

    /// What one server thread (or the few that share its slot, `ThreadShard`) found in the shards lately: the
    /// entries it looked up, valid while nothing was invalidated and the change stamp did not move since they were
    /// taken (`epoch`, `stamp`). Many threads resuming one session (a browser's parallel requests, or a load test)
    /// then each take a lock of their own instead of queuing on the session's shard: with more server threads than
    /// cores, a thread preempted while holding that shard's lock made the others sleep on it (the signed-in module
    /// page under wrk spent 18 % of its CPU in `SessionCache.lookup`, nearly all of it waiting).
    struct Memo {
        var entries: [String: Entry] = [:]
        var epoch: UInt64 = 0
        var stamp: UInt64 = 0
    }

    private struct MemoSlot: ~Copyable, Sendable {
        let state = Mutex(Memo())
        private let padding = CacheLinePadding()
    }

    /// Most entries a thread's memo keeps; a full memo starts again empty. It holds references to entries of the
    /// shards (nothing read twice), so at most 16 × this many entries outlive their removal from the shards for
    /// reasons of room, and none outlives an invalidation.
    static let memoCapacity = 256

    /// Seconds an entry is trusted without asking the database.
    public let lifetime: Double
    /// Most entries kept; when a shard is full, its expired entries are dropped, and if none was, all of them.
    public let capacity: Int
    /// How many shards are in use (at most 16, at most `capacity`), and how many entries each keeps.
    private let shardCount: Int
    private let shardCapacity: Int
    private let shards = InlineArray<16, Shard> { _ in Shard() }
    /// The threads' memos, and the count of invalidations they are checked against: every invalidation, and every
    /// move of the change stamp a shard takes in, adds one, so a memo taken before it is no longer used.
    private let memos = InlineArray<16, MemoSlot> { _ in MemoSlot() }
    private let epoch = Atomic<UInt64>(0)
    /// The file other processes touch when they change accounts or sessions; nil: only this instance's changes count.
    private let changes: ChangeStampWatch?

    /// `stampInterval`: seconds a reading of the change stamp stands (see `ChangeStampWatch`; 0 reads it on every
    /// lookup); `stampClock`: the watch's monotonic nanoseconds (tests pass their own).
    public init(lifetime: Double = 30, capacity: Int = 20_000, changes: (any ChangeSignal)? = nil, stampInterval: Double = 0,
                stampClock: @escaping @Sendable () -> UInt64 = ChangeStampWatch.monotonicNanoseconds) {
        self.lifetime = lifetime
        self.capacity = max(1, capacity)
        shardCount = min(16, self.capacity)
        shardCapacity = self.capacity / shardCount
        // The watch reads the stamp as it is now: its generation 0 is what every shard starts from.
        self.changes = changes.map { ChangeStampWatch($0, interval: stampInterval, clock: stampClock) }
    }

    /// The shard a token hash's entry lives in: from its last byte, a hex digest's last digit in the server (`0`–`9`
    /// and `a`–`f` land on 0–15).
    private func shard(_ tokenHash: String) -> Int {
        let byte = Int(tokenHash.utf8.last ?? 0)
        return (byte &+ (byte >> 6) &* 9) % shardCount
    }

    /// Drops everything when the change stamp moved since the entries were read (called with the lock held).
    private func synchronize(_ state: inout State, with stamp: UInt64) {
        guard stamp != state.stamp else { return }
        state.stamp = stamp
        state.generation &+= 1
        state.entries.removeAll()
        epoch.add(1, ordering: .releasing)
    }

    /// Whether `entry` may answer at `now`.
    private static func live(_ entry: Entry, at now: Double) -> Bool {
        entry.freshUntil > now && entry.session.idleExpiresAt > now && entry.session.absoluteExpiresAt > now
    }

    /// The cached session and user for `tokenHash` if the entry is fresh at `now` and the session is still live.
    ///
    /// First from the calling thread's memo, when nothing was invalidated since it was taken; else from the token's
    /// shard, and what that finds goes into the memo. The epoch is read before the shard, so an entry an invalidation
    /// removes after that read is kept in the memo under an epoch that invalidation has already ended.
    func lookup(_ tokenHash: String, now: Double) -> (session: SessionRecord, user: User)? {
        let stamp = changes?.generation ?? 0
        let current = epoch.load(ordering: .acquiring)
        let slot = ThreadShard.current(of: memos.count)
        let memorised: Entry? = memos[slot].state.withLock { memo in
            guard memo.epoch == current, memo.stamp == stamp else {
                memo.entries.removeAll(keepingCapacity: true)
                memo.epoch = current
                memo.stamp = stamp
                return nil
            }
            return memo.entries[tokenHash]
        }
        if let memorised, Self.live(memorised, at: now) { return (memorised.session, memorised.user) }
        let entry: Entry? = shards[shard(tokenHash)].state.withLock { state in
            synchronize(&state, with: stamp)
            guard let entry = state.entries[tokenHash] else { return nil }
            guard Self.live(entry, at: now) else {
                state.entries[tokenHash] = nil
                return nil
            }
            return entry
        }
        memos[slot].state.withLock { memo in
            guard memo.epoch == current, memo.stamp == stamp else { return }
            if let entry {
                if memo.entries[tokenHash] == nil && memo.entries.count >= Self.memoCapacity {
                    memo.entries.removeAll(keepingCapacity: true)
                }
                memo.entries[tokenHash] = entry
            } else {
                memo.entries[tokenHash] = nil
            }
        }
        return entry.map { ($0.session, $0.user) }
    }

    /// The generation to pass to `store` after reading `tokenHash`'s session from the database (asked before reading).
    func generation(_ tokenHash: String) -> UInt64 {
        let stamp = changes?.generation ?? 0
        return shards[shard(tokenHash)].state.withLock { state in
            synchronize(&state, with: stamp)
            return state.generation
        }
    }

    /// Keeps what was read from the database at `now`, unless something was invalidated since `generation`.
    func store(_ tokenHash: String, session: SessionRecord, user: User, now: Double, readAt generation: UInt64) {
        guard user.grants.allSatisfy({ $0.role == .learner }) else { return }
        let entry = Entry(session: session, user: user, freshUntil: now + lifetime)
        let capacity = shardCapacity
        shards[shard(tokenHash)].state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries[tokenHash] == nil && state.entries.count >= capacity {
                state.entries = state.entries.filter { $0.value.freshUntil > now }
                if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            }
            state.entries[tokenHash] = entry
        }
        // The calling thread's memo may hold the entry this one replaces (a slid idle expiry): its next lookup takes
        // the new one from the shard.
        memos[ThreadShard.current(of: memos.count)].state.withLock { memo in memo.entries[tokenHash] = nil }
    }

    /// Ends the entry of one session.
    public func invalidate(tokenHash: String) {
        shards[shard(tokenHash)].state.withLock { state in
            state.generation &+= 1
            state.entries[tokenHash] = nil
        }
        epoch.add(1, ordering: .releasing)
    }

    /// Ends the entries of every session of one person.
    public func invalidate(userID: UserID) {
        for index in 0..<shardCount {
            shards[index].state.withLock { state in
                state.generation &+= 1
                state.entries = state.entries.filter { $0.value.user.id != userID }
            }
        }
        epoch.add(1, ordering: .releasing)
    }

    /// Ends every entry.
    public func invalidateAll() {
        for index in 0..<shardCount {
            shards[index].state.withLock { state in
                state.generation &+= 1
                state.entries.removeAll()
            }
        }
        epoch.add(1, ordering: .releasing)
    }

    /// How many entries are held (for tests).
    var count: Int { (0..<shardCount).reduce(0) { sum, index in sum + shards[index].state.withLock { $0.entries.count } } }
}

/// A `SessionRepository` that answers `resume` from a `SessionCache` and keeps the cache in step with its own changes.
///
/// Sliding idle expiry stays what the wrapped repository does: a cached session whose idle expiry would move forward
/// by more than the wrapped repository's threshold (a minute) is resumed through it, which writes the new expiry, and
/// the cache keeps the result.
public struct CachedSessionRepository: SessionRepository {
    let base: any SessionRepository
    let cache: SessionCache
    /// How far the idle expiry may lag behind before a resume goes to the database to slide it.
    static let slideThreshold: Double = 60

    public init(_ base: any SessionRepository, cache: SessionCache) {
        self.base = base
        self.cache = cache
    }

    public func create(tokenHash: String, userID: UserID, csrfSecret: String, now: Double, idleTimeout: Double,
                       absoluteTimeout: Double, clientAddress: String, method: SignInMethod, secondFactor: Bool,
                       providerSession: String?) throws -> SessionRecord {
        try base.create(tokenHash: tokenHash, userID: userID, csrfSecret: csrfSecret, now: now, idleTimeout: idleTimeout,
                        absoluteTimeout: absoluteTimeout, clientAddress: clientAddress, method: method,
                        secondFactor: secondFactor, providerSession: providerSession)
    }

    public func signIns(userID: UserID, limit: Int) throws -> [SignInRecord] {
        try base.signIns(userID: userID, limit: limit)
    }

    public func delete(providerSession: String) throws -> Int {
        // Which tokens the provider's handle ended is not known here: every cached session is dropped.
        defer { cache.invalidateAll() }
        return try base.delete(providerSession: providerSession)
    }

    public func resume(tokenHash: String, now: Double, idleTimeout: Double) throws -> (SessionRecord, User)? {
        if let (session, user) = cache.lookup(tokenHash, now: now),
           min(now + idleTimeout, session.absoluteExpiresAt) - session.idleExpiresAt <= Self.slideThreshold {
            return (session, user)
        }
        let generation = cache.generation(tokenHash)
        guard let (session, user) = try base.resume(tokenHash: tokenHash, now: now, idleTimeout: idleTimeout) else {
            cache.invalidate(tokenHash: tokenHash)
            return nil
        }
        cache.store(tokenHash, session: session, user: user, now: now, readAt: generation)
        return (session, user)
    }

    public func delete(tokenHash: String) throws {
        defer { cache.invalidate(tokenHash: tokenHash) }
        try base.delete(tokenHash: tokenHash)
    }

    public func deleteAll(userID: UserID) throws {
        defer { cache.invalidate(userID: userID) }
        try base.deleteAll(userID: userID)
    }

    public func purgeExpired(now: Double) throws -> Int {
        defer { cache.invalidateAll() }
        return try base.purgeExpired(now: now)
    }
}

/// A `UserRepository` that ends a person's cached sessions (`SessionCache`) whenever it changes what a session's
/// user carries or whether the person may be signed in at all.
public struct SessionCachingUserRepository: UserRepository {
    let base: any UserRepository
    let cache: SessionCache

    public init(_ base: any UserRepository, cache: SessionCache) {
        self.base = base
        self.cache = cache
    }

    public func create(_ user: NewUser, by actor: AuditActor) throws -> User { try base.create(user, by: actor) }
    public func find(login: String) throws -> User? { try base.find(login: login) }
    public func find(id: UserID) throws -> User? { try base.find(id: id) }
    public func passwordHash(of id: UserID) throws -> String? { try base.passwordHash(of: id) }
    public func all() throws -> [User] { try base.all() }

    public func setDisabled(_ disabled: Bool, id: UserID, by actor: AuditActor) throws {
        defer { cache.invalidate(userID: id) }
        try base.setDisabled(disabled, id: id, by: actor)
    }

    public func setPasswordHash(_ hash: String, id: UserID, by actor: AuditActor) throws {
        defer { cache.invalidate(userID: id) }
        try base.setPasswordHash(hash, id: id, by: actor)
    }

    public func setLanguage(_ language: String?, id: UserID) throws {
        defer { cache.invalidate(userID: id) }
        try base.setLanguage(language, id: id)
    }

    public func setTimeZone(_ timeZone: String?, id: UserID) throws {
        defer { cache.invalidate(userID: id) }
        try base.setTimeZone(timeZone, id: id)
    }
}
