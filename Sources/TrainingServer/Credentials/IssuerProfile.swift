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

    /// The profile document to serve at `id` as `application/ld+json` (an Open Badges 3.0 `Profile`).
    public func documentJSON() -> Data {
        CredentialPayload.encode(CredentialPayload.ProfileDocument(profile: profile))
    }

    var profile: CredentialPayload.Profile {
        CredentialPayload.Profile(id: id, type: ["Profile"], name: name, url: baseURL + "/", email: email)
    }

    private static func pathSegment(_ value: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
