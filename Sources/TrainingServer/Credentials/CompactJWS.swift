import Foundation

/// A JWS in compact serialization (RFC 7515 §7.1): `BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(sig)`.
struct CompactJWS {
    /// The decoded JOSE header JSON.
    let header: Data
    /// The decoded payload JSON.
    let payload: Data
    /// The decoded signature bytes.
    let signature: Data
    /// The ASCII bytes the signature covers: the first two segments and the dot between them.
    let signingInput: Data

    /// The largest token accepted; a certificate's VC-JWT is a few kilobytes.
    static let maximumLength = 256 * 1024

    struct Header: Encodable {
        var alg = "RS256"
        var jwk: [String: String]
        var kid: String
        var typ = "JWT"
    }

    /// Splits and decodes a token; nil unless it has exactly three canonical base64url segments. The signature
    /// may be empty here (an unsecured `alg: none` token) so that the verifier can name the algorithm it refuses.
    init?(parsing token: String) {
        guard token.utf8.count <= Self.maximumLength else { return nil }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
              let header = Base64URL.decode(parts[0]), let payload = Base64URL.decode(parts[1]),
              let signature = Base64URL.decode(parts[2]) else {
            return nil
        }
        self.header = header
        self.payload = payload
        self.signature = signature
        signingInput = Data((parts[0] + "." + parts[1]).utf8)
    }

    /// Signs `payload` with RS256 under the issuer key, naming the key `keyID` in the header, and returns the
    /// compact serialization.
    static func sign(payload: Data, with key: IssuerKey, keyID: String) throws -> String {
        let publicJWK = ["kty": "RSA", "n": key.publicKey.modulus, "e": key.publicKey.exponent]
        let header = CredentialPayload.encode(Header(jwk: publicJWK, kid: keyID))
        let signingInput = Base64URL.encode(header) + "." + Base64URL.encode(payload)
        let signature = try key.rs256Signature(for: Data(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature)
    }
}
