import Foundation
import Testing
@testable import TrainingServer

@Suite struct PlanCalendarTests {
    @Test func daysCountFromTheEpochBothWays() {
        for text in ["1970-01-01", "1969-12-31", "2000-02-29", "2026-12-31", "2027-03-01", "1900-03-01", "2400-02-29"] {
            let day = ISODay(text)!
            #expect(ISODay(daysSinceEpoch: day.daysSinceEpoch) == day)
            #expect(day.description == text)
        }
        #expect(ISODay("1970-01-01")!.daysSinceEpoch == 0)
        #expect(ISODay("1969-12-31")!.daysSinceEpoch == -1)
        #expect(ISODay("2026-12-31")!.adding(days: 1).description == "2027-01-01")
        #expect(ISODay("2028-02-28")!.adding(days: 1).description == "2028-02-29")
        #expect(ISODay("2027-02-28")!.adding(days: 1).description == "2027-03-01")
        #expect(ISODay("2027-03-01")!.adding(days: -1).description == "2027-02-28")
        #expect(ISODay("2027-01-01")!.days(until: ISODay("2027-12-31")!) == 364)
    }

    @Test func theDayOfAnInstantIsTheZonesDayAndMatchesFoundation() {
        let shanghai = PlanCalendar()
        let utc = PlanCalendar(timeZone: TimeZone(identifier: "UTC")!)
        // 2027-01-14 20:00 UTC is already the 15th in Shanghai.
        let instant = ISODay("2027-01-14")!.start(in: TimeZone(identifier: "UTC")!) + 20 * 3600
        #expect(utc.day(of: instant).description == "2027-01-14")
        #expect(shanghai.day(of: instant).description == "2027-01-15")
        // Across a daylight-saving change the arithmetic agrees with Foundation's calendar.
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        var seconds = ISODay("2027-03-27")!.start(in: berlin) - 7200
        while seconds < ISODay("2027-03-30")!.start(in: berlin) {
            #expect(PlanCalendar(timeZone: berlin).day(of: seconds) == ISODay(seconds: seconds, timeZone: berlin))
            seconds += 1800
        }
    }

    @Test func dueRulesGiveInclusiveLastDays() {
        let calendar = PlanCalendar()
        let assigned = ISODay("2027-01-15")!.start(in: calendar.timeZone) + 3600
        let joined = ISODay("2026-12-01")!.start(in: calendar.timeZone) + 23 * 3600
        #expect(DueRule.none.dueDay(assignedAt: assigned, joinedAt: joined, calendar: calendar) == nil)
        #expect(DueRule.fixed(ISODay("2027-06-30")!).dueDay(assignedAt: assigned, joinedAt: joined, calendar: calendar)
                == ISODay("2027-06-30"))
        #expect(DueRule.afterAssignment(days: 30).dueDay(assignedAt: assigned, joinedAt: joined, calendar: calendar)
                == ISODay("2027-02-14"))
        #expect(DueRule.afterJoining(days: 60).dueDay(assignedAt: assigned, joinedAt: joined, calendar: calendar)
                == ISODay("2027-01-30"))
        #expect(DueRule(kind: "after_joining", day: nil, days: 60) == .afterJoining(days: 60))
        #expect(DueRule(kind: "fixed", day: "2027-02-30", days: nil) == nil)
        #expect(DueRule(kind: "sometime", day: nil, days: nil) == nil)
    }
}
