import Crypto
import Foundation
import Synchronization

/// Values of the anonymous CSRF cookie (the one the login form and other forms without a session echo): a random
/// nonce and an HMAC-SHA256 over it, `NONCE.TAG`, both base64url. Only a value this server (or another instance on
/// the same database, which shares the key) issued verifies, so a value another host planted in the browser (a
/// sibling subdomain can set cookies for this host when no `__Host-` prefix stops it) is refused and replaced.
public struct AnonymousCSRFToken: Sendable {
    /// Bytes of the nonce and of the key.
    static let nonceBytes = 32
    public static let keyBytes = 32
    /// Keeps these tags apart from anything else the key might ever sign.
    private static let label = Array("csa-anonymous-csrf-v1:".utf8)

    private let key: SymmetricKey

    /// A signer with `key` (at least 32 bytes).
    public init(key: [UInt8]) {
        precondition(key.count >= Self.keyBytes, "the anonymous CSRF key needs at least \(Self.keyBytes) bytes")
        self.key = SymmetricKey(data: key)
    }

    /// A new random key (from the system CSPRNG).
    public static func newKey() -> [UInt8] {
        SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    }

    /// A fresh value to set in the cookie and echo in forms.
    public func issue() -> String {
        let nonce = Tokens.random(bytes: Self.nonceBytes)
        return nonce + "." + tag(nonce)
    }

    /// Whether `value` is one this key issued: a nonce of the right length and its tag (compared in constant time).
    public func isIssued(_ value: String) -> Bool {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].utf8.count == (Self.nonceBytes * 4 + 2) / 3 else { return false }
        return Tokens.constantTimeEquals(String(parts[1]), tag(String(parts[0])))
    }

    private func tag(_ nonce: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Self.label + Array(nonce.utf8), using: key)
        return Tokens.base64URL(Array(code))
    }
}

/// The anonymous CSRF signer, with its key read from the database on first use and kept for the life of the process
/// (every instance on one database gets the same key; see `SQLiteServerKeyStore`). A failed read is retried on the
/// next request.
public final class AnonymousCSRFKeyHolder: Sendable {
    private let load: @Sendable () throws -> [UInt8]
    private let signer = Mutex<AnonymousCSRFToken?>(nil)

    public init(load: @escaping @Sendable () throws -> [UInt8]) {
        self.load = load
    }

    /// The signer, loading the key the first time.
    public func token() throws -> AnonymousCSRFToken {
        if let loaded = signer.withLock({ $0 }) { return loaded }
        let loaded = AnonymousCSRFToken(key: try load())
        return signer.withLock { current in
            if let current { return current }
            current = loaded
            return loaded
        }
    }
}
