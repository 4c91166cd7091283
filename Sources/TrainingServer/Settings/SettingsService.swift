import Assessment
import Foundation
import Synchronization

/// Reads and changes the platform's settings (`PlatformSettings`). Pages read them on every request through a
/// small cache: this instance's own changes replace it at once; another instance's (or a command's) are noticed on
/// the next request through the `ChangeStamp` file every committed change touches (a server reads it at most once per
/// `ChangeStampWatch.serverInterval`, so under load within that interval); anything else (an SQL edit by hand) after at
/// most `lifetime` seconds.
public final class SettingsService: Sendable {
    /// The stored keys.
    public enum Key {
        public static let organisationZh = "organisation.name.zh"
        public static let organisationEn = "organisation.name.en"
        public static let logo = "organisation.logo"
        public static let accent = "theme.accent"
        public static let issuerZh = "issuer.name.zh"
        public static let issuerEn = "issuer.name.en"
        public static let seal = "issuer.seal"
        public static let helpPhone = "help.phone"
        public static let helpEmail = "help.email"
        public static let helpOfficeZh = "help.office.zh"
        public static let helpOfficeEn = "help.office.en"
    }

    /// Longest organisation or issuer name (characters).
    public static let maximumNameLength = 100
    /// Longest office text (characters).
    public static let maximumOfficeLength = 200
    /// Longest phone number (characters).
    public static let maximumPhoneLength = 40
    /// Longest e-mail address (characters).
    public static let maximumEmailLength = 254

    /// The settings read last, kept as one object: a page's read copies one reference under the lock.
    final class Cached: Sendable {
        let settings: PlatformSettings
        /// The change stamp's generation (`ChangeStampWatch`) they were read under.
        let stamp: UInt64
        let readAt: Double

        init(settings: PlatformSettings, stamp: UInt64, readAt: Double) {
            self.settings = settings
            self.stamp = stamp
            self.readAt = readAt
        }
    }

    let repository: any SettingsRepository
    let changes: ChangeStampWatch?
    /// Seconds a read is trusted when the stamp has not moved.
    public let lifetime: Double
    let clock: @Sendable () -> Double
    /// The issuer name the server was started with, in force while none is set.
    public let configuredIssuerName: String
    private let cache = Mutex<Cached?>(nil)

    /// `stampInterval`: seconds a reading of the change stamp stands (see `ChangeStampWatch`; 0 reads it on every
    /// `current()`).
    public init(repository: any SettingsRepository, changes: (any ChangeSignal)?, configuredIssuerName: String,
                lifetime: Double = 30, stampInterval: Double = 0,
                clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.configuredIssuerName = configuredIssuerName
        self.repository = repository
        self.changes = changes.map { ChangeStampWatch($0, interval: stampInterval) }
        self.lifetime = lifetime
        self.clock = clock
    }

    /// The settings in force: from the cache unless another instance changed them or the entry is older than
    /// `lifetime`. When the database cannot be read, the last values read (or none: the shipped defaults), so a
    /// page never fails for want of its header.
    public func current() -> PlatformSettings {
        read(stamp: changes?.generation ?? 0)
    }

    /// The settings in force, the change stamp's generation being `stamp`.
    private func read(stamp: UInt64) -> PlatformSettings {
        let now = clock()
        if let cached = cache.withLock({ $0 }), cached.stamp == stamp, now - cached.readAt < lifetime {
            return cached.settings
        }
        guard let values = try? repository.values() else {
            return cache.withLock { $0?.settings } ?? PlatformSettings(configuredIssuerName: configuredIssuerName)
        }
        var settings = Self.settings(from: values)
        settings.configuredIssuerName = configuredIssuerName
        let cached = Cached(settings: settings, stamp: stamp, readAt: now)
        cache.withLock { $0 = cached }
        return settings
    }

    /// The bytes of a logo or seal the settings name now or named recently (nil when unknown).
    public func imageData(_ image: BrandImage) throws -> [UInt8]? {
        try repository.image(digest: image.digest)
    }

    /// The settings stored as `values`; a value that does not parse is taken as unset.
    public static func settings(from values: [String: String]) -> PlatformSettings {
        func text(_ key: String) -> String? { values[key].flatMap { $0.isEmpty ? nil : $0 } }
        return PlatformSettings(
            organisationName: LocalizedText(zh: text(Key.organisationZh), en: text(Key.organisationEn)),
            logo: text(Key.logo).flatMap(BrandImage.init(fileName:)),
            accent: text(Key.accent).flatMap(AccentColour.init(rawValue:)) ?? .standard,
            issuerName: LocalizedText(zh: text(Key.issuerZh), en: text(Key.issuerEn)),
            seal: text(Key.seal).flatMap(BrandImage.init(fileName:)),
            help: HelpContactSettings(phone: text(Key.helpPhone) ?? "", email: text(Key.helpEmail) ?? "",
                                      office: LocalizedText(zh: text(Key.helpOfficeZh), en: text(Key.helpOfficeEn))))
    }

    /// The stored form of `settings` (unset fields absent).
    public static func values(of settings: PlatformSettings) -> [String: String] {
        var values: [String: String] = [:]
        func set(_ key: String, _ value: String?) {
            if let value, !value.isEmpty { values[key] = value }
        }
        set(Key.organisationZh, settings.organisationName.zh)
        set(Key.organisationEn, settings.organisationName.en)
        set(Key.logo, settings.logo?.fileName)
        if settings.accent != .standard { set(Key.accent, settings.accent.rawValue) }
        set(Key.issuerZh, settings.issuerName.zh)
        set(Key.issuerEn, settings.issuerName.en)
        set(Key.seal, settings.seal?.fileName)
        set(Key.helpPhone, settings.help.phone)
        set(Key.helpEmail, settings.help.email)
        set(Key.helpOfficeZh, settings.help.office.zh)
        set(Key.helpOfficeEn, settings.help.office.en)
        return values
    }

    /// Checks `input` against the settings now, and stores what changed with one audit entry (`settings.update`,
    /// each changed key's old and new value in its details, images by digest). Nothing is stored when any field
    /// is refused (`SettingsRejection`). Returns the keys that changed (empty: nothing to store).
    @discardableResult
    public func update(_ input: SettingsInput, by actor: AuditActor) throws -> [String] {
        var before = Self.settings(from: try repository.values())
        before.configuredIssuerName = configuredIssuerName
        var problems: [SettingsProblem] = []
        var after = before
        func name(_ value: String, field: String) -> String? {
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.firstControlCharacter != nil {
                problems.append(SettingsProblem(field: field, key: "admin.settings.error.control"))
            } else if trimmed.count > Self.maximumNameLength {
                problems.append(SettingsProblem(field: field, key: "admin.settings.error.too_long",
                                                arguments: ["limit": String(Self.maximumNameLength)]))
            }
            return trimmed.isEmpty ? nil : trimmed
        }
        after.organisationName = LocalizedText(zh: name(input.organisationZh, field: "organisation_zh"),
                                               en: name(input.organisationEn, field: "organisation_en"))
        after.issuerName = LocalizedText(zh: name(input.issuerZh, field: "issuer_zh"),
                                         en: name(input.issuerEn, field: "issuer_en"))
        if let accent = AccentColour(rawValue: input.accent) {
            after.accent = accent
        } else {
            problems.append(SettingsProblem(field: "accent-\(AccentColour.standard.rawValue)", key: "admin.settings.error.accent"))
        }
        let phone = input.phone.trimmingCharacters(in: .whitespacesAndNewlines)
        if !phone.isEmpty, !Self.isPhone(phone) {
            problems.append(SettingsProblem(field: "help_phone", key: "admin.settings.error.phone",
                                            arguments: ["limit": String(Self.maximumPhoneLength)]))
        }
        let email = input.email.trimmingCharacters(in: .whitespacesAndNewlines)
        if !email.isEmpty, !Self.isEmail(email) {
            problems.append(SettingsProblem(field: "help_email", key: "admin.settings.error.email"))
        }
        func office(_ value: String, field: String) -> String? {
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.firstControlCharacter != nil {
                problems.append(SettingsProblem(field: field, key: "admin.settings.error.control"))
            } else if trimmed.count > Self.maximumOfficeLength {
                problems.append(SettingsProblem(field: field, key: "admin.settings.error.too_long",
                                                arguments: ["limit": String(Self.maximumOfficeLength)]))
            }
            return trimmed.isEmpty ? nil : trimmed
        }
        after.help = HelpContactSettings(phone: phone, email: email,
                                         office: LocalizedText(zh: office(input.officeZh, field: "help_office_zh"),
                                                               en: office(input.officeEn, field: "help_office_en")))
        var uploads: [BrandImageUpload] = []
        func image(_ change: ImageChange, current: BrandImage?, field: String) -> BrandImage? {
            switch change {
            case .keep: return current
            case .remove: return nil
            case .upload(let bytes):
                do {
                    let upload = try BrandImageUpload.check(bytes)
                    uploads.append(upload)
                    return upload.image
                } catch {
                    problems.append(SettingsProblem(field: field, key: error.messageKey, arguments: error.messageArguments))
                    return current
                }
            }
        }
        after.logo = image(input.logo, current: before.logo, field: "logo")
        after.seal = image(input.seal, current: before.seal, field: "seal")
        guard problems.isEmpty else { throw SettingsRejection(problems: problems) }

        let old = Self.values(of: before)
        let new = Self.values(of: after)
        let changedKeys = Set(old.keys).union(new.keys).filter { old[$0] != new[$0] }.sorted()
        guard !changedKeys.isEmpty else { return [] }
        var details: [String: String] = [:]
        func audited(_ key: String, _ value: String?) -> String {
            guard let value else { return "" }
            if key == Key.logo || key == Key.seal { return BrandImage(fileName: value)?.auditValue ?? value }
            return value
        }
        for key in changedKeys {
            details["\(key).old"] = audited(key, old[key])
            details["\(key).new"] = audited(key, new[key])
        }
        let stored = Dictionary(uniqueKeysWithValues: changedKeys.map { ($0, new[$0]) })
        let now = clock()
        try repository.apply(stored, images: uploads.filter { upload in new.values.contains(upload.image.fileName) },
                             audit: AuditEvent(action: "settings.update", subject: "settings", details: details),
                             by: actor, at: now)
        // This instance shows the change at once (the stamp tells the others).
        let cached = Cached(settings: after, stamp: changes?.refresh() ?? 0, readAt: now)
        cache.withLock { $0 = cached }
        return changedKeys
    }

    /// Digits with spaces, `+`, `-`, `(`, `)`, `/`, `,`, `、` or `转` (an extension) between them; at most 40.
    static func isPhone(_ text: String) -> Bool {
        guard text.count <= maximumPhoneLength else { return false }
        let allowed = Set("0123456789 +-()/,、转")
        return text.allSatisfy { allowed.contains($0) } && text.contains { $0.isNumber }
    }

    /// One `@` with something before it and a domain with a dot after it; no spaces or control characters.
    static func isEmail(_ text: String) -> Bool {
        guard text.count <= maximumEmailLength, text.firstControlCharacter == nil,
              !text.contains(where: { $0.isWhitespace || "<>\"(),;:[]\\".contains($0) }) else { return false }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { return false }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty }
    }
}

/// The texts of the settings form, as typed (the same fields whether submitted or shown again).
public struct SettingsTexts: Sendable, Equatable {
    public var organisationZh = ""
    public var organisationEn = ""
    public var accent = AccentColour.standard.rawValue
    public var issuerZh = ""
    public var issuerEn = ""
    public var phone = ""
    public var email = ""
    public var officeZh = ""
    public var officeEn = ""

    public init() {}
}

/// What an administrator submitted on the settings form: its texts (`input.organisationZh`, ...) and what to do
/// with each image.
@dynamicMemberLookup
public struct SettingsInput: Sendable {
    public var texts = SettingsTexts()
    public var logo = ImageChange.keep
    public var seal = ImageChange.keep

    public init() {}

    public subscript(dynamicMember field: WritableKeyPath<SettingsTexts, String>) -> String {
        get { texts[keyPath: field] }
        set { texts[keyPath: field] = newValue }
    }
}

/// What to do with the logo or the seal.
public enum ImageChange: Sendable, Equatable {
    case keep
    case remove
    /// The uploaded file's bytes, to be checked.
    case upload([UInt8])
}

/// One refused field: its form id and the translation key (with arguments) of the message.
public struct SettingsProblem: Sendable, Equatable {
    public var field: String
    public var key: String
    public var arguments: [String: String]

    public init(field: String, key: String, arguments: [String: String] = [:]) {
        self.field = field
        self.key = key
        self.arguments = arguments
    }
}

/// The settings form was refused: nothing was stored.
public struct SettingsRejection: Error, Sendable, Equatable {
    public var problems: [SettingsProblem]
}

extension CertificateIssuer {
    /// The same issuer, named as the platform's settings in `storage` say when it signs: for commands that re-issue
    /// certificates outside the server (`regrade --apply`), so their credentials name the issuer the pages do.
    public func named(bySettingsIn storage: any StorageEngine) -> CertificateIssuer {
        let settings = SettingsService(repository: storage.settings, changes: storage.settingsChanges,
                                       configuredIssuerName: profile.name)
        return named { settings.current().credentialIssuerName }
    }
}
