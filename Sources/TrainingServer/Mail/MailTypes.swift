import Foundation

/// A message to put in the outbox.
public struct OutgoingMail: Sendable, Hashable {
    /// What the message is for, e.g. `password.reset_link` (in the log and the outbox, never the body).
    public var kind: String
    public var recipient: String
    public var subject: String
    /// The plain text, always sent (the first part when there is HTML too).
    public var body: String
    /// The same content as an HTML document (made with `MailHTML`), sent as the second part of a
    /// multipart/alternative message; nil: plain text only.
    public var html: String?
    /// Where the recipient stops this kind of mail with one click (`List-Unsubscribe`, with
    /// `List-Unsubscribe-Post: List-Unsubscribe=One-Click`); nil for mail one cannot unsubscribe from.
    public var unsubscribeURL: String?
    /// After this moment the message is not worth sending any more (say, the link in it has expired): it is given
    /// up instead.
    public var expiresAt: Double?
    /// Whether the body holds a secret (a link that sets a password): erased once delivered or given up.
    public var sensitive: Bool

    public init(kind: String, recipient: String, subject: String, body: String, html: String? = nil,
                unsubscribeURL: String? = nil, expiresAt: Double? = nil, sensitive: Bool = false) {
        self.kind = kind
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.html = html
        self.unsubscribeURL = unsubscribeURL
        self.expiresAt = expiresAt
        self.sensitive = sensitive
    }
}

/// Where an outbox message is.
public enum OutboxState: String, Sendable, Hashable, CaseIterable {
    /// Waiting for its first or next attempt.
    case pending
    /// Claimed by a sender, which is talking to the SMTP server now.
    case sending
    /// The SMTP server accepted it.
    case sent
    /// Given up: too many failed attempts, expired, or interrupted mid-delivery (never sent twice).
    case failed
}

/// A message as the outbox holds it.
public struct OutboxMessage: Sendable, Hashable {
    public var id: Int64
    public var kind: String
    public var recipient: String
    public var subject: String
    public var body: String
    public var html: String?
    public var unsubscribeURL: String?
    public var sensitive: Bool
    /// Set at the first attempt and kept for every retry, so a receiver can tell a retry from a new message.
    public var messageID: String?
    public var state: OutboxState
    public var attempts: Int
    public var createdAt: Double
    public var nextAttemptAt: Double
    public var expiresAt: Double?
    public var sentAt: Double?
    /// When it was given up (nil for messages given up before this was recorded).
    public var failedAt: Double?
    /// When an administrator discarded it from the dead letters (`/admin/mail`); it stays `failed`.
    public var discardedAt: Double?
    public var lastError: String?
}

/// E-mail addresses as the platform accepts them: `local@domain`, printable ASCII without spaces, quotes, angle
/// brackets, commas or semicolons, at most 254 characters, a dot in the domain (no internationalised addresses,
/// which would need SMTPUTF8 from every relay).
public enum MailAddress {
    public static func isValid(_ address: String) -> Bool {
        guard (3...254).contains(address.utf8.count) else { return false }
        let forbidden = Set("<>()[]\\,;:\"' ".unicodeScalars)
        guard address.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && !forbidden.contains($0) }) else {
            return false
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return false }
        let domain = parts[1]
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty && $0.count <= 63 && !$0.hasPrefix("-") && !$0.hasSuffix("-") }
    }

    /// `address` trimmed, or nil when it is not acceptable.
    public static func normalized(_ address: String) -> String? {
        let trimmed = address.trimmingCharacters(in: .whitespacesAndNewlines)
        return isValid(trimmed) ? trimmed : nil
    }

    /// The part after the `@` (for Message-IDs).
    public static func domain(of address: String) -> String {
        address.split(separator: "@").last.map(String.init) ?? "localhost"
    }
}
