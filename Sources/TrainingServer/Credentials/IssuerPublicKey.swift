import Crypto
import _CryptoExtras
import Foundation

/// An issuer's RSA public key in the shape JOSE uses: a JSON Web Key (RFC 7517) named by a key id.
///
/// The key id defaults to the key's RFC 7638 thumbprint, so the same key always carries the same id.
public struct IssuerPublicKey: Sendable, Equatable {
    let key: _RSA.Signing.PublicKey
    /// The modulus `n`, base64url big-endian without leading zeros.
    public let modulus: String
    /// The public exponent `e`, base64url big-endian.
    public let exponent: String
    /// The RFC 7638 JWK thumbprint (SHA-256, base64url) of `{"e","kty","n"}`.
    public let thumbprint: String
    /// The `kid` a JWS header uses to name this key; the thumbprint unless a key set said otherwise.
    public let keyID: String

    init(_ key: _RSA.Signing.PublicKey) throws {
        let primitives = try key.getKeyPrimitives()
        self.key = key
        modulus = Base64URL.encode(primitives.modulus)
        exponent = Base64URL.encode(primitives.publicExponent)
        thumbprint = Self.thumbprint(modulus: modulus, exponent: exponent)
        keyID = thumbprint
    }

    /// Reads the JWK members `n` and `e`; `keyID` overrides the thumbprint as the key's name.
    public init(modulus: String, exponent: String, keyID: String? = nil) throws {
        guard let n = Base64URL.decode(modulus), let e = Base64URL.decode(exponent), !n.isEmpty, !e.isEmpty else {
            throw IssuerKeyError.invalidKey("the modulus or exponent is not canonical base64url")
        }
        do {
            key = try _RSA.Signing.PublicKey(n: n, e: e)
        } catch {
            throw IssuerKeyError.invalidKey("the modulus and exponent do not form an RSA key of at least 2048 bits")
        }
        self.modulus = modulus
        self.exponent = exponent
        thumbprint = Self.thumbprint(modulus: modulus, exponent: exponent)
        self.keyID = keyID ?? thumbprint
    }

    /// Reads a PEM public key (`BEGIN PUBLIC KEY` or `BEGIN RSA PUBLIC KEY`).
    public init(pemRepresentation: String) throws {
        let key: _RSA.Signing.PublicKey
        do {
            key = try _RSA.Signing.PublicKey(pemRepresentation: pemRepresentation)
        } catch {
            throw IssuerKeyError.invalidKey("the text is not a PEM RSA public key of at least 2048 bits")
        }
        try self.init(key)
    }

    /// The SubjectPublicKeyInfo PEM (`BEGIN PUBLIC KEY`), as `openssl` and most libraries read it.
    public var pemRepresentation: String { key.pemRepresentation }

    /// The size of the modulus in bits.
    public var bitCount: Int { key.keySizeInBits }

    /// The public JWK (never a private member) with `kid`, `alg: RS256` and `use: sig`.
    public var jwk: [String: String] {
        ["kty": "RSA", "n": modulus, "e": exponent, "kid": keyID, "alg": "RS256", "use": "sig"]
    }

    /// The public JWK without a `kid`: `kty`, `n`, `e`, `alg` and `use`.
    public var publicJWK: [String: String] {
        ["kty": "RSA", "n": modulus, "e": exponent, "alg": "RS256", "use": "sig"]
    }

    /// The same key named `keyID`.
    public func named(_ keyID: String) -> IssuerPublicKey {
        IssuerPublicKey(key: key, modulus: modulus, exponent: exponent, thumbprint: thumbprint, keyID: keyID)
    }

    private init(key: _RSA.Signing.PublicKey, modulus: String, exponent: String, thumbprint: String, keyID: String) {
        self.key = key
        self.modulus = modulus
        self.exponent = exponent
        self.thumbprint = thumbprint
        self.keyID = keyID
    }

    /// Checks an RS256 signature: RSASSA-PKCS1-v1_5 over the SHA-256 digest of `signingInput`.
    func isValidRS256Signature(_ signature: Data, for signingInput: Data) -> Bool {
        key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: signingInput,
                             padding: .insecurePKCS1v1_5)
    }

    /// RFC 7638 §3: SHA-256 over the required members in lexicographic order, without whitespace.
    static func thumbprint(modulus: String, exponent: String) -> String {
        let canonical = #"{"e":"\#(exponent)","kty":"RSA","n":"\#(modulus)"}"#
        return Base64URL.encode(Data(SHA256.hash(data: Data(canonical.utf8))))
    }

    /// Keys are equal when they have the same modulus, exponent and key id.
    public static func == (lhs: IssuerPublicKey, rhs: IssuerPublicKey) -> Bool {
        lhs.modulus == rhs.modulus && lhs.exponent == rhs.exponent && lhs.keyID == rhs.keyID
    }
}
