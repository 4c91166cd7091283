import Assessment
import Foundation

/// The UI's strings, read from `Resources/Localization/<language>.json`. Placeholders are written `{name}`.
public struct Localization: Sendable {
    private let tables: [Language: [String: String]]

    public init(tables: [Language: [String: String]]) { self.tables = tables }

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
    public func text(_ key: String, _ language: Language, _ arguments: [String: String] = [:]) -> String {
        var value = tables[language]?[key] ?? tables[.zh]?[key] ?? key
        for (name, replacement) in arguments {
            value = value.replacingOccurrences(of: "{\(name)}", with: replacement)
        }
        return value
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
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: seconds))
        let (year, month, day) = (parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
        switch language {
        case .zh: return "\(year)年\(month)月\(day)日"
        case .en: return "\(day) \(Self.englishMonths[month - 1]) \(year)"
        }
    }

    /// Formats the time of day as 14:05, in `timeZone` (pages pass the viewer's: use `PageContext.time`).
    public func time(_ seconds: Double, timeZone: TimeZone = StudyCalendar.defaultTimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute], from: Date(timeIntervalSince1970: seconds))
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }

    static let englishMonths = ["January", "February", "March", "April", "May", "June", "July", "August",
                                "September", "October", "November", "December"]

    /// Formats a number with at most `fractionDigits` decimals (no trailing zeros).
    public func number(_ value: Double, fractionDigits: Int = 1) -> String {
        let factor = pow(10, Double(fractionDigits))
        let rounded = (value * factor).rounded() / factor
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        return String(format: "%.\(fractionDigits)f", rounded).replacingOccurrences(of: "0+$", with: "",
                                                                                 options: .regularExpression)
    }
}
