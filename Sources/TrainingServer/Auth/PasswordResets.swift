import Assessment
import Foundation

/// One-time links that set a new password: made by an administrator (`/admin/people/{id}/password-reset`), on the
/// command line (`users reset-link`) or asked for by the person (`/password/forgot`, where mail is configured).
///
/// A link carries 256 random bits; only their SHA-256 is stored. It works once, for 24 hours, and only while it is
/// the person's newest link, the account is enabled and its password is the one the link was made against (a
/// password change voids it). Using it sets the password as a change does: every session ends, API tokens are
/// revoked. Issuing is logged as `password.reset_link`, using as `password.reset`.
public struct PasswordResets: Sendable {
    public static let lifetime: Double = 24 * 3600
    /// Self-service requests: per client address and per login or address typed, within `requestWindow`.
    public static let requestWindow: Double = 3600
    public static let requestsPerClient = 10
    public static let requestsPerIdentifier = 3
    /// Self-service links per account within `requestWindow`.
    public static let linksPerAccount = 3

    let resets: any PasswordResetRepository
    let addresses: any MailAddressRepository
    let strings: Localization
    /// The platform's public address, links start with it.
    let publicURL: String
    /// Whether links are also mailed.
    let mailEnabled: Bool
    let clock: @Sendable () -> Double

    public init(storage: any StorageEngine, strings: Localization, publicURL: String, mailEnabled: Bool,
                clock: @escaping @Sendable () -> Double) {
        self.resets = storage.passwordResets
        self.addresses = storage.mailAddresses
        self.strings = strings
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.mailEnabled = mailEnabled
        self.clock = clock
    }

    /// A link made for someone: shown once, never stored.
    public struct IssuedLink: Sendable, Hashable {
        public var url: String
        public var expiresAt: Double
        /// The address it was mailed to, when it was.
        public var mailedTo: String?
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case disabled
        case notFound

        public var description: String {
            switch self {
            case .disabled: return "the account is disabled; enable it first"
            case .notFound: return "no such account"
            }
        }
    }

    public func url(token: String) -> String { "\(publicURL)/password/reset/\(token)" }

    /// Makes a link for `user` (an administrator's or the command line's), ending older ones; mails it when mail is
    /// configured and the person has an address. Logged as `password.reset_link`, all in one transaction.
    public func issue(for user: User, origin: PasswordResetOrigin, by actor: AuditActor,
                      mail: Bool = true) throws -> IssuedLink {
        let now = clock()
        return try resets.write { transaction in
            guard let account = try resets.account(user.id, in: transaction) else { throw Failure.notFound }
            guard !account.disabled else { throw Failure.disabled }
            let email = mail && mailEnabled ? try resets.email(of: user.id, in: transaction) : nil
            return try issue(transaction, user: user, passwordHash: account.passwordHash, email: email, origin: origin,
                             by: actor, now: now)
        }
    }

    private func issue(_ transaction: any StorageTransaction, user: User, passwordHash: String, email: String?,
                       origin: PasswordResetOrigin, by actor: AuditActor, now: Double) throws -> IssuedLink {
        let token = Tokens.random()
        let expiresAt = now + Self.lifetime
        try resets.insert(tokenHash: Tokens.digest(token), userID: user.id, passwordDigest: Tokens.digest(passwordHash),
                          origin: origin, now: now, expiresAt: expiresAt, in: transaction)
        let link = url(token: token)
        if let email {
            try resets.enqueue(mail(for: user, to: email, link: link, origin: origin), at: now, in: transaction)
        }
        var details = ["origin": origin.rawValue, "mailed": email == nil ? "no" : "yes"]
        details["expires_at"] = String(Int(expiresAt))
        try resets.audit(AuditEvent(action: "password.reset_link", subject: "user:\(user.id)", details: details),
                         by: actor, at: now, in: transaction)
        return IssuedLink(url: link, expiresAt: expiresAt, mailedTo: email)
    }

    /// The reset mail, in the person's language, or in both (Chinese first) when they chose none.
    func mail(for user: User, to email: String, link: String, origin: PasswordResetOrigin) -> OutgoingMail {
        let languages: [Language] = user.language.flatMap(Language.init(rawValue:)).map { [$0] } ?? [.zh, .en]
        let arguments = ["name": user.displayName, "login": user.login, "link": link, "hours": "24"]
        let subject = languages.map { strings.text("mail.password_reset.subject", $0) }.joined(separator: " / ")
        let body = languages.map { language in
            [strings.text("mail.password_reset.greeting", language, arguments),
             strings.text(origin == .self ? "mail.password_reset.asked" : "mail.password_reset.admin", language, arguments),
             link,
             strings.text("mail.password_reset.validity", language, arguments),
             strings.text("mail.password_reset.ignore", language, arguments)].joined(separator: "\n\n")
        }.joined(separator: "\n\n———\n\n")
        return OutgoingMail(kind: "password.reset_link", recipient: email, subject: subject, body: body + "\n",
                            expiresAt: clock() + Self.lifetime, sensitive: true)
    }

    /// Whether `token` may still be used, and for whom.
    public func account(forToken token: String) throws -> User? {
        guard Self.isWellFormed(token), let found = try resets.token(hash: Tokens.digest(token)) else { return nil }
        let now = clock()
        return try resets.read { transaction in
            guard let account = try resets.account(found.userID, in: transaction),
                  Self.isUsable(found, passwordHash: account.passwordHash, disabled: account.disabled, now: now) else {
                return nil
            }
            return try resets.user(found.userID, in: transaction)
        }
    }

    /// Sets the password of the link's account to `newHash` if the link may still be used (see the type's note);
    /// returns the account, or nil when the link is unknown, used, replaced or expired (nothing changes then).
    public func redeem(token: String, newHash: String) throws -> UserID? {
        guard Self.isWellFormed(token) else { return nil }
        let now = clock()
        return try resets.redeem(tokenHash: Tokens.digest(token), newHash: newHash, now: now) { found, hash, disabled in
            Self.isUsable(found, passwordHash: hash, disabled: disabled, now: now)
        }
    }

    static func isUsable(_ token: PasswordResetToken, passwordHash: String, disabled: Bool, now: Double) -> Bool {
        token.usedAt == nil && token.expiresAt > now && !disabled
            && Tokens.constantTimeEquals(token.passwordDigest, Tokens.digest(passwordHash))
    }

    /// Tokens are 43 base64url characters; anything else is not looked up.
    static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == 43 && token.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F
        }
    }

    /// Records a self-service request for `identifier` (a login or an address) from `clientAddress`. The same work
    /// is done whether or not an account matches: the sender looks accounts up later (`handleRequests`).
    public func request(identifier: String, clientAddress: String) throws -> PasswordResetRequestOutcome {
        let normalized = identifier.trimmingCharacters(in: .whitespacesAndNewlines)
        return try resets.request(identifier: normalized, identifierKey: Tokens.digest(normalized.lowercased()),
                                  clientKey: IPAddress.throttleKey(clientAddress), now: clock(),
                                  window: Self.requestWindow, perClient: Self.requestsPerClient,
                                  perIdentifier: Self.requestsPerIdentifier)
    }

    /// Handles waiting self-service requests: a link, mailed, for every enabled account with an address whose login
    /// or address was typed (at most `linksPerAccount` an hour each). Returns how many links were mailed.
    @discardableResult
    public func handleRequests() throws -> Int {
        guard mailEnabled else { return 0 }
        var issued = 0
        for request in try resets.waitingRequests(limit: 100) {
            let now = clock()
            issued += try resets.handleRequest(id: request.id, now: now, window: Self.requestWindow,
                                               perAccount: Self.linksPerAccount) { transaction, user, email in
                guard let account = try resets.account(user.id, in: transaction) else { return }
                _ = try issue(transaction, user: user, passwordHash: account.passwordHash, email: email, origin: .self,
                              by: .system, now: now)
            }
        }
        return issued
    }

    /// A person's address, when they have one.
    public func email(of id: UserID) throws -> String? { try addresses.email(of: id) }
}
