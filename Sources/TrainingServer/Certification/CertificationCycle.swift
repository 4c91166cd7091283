/// One certification or renewal: the integration issues one certificate per cycle.
public struct CertificationCycle: Sendable, Hashable, Codable {
    /// How the cycle was earned.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// The first certification, by the full programme.
        case initial
        /// The renewal path completed inside the renewal window of the cycle before.
        case renewal
        /// A fresh certification after a lapse (the renewal path completed after expiry) or after a revocation
        /// (the full programme completed after it). Its expiry always counts from completion.
        case recertification
    }

    /// What identifies a cycle's certificate: a replay that yields the same key stands behind the same certificate.
    public struct Key: Sendable, Hashable, Codable {
        public let kind: Kind
        public let issuedAt: Double
        public let expiresAt: Double

        public init(kind: Kind, issuedAt: Double, expiresAt: Double) {
            self.kind = kind
            self.issuedAt = issuedAt
            self.expiresAt = expiresAt
        }
    }

    /// 1 for the first cycle, counting up in issue order.
    public let number: Int
    public let kind: Kind
    /// When the requirements were met: the last completion (or hour credit) they needed.
    public let issuedAt: Double
    public let expiresAt: Double
    /// The renewal window's opening: the programme's window before expiry, never before issue. Equal to
    /// `expiresAt` when the programme has no window.
    public let windowOpensAt: Double
    /// The completions the cycle rests on, oldest first.
    public let basis: [CertificationEvidence.Completion]
    /// Study hours credited in the 365 days up to and including `issuedAt`.
    public let hours: Double
    /// When the next cycle renewed this one; the certificate stays valid until `expiresAt` all the same.
    public internal(set) var renewedAt: Double?
    /// The revocation that ended this cycle, if any.
    public internal(set) var revocation: CertificationEvidence.Revocation?

    public var key: Key { Key(kind: kind, issuedAt: issuedAt, expiresAt: expiresAt) }

    /// Whether the cycle's certificate is valid at `instant`: issued, not expired, not revoked.
    public func isInForce(at instant: Double) -> Bool {
        issuedAt <= instant && instant < expiresAt && revocation.map { instant < $0.at } ?? true
    }

    /// Whether the renewal window is open at `instant`: open, not renewed yet, not expired, not revoked.
    public func isInWindow(at instant: Double) -> Bool {
        isInForce(at: instant) && windowOpensAt <= instant && renewedAt.map { instant < $0 } ?? true
    }
}
