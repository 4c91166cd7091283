import Foundation
import Testing
@testable import TrainingServer

@Suite struct ISODayTests {
    @Test(arguments: ["2027-01-15", "2024-02-29", "0001-01-01"])
    func realDaysParseAndPrintTheSame(_ text: String) {
        #expect(ISODay(text)?.description == text)
    }

    @Test(arguments: ["2027-02-29", "2027-13-01", "2027-00-10", "2027-1-5", "27-01-15", "2027-01-15T00:00", "", "２０２７-01-15",
                      "2027/01/15", "+027-01-15"])
    func anythingElseIsRefused(_ text: String) {
        #expect(ISODay(text) == nil)
    }

    @Test func startAndEndBoundTheDayInTheGivenTimeZone() throws {
        let shanghai = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let day = try #require(ISODay("2027-01-15"))
        #expect(day.start(in: shanghai) == 1_799_942_400)  // 2027-01-14 16:00 UTC
        #expect(day.end(in: shanghai) - day.start(in: shanghai) == 86_400)
        #expect(ISODay(seconds: day.start(in: shanghai), timeZone: shanghai) == day)
        #expect(ISODay(seconds: day.end(in: shanghai) - 1, timeZone: shanghai) == day)
        #expect(ISODay(seconds: day.start(in: shanghai) - 1, timeZone: shanghai).description == "2027-01-14")
    }

    @Test func daysCompareInCalendarOrder() throws {
        #expect(try #require(ISODay("2026-12-31")) < #require(ISODay("2027-01-01")))
        #expect(try #require(ISODay("2027-02-01")) > #require(ISODay("2027-01-31")))
    }
}
