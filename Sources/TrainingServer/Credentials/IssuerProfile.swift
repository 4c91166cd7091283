import Foundation

/// The issuing organisation as Open Badges names it, and the public addresses derived from the platform's
/// base URL: the issuer profile, the key set, verification pages, status entries and programme pages.
public struct IssuerProfile: Sendable, Equatable {
    /// The platform's public origin, e.g. `https://academy.example.gov.cn` (a trailing slash is dropped).
    public let baseURL: String
    /// The organisation's display name.
    public var name: String
    /// A contact address shown in the profile, if any.
    public var email: String?

    /// The profile of the organisation called `name` whose platform is served at `baseURL`.
    public init(baseURL: String, name: String, email: String? = nil) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.name = name
        self.email = email
    }

    /// The issuer's `id`, where the profile document is served: `{base}/issuer`.
    public var id: String { baseURL + "/issuer" }

    /// Where the key set is served: `{base}/.well-known/jwks.json`.
    public var keySetURL: String { baseURL + "/.well-known/jwks.json" }

    /// Where one public key is served as a JWK, and the `kid` of credentials it signs:
    /// `{base}/.well-known/jwks/{thumbprint}` (OB 3.0: `kid` is a URI that dereferences to the JWK).
    public func keyURL(thumbprint: String) -> String {
        baseURL + "/.well-known/jwks/" + Self.pathSegment(thumbprint)
    }

    /// The public verification page of a certificate, also the credential's `id`: `{base}/verify/{id}`.
    public func verificationURL(certificateID: String) -> String {
        baseURL + "/verify/" + Self.pathSegment(certificateID)
    }

    /// The certificate id in a credential `id` this issuer made (`{base}/verify/{id}`); nil for any other URL.
    public func certificateID(fromCredentialID credentialID: String) -> String? {
        let prefix = baseURL + "/verify/"
        guard credentialID.hasPrefix(prefix) else { return nil }
        let segment = credentialID.dropFirst(prefix.count)
        guard !segment.isEmpty, !segment.contains("/") else { return nil }
        return String(segment).removingPercentEncoding
    }

    /// The revocation list for one credential (1EdTech Revocation List Status Method):
    /// `{base}/api/v1/credentials/status/{id}`.
    public func statusURL(certificateID: String) -> String {
        baseURL + "/api/v1/credentials/status/" + Self.pathSegment(certificateID)
    }

    /// The public page describing a certification programme, the achievement's `id`: `{base}/programs/{id}`.
    public func programURL(programID: String) -> String {
        baseURL + "/programs/" + Self.pathSegment(programID)
    }

    /// The profile document to serve at `id` as `application/ld+json` (an Open Badges 3.0 `Profile`), naming the
    /// key set and listing `keys` (current first) as verification methods: each a `JsonWebKey` whose `id` is the
    /// key's URL, the `kid` credentials signed with it carry.
    public func documentJSON(keys: [IssuerPublicKey] = []) -> Data {
        let methods = keys.map { key in
            CredentialPayload.VerificationMethod(id: keyURL(thumbprint: key.thumbprint), controller: id,
                                                 publicKeyJwk: key.publicJWK)
        }
        return CredentialPayload.encode(CredentialPayload.ProfileDocument(
            profile: profile, keySetURL: keySetURL, verificationMethod: methods))
    }

    /// The published form of `keys`: each key under its URL as `kid` (credentials signed from now on) and again
    /// under its bare thumbprint (the `kid` of credentials signed before key URLs were used), so that a library
    /// that picks a key from the set by exact `kid` finds it for either.
    public func publishedKeySet(_ keys: [IssuerPublicKey]) -> JSONWebKeySet {
        var seen = Set<String>()
        var published: [IssuerPublicKey] = []
        for key in keys where seen.insert(key.thumbprint).inserted {
            published.append(key.named(keyURL(thumbprint: key.thumbprint)))
            published.append(key.named(key.thumbprint))
        }
        return JSONWebKeySet(keys: published)
    }

    var profile: CredentialPayload.Profile {
        CredentialPayload.Profile(id: id, type: ["Profile"], name: name, url: baseURL + "/", email: email)
    }

    private static func pathSegment(_ value: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
