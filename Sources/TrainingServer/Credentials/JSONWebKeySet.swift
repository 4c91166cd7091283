import Foundation

/// The issuer's published public keys (RFC 7517 §5), served at `/.well-known/jwks.json`.
public struct JSONWebKeySet: Sendable, Equatable {
    /// The keys, current first; older keys stay listed so that credentials they signed keep verifying.
    public var keys: [IssuerPublicKey]

    /// A key set holding `keys`.
    public init(keys: [IssuerPublicKey]) {
        self.keys = keys
    }

    /// Reads a JWKS document. Keys that cannot verify RS256 signatures (other key types, encryption keys,
    /// other algorithms) are skipped; a document without a single usable key is an error.
    public init(jsonData: Data) throws {
        guard let document = try? JSONSerialization.jsonObject(with: jsonData) as? [String: Any],
              let entries = document["keys"] as? [Any] else {
            throw IssuerKeyError.invalidKeySet("expected a JSON object with a \"keys\" array")
        }
        var keys: [IssuerPublicKey] = []
        for case let entry as [String: Any] in entries {
            guard entry["kty"] as? String == "RSA",
                  (entry["use"] as? String).map({ $0 == "sig" }) ?? true,
                  (entry["alg"] as? String).map({ $0 == "RS256" }) ?? true,
                  let n = entry["n"] as? String, let e = entry["e"] as? String,
                  let key = try? IssuerPublicKey(modulus: n, exponent: e, keyID: entry["kid"] as? String) else {
                continue
            }
            keys.append(key)
        }
        guard !keys.isEmpty else {
            throw IssuerKeyError.invalidKeySet("no RSA key usable for RS256 signatures")
        }
        self.keys = keys
    }

    /// The key a JWS header names with `kid`: the key published under exactly that id, else the same key named in
    /// the other form. Credentials name their key by its URL (`https://…/.well-known/jwks/{thumbprint}`); earlier
    /// ones by the bare RFC 7638 thumbprint. A URL `kid` finds a key published under its last path segment, and a
    /// thumbprint `kid` a key published under an `http(s)` URL ending in it, in both cases only when that segment
    /// is the key's own thumbprint.
    public func key(withID keyID: String) -> IssuerPublicKey? {
        if let exact = keys.first(where: { $0.keyID == keyID }) { return exact }
        if keyID.hasPrefix("https://") || keyID.hasPrefix("http://") {
            guard let last = keyID.split(separator: "/").last.map(String.init) else { return nil }
            return keys.first { $0.keyID == last && $0.thumbprint == last }
        }
        return keys.first { key in
            key.thumbprint == keyID && (key.keyID.hasPrefix("https://") || key.keyID.hasPrefix("http://"))
                && key.keyID.hasSuffix("/" + keyID)
        }
    }

    /// The JWKS document: `{"keys":[{...}]}` with sorted members, ready to serve as `application/json`.
    public func jsonData() -> Data {
        let document = ["keys": keys.map(\.jwk)]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a dictionary of strings cannot fail.
        return (try? encoder.encode(document)) ?? Data()
    }
}
