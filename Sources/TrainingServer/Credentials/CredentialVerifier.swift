import Foundation

/// Verifies an Open Badges 3.0 VC-JWT offline, following OB 3.0 §8.2.6 and §9.1: RS256 signature under a key
/// from the issuer's key set, JWT claims that agree with the credential, revocation, then the validity period.
///
/// The key comes only from the key set, by `kid`: a `jwk` in the header is never trusted, and any algorithm but
/// RS256 (`none`, HMAC `HS256` keyed with the public key, ...) is refused before a signature is looked at.
public struct CredentialVerifier: Sendable {
    /// Looks up whether the issuer revoked a credential whose signature checked out (by its `credentialID` or
    /// `statusID`); nil when it was not.
    public typealias RevocationLookup = @Sendable (CredentialClaims) throws -> CredentialRevocation?

    /// The keys the issuer publishes.
    public var keys: JSONWebKeySet
    /// The revocation source; without one, `valid` results say that revocation was not checked.
    public var revocation: RevocationLookup?

    /// A verifier trusting `keys`, asking `revocation` (when given) about each genuine credential.
    public init(keys: JSONWebKeySet, revocation: RevocationLookup? = nil) {
        self.keys = keys
        self.revocation = revocation
    }

    /// Verifies `token` (surrounding whitespace ignored) as of `now`.
    public func verify(_ token: String, now: Date) -> CredentialVerification {
        let text = token.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let jws = CompactJWS(parsing: text) else {
            return .invalid(.malformed("expected a compact JWT, three base64url parts separated by dots"), claims: nil)
        }
        guard let header = try? JSONSerialization.jsonObject(with: jws.header) as? [String: Any] else {
            return .invalid(.malformed("the JWT header is not a JSON object"), claims: nil)
        }
        guard let algorithm = header["alg"] as? String else {
            return .invalid(.unsupportedAlgorithm("none"), claims: nil)
        }
        guard algorithm == "RS256" else {
            return .invalid(.unsupportedAlgorithm(algorithm), claims: nil)
        }
        if header["crit"] != nil {
            return .invalid(.malformed("the JWT header lists critical extensions this verifier does not implement"),
                            claims: nil)
        }
        if let type = header["typ"], (type as? String)?.uppercased() != "JWT" {
            return .invalid(.malformed("the JWT header type is not \"JWT\""), claims: nil)
        }
        guard let keyID = header["kid"] as? String else {
            return .invalid(.unknownKey(nil), claims: nil)
        }
        guard let key = keys.key(withID: keyID) else {
            return .invalid(.unknownKey(keyID), claims: nil)
        }
        guard !jws.signature.isEmpty, key.isValidRS256Signature(jws.signature, for: jws.signingInput) else {
            return .invalid(.badSignature, claims: nil)
        }
        let claims: CredentialClaims
        do {
            claims = try Self.claims(from: jws.payload, keyID: keyID)
        } catch {
            return .invalid(error, claims: nil)
        }
        if let revocation {
            do {
                if let revoked = try revocation(claims) {
                    return .invalid(.revoked(revoked), claims: claims)
                }
            } catch {
                return .invalid(.statusUnavailable(String(describing: error)), claims: claims)
            }
        }
        if now < claims.validFrom {
            return .invalid(.notYetValid(claims.validFrom), claims: claims)
        }
        if let validUntil = claims.validUntil, now >= validUntil {
            return .invalid(.expired(validUntil), claims: claims)
        }
        return .valid(claims, revocationChecked: revocation != nil)
    }

    /// Reads the credential from a payload whose signature is already known to be the issuer's, checking the
    /// structure OB 3.0 requires and that each JWT claim matches the member it stands for.
    static func claims(from payload: Data, keyID: String) throws(CredentialVerificationFailure) -> CredentialClaims {
        guard let json = try? JSONSerialization.jsonObject(with: payload) as? [String: Any] else {
            throw .malformed("the JWT payload is not a JSON object")
        }
        let contexts = json["@context"] as? [Any] ?? []
        guard contexts.first as? String == CredentialPayload.contexts[0],
              let openBadges = contexts.dropFirst().first as? String,
              openBadges.hasPrefix("https://purl.imsglobal.org/spec/ob/v3p0/context") else {
            throw .malformed("the @context is not that of a W3C VC 2.0 Open Badges 3.0 credential")
        }
        let types = Self.strings(json["type"])
        guard types.contains("VerifiableCredential"),
              types.contains("OpenBadgeCredential") || types.contains("AchievementCredential") else {
            throw .malformed("the type is not OpenBadgeCredential")
        }
        guard let credentialID = json["id"] as? String else { throw .malformed("the credential has no id") }
        let issuerProfile = json["issuer"] as? [String: Any]
        guard let issuerID = (json["issuer"] as? String) ?? (issuerProfile?["id"] as? String) else {
            throw .malformed("the credential names no issuer")
        }
        guard let subject = json["credentialSubject"] as? [String: Any] else {
            throw .malformed("the credential has no credentialSubject")
        }
        guard let validFromText = json["validFrom"] as? String, let validFrom = CredentialDate.parse(validFromText) else {
            throw .malformed("validFrom is missing or not a date-time")
        }
        var validUntil: Date?
        if let text = json["validUntil"] {
            guard let text = text as? String, let date = CredentialDate.parse(text) else {
                throw .malformed("validUntil is not a date-time")
            }
            validUntil = date
        }

        guard json["iss"] as? String == issuerID else {
            throw .inconsistentClaims("the JWT issuer (iss) is not the credential's issuer")
        }
        guard json["jti"] as? String == credentialID else {
            throw .inconsistentClaims("the JWT id (jti) is not the credential's id")
        }
        guard let subjectID = subject["id"] as? String, json["sub"] as? String == subjectID else {
            throw .inconsistentClaims("the JWT subject (sub) is not the credential subject's id")
        }
        guard let notBefore = Self.numericDate(json["nbf"]), abs(notBefore.timeIntervalSince(validFrom)) < 1 else {
            throw .inconsistentClaims("the JWT start (nbf) is not the credential's validFrom")
        }
        if let expiry = json["exp"] {
            guard let expiry = Self.numericDate(expiry) else {
                throw .inconsistentClaims("the JWT expiry (exp) is not a NumericDate")
            }
            if let validUntil, abs(expiry.timeIntervalSince(validUntil)) >= 1 {
                throw .inconsistentClaims("the JWT expiry (exp) is not the credential's validUntil")
            }
            validUntil = validUntil ?? expiry
        }

        let achievement = subject["achievement"] as? [String: Any]
        let identifiers = subject["identifier"] as? [[String: Any]] ?? []
        let holderName = identifiers.first {
            $0["identityType"] as? String == "name" && $0["hashed"] as? Bool == false
        }?["identityHash"] as? String
        let status = json["credentialStatus"] as? [String: Any]
        return CredentialClaims(
            credentialID: credentialID, issuerID: issuerID, issuerName: issuerProfile?["name"] as? String,
            subjectID: subjectID, holderName: holderName,
            achievementID: achievement?["id"] as? String, achievementName: achievement?["name"] as? String,
            validFrom: validFrom, validUntil: validUntil,
            statusID: status?["id"] as? String, statusType: status?["type"] as? String, keyID: keyID)
    }

    private static func strings(_ value: Any?) -> [String] {
        if let single = value as? String { return [single] }
        return (value as? [Any])?.compactMap { $0 as? String } ?? []
    }

    private static func numericDate(_ value: Any?) -> Date? {
        guard let seconds = (value as? NSNumber)?.doubleValue, seconds.isFinite else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }
}
