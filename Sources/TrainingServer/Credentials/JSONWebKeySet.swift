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

    /// The key a JWS header names with `kid`: the key published under exactly that id, else the key whose RFC 7638
    /// thumbprint is the `kid` or its last path segment. Credentials name their key by its URL
    /// (`…/.well-known/jwks/{thumbprint}`); earlier ones by the bare thumbprint. Either form finds the key in a
    /// set written with the other. The `kid` only selects among keys this set already trusts.
    public func key(withID keyID: String) -> IssuerPublicKey? {
        if let exact = keys.first(where: { $0.keyID == keyID }) { return exact }
        let lastSegment = keyID.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? keyID
        return keys.first { $0.thumbprint == keyID || $0.thumbprint == lastSegment }
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
