import Foundation

/// A calendar day written `YYYY-MM-DD` (ISO 8601), read and written in one time zone: the form dates take in
/// report filters, exports and the command line.
public struct ISODay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Parses exactly `YYYY-MM-DD` with a real date (no 2026-02-30); nil otherwise.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        guard let date = calendar.date(from: DateComponents(year: year, month: month, day: day)),
              calendar.component(.day, from: date) == day else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The day `seconds` (since 1970) falls on in `timeZone`.
    public init(seconds: Double, timeZone: TimeZone) {
        self.init(seconds: seconds, calendar: Self.calendar(timeZone))
    }

    /// The day `seconds` (since 1970) falls on in `calendar` (Gregorian, with the wanted time zone); for loops,
    /// which should make the calendar once.
    public init(seconds: Double, calendar: Calendar) {
        let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: seconds))
        year = parts.year ?? 1970
        month = parts.month ?? 1
        day = parts.day ?? 1
    }

    /// Seconds since 1970 at the start of this day in `timeZone`.
    public func start(in timeZone: TimeZone) -> Double {
        let date = Self.calendar(timeZone).date(from: DateComponents(year: year, month: month, day: day))
        return (date ?? Date(timeIntervalSince1970: 0)).timeIntervalSince1970
    }

    /// Seconds since 1970 at the start of the following day in `timeZone` (an exclusive upper bound).
    public func end(in timeZone: TimeZone) -> Double {
        let start = Date(timeIntervalSince1970: self.start(in: timeZone))
        return (Self.calendar(timeZone).date(byAdding: .day, value: 1, to: start) ?? start).timeIntervalSince1970
    }

    /// A Gregorian calendar in `timeZone`.
    public static func calendar(_ timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    public var description: String {
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value.magnitude)
            return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return padded(year, 4) + "-" + padded(month, 2) + "-" + padded(day, 2)
    }

    public static func < (lhs: ISODay, rhs: ISODay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}
