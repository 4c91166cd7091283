import Foundation

/// When the weekly HR digest goes out: from a weekday and hour of each ISO week (Monday to Sunday, in the
/// platform's time zone) to the end of that week. A server that was down at that hour sends it when it comes back
/// within the week; each person gets at most one per week (`mail_digests`).
public struct WeeklyDigestSchedule: Sendable, Hashable {
    /// ISO weekday: 1 Monday … 7 Sunday.
    public var weekday: Int
    /// 0–23.
    public var hour: Int
    public var timeZone: TimeZone

    public init(weekday: Int, hour: Int, timeZone: TimeZone) {
        self.weekday = weekday
        self.hour = hour
        self.timeZone = timeZone
    }

    /// The ISO weekday named `name` in English ("monday", "Mon", any case) or given as 1–7; nil otherwise.
    public static func weekday(named name: String) -> Int? {
        let names = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        let lowered = name.trimmingCharacters(in: .whitespaces).lowercased()
        if let number = Int(lowered), (1...7).contains(number) { return number }
        guard lowered.count >= 3 else { return nil }
        return names.firstIndex { $0.hasPrefix(lowered) }.map { $0 + 1 }
    }

    /// The ISO week `seconds` falls in, as `2026-W50`, and whether the digest's moment of that week has come.
    public func week(at seconds: Double) -> (week: String, due: Bool) {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear, .weekday, .hour],
                                            from: Date(timeIntervalSince1970: seconds))
        let year = parts.yearForWeekOfYear ?? 1970
        let number = parts.weekOfYear ?? 1
        // Foundation counts weekdays from Sunday = 1; ISO from Monday = 1.
        let isoWeekday = ((parts.weekday ?? 2) + 5) % 7 + 1
        let hourNow = parts.hour ?? 0
        let due = isoWeekday > weekday || (isoWeekday == weekday && hourNow >= hour)
        return (String(format: "%04d-W%02d", year, number), due)
    }
}
