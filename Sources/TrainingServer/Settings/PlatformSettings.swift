import Assessment
import Foundation

/// The platform's own identity as administrators set it at `/admin/settings`: the organisation's name and logo,
/// the accent colour of the header, the issuer name and seal that certificates and credentials carry, and the help
/// contact shown on the sign-in and error pages. Every field may be unset; pages then show what they showed before
/// (the product name alone, the shipped colour, the configured issuer name, no contact).
public struct PlatformSettings: Sendable, Equatable {
    /// The organisation's name, shown beside the product name.
    public var organisationName: LocalizedText
    /// The organisation's logo (SVG or PNG), shown before its name in the header.
    public var logo: BrandImage?
    /// The header and brand colour.
    public var accent: AccentColour
    /// The issuing body certificates and credentials name; unset: the configured issuer name.
    public var issuerName: LocalizedText
    /// The seal printed on certificates.
    public var seal: BrandImage?
    /// Whom people ask for help (a forgotten password, a locked account).
    public var help: HelpContactSettings
    /// The issuer name the server was started with (`ApplicationConfiguration.issuerName`), used while no issuer
    /// name is set; not stored.
    public var configuredIssuerName: String

    public init(organisationName: LocalizedText = LocalizedText(), logo: BrandImage? = nil,
                accent: AccentColour = .standard, issuerName: LocalizedText = LocalizedText(), seal: BrandImage? = nil,
                help: HelpContactSettings = HelpContactSettings(), configuredIssuerName: String = "") {
        self.organisationName = organisationName
        self.logo = logo
        self.accent = accent
        self.issuerName = issuerName
        self.seal = seal
        self.help = help
        self.configuredIssuerName = configuredIssuerName
    }

    /// The organisation's name in `language` (the other language when only that one is set); nil when unset.
    public func organisationName(_ language: Language) -> String? {
        let text = organisationName.text(in: language)
        return text.isEmpty ? nil : text
    }

    /// The issuer's name in `language` (the other language when only that one is set; the configured name when
    /// neither is); nil when there is none at all.
    public func issuerName(_ language: Language) -> String? {
        let text = issuerName.text(in: language)
        if !text.isEmpty { return text }
        return configuredIssuerName.isEmpty ? nil : configuredIssuerName
    }

    /// The issuer name credentials carry: both languages, Chinese first (`中文名 / English name`), one when only
    /// one is set, the configured name when neither is.
    public var credentialIssuerName: String {
        let names = [issuerName.zh, issuerName.en].compactMap { $0 }.filter { !$0.isEmpty }
        return names.isEmpty ? configuredIssuerName : names.joined(separator: " / ")
    }

    /// The help contact in `language` (office in that language, else the other), or nil when none is set.
    public func helpContact(_ language: Language) -> HelpContact? {
        let office = help.office.text(in: language)
        let contact = HelpContact(phone: help.phone.isEmpty ? nil : help.phone,
                                  email: help.email.isEmpty ? nil : help.email,
                                  office: office.isEmpty ? nil : office)
        return contact.isEmpty ? nil : contact
    }
}

/// The help contact as stored: a phone number and an e-mail address (the same in both languages) and an office
/// (where to go, when) in each language.
public struct HelpContactSettings: Sendable, Equatable {
    public var phone: String
    public var email: String
    public var office: LocalizedText

    public init(phone: String = "", email: String = "", office: LocalizedText = LocalizedText()) {
        self.phone = phone
        self.email = email
        self.office = office
    }
}

/// The help contact in one language, as pages show it.
public struct HelpContact: Sendable, Equatable {
    public var phone: String?
    public var email: String?
    public var office: String?

    public init(phone: String? = nil, email: String? = nil, office: String? = nil) {
        self.phone = phone
        self.email = email
        self.office = office
    }

    /// Whether nothing is set.
    public var isEmpty: Bool { phone == nil && email == nil && office == nil }
}

/// An uploaded image (logo or seal) as stored: addressed by the SHA-256 of its bytes, so its URL changes with its
/// content and may be cached for a year.
public struct BrandImage: Sendable, Equatable, Hashable {
    public enum Format: String, Sendable, CaseIterable {
        case png
        case svg

        public var contentType: String {
            switch self {
            case .png: "image/png"
            case .svg: "image/svg+xml"
            }
        }
    }

    /// Lower-case hex SHA-256 of the bytes.
    public var digest: String
    public var format: Format

    public init(digest: String, format: Format) {
        self.digest = digest
        self.format = format
    }

    /// The stored form (`<digest>.<png|svg>`), also the last segment of its URL; nil when `name` is not one.
    public init?(fileName name: String) {
        let parts = name.split(separator: ".")
        guard parts.count == 2, let format = Format(rawValue: String(parts[1])), parts[0].count == 64,
              parts[0].allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { return nil }
        self.init(digest: String(parts[0]), format: format)
    }

    public var fileName: String { "\(digest).\(format.rawValue)" }
    /// Where the image is served, with a year's cache lifetime.
    public var url: String { "/branding/\(fileName)" }
    /// How the audit log names it.
    public var auditValue: String { "sha256:\(digest)" }
}
