import Foundation

/// API tokens for people and integrators (a token acts as its owner, the person it is made for): creating one
/// (its secret shown once, only its digest stored), listing and revoking. The administration pages and the
/// `tokens` commands share it.
public struct APITokenService: Sendable {
    public static let maximumLifetimeDays = 3650
    public static let nameLimit = 100

    public let tokens: any APITokenRepository
    public let clock: @Sendable () -> Double

    public init(tokens: any APITokenRepository, clock: @escaping @Sendable () -> Double) {
        self.tokens = tokens
        self.clock = clock
    }

    /// A token just made: the only moment its secret is known.
    public struct Created: Sendable {
        public var id: Int64
        public var secret: String
        public var name: String
        public var expiresAt: Double
        public var owner: User
    }

    /// What is wrong with a token's name and lifetime, field by field.
    public static func problems(name: String, days: Int?) -> [AccountProblem] {
        var problems: [AccountProblem] = []
        if name.isEmpty || name.count > nameLimit || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            || name.firstControlCharacter != nil {
            problems.append(AccountProblem(field: "token_name", reason: .tokenNameInvalid))
        }
        if !(days.map { (1...maximumLifetimeDays).contains($0) } ?? false) {
            problems.append(AccountProblem(field: "expires_days", reason: .tokenDaysInvalid))
        }
        return problems
    }

    /// Makes a token acting as `owner`; throws `AccountProblems` for a bad name or lifetime or a disabled owner.
    public func create(for owner: User, name: String, days: Int, by actor: AuditActor) throws -> Created {
        var problems = Self.problems(name: name, days: days)
        if owner.disabled { problems.insert(AccountProblem(field: "owner", reason: .ownerDisabled), at: 0) }
        guard problems.isEmpty else { throw AccountProblems(problems) }
        let secret = "csa_" + Tokens.random()
        let now = clock()
        let expires = now + Double(days) * 86_400
        let id = try tokens.create(tokenHash: Tokens.digest(secret), userID: owner.id, name: name, now: now,
                                   expiresAt: expires, by: actor)
        return Created(id: id, secret: secret, name: name, expiresAt: expires, owner: owner)
    }

    /// A person's tokens, newest first.
    public func list(_ owner: User) throws -> [APIToken] { try tokens.list(userID: owner.id) }

    public func find(_ id: Int64) throws -> APIToken? { try tokens.find(id: id) }

    /// Revokes a token for good; false when it was revoked already.
    @discardableResult
    public func revoke(_ token: APIToken, by actor: AuditActor) throws -> Bool {
        guard token.revokedAt == nil else { return false }
        try tokens.revoke(id: token.id, now: clock(), by: actor)
        return true
    }

    /// A token's state at `now`.
    public static func state(_ token: APIToken, at now: Double) -> TokenFilter.State {
        token.revokedAt != nil ? .revoked : token.isLive(at: now) ? .active : .expired
    }
}
