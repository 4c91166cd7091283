import Foundation
import Testing
@testable import TrainingServer

@Suite struct PeopleExportFormatTests {
    static let person = ExportedPerson(
        userId: 42, employeeNumber: "E-1", login: "li.ming", name: "李明, \"小李\"", departmentId: 7,
        department: "省政府 / 数据局", program: "egov", state: "certified", certifiedAt: "2026-03-01",
        expiresAt: "2028-03-01", certificateId: "c0ffee", verificationUrl: "https://academy.example/verify/c0ffee",
        hoursThisYear: 12.345, requiredHours: 60)

    @Test(arguments: [
        ("plain", "plain"), ("李明", "李明"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("two\nlines", "\"two\nlines\""), ("cr\r\nlf", "\"cr\r\nlf\""), ("", ""),
        ("=1+1", "'=1+1"), ("+86 10", "'+86 10"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
        ("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""), ("a=b", "a=b"),
    ])
    func csvFieldsAreQuotedAsRFC4180AndNeverStartAFormula(_ text: String, _ expected: String) {
        #expect(PeopleExportFormat.csvField(text) == expected)
    }

    @Test func csvStartsWithAByteOrderMarkAndAHeader() throws {
        let prefix = PeopleExportFormat.csv.prefix
        #expect(Array(prefix.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let header = String(decoding: prefix.dropFirst(3), as: UTF8.self)
        #expect(header == ExportedPerson.columns.joined(separator: ",") + "\r\n")
        #expect(header.contains("employee_number") && header.contains("verification_url") && header.contains("certificate_id"))
    }

    @Test func aCSVRowHasEveryColumnInOrder() throws {
        let row = String(decoding: try PeopleExportFormat.csv.rows([Self.person], continuing: false), as: UTF8.self)
        #expect(row == "E-1,li.ming,\"李明, \"\"小李\"\"\",省政府 / 数据局,egov,certified,2026-03-01,2028-03-01,c0ffee,"
                + "https://academy.example/verify/c0ffee,12.35,60,42\r\n")
    }

    @Test func jsonRowsJoinIntoOneValidArray() throws {
        var other = Self.person
        other.userId = 43
        other.employeeNumber = nil
        other.certificateId = nil
        other.verificationUrl = nil
        let format = PeopleExportFormat.json
        let bytes = format.prefix + (try format.rows([Self.person], continuing: false))
            + (try format.rows([other], continuing: true)) + format.suffix
        let array = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]])
        #expect(array.count == 2)
        #expect(array[0]["name"] as? String == "李明, \"小李\"")
        #expect(array[0]["hoursThisYear"] as? Double == 12.35)
        #expect(array[1]["certificateId"] is NSNull)
        #expect(Set(array[1].keys) == Set(array[0].keys))
        #expect(array[0]["requiredHours"] as? Double == 60)
        #expect(array[0].keys.count == 14)
        let empty = format.prefix + format.suffix
        #expect(try JSONSerialization.jsonObject(with: Data(empty)) as? [Any] != nil)
    }

    @Test func tableRowsStayOnOneLine() throws {
        var person = Self.person
        person.name = "tab\there\nnewline"
        let row = String(decoding: try PeopleExportFormat.table.rows([person], continuing: false), as: UTF8.self)
        #expect(row.split(separator: "\n").count == 1)
        #expect(row.split(separator: "\t", omittingEmptySubsequences: false).count == ExportedPerson.columns.count)
    }

    @Test(arguments: [(0.0, "0"), (12.0, "12"), (12.5, "12.5"), (12.345, "12.35"), (0.1 + 0.2, "0.3"), (90.10, "90.1"),
                            (1234.05, "1234.05"), (7.007, "7.01"), (-0.5, "-0.5"), (-3, "-3"), (1e20, "1e+20"),
                            (Double.infinity, "inf")])
    func hoursAreWrittenWithoutLocaleOrNoise(_ value: Double, _ text: String) {
        #expect(ExportedPerson.number(value) == text)
    }

    @Test func theResolverWritesPathsDaysAndLinks() throws {
        let shanghai = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let department = Department(id: DepartmentID(rawValue: 7), parentID: nil, name: "数据局", idPath: "/7/",
                                    namePath: ["省政府", "数据局"])
        let resolver = PersonLineResolver(departments: [department.id: department], programID: "egov",
                                          verificationBase: "https://academy.example", timeZone: shanghai)
        let line = PersonLine(userID: 1, login: "li", name: "李", employeeNumber: nil, departmentID: 7, state: .certified,
                              certifiedAt: 1_799_942_400, expiresAt: 1_799_942_399, certificateID: "a/b", hours: 3)
        let exported = resolver.exported(line)
        #expect(exported.department == "省政府 / 数据局")
        #expect(exported.certifiedAt == "2027-01-15")
        #expect(exported.expiresAt == "2027-01-14")
        #expect(exported.verificationUrl == "https://academy.example/verify/a%2Fb")
        #expect(exported.state == "certified" && exported.program == "egov")
    }
}
