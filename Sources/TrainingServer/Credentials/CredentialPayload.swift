import Foundation

/// The JSON of a signed credential: the OpenBadgeCredential itself with the JWT claims of OB 3.0 §8.2.4.1
/// (`iss`, `sub`, `nbf`, `exp`, `jti`) beside its members. Encoded with sorted keys, so equal input gives
/// byte-identical JSON and therefore an identical RS256 signature.
struct CredentialPayload: Encodable {
    static let contexts = [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]

    struct Profile: Encodable, Equatable {
        var id: String
        var type: [String]
        var name: String
        var url: String
        var email: String?
    }

    /// A public key as a W3C controller document lists it (`verificationMethod`, type `JsonWebKey`).
    struct VerificationMethod: Encodable, Equatable {
        var id: String
        var type = "JsonWebKey"
        var controller: String
        var publicKeyJwk: [String: String]
    }

    /// The profile served at the issuer's id: the same members plus `@context`, the key set's URL (`jwks_uri`,
    /// as in OAuth and OpenID metadata) and the issuer's keys as `verificationMethod`s, also listed under
    /// `assertionMethod` (keys the issuer signs credentials with).
    struct ProfileDocument: Encodable {
        var profile: Profile
        var keySetURL: String
        var verificationMethod: [VerificationMethod]

        enum CodingKeys: String, CodingKey {
            case context = "@context", id, type, name, url, email, jwksURI = "jwks_uri", verificationMethod
            case assertionMethod
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(CredentialPayload.contexts, forKey: .context)
            try container.encode(profile.id, forKey: .id)
            try container.encode(profile.type, forKey: .type)
            try container.encode(profile.name, forKey: .name)
            try container.encode(profile.url, forKey: .url)
            try container.encodeIfPresent(profile.email, forKey: .email)
            try container.encode(keySetURL, forKey: .jwksURI)
            if !verificationMethod.isEmpty {
                try container.encode(verificationMethod, forKey: .verificationMethod)
                try container.encode(verificationMethod.map(\.id), forKey: .assertionMethod)
            }
        }
    }

    struct IdentityObject: Encodable, Equatable {
        var type = "IdentityObject"
        var identityType: String
        var hashed: Bool
        var identityHash: String
        var salt: String?
    }

    struct Criteria: Encodable, Equatable {
        var narrative: String
    }

    struct Achievement: Encodable, Equatable {
        var id: String
        var type = ["Achievement"]
        var achievementType = "Certification"
        var name: String
        var description: String
        var criteria: Criteria
        var inLanguage: String?

        /// The achievement `badge` of `issuer`, its `id` the programme page.
        init(_ badge: BadgeAchievement, issuer: IssuerProfile) {
            id = issuer.programURL(programID: badge.programID)
            name = badge.name
            description = badge.description
            criteria = Criteria(narrative: badge.criteria)
            inLanguage = badge.language.flatMap(CredentialPayload.languageTag)
        }
    }

    /// An achievement published on its own at its `id`: its members plus `@context`.
    struct AchievementDocument: Encodable {
        var achievement: Achievement

        enum CodingKeys: String, CodingKey {
            case context = "@context", id, type, achievementType, name, description, criteria, inLanguage
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(CredentialPayload.contexts, forKey: .context)
            try container.encode(achievement.id, forKey: .id)
            try container.encode(achievement.type, forKey: .type)
            try container.encode(achievement.achievementType, forKey: .achievementType)
            try container.encode(achievement.name, forKey: .name)
            try container.encode(achievement.description, forKey: .description)
            try container.encode(achievement.criteria, forKey: .criteria)
            try container.encodeIfPresent(achievement.inLanguage, forKey: .inLanguage)
        }
    }

    struct Subject: Encodable, Equatable {
        var id: String
        var type = ["AchievementSubject"]
        var identifier: [IdentityObject]
        var achievement: Achievement
    }

    struct Status: Encodable, Equatable {
        var id: String
        var type = "1EdTechRevocationList"
    }

    var context = CredentialPayload.contexts
    var id: String
    var type = ["VerifiableCredential", "OpenBadgeCredential"]
    var name: String
    var description: String
    var issuer: Profile
    var validFrom: String
    var validUntil: String?
    var credentialSubject: Subject
    var credentialStatus: Status
    var iss: String
    var sub: String
    var nbf: Int64
    var exp: Int64?
    var jti: String

    enum CodingKeys: String, CodingKey {
        case context = "@context"
        case id, type, name, description, issuer, validFrom, validUntil, credentialSubject, credentialStatus
        case iss, sub, nbf, exp, jti
    }

    /// JSON with sorted keys and unescaped slashes. The members are strings, numbers, booleans and arrays of
    /// them, which JSONEncoder always encodes.
    static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)) ?? Data()
    }

    /// A BCP 47 tag in the case the OB 3.0 schema expects (`zh-Hans-CN`), or nil when it is not of the
    /// language[-Script][-Region] form the schema accepts.
    static func languageTag(_ tag: String) -> String? {
        let parts = tag.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, (2...4).contains(first.count), parts.count <= 3 else { return nil }
        var result = [first.lowercased()]
        for part in parts.dropFirst() {
            if part.count == 4, part.allSatisfy(\.isLetter) {
                result.append(part.prefix(1).uppercased() + part.dropFirst().lowercased())
            } else {
                result.append(part.uppercased())
            }
        }
        let candidate = result.joined(separator: "-")
        let pattern = #"^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$"#
        guard candidate.allSatisfy(\.isASCII), candidate.range(of: pattern, options: .regularExpression) != nil else {
            return nil
        }
        return candidate
    }
}
