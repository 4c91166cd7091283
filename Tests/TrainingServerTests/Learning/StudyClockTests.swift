import Foundation
import Testing
@testable import TrainingServer

@Suite struct StudyClockTests {
    @Test func thePlatformsZoneIsChinaStandardTimeUnlessConfigured() {
        #expect(StudyCalendar().timeZone.identifier == "Asia/Shanghai")
        #expect(ApplicationConfiguration().calendar.timeZone.identifier == "Asia/Shanghai")
        // 2026-12-31 16:30 UTC is already 2027 in Shanghai, still 2026 in Berlin.
        let instant = 1_798_734_600.0
        #expect(StudyCalendar().year(of: instant) == 2027)
        #expect(StudyCalendar(timeZone: TimeZone(identifier: "Europe/Berlin")!).year(of: instant) == 2026)
    }

    @Test(arguments: ["Asia/Shanghai", "Europe/Berlin", "America/St_Johns", "Asia/Kathmandu", "UTC", "GMT"])
    func ianaNamesAreZones(_ name: String) throws {
        let zone = try #require(StudyCalendar.zone(named: name))
        // Foundation names UTC "GMT"; the same zone.
        #expect(zone.identifier == name || (name == "UTC" && zone.identifier == "GMT" && zone.secondsFromGMT() == 0))
    }

    @Test(arguments: ["", "Mars/Olympus", "asia/shanghai", "CST", "GMT+8", "+08:00", "../../etc/localtime", "Asia/Shanghai "])
    func anythingElseIsRefused(_ name: String) {
        #expect(StudyCalendar.zone(named: name) == nil, "\(name)")
    }
}
