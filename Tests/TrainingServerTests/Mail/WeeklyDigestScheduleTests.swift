import Foundation
import Testing
@testable import TrainingServer

@Suite struct WeeklyDigestScheduleTests {
    private let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    /// Seconds of a wall-clock time in Shanghai.
    private func at(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0) -> Double {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = shanghai
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
            .timeIntervalSince1970
    }

    @Test func theDigestIsDueFromItsWeekdayAndHourToTheEndOfTheISOWeek() {
        let schedule = WeeklyDigestSchedule(weekday: 1, hour: 8, timeZone: shanghai)
        // 2026-12-07 is a Monday of ISO week 50.
        #expect(schedule.week(at: at(2026, 12, 7, 7, 59)) == ("2026-W50", false))
        #expect(schedule.week(at: at(2026, 12, 7, 8, 0)) == ("2026-W50", true))
        #expect(schedule.week(at: at(2026, 12, 13, 23, 59)) == ("2026-W50", true))
        #expect(schedule.week(at: at(2026, 12, 14, 0, 0)) == ("2026-W51", false))
        // Monday 01:00 in Shanghai is still Sunday in UTC: the platform's zone decides.
        #expect(WeeklyDigestSchedule(weekday: 1, hour: 0, timeZone: shanghai).week(at: at(2026, 12, 7, 1)) == ("2026-W50", true))
        // The ISO year of a week that starts in December: 2026-12-28 is in 2026-W53, 2027-01-04 in 2027-W01.
        #expect(schedule.week(at: at(2027, 1, 1, 9)).week == "2026-W53")
        #expect(schedule.week(at: at(2027, 1, 4, 9)).week == "2027-W01")
        let friday = WeeklyDigestSchedule(weekday: 5, hour: 17, timeZone: shanghai)
        #expect(friday.week(at: at(2026, 12, 10, 18)).due == false)
        #expect(friday.week(at: at(2026, 12, 11, 16)).due == false)
        #expect(friday.week(at: at(2026, 12, 11, 17)).due == true)
        #expect(friday.week(at: at(2026, 12, 12, 1)).due == true)
    }

    @Test func weekdaysAreReadByNameOrNumber() {
        #expect(WeeklyDigestSchedule.weekday(named: "monday") == 1)
        #expect(WeeklyDigestSchedule.weekday(named: "Fri") == 5)
        #expect(WeeklyDigestSchedule.weekday(named: "7") == 7)
        for bad in ["", "mo", "8", "0", "someday", "周一"] { #expect(WeeklyDigestSchedule.weekday(named: bad) == nil, "\(bad)") }
    }
}
