import Foundation
import Testing
@testable import TrainingServer

/// The direct CSV writer gives exactly the bytes of the plain path (`ExportedPerson.fields` through
/// `PeopleExportFormat.csvField`), however awkward the values.
@Suite struct ExportRowWriterTests {
    private static let departments: [DepartmentID: Department] = [
        DepartmentID(rawValue: 7): Department(id: DepartmentID(rawValue: 7), parentID: nil, name: "数据局", idPath: "/7/",
                                              namePath: ["省政府", "数据局"]),
        DepartmentID(rawValue: 8): Department(id: DepartmentID(rawValue: 8), parentID: nil, name: "a,\"b\"", idPath: "/8/",
                                              namePath: ["=1+1", "a,\"b\""]),
    ]

    private static let lines: [PersonLine] = {
        let names = ["李", "=cmd|' /C calc'!A0", "+1", "-2", "@sum", "\tTab", "\rReturn", "a,b", "say \"hi\"", "two\nlines",
                     "plain", ""]
        let ids: [String?] = [nil, "7ZKQ3M9D2W4T8H6B1C5N0PXRVF", "a/b", "a,b", "=x"]
        let days: [Double?] = [nil, 1_799_942_400, 1_799_942_399, 0, -86_400 * 3.5, 4_102_444_800, 1_800_000_000.5]
        let hours = [0, 12, 12.5, 12.345, 0.1 + 0.2, 90.10, 1234.05, -0.5]
        var result: [PersonLine] = []
        for (index, name) in names.enumerated() {
            for variant in 0..<5 {
                let n = index * 5 + variant
                result.append(PersonLine(userID: Int64(n + 1), login: variant == 3 ? names[(index + 1) % names.count] : "user\(n)",
                                         name: name, employeeNumber: variant == 0 ? nil : (variant == 4 ? "-E\(n)" : "E\(n)"),
                                         departmentID: [7, 8, 99][n % 3],
                                         state: CertificationStateName.allCases[n % CertificationStateName.allCases.count],
                                         certifiedAt: days[n % days.count], expiresAt: days[(n + 3) % days.count],
                                         certificateID: ids[n % ids.count], hours: hours[n % hours.count]))
            }
        }
        return result
    }()

    @Test(arguments: ["", "https://academy.example", "https://x.example/a,b"])
    func theWriterMatchesThePlainPathByteForByte(_ base: String) throws {
        for zone in ["Asia/Shanghai", "UTC", "America/St_Johns", "Asia/Kathmandu", "Europe/Moscow", "Asia/Pyongyang",
                     "Australia/Lord_Howe", "America/New_York"] {
            let resolver = PersonLineResolver(departments: Self.departments, programID: "egov", verificationBase: base,
                                              timeZone: try #require(TimeZone(identifier: zone)))
            var writer = ExportRowWriter(resolver: resolver)
            var direct: [UInt8] = []
            writer.csv(Self.lines, into: &direct)
            writer.csv(Self.lines.reversed(), into: &direct)   // a second batch reuses the cached days and paths
            var plain: [UInt8] = []
            for line in Self.lines + Self.lines.reversed() {
                plain += Array((resolver.exported(line).fields.map(PeopleExportFormat.csvField).joined(separator: ",") + "\r\n").utf8)
            }
            let directLines = String(decoding: direct, as: UTF8.self).components(separatedBy: "\r\n")
            let plainLines = String(decoding: plain, as: UTF8.self).components(separatedBy: "\r\n")
            #expect(directLines.count == plainLines.count)
            for (written, expected) in zip(directLines, plainLines) where written != expected {
                Issue.record("\(zone) \(base): \(written) instead of \(expected)")
                break
            }
            #expect(direct == plain)
        }
    }

    @Test func daysMatchTheCalendarAcrossAHundredYearsOfZoneChanges() throws {
        // Seconds from 1950 to 2050 in a fixed pseudo-random order, and every hour around some transitions.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var seconds: [Double] = (0..<4000).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return -631_152_000 + Double(state >> 33) / Double(UInt64(1) << 31) * 3_155_760_000
        }
        for transition in [1_414_274_400.0, 1_439_049_600, 1_301_180_400, 1_710_054_000, 1_712_419_200] {
            seconds += stride(from: transition - 7200, through: transition + 7200, by: 900).map { $0 }
        }
        for zone in ["Asia/Shanghai", "Europe/Moscow", "Asia/Pyongyang", "Australia/Lord_Howe", "America/New_York",
                     "Asia/Kathmandu", "Pacific/Apia"] {
            let resolver = PersonLineResolver(departments: [:], programID: "p", verificationBase: "",
                                              timeZone: try #require(TimeZone(identifier: zone)))
            var writer = ExportRowWriter(resolver: resolver)
            let lines = seconds.map { PersonLine(userID: 1, login: "l", name: "n", employeeNumber: nil, departmentID: 1,
                                                 state: .certified, certifiedAt: $0, expiresAt: nil, certificateID: nil,
                                                 hours: 0) }
            var bytes: [UInt8] = []
            writer.csv(lines, into: &bytes)
            let written = String(decoding: bytes, as: UTF8.self).split(separator: "\r\n")
                .map { String($0.split(separator: ",", omittingEmptySubsequences: false)[6]) }
            let expected = seconds.map(resolver.day)
            #expect(written.count == expected.count)
            let wrong = zip(seconds, zip(written, expected)).filter { $1.0 != $1.1 }
            #expect(wrong.isEmpty, "\(zone): \(wrong.prefix(3).map { "\($0.0): \($0.1.0) instead of \($0.1.1)" })")
        }
    }

    @Test func daysComeFromTheTimeZoneAcrossAQuarterHourBoundary() throws {
        let kathmandu = try #require(TimeZone(identifier: "Asia/Kathmandu"))   // UTC+05:45
        let resolver = PersonLineResolver(departments: [:], programID: "p", verificationBase: "", timeZone: kathmandu)
        var writer = ExportRowWriter(resolver: resolver)
        // 2027-01-14 18:15 UTC is midnight in Kathmandu: one second before is the 14th there, the second itself the 15th.
        let midnight = 1_799_950_500.0
        var bytes: [UInt8] = []
        for seconds in [midnight - 1, midnight, midnight - 1] {
            writer.csv([PersonLine(userID: 1, login: "l", name: "n", employeeNumber: nil, departmentID: 1, state: .certified,
                                   certifiedAt: seconds, expiresAt: nil, certificateID: nil, hours: 0)], into: &bytes)
        }
        let days = String(decoding: bytes, as: UTF8.self).split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false)[6] }
        #expect(days == ["2027-01-14", "2027-01-15", "2027-01-14"])
    }
}
