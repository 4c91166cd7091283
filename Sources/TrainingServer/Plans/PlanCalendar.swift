import Foundation

/// Days for training plans, in the platform's time zone (`serve --time-zone`): due days, "today", the due-soon
/// window. Everybody's due day is the same day whoever looks, like the yearly hours (`StudyCalendar`).
public struct PlanCalendar: Sendable {
    /// How many days before its due day an assignment counts as due soon.
    public static let dueSoonDays = 14

    public var timeZone: TimeZone

    public init(timeZone: TimeZone = StudyCalendar.defaultTimeZone) { self.timeZone = timeZone }

    public init(_ calendar: StudyCalendar) { self.timeZone = calendar.timeZone }

    /// The day `seconds` (since 1970) falls on. Plain arithmetic on the zone's offset at that instant, so it is
    /// cheap enough for a SQL function over a million rows.
    public func day(of seconds: Double) -> ISODay {
        let offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: seconds))
        let local = Int64((seconds + Double(offset)).rounded(.down))
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        return ISODay(daysSinceEpoch: days)
    }

    /// Today: the day the clock's `now` falls on.
    public func today(_ now: Double) -> ISODay { day(of: now) }

    /// The last day still "due soon" on `today`: due days up to and including it are due soon.
    public func dueSoonLimit(today: ISODay) -> ISODay { today.adding(days: Self.dueSoonDays) }
}

extension ISODay {
    /// The day `days` after 1970-01-01 (negative before), in the proleptic Gregorian calendar.
    public init(daysSinceEpoch days: Int64) {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        self.year = Int(year)
        self.month = Int(month)
        self.day = Int(day)
    }

    /// Days since 1970-01-01 (negative before).
    public var daysSinceEpoch: Int64 {
        // Howard Hinnant's days_from_civil.
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The day `days` later (earlier when negative).
    public func adding(days: Int) -> ISODay { ISODay(daysSinceEpoch: daysSinceEpoch + Int64(days)) }

    /// Whole days from `self` to `other` (negative when `other` is earlier).
    public func days(until other: ISODay) -> Int { Int(other.daysSinceEpoch - daysSinceEpoch) }
}
