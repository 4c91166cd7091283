import Crypto
import Foundation

/// Two-step sign-in for a person: enrolment (a secret shown once, confirmed with a first code), codes accepted
/// once each within a step either side, recovery codes usable once each, and turning it off or resetting it.
public struct SecondFactors: Sendable {
    /// The enrolments, recovery codes and pending sign-ins.
    public let store: any SecondFactorRepository
    let sealPath: String
    let clock: @Sendable () -> Double

    /// How many recovery codes a person gets.
    public static let recoveryCodeCount = 10
    /// Wrong codes after which a pending sign-in ends (the person signs in again from the start).
    public static let pendingFailureLimit = 5
    /// How long a pending sign-in waits for its code.
    public static let pendingCodeLifetime: Double = 5 * 60
    /// How long a sign-in waits for a required enrolment (scanning a code and installing an app take longer).
    public static let pendingEnrolmentLifetime: Double = 15 * 60

    /// Second factors kept in `repository`, their secrets sealed with the key at `sealPath`
    /// (`SecondFactorSeal.keyPath(forDatabase:)` beside the database).
    public init(repository: any SecondFactorRepository, sealPath: String, clock: @escaping @Sendable () -> Double) {
        self.store = repository
        self.sealPath = sealPath
        self.clock = clock
    }

    public enum Status: Sendable, Equatable {
        case off
        /// On, with how many recovery codes are left.
        case on(recoveryCodesLeft: Int)

        public var isOn: Bool { self != .off }
    }

    public func status(of user: UserID) throws -> Status {
        guard let stored = try store.enrolment(of: user), stored.enabledAt != nil else { return .off }
        return .on(recoveryCodesLeft: try store.unusedRecoveryCodes(of: user).count)
    }

    /// The secret waiting for confirmation (made now when there is none); nil when two-step sign-in is on.
    public func enrolmentSecret(for user: UserID) throws -> [UInt8]? {
        let seal = try SecondFactorSeal.at(sealPath)
        if let stored = try store.enrolment(of: user) {
            if stored.enabledAt != nil { return nil }
            // A secret that waited more than a day, or that no longer opens (a new key file), is replaced.
            if stored.createdAt > clock() - 86_400, let secret = try? seal.open(stored.sealedSecret, for: user) {
                return secret
            }
        }
        let secret = TOTP.newSecret()
        guard try store.startEnrolment(user, sealedSecret: try seal.seal(secret, for: user), now: clock()) else { return nil }
        return secret
    }

    /// Confirms the enrolment with the first code: the recovery codes (to show once), or nil when the code is not
    /// the secret's current one (or nothing waits for confirmation).
    public func confirm(_ user: UserID, code: String, by actor: AuditActor) throws -> [String]? {
        guard let stored = try store.enrolment(of: user), stored.enabledAt == nil,
              let secret = try? SecondFactorSeal.at(sealPath).open(stored.sealedSecret, for: user),
              let step = TOTP.matchingStep(code, secret: secret, at: clock()) else { return nil }
        let codes = (0..<Self.recoveryCodeCount).map { _ in Self.newRecoveryCode() }
        guard try store.confirm(user, step: step, recoveryCodes: codes.map(Self.digested), now: clock(), by: actor) else {
            return nil
        }
        return codes
    }

    /// Whether `code` is the person's current code and was not used before (it cannot be used again after this).
    public func verify(_ user: UserID, code: String) throws -> Bool {
        guard let stored = try store.enrolment(of: user), stored.enabledAt != nil,
              let secret = try? SecondFactorSeal.at(sealPath).open(stored.sealedSecret, for: user),
              let step = TOTP.matchingStep(code, secret: secret, at: clock()) else { return false }
        return try store.use(user, step: step)
    }

    /// Whether `code` is one of the person's unused recovery codes; it is used up by this.
    public func verifyRecoveryCode(_ user: UserID, code: String) throws -> Bool {
        let typed = Self.normalizedRecoveryCode(code)
        guard typed.count == 16, try status(of: user).isOn else { return false }
        var match: Int64?
        for stored in try store.unusedRecoveryCodes(of: user) {
            let digest = Self.digest(salt: stored.salt, code: typed)
            if TOTP.constantTimeEqual(digest.base64EncodedString(), stored.digest.base64EncodedString()) && match == nil {
                match = stored.id
            }
        }
        guard let match else { return false }
        return try store.useRecoveryCode(id: match, now: clock())
    }

    /// New recovery codes in place of all earlier ones (to show once); nil when two-step sign-in is off.
    public func replaceRecoveryCodes(_ user: UserID, by actor: AuditActor) throws -> [String]? {
        let codes = (0..<Self.recoveryCodeCount).map { _ in Self.newRecoveryCode() }
        guard try store.replaceRecoveryCodes(user, with: codes.map(Self.digested), now: clock(), by: actor) else {
            return nil
        }
        return codes
    }

    /// Turns two-step sign-in off (the person, with their password and a code); returns whether it was on.
    @discardableResult
    public func turnOff(_ user: UserID, by actor: AuditActor) throws -> Bool {
        try store.remove(user, reason: nil, now: clock(), by: actor)
    }

    /// An administrator's reset: the enrolment and recovery codes are gone; where the role requires two-step
    /// sign-in, the person sets it up again at the next sign-in. Always audited, with the reason.
    @discardableResult
    public func reset(_ user: UserID, reason: String, by actor: AuditActor) throws -> Bool {
        try store.remove(user, reason: reason, now: clock(), by: actor)
    }

    // MARK: Recovery codes

    /// Crockford's base32 alphabet: no I, L, O or U to misread.
    private static let recoveryAlphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")

    /// 16 characters (80 random bits), shown as "abcd-efgh-jkmn-pqrs".
    static func newRecoveryCode() -> String {
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<16).map { _ in recoveryAlphabet[Int.random(in: 0..<32, using: &generator)] }
        return stride(from: 0, to: 16, by: 4).map { String(characters[$0..<$0 + 4]) }.joined(separator: "-")
    }

    /// The code as typed, lower-cased without spaces and hyphens, misreadable letters read as the digits they look like.
    static func normalizedRecoveryCode(_ typed: String) -> String {
        String(TOTP.normalized(typed).lowercased().map { character -> Character in
            switch character {
            case "o": "0"
            case "i", "l": "1"
            default: character
            }
        })
    }

    static func digest(salt: Data, code: String) -> Data {
        Data(SHA256.hash(data: salt + Data(normalizedRecoveryCode(code).utf8)))
    }

    static func digested(_ code: String) -> (salt: Data, digest: Data) {
        var generator = SystemRandomNumberGenerator()
        let salt = Data((0..<16).map { _ in UInt8.random(in: 0 ... .max, using: &generator) })
        return (salt, digest(salt: salt, code: code))
    }
}
