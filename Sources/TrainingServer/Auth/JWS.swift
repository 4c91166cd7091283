import Crypto
import _CryptoExtras
import Foundation

/// A JSON value, for claims whose shape the platform does not fix (a provider's extra claims).
public enum JSONValue: Sendable, Equatable, Decodable {
    case string(String), number(Double), bool(Bool), array([JSONValue]), object([String: JSONValue]), null

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    /// The value as text: a string as it is, a number without a needless ".0", the first text of an array.
    public var text: String? {
        switch self {
        case .string(let text): return text
        case .number(let number):
            return number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .bool(let value): return value ? "true" : "false"
        case .array(let values): return values.lazy.compactMap(\.text).first
        case .object, .null: return nil
        }
    }
}

/// A public key from a JSON Web Key Set (RFC 7517): RSA (n, e; at least 2048 bits) or EC P-256 (x, y).
public struct JSONWebKey: Sendable {
    public enum Material: Sendable {
        case rsa(_RSA.Signing.PublicKey)
        case p256(P256.Signing.PublicKey)
    }

    public var id: String?
    /// The algorithm the set restricts the key to (`alg`), if it does.
    public var algorithm: String?
    public var material: Material

    public init(id: String?, algorithm: String?, material: Material) {
        self.id = id
        self.algorithm = algorithm
        self.material = material
    }

    private struct Fields: Decodable {
        var kty: String
        var kid: String?
        var use: String?
        var alg: String?
        var n: String?
        var e: String?
        var crv: String?
        var x: String?
        var y: String?
    }

    /// The signing keys of a JWKS document; keys of other types, curves or uses (and malformed ones) are left out.
    public static func set(from json: [UInt8]) throws(JWSError) -> [JSONWebKey] {
        struct Set: Decodable { var keys: [Fields] }
        guard let set = try? JSONDecoder().decode(Set.self, from: Data(json)) else { throw .malformed("the key set is not a JWKS document") }
        return set.keys.compactMap { fields in
            guard fields.use == nil || fields.use == "sig" else { return nil }
            switch fields.kty {
            case "RSA":
                guard let n = fields.n.flatMap({ Base64URL.decode($0) }), let e = fields.e.flatMap({ Base64URL.decode($0) }),
                      let key = try? _RSA.Signing.PublicKey(n: n, e: e) else { return nil }
                return JSONWebKey(id: fields.kid, algorithm: fields.alg, material: .rsa(key))
            case "EC":
                guard fields.crv == "P-256", let x = fields.x.flatMap({ Base64URL.decode($0) }), let y = fields.y.flatMap({ Base64URL.decode($0) }),
                      x.count == 32, y.count == 32,
                      let key = try? P256.Signing.PublicKey(x963Representation: [0x04] + [UInt8](x) + [UInt8](y)) else { return nil }
                return JSONWebKey(id: fields.kid, algorithm: fields.alg, material: .p256(key))
            default:
                return nil
            }
        }
    }

    /// Whether this key can check a signature made with `algorithm`.
    func fits(_ algorithm: JWS.Algorithm) -> Bool {
        if let declared = self.algorithm, declared != algorithm.rawValue { return false }
        switch (material, algorithm) {
        case (.rsa, .rs256), (.p256, .es256): return true
        default: return false
        }
    }
}

/// Why a JWS was not accepted.
public enum JWSError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed(String)
    /// `none`, HMAC (`HS256`, …) and anything but RS256 and ES256.
    case unsupportedAlgorithm(String)
    /// The header names a key (`kid`) the key set does not have (or, without a `kid`, no key fits).
    case unknownKey(String?)
    /// The named key is of another type or restricted to another algorithm.
    case keyMismatch(String)
    case badSignature

    public var description: String {
        switch self {
        case .malformed(let why): "malformed token: \(why)"
        case .unsupportedAlgorithm(let alg): "signature algorithm \(alg) is not accepted (RS256 and ES256 are)"
        case .unknownKey(let kid): "no key \(kid.map { "with kid \($0)" } ?? "fits the token")"
        case .keyMismatch(let why): "the key does not fit: \(why)"
        case .badSignature: "the signature does not verify"
        }
    }
}

/// A JWS in compact serialisation (RFC 7515), checked against a provider's public keys. Only asymmetric signatures
/// with SHA-256 are accepted: RS256 (RSASSA-PKCS1-v1_5) and ES256 (ECDSA P-256, the signature as raw r‖s).
/// `alg: none` and HMAC are refused outright: an HMAC "signed" with a public key as its secret proves nothing.
public struct JWS: Sendable {
    public enum Algorithm: String, Sendable {
        case rs256 = "RS256"
        case es256 = "ES256"
    }

    public struct Header: Sendable, Decodable {
        public var alg: String
        public var kid: String?
        public var typ: String?
        public var crit: [String]?
    }

    public let header: Header
    public let algorithm: Algorithm
    /// The payload's bytes (for an ID token: its JSON claims).
    public let payload: [UInt8]
    private let signingInput: [UInt8]
    private let signature: [UInt8]

    /// Splits and decodes the token; the signature is not checked yet (see `verify`).
    public init(compact token: String) throws(JWSError) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed("a JWS has three parts") }
        guard let headerBytes = Base64URL.decode(parts[0]), let payload = Base64URL.decode(parts[1]),
              let signature = Base64URL.decode(parts[2]) else { throw .malformed("a part is not base64url") }
        guard let header = try? JSONDecoder().decode(Header.self, from: Data(headerBytes)) else {
            throw .malformed("the header is not a JOSE header")
        }
        guard let algorithm = Algorithm(rawValue: header.alg) else { throw .unsupportedAlgorithm(header.alg) }
        // Extensions that must be understood (RFC 7515 §4.1.11): none are.
        if let crit = header.crit { throw .malformed("unsupported critical header parameters \(crit)") }
        self.header = header
        self.algorithm = algorithm
        self.payload = [UInt8](payload)
        self.signingInput = Array(parts[0].utf8) + [0x2E] + Array(parts[1].utf8)
        self.signature = [UInt8](signature)
    }

    /// Checks the signature with the key the header names (`kid`), or, without one, with any key of the set that fits.
    public func verify(keys: [JSONWebKey]) throws(JWSError) {
        let candidates: [JSONWebKey]
        if let kid = header.kid {
            let named = keys.filter { $0.id == kid }
            guard !named.isEmpty else { throw .unknownKey(kid) }
            candidates = named.filter { $0.fits(algorithm) }
            guard !candidates.isEmpty else { throw .keyMismatch("key \(kid) is not for \(algorithm.rawValue)") }
        } else {
            candidates = keys.filter { $0.fits(algorithm) }
            guard !candidates.isEmpty else { throw .unknownKey(nil) }
        }
        for key in candidates where verify(with: key) { return }
        throw .badSignature
    }

    private func verify(with key: JSONWebKey) -> Bool {
        switch (key.material, algorithm) {
        case (.rsa(let publicKey), .rs256):
            return publicKey.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: signingInput,
                                              padding: .insecurePKCS1v1_5)
        case (.p256(let publicKey), .es256):
            guard signature.count == 64, let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return publicKey.isValidSignature(ecdsa, for: signingInput)
        default:
            return false
        }
    }
}
