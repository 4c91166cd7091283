import Foundation

/// Calendar questions about instants, in the server's time zone (`serve --time-zone`, Asia/Shanghai by default).
/// The yearly study hours and HR reports' day boundaries use this one zone for everybody, so a credit belongs to
/// the same year and an expiry to the same day whoever looks; only what pages display follows a person's own zone.
public struct StudyCalendar: Sendable {
    /// The platform's time zone unless configured otherwise: China Standard Time.
    public static let defaultTimeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!

    public var timeZone: TimeZone

    public init(timeZone: TimeZone = StudyCalendar.defaultTimeZone) { self.timeZone = timeZone }

    /// The calendar year `seconds` (since 1970) falls in.
    public func year(of seconds: Double) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.component(.year, from: Date(timeIntervalSince1970: seconds))
    }

    /// The time zone with the IANA name `name` (e.g. "Asia/Shanghai", "Europe/Berlin", "UTC"), or nil when the
    /// system's time zone database does not know it. Abbreviations ("CST") and offsets ("GMT+8") are refused: they
    /// are ambiguous or ignore daylight saving.
    public static func zone(named name: String) -> TimeZone? {
        guard name == "UTC" || name == "GMT" || knownNames.contains(name) else { return nil }
        return TimeZone(identifier: name)
    }

    /// The system database's zone names, read once (pages ask for a person's zone on every request).
    private static let knownNames = Set(TimeZone.knownTimeZoneIdentifiers)
}
