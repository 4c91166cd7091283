import Crypto
import Foundation
import Synchronization

/// What the provider's discovery document (`<issuer>/.well-known/openid-configuration`) says, as far as the code
/// flow needs it.
public struct OIDCMetadata: Sendable, Equatable, Decodable {
    public var issuer: String
    public var authorizationEndpoint: String
    public var tokenEndpoint: String
    public var jwksURI: String
    public var userinfoEndpoint: String?
    public var endSessionEndpoint: String?

    enum CodingKeys: String, CodingKey {
        case issuer
        case authorizationEndpoint = "authorization_endpoint"
        case tokenEndpoint = "token_endpoint"
        case jwksURI = "jwks_uri"
        case userinfoEndpoint = "userinfo_endpoint"
        case endSessionEndpoint = "end_session_endpoint"
    }
}

/// Why talking to the provider failed.
public enum OIDCProviderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The provider could not be reached or answered nonsense (the sign-in can be tried again later).
    case unavailable(String)
    /// The provider refused the request (`error` and `error_description` of an OAuth error answer).
    case refused(error: String, description: String?)

    public var description: String {
        switch self {
        case .unavailable(let why): "provider unavailable: \(why)"
        case .refused(let error, let description): "provider refused: \(error)\(description.map { " (\($0))" } ?? "")"
        }
    }
}

/// The answer of the token endpoint.
public struct OIDCTokenResponse: Sendable, Decodable {
    public var idToken: String
    public var accessToken: String?
    public var tokenType: String?

    enum CodingKeys: String, CodingKey {
        case idToken = "id_token"
        case accessToken = "access_token"
        case tokenType = "token_type"
    }
}

/// One OpenID Connect provider as the platform knows it: its discovery document and its signing keys, fetched over
/// HTTPS (`CurlHTTPClient`: verified certificates, no redirects) and cached. The discovery document is kept for an
/// hour and fetched again after that (a failed fetch keeps the old one and is not retried for `retryDelay`); its
/// `issuer` must be the configured one. The key set is fetched again when a token names a key it does not have, at
/// most once per `keyRefetchInterval`, so tokens with made-up key ids cannot make the platform hammer the provider.
public final class OIDCProvider: Sendable {
    public let issuer: String
    let client: CurlHTTPClient
    let metadataLifetime: Double = 3600
    let retryDelay: Double = 10
    let keyRefetchInterval: Double = 60

    private struct State {
        var metadata: OIDCMetadata?
        var metadataFetchedAt = -Double.infinity
        var metadataFailedAt = -Double.infinity
        var keys: [JSONWebKey]?
        var keysFetchedAt = -Double.infinity
    }

    private let state = Mutex(State())

    public init(issuer: String, caFile: String?) {
        self.issuer = issuer
        self.client = CurlHTTPClient(caFile: caFile, timeout: 10, maximumBytes: 512 * 1024)
    }

    private static let shared = Mutex<[String: OIDCProvider]>([:])

    /// The one provider object per issuer and CA file in this process, so the sign-in and sign-out share its caches.
    public static func shared(for settings: OIDCSettings) -> OIDCProvider {
        let key = "\(settings.issuer)\n\(settings.caFile ?? "")"
        return shared.withLock { providers in
            if let known = providers[key] { return known }
            let provider = OIDCProvider(issuer: settings.issuer, caFile: settings.caFile)
            providers[key] = provider
            return provider
        }
    }

    /// The discovery document, from the cache while it is fresh.
    public func metadata(now: Double) throws(OIDCProviderError) -> OIDCMetadata {
        let cached = state.withLock { state -> (OIDCMetadata?, Bool) in
            let fresh = now - state.metadataFetchedAt < metadataLifetime
            let waiting = now - state.metadataFailedAt < retryDelay
            return (state.metadata, fresh || waiting)
        }
        if let metadata = cached.0, cached.1 { return metadata }
        if cached.0 == nil, cached.1 { throw .unavailable("discovery failed moments ago; not tried again yet") }
        do {
            let metadata = try fetchMetadata()
            state.withLock { state in
                state.metadata = metadata
                state.metadataFetchedAt = now
            }
            return metadata
        } catch {
            state.withLock { $0.metadataFailedAt = now }
            if let stale = cached.0 { return stale }
            throw error
        }
    }

    private func fetchMetadata() throws(OIDCProviderError) -> OIDCMetadata {
        // OpenID Connect Discovery §4: a trailing slash of the issuer is left out before the well-known path.
        let url = (issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer) + "/.well-known/openid-configuration"
        let body = try get(url, headers: ["Accept: application/json"])
        guard let metadata = try? JSONDecoder().decode(OIDCMetadata.self, from: Data(body)) else {
            throw .unavailable("the discovery document at \(url) lacks the endpoints of the code flow")
        }
        guard metadata.issuer == issuer else {
            throw .unavailable("the discovery document names the issuer \(metadata.issuer), not \(issuer)")
        }
        for endpoint in [metadata.authorizationEndpoint, metadata.tokenEndpoint, metadata.jwksURI]
        where !endpoint.lowercased().hasPrefix("https://") {
            throw .unavailable("the provider's endpoint \(endpoint) is not https")
        }
        return metadata
    }

    /// The signing keys; `refresh` asks for the set again (when a token names an unknown key), which happens at most
    /// once per `keyRefetchInterval`.
    public func keys(now: Double, refresh: Bool = false) throws(OIDCProviderError) -> [JSONWebKey] {
        let cached = state.withLock { state -> ([JSONWebKey]?, Bool) in
            (state.keys, now - state.keysFetchedAt < keyRefetchInterval)
        }
        if let keys = cached.0, !refresh || cached.1 { return keys }
        if cached.0 == nil, cached.1 { throw .unavailable("the key set could not be fetched moments ago") }
        let url = try metadata(now: now).jwksURI
        // Counted as a fetch whether or not it succeeds: a failing provider is not asked again at once.
        state.withLock { $0.keysFetchedAt = now }
        let body = try get(url, headers: ["Accept: application/json"])
        let keys: [JSONWebKey]
        do { keys = try JSONWebKey.set(from: body) } catch { throw .unavailable("the key set at \(url): \(error)") }
        state.withLock { $0.keys = keys }
        return keys
    }

    /// Exchanges the authorization code (with the PKCE verifier) for tokens; the client authenticates with HTTP Basic
    /// (client_secret_basic, RFC 6749 §2.3.1).
    public func exchange(code: String, verifier: String, settings: OIDCSettings, redirectURI: String,
                         now: Double) throws(OIDCProviderError) -> OIDCTokenResponse {
        let url = try metadata(now: now).tokenEndpoint
        let credentials = CurlHTTPClient.formEncode(settings.clientID) + ":" + CurlHTTPClient.formEncode(settings.clientSecret)
        let authorization = "Authorization: Basic " + Data(credentials.utf8).base64EncodedString()
        let answer: HTTPClientResponse
        do {
            answer = try client.post(url, form: [("grant_type", "authorization_code"), ("code", code),
                                                 ("redirect_uri", redirectURI), ("code_verifier", verifier)],
                                     headers: [authorization, "Accept: application/json"])
        } catch {
            throw .unavailable("token request to \(url): \(error)")
        }
        let body = try Self.body(of: answer, from: url)
        guard let tokens = try? JSONDecoder().decode(OIDCTokenResponse.self, from: Data(body)) else {
            throw .unavailable("the token answer from \(url) has no id_token")
        }
        return tokens
    }

    /// The userinfo claims for an access token (when the ID token lacks the ones the platform maps).
    public func userinfo(accessToken: String, now: Double) throws(OIDCProviderError) -> OIDCClaims? {
        guard let url = try metadata(now: now).userinfoEndpoint else { return nil }
        let body = try get(url, headers: ["Authorization: Bearer \(accessToken)", "Accept: application/json"])
        do { return try OIDCClaims(json: body) } catch { throw .unavailable("the userinfo answer from \(url) is not JSON claims") }
    }

    /// GETs `url` and returns the body of its 200 answer.
    private func get(_ url: String, headers: [String]) throws(OIDCProviderError) -> [UInt8] {
        let answer: HTTPClientResponse
        do { answer = try client.get(url, headers: headers) } catch { throw .unavailable("\(url): \(error)") }
        return try Self.body(of: answer, from: url)
    }

    /// The body of a 200 answer; an OAuth error answer becomes `.refused`, anything else `.unavailable`.
    private static func body(of answer: HTTPClientResponse, from url: String) throws(OIDCProviderError) -> [UInt8] {
        struct OAuthError: Decodable {
            var error: String
            var errorDescription: String?
            enum CodingKeys: String, CodingKey { case error, errorDescription = "error_description" }
        }
        if answer.status == 200 { return answer.body }
        if (400..<500).contains(answer.status), let refusal = try? JSONDecoder().decode(OAuthError.self, from: Data(answer.body)) {
            throw .refused(error: refusal.error, description: refusal.errorDescription)
        }
        throw .unavailable("\(url) answered with status \(answer.status)")
    }

    /// The S256 PKCE challenge for a verifier (RFC 7636 §4.2).
    public static func challenge(for verifier: String) -> String {
        Base64URL.encode(Data(SHA256.hash(data: Array(verifier.utf8))))
    }
}
