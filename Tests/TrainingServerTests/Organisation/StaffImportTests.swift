import Assessment
import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite("Staff import")
struct StaffImportTests {
    let header = "employee_number,login,name,department,roles,status\n"

    private func plan(_ rows: String, existing: [StaffImport.Existing] = [], departments: Set<[String]> = [])
        -> StaffImport.Outcome {
        StaffImport.plan(csv: Array((header + rows).utf8), existing: existing, departments: departments)
    }

    @Test func withAReachEveryRowMustLieWithinItAndOutsidersAreNotDescribed() {
        let outsider = StaffImport.Existing(id: UserID(rawValue: 7), employeeNumber: "900", login: "outsider", name: "外人",
                                            department: ["省", "厅"], grants: [StaffImport.Grant(role: .learner, department: ["省", "厅"])],
                                            disabled: false, timeFactor: 1)
        let insider = StaffImport.Existing(id: UserID(rawValue: 8), employeeNumber: "800", login: "insider", name: "内人",
                                           department: ["省", "局"], grants: [StaffImport.Grant(role: .learner, department: ["省", "局"]),
                                                                             StaffImport.Grant(role: .hr, department: ["省"])],
                                           disabled: false, timeFactor: 1)
        let rows = "1,a,甲,省/厅,,\n2,b,乙,省/局/处,hr@省,\n900,,外人,省/局,,\n3,outsider,丙,省/局,,\n800,,内人改,省/局,,\n4,c,丁,省/局/新处,,\n"
        let outcome = StaffImport.plan(csv: Array((header + rows).utf8), existing: [outsider, insider],
                                       departments: [["省"], ["省", "局"], ["省", "厅"]], reach: [["省", "局"]])
        guard case .problems(let problems) = outcome else { Issue.record("expected problems: \(outcome)"); return }
        #expect(problems.map(\.description) == [
            "line 2: department 省/厅 is outside the departments you manage",
            "line 3: role hr@省 names a department outside the departments you manage",
            "line 4: employee number 900 is already in use outside the departments you manage",
            "line 5: the login outsider is already in use",
            "line 6: employee 800 holds roles outside the departments you manage; their roles can only be changed by an administrator of those",
        ])
        #expect(!problems.contains { $0.message.contains("外人") || $0.message.contains("厅") && $0.line != 2 })
        // Within the reach the same file's good rows plan as without one.
        let good = "4,c,丁,省/局/新处,,\n"
        let inside = StaffImport.plan(csv: Array((header + good).utf8), existing: [outsider], departments: [["省"], ["省", "局"]],
                                      reach: [["省", "局"]])
        #expect(inside == StaffImport.plan(csv: Array((header + good).utf8), existing: [outsider], departments: [["省"], ["省", "局"]]))
    }

    @Test func rowProblemsCarryACodeAndValuesForPagesInEitherLanguage() throws {
        let outcome = plan("1,a b,,省,boss@,gone\n1,c,丙,,,\n")
        guard case .problems(let problems) = outcome else { Issue.record("expected problems"); return }
        #expect(problems.allSatisfy { $0.code != nil }, "\(problems)")
        let duplicate = try #require(problems.first { $0.code == "duplicate_number" })
        #expect(duplicate.line == 3 && duplicate.values == ["number": "1", "first": "2"])
        let strings = Localization.shipped
        for problem in problems {
            for language in [Language.zh, .en] {
                let text = strings.text("admin.import.problem.\(problem.code ?? "")", language, problem.values)
                #expect(!text.contains("{") && !text.hasPrefix("admin."), "\(language): \(text)")
            }
        }
    }

    @Test func theFingerprintFollowsWhatThePlanWouldDo() {
        func fingerprint(_ rows: String, existing: [StaffImport.Existing] = []) -> String? {
            if case .plan(let plan) = plan(rows, existing: existing) { plan.fingerprint } else { nil }
        }
        let first = fingerprint("1,a,甲,省/局,,\n")
        #expect(first != nil && first == fingerprint("1,a,甲,省/局,,\n"))
        #expect(first != fingerprint("1,a,甲,省/处,,\n"))
        #expect(first != fingerprint("1,a,乙,省/局,,\n"))
        let existing = StaffImport.Existing(id: UserID(rawValue: 1), employeeNumber: "1", login: "a", name: "甲", department: ["省"],
                                            grants: [StaffImport.Grant(role: .learner, department: ["省"])], disabled: false, timeFactor: 1)
        #expect(first != fingerprint("1,a,甲,省/局,,\n", existing: [existing]), "an update is not a create")
    }

    @Test func everyBadRowIsReportedWithItsLine() {
        let outcome = plan("1,a,甲,省/局,boss,\n2,b b,,省,,\n1,c,丙,,,gone\n")
        guard case .problems(let problems) = outcome else { Issue.record("expected problems"); return }
        #expect(problems.map(\.line) == [2, 3, 3, 4, 4, 4])
        #expect(problems.contains { $0.line == 2 && $0.message.contains("unknown role 'boss'") })
        #expect(problems.contains { $0.line == 4 && $0.message.contains("already appears on line 2") })
    }

    @Test func aWorkbookIsCheckedWithItsSheetRowNumbers() {
        func cell(_ reference: String, _ text: String) -> String {
            "<c r=\"\(reference)\" t=\"inlineStr\"><is><t>\(text)</t></is></c>"
        }
        let sheet = """
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>\
            <row r="2">\(cell("A2", "employee_number"))\(cell("B2", "login"))\(cell("C2", "name"))\(cell("D2", "department"))\
            \(cell("E2", "status"))</row>\
            <row r="3"><c r="A3"><v>123</v></c>\(cell("B3", "a"))\(cell("C3", "甲"))\(cell("D3", "省/局"))</row>\
            <row r="5"><c r="A5"><v>123</v></c>\(cell("B5", "b"))\(cell("C5", "乙"))\(cell("D5", "省"))\(cell("E5", "gone"))\
            \(cell("G5", "note"))</row>\
            </sheetData></worksheet>
            """
        let bytes = makeZip([("xl/workbook.xml", Array("<workbook><sheets><sheet name=\"s\" r:id=\"r1\" xmlns:r=\"urn:r\"/></sheets></workbook>".utf8), false),
                             ("xl/worksheets/sheet1.xml", Array(sheet.utf8), true)])
        let outcome = StaffImport.plan(file: .detect(bytes), existing: [], departments: [])
        guard case .problems(let problems) = outcome else { Issue.record("expected problems: \(outcome)"); return }
        #expect(problems.map(\.description) == [
            "line 5: employee number 123 already appears on row 3",
            "line 5: has a value in column G, beyond the header's 5 columns",
            "line 5: status 'gone' is not active or left",
        ])
        let good = makeZip([("xl/workbook.xml", Array("<workbook><sheets><sheet name=\"s\"/></sheets></workbook>".utf8), false),
                            ("xl/worksheets/sheet1.xml", Array(sheet.components(separatedBy: "<row r=\"5\">")[0].appending("</sheetData></worksheet>").utf8), true)])
        guard case .plan(let plan) = StaffImport.plan(file: .detect(good), existing: [], departments: []) else {
            Issue.record("expected a plan"); return
        }
        #expect(plan.changes == [.create(StaffImport.Person(line: 3, employeeNumber: "123", login: "a", name: "甲", department: ["省", "局"],
                                                            grants: [StaffImport.Grant(role: .learner, department: ["省", "局"])],
                                                            active: true, timeFactor: nil))])
    }

    @Test func aWorkbookThatCannotBeOpenedIsOneProblemOfTheWholeFile() {
        let outcome = StaffImport.plan(file: .detect([0x50, 0x4B, 0x03, 0x04, 0, 0]), existing: [], departments: [])
        #expect(outcome == .problems([StaffImport.Problem(line: 0, message: "the file is too short to be a zip archive")]))
    }

    @Test func aLegacyOrPasswordProtectedWorkbookIsNamedAsSuch() {
        let compoundFile: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + Array(repeating: 0, count: 504)
        #expect(StaffImport.plan(csv: compoundFile, existing: [], departments: []) == .problems([StaffImport.Problem(
            line: 0, message: "the file is an Excel 97-2003 workbook (.xls) or a password-protected workbook; "
                + "save it without a password as .xlsx or as CSV UTF-8", code: "legacy_workbook")]))
    }

    @Test func aHeaderTypoIsAnError() {
        let outcome = StaffImport.plan(csv: Array("employee_number,name,departement\n".utf8), existing: [], departments: [])
        guard case .problems(let problems) = outcome else { Issue.record("expected problems"); return }
        #expect(problems.first?.message.contains("unknown column 'departement'") == true)
        #expect(problems.contains { $0.message == "missing column 'department'" })
    }

    @Test func plansCreatesUpdatesAndDisables() {
        let existing = [
            StaffImport.Existing(id: UserID(rawValue: 10), employeeNumber: "2", login: "b", name: "乙", department: ["省"],
                                 grants: [StaffImport.Grant(role: .learner, department: ["省"])], disabled: false, timeFactor: 1),
            StaffImport.Existing(id: UserID(rawValue: 11), employeeNumber: "3", login: "c", name: "丙", department: ["省"],
                                 grants: [StaffImport.Grant(role: .learner, department: ["省"])], disabled: false, timeFactor: 1),
        ]
        let outcome = plan("1,a,甲,省/局,hr@省;learner,\n2,,乙二,省,,\n3,,丙,省,,left\n", existing: existing, departments: [["省"]])
        guard case .plan(let plan) = outcome else { Issue.record("expected a plan: \(outcome)"); return }
        #expect(plan.created == 1)
        #expect(plan.updated == 1)
        #expect(plan.disabled == 1)
        #expect(plan.newDepartments == [["省", "局"]])
        if case .update(_, _, let fields) = plan.changes[1] { #expect(fields == ["name"]) }
    }

    @Test func applyingIsOneTransactionWithAnAuditRow() throws {
        let temporary = try TemporaryStore()
        let clock = ManualClock()
        let staff = SQLiteStaffRepository(store: temporary.store, clock: clock.function)
        let (people, departments) = try staff.snapshot()
        guard case .plan(let plan) = StaffImport.plan(
            csv: Array((header + "1,a,甲,省/局/处,hr@省/局,\n2,b,乙,省/局,,\n").utf8), existing: people, departments: departments)
        else { Issue.record("expected a plan"); return }
        try staff.apply(plan, passwordHashes: [:], by: .commandLine)
        let users = try SQLiteUserRepository(store: temporary.store, clock: clock.function).all()
        #expect(users.map(\.login) == ["a", "b"])
        let a = try #require(users.first)
        #expect(a.roles == [.learner, .hr])
        #expect(!PasswordHasher().verify("", against: try #require(try SQLiteUserRepository(store: temporary.store, clock: clock.function).passwordHash(of: a.id))))
        let audit = SQLiteAuditLog(store: temporary.store, clock: clock.function)
        #expect(try audit.recent(limit: 1).first?.action == "staff.import")
        guard case .intact = try audit.verify() else { Issue.record("the audit chain is broken"); return }
        // Importing the same file again changes nothing.
        let (again, againDepartments) = try staff.snapshot()
        guard case .plan(let second) = StaffImport.plan(
            csv: Array((header + "1,a,甲,省/局/处,hr@省/局,\n2,b,乙,省/局,,\n").utf8), existing: again, departments: againDepartments)
        else { Issue.record("expected a plan"); return }
        #expect(second.changes.isEmpty)
        #expect(second.unchanged == 2)
    }

    @Test func controlCharactersAreRefusedInEveryColumnWithTheirLine() {
        // Named as UTF-8: detection would take the NUL byte for UTF-16 and refuse the whole file.
        let rows = "1,a,甲,省/局,,\n2\u{0},b,乙,省,,\n3,c\u{1B}d,丙,省,,\n4,d,\"丁\n丁\",省,,\n5,e,戊\u{85}戊,省\u{2028}局,,\n"
            + "6,f,己,省,hr\u{7},\n7,g,庚,省,,le\u{2029}ft\n"
        let outcome = StaffImport.plan(file: .csv(Array((header + rows).utf8), encoding: .utf8), existing: [], departments: [])
        guard case .problems(let problems) = outcome else { Issue.record("expected problems: \(outcome)"); return }
        let controls = problems.filter { $0.message.contains("control character") }
        #expect(controls.map(\.description) == [
            "line 3: employee_number contains the control character U+0000; remove line breaks, tabs and other control characters",
            "line 4: login contains the control character U+001B; remove line breaks, tabs and other control characters",
            "line 5: name contains the control character U+000A; remove line breaks, tabs and other control characters",
            "line 7: department contains the control character U+2028; remove line breaks, tabs and other control characters",
            "line 7: name contains the control character U+0085; remove line breaks, tabs and other control characters",
            "line 8: roles contains the control character U+0007; remove line breaks, tabs and other control characters",
            "line 9: status contains the control character U+2029; remove line breaks, tabs and other control characters",
        ])
        #expect(!problems.contains { $0.line == 2 })
    }

    @Test func aLeftRowForAnUnknownEmployeeIsAWarningThatDoesNotStopTheImport() {
        let existing = [
            StaffImport.Existing(id: UserID(rawValue: 10), employeeNumber: "2", login: "b", name: "乙", department: ["省"],
                                 grants: [StaffImport.Grant(role: .learner, department: ["省"])], disabled: false, timeFactor: 1),
        ]
        let outcome = plan("1,a,甲,省,,\n2,,乙,省,,left\n9,,无名,省,,离职\n", existing: existing, departments: [["省"]])
        guard case .plan(let plan) = outcome else { Issue.record("expected a plan: \(outcome)"); return }
        #expect(plan.created == 1)
        #expect(plan.disabled == 1)
        #expect(plan.unchanged == 0)
        #expect(plan.warnings.map(\.description) == [
            "line 4: employee number 9 is marked left but is not on the platform; the row is ignored (check the number)",
        ])
    }
}
