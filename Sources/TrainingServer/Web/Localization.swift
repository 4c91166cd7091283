import Assessment
import Foundation
import Synchronization

/// The UI's strings, read from `Resources/Localization/<language>.json`. Placeholders are written `{name}`.
/// Each string is split into literal text and placeholders once, when the tables are loaded, so filling one in is
/// a few appends.
public struct Localization: Sendable {
    /// A string split at its placeholders.
    struct Template: Sendable {
        enum Part: Sendable {
            case literal(String)
            case placeholder(String)
        }

        let parts: [Part]
        /// The string itself when it has no placeholder.
        let plain: String?

        init(_ text: String) {
            var parts: [Part] = []
            var rest = Substring(text)
            while let open = rest.firstIndex(of: "{"),
                  let close = rest[open...].firstIndex(of: "}") {
                let name = rest[rest.index(after: open)..<close]
                // `{` followed by `}` without another `{` between them: a placeholder.
                if name.contains("{") {
                    let nextOpen = rest[rest.index(after: open)...].firstIndex(of: "{")!
                    parts.append(.literal(String(rest[..<nextOpen])))
                    rest = rest[nextOpen...]
                    continue
                }
                if open > rest.startIndex { parts.append(.literal(String(rest[..<open]))) }
                parts.append(.placeholder(String(name)))
                rest = rest[rest.index(after: close)...]
            }
            if !rest.isEmpty { parts.append(.literal(String(rest))) }
            self.parts = parts
            plain = parts.contains { if case .placeholder = $0 { return true } else { return false } } ? nil : text
        }

        func filled(_ arguments: [String: String]) -> String {
            if let plain { return plain }
            var result = ""
            for part in parts {
                switch part {
                case .literal(let text): result += text
                case .placeholder(let name):
                    if let value = arguments[name] { result += value } else { result += "{" + name + "}" }
                }
            }
            return result
        }
    }

    private let tables: [Language: [String: String]]
    /// The templates of each language, one stored table per language (looked up without hashing the language).
    private let chinese: [String: Template]
    private let english: [String: Template]
    /// Page parts built from these strings, kept for as long as the strings (which never change).
    let memo = Memo()

    public init(tables: [Language: [String: String]]) {
        self.tables = tables
        chinese = tables[.zh]?.mapValues(Template.init) ?? [:]
        english = tables[.en]?.mapValues(Template.init) ?? [:]
    }

    private func templates(_ language: Language) -> [String: Template] {
        switch language {
        case .zh: return chinese
        case .en: return english
        }
    }

    /// Page parts that depend only on these strings and a few values (the language, the platform's identity, the
    /// stylesheet's address): built on first use and kept. Holds a handful of entries; a new one beyond that
    /// replaces the oldest (the identity changes rarely, and every page of the same frame shares one entry).
    final class Memo: Sendable {
        private static let limit = 16
        private let frames = Mutex<[(key: Layout.FrameKey, parts: Layout.FrameParts)]>([])
        private let navigations = Mutex<[NavigationKey: HTML]>([:])

        /// What the site navigation's markup depends on (see `Components.mainNavigation`); `current` is the index of
        /// the current page among the navigation's addresses, -1 for none.
        struct NavigationKey: Hashable, Sendable {
            var language: Language
            var trainer: Bool
            var hr: Bool
            var admin: Bool
            var current: Int
        }

        /// At most 2 languages × 8 role combinations × 9 current items: a bounded set.
        func navigation(_ key: NavigationKey, make: () -> HTML) -> HTML {
            if let found = navigations.withLock({ $0 })[key] { return found }
            let html = make()
            navigations.withLock { $0[key] = html }
            return html
        }

        func frame(_ key: Layout.FrameKey, make: () -> Layout.FrameParts) -> Layout.FrameParts {
            // Searched outside the lock, in the list as it was (the lock only hands out a reference to it).
            if let found = frames.withLock({ $0 }).first(where: { $0.key == key })?.parts { return found }
            let parts = make()
            frames.withLock { entries in
                guard !entries.contains(where: { $0.key == key }) else { return }
                if entries.count >= Self.limit { entries.removeFirst() }
                entries.append((key, parts))
            }
            return parts
        }
    }

    /// Loads the tables shipped with the server.
    public static let shipped: Localization = {
        var tables: [Language: [String: String]] = [:]
        for language in Language.allCases {
            guard let url = Bundle.module.url(forResource: "Resources/Localization/\(language.rawValue)",
                                              withExtension: "json"),
                  let data = try? Data(contentsOf: url),
                  let table = try? JSONDecoder().decode([String: String].self, from: data) else { continue }
            tables[language] = table
        }
        return Localization(tables: tables)
    }()

    /// The string for `key` in `language`; a missing key shows itself so it is noticed (tests check none is).
    /// A placeholder without an argument stays as written.
    public func text(_ key: String, _ language: Language, _ arguments: [String: String] = [:]) -> String {
        guard let template = templates(language)[key] ?? (language == .zh ? nil : chinese[key]) else {
            return Template(key).filled(arguments)
        }
        return template.filled(arguments)
    }

    /// Every key of `language`'s table.
    public func keys(_ language: Language) -> Set<String> { Set(tables[language]?.keys ?? [String: String]().keys) }

    /// A time zone's name at `seconds` in `language`: the translation files' own name when they have one
    /// (`time_zone.name.Asia/Shanghai`: 北京时间), else Foundation's localized name of its standard or summer
    /// time (Central European Summer Time, 中欧夏令时间), else its identifier.
    public func zoneName(_ zone: TimeZone, at seconds: Double, _ language: Language) -> String {
        if let own = tables[language]?["time_zone.name.\(zone.identifier)"] { return own }
        let date = Date(timeIntervalSince1970: seconds)
        let style: TimeZone.NameStyle = zone.isDaylightSavingTime(for: date) ? .daylightSaving : .standard
        let locale = Locale(identifier: language == .zh ? "zh_CN" : "en_GB")
        return zone.localizedName(for: style, locale: locale) ?? zone.identifier
    }

    /// Formats a date (seconds since 1970) as 2026年11月29日 or 29 November 2026, in `timeZone` (pages pass the
    /// viewer's: use `PageContext.date`).
    public func date(_ seconds: Double, _ language: Language, timeZone: TimeZone = StudyCalendar.defaultTimeZone) -> String {
        let civil = CivilTime(seconds, in: timeZone)
        let (year, month, day) = (civil.year, civil.month, civil.day)
        switch language {
        case .zh: return "\(year)年\(month)月\(day)日"
        case .en: return "\(day) \(Self.englishMonths[month - 1]) \(year)"
        }
    }

    /// Formats the time of day as 14:05, in `timeZone` (pages pass the viewer's: use `PageContext.time`).
    public func time(_ seconds: Double, timeZone: TimeZone = StudyCalendar.defaultTimeZone) -> String {
        let civil = CivilTime(seconds, in: timeZone)
        return Self.twoDigits(civil.hour) + ":" + Self.twoDigits(civil.minute)
    }

    static let englishMonths = ["January", "February", "March", "April", "May", "June", "July", "August",
                                "September", "October", "November", "December"]

    /// Formats a number with at most `fractionDigits` decimals (no trailing zeros).
    public func number(_ value: Double, fractionDigits: Int = 1) -> String {
        let factor = pow(10, Double(fractionDigits))
        let rounded = (value * factor).rounded() / factor
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        guard (1...9).contains(fractionDigits), abs(rounded) < 1e12 else {
            return String(format: "%.\(fractionDigits)f", rounded).replacingOccurrences(of: "0+$", with: "",
                                                                                     options: .regularExpression)
        }
        let unit = Int(factor)
        let scaled = Int((abs(rounded) * factor).rounded())
        var fraction = String(scaled % unit)
        fraction = String(repeating: "0", count: fractionDigits - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return (rounded < 0 ? "-" : "") + String(scaled / unit) + "." + fraction
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 && value >= 0 ? "0" + String(value) : String(value) }
}
