import Foundation

/// The claims of an ID token or a userinfo answer.
public struct OIDCClaims: Sendable, Equatable {
    public var values: [String: JSONValue]

    public init(values: [String: JSONValue]) { self.values = values }

    public init(json: [UInt8]) throws(IDTokenError) {
        guard let values = try? JSONDecoder().decode([String: JSONValue].self, from: Data(json)) else {
            throw .malformed("the claims are not a JSON object")
        }
        self.values = values
    }

    public subscript(_ name: String) -> JSONValue? { values[name] }

    /// A claim as text (numbers in decimal, the first of several values); nil when absent or empty.
    public func text(_ name: String) -> String? {
        guard let text = values[name]?.text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    public func number(_ name: String) -> Double? {
        if case .number(let number)? = values[name] { return number }
        return nil
    }

    /// The audience: one string or an array of strings.
    public var audience: [String] {
        switch values["aud"] {
        case .string(let one)?: [one]
        case .array(let many)?: many.compactMap { if case .string(let text) = $0 { text } else { nil } }
        default: []
        }
    }
}

/// Why an ID token was not accepted.
public enum IDTokenError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed(String)
    case signature(JWSError)
    case wrongIssuer(String?)
    case wrongAudience([String])
    case wrongAuthorizedParty(String?)
    case expired(Double)
    case notYetValid
    case issuedInTheFuture
    case wrongNonce
    case noSubject

    public var description: String {
        switch self {
        case .malformed(let why): "malformed ID token: \(why)"
        case .signature(let error): error.description
        case .wrongIssuer(let issuer): "issued by \(issuer ?? "nobody") instead of the configured issuer"
        case .wrongAudience(let audience): "issued for \(audience) instead of this client"
        case .wrongAuthorizedParty(let azp): "authorised party \(azp ?? "missing") is not this client"
        case .expired(let at): "expired at \(Int64(at))"
        case .notYetValid: "not valid yet (nbf)"
        case .issuedInTheFuture: "issued in the future (iat)"
        case .wrongNonce: "the nonce is not the one this sign-in sent"
        case .noSubject: "no subject (sub)"
        }
    }
}

/// Checks an ID token (OpenID Connect Core §3.1.3.7): the signature against the provider's keys, the issuer, the
/// audience (and the authorised party when there are several audiences), expiry and issue time with at most
/// `allowedSkew` seconds of clock difference, and the nonce this sign-in sent.
public struct IDTokenValidator: Sendable {
    public var issuer: String
    public var clientID: String
    public var allowedSkew: Double = 60
    /// ID tokens issued longer ago than this are refused even when not expired (a replayed old token).
    public var maximumAge: Double = 24 * 3600

    public init(issuer: String, clientID: String) {
        self.issuer = issuer
        self.clientID = clientID
    }

    /// The claims of a valid token; `now` is the current time (seconds since 1970).
    public func validate(_ token: String, keys: [JSONWebKey], nonce: String, now: Double) throws(IDTokenError) -> OIDCClaims {
        let jws: JWS
        do { jws = try JWS(compact: token) } catch { throw .signature(error) }
        do { try jws.verify(keys: keys) } catch { throw .signature(error) }
        let claims = try OIDCClaims(json: jws.payload)
        guard claims.text("iss") == issuer else { throw .wrongIssuer(claims.text("iss")) }
        guard claims.text("sub") != nil else { throw .noSubject }
        let audience = claims.audience
        guard audience.contains(clientID) else { throw .wrongAudience(audience) }
        let azp = claims.text("azp")
        if audience.count > 1 || azp != nil, azp != clientID { throw .wrongAuthorizedParty(azp) }
        guard let exp = claims.number("exp") else { throw .malformed("no expiry (exp)") }
        guard now < exp + allowedSkew else { throw .expired(exp) }
        guard let iat = claims.number("iat") else { throw .malformed("no issue time (iat)") }
        guard iat <= now + allowedSkew else { throw .issuedInTheFuture }
        guard iat >= now - maximumAge - allowedSkew else { throw .expired(exp) }
        if let nbf = claims.number("nbf"), nbf > now + allowedSkew { throw .notYetValid }
        guard let sent = claims.text("nonce"), Tokens.digest(sent) == Tokens.digest(nonce) else { throw .wrongNonce }
        return claims
    }
}
