import Crypto
import _CryptoExtras
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The platform's RSA signing key for Open Badges credentials (RS256).
///
/// The key lives in one PEM file (PKCS#8) that only the server's account may read. `loadOrCreate(at:)` makes a
/// 3072-bit key the first time and reuses it afterwards; it refuses a file that group or others may read or change.
public struct IssuerKey: Sendable {
    /// The size of newly created keys: RSA 3072 gives about 128-bit security (NIST SP 800-57).
    public static let newKeyBits = 3072

    let privateKey: _RSA.Signing.PrivateKey
    /// The public half, as published in the key set.
    public let publicKey: IssuerPublicKey

    /// The `kid` every credential's JWS header carries: the public key's RFC 7638 thumbprint.
    public var keyID: String { publicKey.keyID }

    /// Reads a private key from PEM text (`BEGIN PRIVATE KEY` or `BEGIN RSA PRIVATE KEY`), at least 2048 bits.
    public init(pemRepresentation: String) throws {
        let key: _RSA.Signing.PrivateKey
        do {
            key = try _RSA.Signing.PrivateKey(pemRepresentation: pemRepresentation)
        } catch {
            throw IssuerKeyError.invalidKey("the text is not a PEM RSA private key of at least 2048 bits")
        }
        try self.init(key)
    }

    private init(_ key: _RSA.Signing.PrivateKey) throws {
        privateKey = key
        publicKey = try IssuerPublicKey(key.publicKey)
    }

    /// Makes a fresh 3072-bit key in memory.
    public static func generate() throws -> IssuerKey {
        try IssuerKey(_RSA.Signing.PrivateKey(keySize: .init(bitCount: newKeyBits)))
    }

    /// The private key as PKCS#8 PEM. Write it only to a file with mode 0600.
    public var pemRepresentation: String { privateKey.pkcs8PEMRepresentation }

    /// The key set holding this key's public half.
    public var keySet: JSONWebKeySet { JSONWebKeySet(keys: [publicKey]) }

    /// The JWKS document to serve at `/.well-known/jwks.json` (`application/json`).
    public func jwks() -> Data { keySet.jsonData() }

    /// Signs `data` with RSASSA-PKCS1-v1_5 over SHA-256, the JWS algorithm RS256 (RFC 7518 §3.3).
    func rs256Signature(for data: Data) throws -> Data {
        try privateKey.signature(for: data, padding: .insecurePKCS1v1_5).rawRepresentation
    }

    /// A stable, unguessable UUID for a learner, for `credentialSubject.id` (`urn:uuid:`).
    ///
    /// HMAC-SHA256 of the learner's local id under a key derived from this issuer key (HKDF), cut to a
    /// version-8 UUID: the same learner gets the same id on every credential, outsiders cannot link it to the
    /// local account number, and nothing extra needs storing. A new issuer key gives new ids.
    public func holderID(forLearner localID: String) -> UUID {
        let secret = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: privateKey.derRepresentation),
                                            info: Data("open-badges credential subject id".utf8),
                                            outputByteCount: 32)
        var b = Array(HMAC<SHA256>.authenticationCode(for: Data(localID.utf8), using: secret).prefix(16))
        b[6] = (b[6] & 0x0F) | 0x80
        b[8] = (b[8] & 0x3F) | 0x80
        return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                           b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }
}

extension IssuerKey {
    /// Loads the key at `path`, or creates a new 3072-bit key there (mode 0600) when no file exists.
    ///
    /// Refuses a key file with any permission for group or others, or a path that is not a regular file. Creation is
    /// atomic: the key is written and synced under a temporary name, then hard-linked into place, so a crash
    /// never leaves half a key, and two processes starting together end up sharing one key.
    public static func loadOrCreate(at path: String) throws -> IssuerKey {
        if let existing = try load(at: path) {
            return existing
        }
        if let reason = OwnerOnlyFile.createExclusively(at: path, contents: Data(try generate().pemRepresentation.utf8)) {
            throw IssuerKeyError.cannotCreate(path: path, reason: reason)
        }
        guard let stored = try load(at: path) else {
            throw IssuerKeyError.cannotCreate(path: path, reason: "the file vanished after it was written")
        }
        return stored
    }

    /// Reads the key file if there is one, with the same checks as `loadOrCreate(at:)`; nil when nothing exists
    /// at `path`. For tools that must never create a key, such as offline verification.
    public static func load(at path: String) throws -> IssuerKey? {
        let text: String?
        do {
            text = try OwnerOnlyFile.readText(at: path)
        } catch {
            switch error {
            case .unreadable(let reason): throw IssuerKeyError.unreadable(path: path, reason: reason)
            case .notARegularFile: throw IssuerKeyError.notARegularFile(path: path)
            case .insecurePermissions(let mode): throw IssuerKeyError.insecurePermissions(path: path, mode: mode)
            case .notText: throw IssuerKeyError.unreadable(path: path, reason: "it cannot be read as UTF-8 text")
            }
        }
        guard let text else { return nil }
        do {
            return try IssuerKey(pemRepresentation: text)
        } catch {
            throw IssuerKeyError.unreadable(path: path, reason: "it does not hold a PEM RSA private key of at least 2048 bits")
        }
    }
}
