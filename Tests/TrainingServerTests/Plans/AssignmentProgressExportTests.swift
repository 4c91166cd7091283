import Foundation
import Synchronization
import Testing
@testable import TrainingServer

/// The progress exports are written batch by batch: the CSV has one header and one row per member whatever the
/// batch size (fields quoted, formulas defused), the JSON is one valid document with the report's rows first.
@Suite struct AssignmentProgressExportTests {
    private static let lines: [PlanMemberLine] = (1...5).map(line)

    private static func line(_ index: Int) -> PlanMemberLine {
        let name: String = index == 3 ? "=HYPERLINK(\"x\")" : "人员\(index), 甲"
        let status: AssignmentStatus = index == 4 ? .exempt : .overdue
        let exemptAt: Double? = index == 4 ? 1_800_000_000 : nil
        return PlanMemberLine(userID: UserID(rawValue: Int64(index)), name: name, login: "p\(index)",
                              employeeNumber: index == 2 ? nil : "E\(index)", departmentID: DepartmentID(rawValue: 7),
                              status: status, dueDay: "2027-01-31", extendedDay: index == 1 ? "2027-03-01" : nil,
                              exemptAt: exemptAt)
    }

    private func export(_ format: AssignmentProgressExport.Format, batch: Int) throws -> (String, [Int64?]) {
        var total = PlanCounts()
        total.add(.overdue, 4)
        total.add(.exempt, 1)
        let header = AssignmentProgressExport.Header(assignment: 9, name: "复训", item: "ethics", itemKind: "course",
                                                     today: "2027-01-15", department: 7, rows: [], total: total)
        let asked = Mutex<[Int64?]>([])
        let stream = AssignmentProgressExport(
            format: format, header: header, columns: ["name", "login", "employee_number", "department", "status", "due_day",
                                                      "extended_day", "exempt"],
            statusName: { $0.rawValue }, departmentPath: { _ in "省 / 局" }, batchSize: batch) { after, limit in
                asked.withLock { $0.append(after) }
                return Array(Self.lines.filter { $0.userID.rawValue > (after ?? 0) }.prefix(limit))
            }
        var bytes: [UInt8] = []
        while let chunk = try stream.next() { bytes += chunk }
        return (String(decoding: bytes, as: UTF8.self), asked.withLock { $0 })
    }

    @Test(arguments: [1, 2, 5, 100])
    func theCSVHasEveryMemberOnceWhateverTheBatch(batch: Int) throws {
        let (text, asked) = try export(.csv, batch: batch)
        #expect(text.hasPrefix("\u{FEFF}name,login,employee_number,department,status,due_day,extended_day,exempt\r\n"))
        let rows = text.split(separator: "\r\n")
        #expect(rows.count == 6)
        #expect(rows[1] == "\"人员1, 甲\",p1,E1,省 / 局,overdue,2027-01-31,2027-03-01,")
        #expect(rows[3].hasPrefix("\"'=HYPERLINK(\"\"x\"\")\",p3"))
        #expect(rows[4].hasSuffix(",exempt,2027-01-31,,exempt"))
        // Each batch continues after the last person written; one more read finds the end.
        #expect(asked.first == .some(nil) && asked.count == (5 + batch - 1) / batch + 1)
    }

    @Test(arguments: [1, 3, 100])
    func theJSONIsOneDocument(batch: Int) throws {
        let (text, _) = try export(.json, batch: batch)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["assignment"] as? Int == 9 && object["item_kind"] as? String == "course")
        #expect((object["total"] as? [String: Int])?["overdue"] == 4)
        let members = try #require(object["members"] as? [[String: Any]])
        #expect(members.map { $0["login"] as? String } == ["p1", "p2", "p3", "p4", "p5"])
        #expect(members[3]["exempt"] as? Bool == true && members[0]["extended_day"] as? String == "2027-03-01")
        #expect(members[2]["name"] as? String == "=HYPERLINK(\"x\")")
    }
}
