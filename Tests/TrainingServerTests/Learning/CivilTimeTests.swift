import Foundation
import Testing
@testable import TrainingServer

/// `CivilTime` against Foundation's Gregorian calendar in the same zone: the date and time of day must be the same.
@Suite struct CivilTimeTests {
    static let zones = ["Asia/Shanghai", "UTC", "Europe/London", "America/New_York", "Australia/Lord_Howe",
                        "Asia/Kathmandu", "America/St_Johns", "Pacific/Chatham", "Pacific/Kiritimati",
                        "America/Sao_Paulo"]

    private func expected(_ seconds: Double, _ zone: TimeZone) -> CivilTime {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: seconds))
        return CivilTime(year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!)
    }

    @Test(arguments: zones)
    func randomInstantsShowWhatFoundationsCalendarShows(_ name: String) throws {
        let zone = try #require(TimeZone(identifier: name))
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3_000 {
            let seconds = Double.random(in: -5_000_000_000 ... 5_000_000_000, using: &generator)
            #expect(CivilTime(seconds, in: zone) == expected(seconds, zone), "\(name) \(seconds)")
        }
    }

    @Test(arguments: zones)
    func theSecondsAroundEachOffsetChangeShowWhatFoundationsCalendarShows(_ name: String) throws {
        let zone = try #require(TimeZone(identifier: name))
        var instant = Date(timeIntervalSince1970: 0)
        for _ in 0..<40 {
            guard let change = zone.nextDaylightSavingTimeTransition(after: instant) else { break }
            let at = change.timeIntervalSince1970
            for offset in [-3_601.0, -61, -1, -0.5, 0, 0.5, 1, 59, 60, 3_599, 3_600] {
                #expect(CivilTime(at + offset, in: zone) == expected(at + offset, zone), "\(name) \(at + offset)")
            }
            instant = change
        }
    }

    @Test func dayBoundariesLeapDaysAndTheEndsOfTheRangeAreRight() throws {
        let utc = try #require(TimeZone(identifier: "UTC"))
        #expect(CivilTime(0, in: utc) == CivilTime(year: 1970, month: 1, day: 1, hour: 0, minute: 0))
        #expect(CivilTime(-0.001, in: utc) == CivilTime(year: 1969, month: 12, day: 31, hour: 23, minute: 59))
        #expect(CivilTime(951_782_400, in: utc) == CivilTime(year: 2000, month: 2, day: 29, hour: 0, minute: 0))
        #expect(CivilTime(4_107_542_400, in: utc) == CivilTime(year: 2100, month: 3, day: 1, hour: 0, minute: 0))
        let shanghai = try #require(TimeZone(identifier: "Asia/Shanghai"))
        // 2026-12-31 16:00 UTC is already the new year in Beijing.
        #expect(CivilTime(1_798_732_800, in: shanghai).year == 2027)
        #expect(StudyCalendar(timeZone: shanghai).year(of: 1_798_732_799) == 2026)
        // Outside the arithmetic's range Foundation answers (the Julian calendar before 1583).
        for seconds in [-12_212_553_600.0 - 86_400 * 400, 253_402_300_800.0 + 86_400] {
            #expect(CivilTime(seconds, in: utc) == expected(seconds, utc))
        }
    }
}
