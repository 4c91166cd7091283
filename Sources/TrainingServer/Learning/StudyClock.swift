import Foundation

/// Calendar questions about instants, in the server's time zone.
public struct StudyCalendar: Sendable {
    public var timeZone: TimeZone

    public init(timeZone: TimeZone = .current) { self.timeZone = timeZone }

    /// The calendar year `seconds` (since 1970) falls in.
    public func year(of seconds: Double) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.component(.year, from: Date(timeIntervalSince1970: seconds))
    }
}
