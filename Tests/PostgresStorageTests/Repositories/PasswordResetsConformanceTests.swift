import Foundation
import PostgresStorage
import Testing
import SQLiteStorage
import TrainingServer

/// Password reset links and self-service requests give the same answers on SQLite and PostgreSQL (the storage
/// cases of `PasswordResetsTests`): a link, its mail and its audit entry commit together or not at all, a newer link
/// ends the older ones, a link is used once (also when two servers receive it at once) and using it changes the
/// password, ends sessions and revokes API tokens; requests are counted per client and per identifier, handled once,
/// and what was typed is forgotten.
@Suite struct PasswordResetsConformanceTests {
    struct Refused: Error {}

    /// Stores a link for `user` as `PasswordResets.issue` does: the token, a mail and the audit entry in one
    /// transaction.
    static func issue(_ resets: any PasswordResetRepository, _ user: User, hash: String, now: Double,
                      origin: PasswordResetOrigin = .admin, fail: Bool = false) throws {
        try resets.write { transaction in
            let account = try #require(try resets.account(user.id, in: transaction))
            try resets.insert(tokenHash: hash, userID: user.id, passwordDigest: "digest-of-" + account.passwordHash,
                              origin: origin, now: now, expiresAt: now + 86_400, in: transaction)
            try resets.enqueue(OutgoingMail(kind: "password.reset_link", recipient: "li@example.gov", subject: "重置",
                                            body: "link\n", expiresAt: now + 86_400, sensitive: true),
                               at: now, in: transaction)
            try resets.audit(AuditEvent(action: "password.reset_link", subject: "user:\(user.id)",
                                        details: ["origin": origin.rawValue]),
                             by: .commandLine, at: now, in: transaction)
            if fail { throw Refused() }
        }
    }

    /// Redeems as `PasswordResets.redeem` does: unused, unexpired, made for the current password, account enabled.
    static func redeem(_ resets: any PasswordResetRepository, _ hash: String, newHash: String, now: Double,
                       pause: Double = 0) throws -> UserID? {
        try resets.redeem(tokenHash: hash, newHash: newHash, now: now) { token, passwordHash, disabled in
            if pause > 0 { Thread.sleep(forTimeInterval: pause) }
            return token.usedAt == nil && token.expiresAt > now && token.passwordDigest == "digest-of-" + passwordHash
                && !disabled
        }
    }

    static func audit(_ storage: StorageFixture, _ action: String) throws -> [AuditEntry] {
        try storage.audit.recent(limit: 100).filter { $0.action == action }
    }

    @Test(arguments: StorageKind.enabled)
    func aLinkWorksOnceAndEndsSessionsAndAPITokens(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let resets = storage.node.passwordResets
            let user = try storage.user("li", in: try storage.department("处"))
            let now = storage.clock.current
            try storage.session(for: user, token: "s")
            try storage.tokens.create(tokenHash: "api", userID: user.id, name: "api", now: now, expiresAt: now + 1_000,
                                      by: .system)
            try Self.issue(resets, user, hash: "h1", now: now)
            let token = try #require(try resets.token(hash: "h1"))
            #expect(token.userID == user.id && token.origin == .admin && token.createdAt == now
                        && token.expiresAt == now + 86_400 && token.usedAt == nil && token.passwordDigest == "digest-of-hash-of-li")
            #expect(try storage.count("mail_outbox") == 1)
            #expect(try Self.audit(storage, "password.reset_link").count == 1)
            #expect(try resets.read { try resets.user(user.id, in: $0) } == user)
            #expect(try Self.redeem(resets, "h1", newHash: "new-hash", now: now + 10) == user.id)
            #expect(try storage.users.passwordHash(of: user.id) == "new-hash")
            #expect(try storage.sessionCount(of: user) == 0)
            #expect(try storage.tokens.list(userID: user.id).allSatisfy { $0.revokedAt == now + 10 })
            #expect(try resets.token(hash: "h1")?.usedAt == now + 10)
            let reset = try #require(try Self.audit(storage, "password.reset").first)
            #expect(reset.actor == "li" && reset.subject == "user:\(user.id)")
            #expect(reset.details == #"{"origin":"admin","tokens_revoked":"1"}"#)
            #expect(try Self.redeem(resets, "h1", newHash: "third-hash", now: now + 20) == nil)
            #expect(try Self.redeem(resets, "unknown", newHash: "third-hash", now: now + 20) == nil)
            #expect(try storage.users.passwordHash(of: user.id) == "new-hash")
            #expect(try Self.audit(storage, "password.reset").count == 1)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func aLinkItsMailAndItsAuditEntryCommitTogether(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let resets = storage.node.passwordResets
            let user = try storage.user("li", in: try storage.department("处"))
            let audited = try storage.count("audit_log")
            #expect(throws: Refused.self) { try Self.issue(resets, user, hash: "h1", now: storage.clock.current, fail: true) }
            #expect(try resets.token(hash: "h1") == nil)
            #expect(try storage.count("mail_outbox") == 0)
            #expect(try storage.count("audit_log") == audited)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func aNewerLinkEndsTheOlderOnesAndARefusedOneChangesNothing(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let resets = storage.node.passwordResets
            let user = try storage.user("li", in: try storage.department("处"))
            let now = storage.clock.current
            try Self.issue(resets, user, hash: "h1", now: now)
            try Self.issue(resets, user, hash: "h2", now: now + 5)
            #expect(try resets.token(hash: "h1")?.usedAt == now + 5)
            #expect(try Self.redeem(resets, "h1", newHash: "x", now: now + 6) == nil)
            #expect(try Self.redeem(resets, "h2", newHash: "x", now: now + 90_000) == nil, "expired")
            #expect(try storage.users.passwordHash(of: user.id) == "hash-of-li")
            try storage.accounts.setDisabled(true, id: user.id, reason: "离职", by: .system)
            #expect(try Self.redeem(resets, "h2", newHash: "x", now: now + 6) == nil, "the account is disabled")
            #expect(try resets.token(hash: "h2")?.usedAt == nil)
            // Links made more than two days before a new one are removed.
            try storage.accounts.setDisabled(false, id: user.id, reason: nil, by: .system)
            try Self.issue(resets, user, hash: "h3", now: now + 3 * 86_400)
            #expect(try resets.token(hash: "h1") == nil && resets.token(hash: "h2") == nil)
            #expect(try Self.redeem(resets, "h3", newHash: "x", now: now + 3 * 86_400 + 1) == user.id)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func aLinkReceivedByTwoServersAtOnceIsUsedOnce(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let user = try storage.user("li", in: try storage.department("处"))
            let now = storage.clock.current
            try Self.issue(storage.node.passwordResets, user, hash: "h1", now: now)
            let nodes = [storage.node, try storage.openNode()]
            let results = Results()
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                results.add(Result { try Self.redeem(nodes[index].passwordResets, "h1", newHash: "new-\(index)",
                                                      now: now + 1, pause: 0.2) })
            }
            let outcomes = results.values
            #expect(outcomes.count == 2)
            let succeeded = outcomes.compactMap { try? $0.get() }
            #expect(succeeded == [user.id], "one server sets the password, the other finds the link used")
            #expect(try Self.audit(storage, "password.reset").count == 1)
            #expect(["new-0", "new-1"].contains(try storage.users.passwordHash(of: user.id) ?? ""))
        }
    }

    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [Result<UserID?, any Error>] = []

        func add(_ result: Result<UserID?, any Error>) {
            lock.lock(); defer { lock.unlock() }
            stored.append(result)
        }

        var values: [Result<UserID?, any Error>] {
            lock.lock(); defer { lock.unlock() }
            return stored
        }
    }

    @Test(arguments: StorageKind.enabled)
    func requestsAreCountedHandledOnceAndForgotten(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let resets = storage.node.passwordResets
            let user = try storage.user("zhang.wei", in: try storage.department("处"))
            let marker = try storage.user("zzmarker", in: try storage.department("厅"))
            try storage.node.mailAddresses.setEmail("Zhang@Example.gov", id: user.id, by: .commandLine)
            try storage.node.mailAddresses.setEmail("marker@example.gov", id: marker.id, by: .commandLine)
            var now = storage.clock.current
            func request(_ identifier: String, client: String) throws -> PasswordResetRequestOutcome {
                try resets.request(identifier: identifier, identifierKey: identifier.lowercased(), clientKey: client,
                                   now: now, window: 3_600, perClient: 3, perIdentifier: 2)
            }
            func handle() throws -> [String] {
                var issued: [String] = []
                for (id, _) in try resets.waitingRequests(limit: 10) {
                    try resets.handleRequest(id: id, now: now, window: 3_600, perAccount: 2) { transaction, person, email in
                        issued.append("\(person.login) \(email)")
                        try resets.insert(tokenHash: UUID().uuidString, userID: person.id, passwordDigest: "d",
                                          origin: .self, now: now, expiresAt: now + 3_600, in: transaction)
                    }
                }
                return issued
            }
            #expect(try request("ZHANG.WEI", client: "c1") == .queued)
            #expect(try request("nobody", client: "c1") == .queued)
            #expect(try resets.waitingRequests(limit: 10).map(\.identifier) == ["ZHANG.WEI", "nobody"])
            #expect(try handle() == ["zhang.wei Zhang@Example.gov"], "by login without case; the marker is not named")
            #expect(try resets.waitingRequests(limit: 10).isEmpty)
            #expect(try storage.integer("SELECT count(*) FROM password_reset_requests WHERE identifier IS NOT NULL", []) == 0,
                    "what was typed is forgotten once handled")
            #expect(try request("zhang@example.gov", client: "c1") == .queued)
            #expect(try request("other", client: "c1") == .throttled(retryAfter: 3_600), "three requests an hour per client")
            #expect(try handle() == ["zhang.wei Zhang@Example.gov"], "by address too")
            #expect(try request("zhang.wei", client: "c2") == .queued)
            #expect(try request("zhang.wei", client: "c2") == .ignored, "the same identifier twice an hour")
            #expect(try handle().isEmpty, "two self-service links an hour per account")
            #expect(try resets.handleRequest(id: 1, now: now, window: 3_600, perAccount: 2) { _, _, _ in
                Issue.record("a handled request is not handled again")
            } == 0)
            now += 3_601
            #expect(try request("zhang.wei", client: "c2") == .queued)
            #expect(try handle() == ["zhang.wei Zhang@Example.gov"])
        }
    }
}
