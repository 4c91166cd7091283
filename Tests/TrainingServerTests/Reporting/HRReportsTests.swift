import Curriculum
import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct HRReportsTests {
    /// The fixture with people in A1, A2 and B, HR-A (hr on A) and the reports as of `ReportFixture.now`.
    private func setUp() throws -> (ReportFixture, User, HRReports) {
        let org = try ReportFixture()
        let hr = try org.person("hr.a", "人事甲", in: org.a, roles: [.hr])
        let li = try org.person("li", "李", in: org.a1, employeeNumber: "E1")
        try org.person("wang", "王", in: org.a2)
        let marker = try org.person("marker", "ZZMARKER", in: org.b)
        try org.certify(li, .certified, certifiedAt: ReportFixture.now, expiresAt: ReportFixture.now + 86_400 * 730,
                        certificate: "cert-li")
        try org.certify(marker, .certified, certificate: "cert-marker")
        try org.credit(li, 95)
        var calendar = StudyCalendar()
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let reports = HRReports(reports: org.reports, catalogue: ReportFixture.catalogue(), requiredHours: 90,
                                calendar: calendar, now: ReportFixture.now)
        return (org, hr, reports)
    }

    private func viewer(_ org: ReportFixture, _ user: User) throws -> ReportViewer {
        ReportViewer(user: user, departments: try org.departments.all())
    }

    @Test func theViewersScopeComesFromHRAndAdminGrantsOnly() throws {
        let (org, hr, _) = try setUp()
        let viewer = try viewer(org, hr)
        #expect(viewer.roots.map(\.id) == [org.a.id])
        #expect(viewer.visibleDepartments.map(\.id) == [org.a.id, org.a1.id, org.a2.id].sorted {
            viewer.departments[$0]!.namePath.lexicographicallyPrecedes(viewer.departments[$1]!.namePath)
        })
        let trainer = try org.person("trainer", "培训师", in: org.root, roles: [.trainer])
        #expect(try self.viewer(org, trainer).scope.isEmpty)
        let both = try org.grant(.admin, on: org.b, to: hr)
        #expect(try self.viewer(org, both).roots.map(\.id).sorted { $0.rawValue < $1.rawValue } == [org.a.id, org.b.id])
    }

    @Test(arguments: ["", "abc", "-1", " 2", "2 ", "0x2", "99999999999999999999", "1.0"])
    func malformedDepartmentIdsAreNotFound(_ raw: String) throws {
        let (org, hr, _) = try setUp()
        #expect(throws: ReportFailure.notFound) { try self.viewer(org, hr).department(raw) }
    }

    @Test func departmentsOutsideTheScopeAreNotFoundAndInsideAreFound() throws {
        let (org, hr, _) = try setUp()
        let viewer = try viewer(org, hr)
        for outside in [org.b, org.root, org.trap] {
            #expect(throws: ReportFailure.notFound) { try viewer.department(String(outside.id.rawValue)) }
        }
        #expect(try viewer.department(String(org.a1.id.rawValue))?.id == org.a1.id)
        #expect(try viewer.department(nil) == nil)
        #expect(viewer.trail(to: org.a1).map(\.id) == [org.a.id, org.a1.id])
    }

    @Test func anUnknownProgrammeIsNotFoundAndNoneMeansTheFirst() throws {
        let (_, _, reports) = try setUp()
        #expect(try reports.program(nil)?.id.rawValue == ReportFixture.program)
        #expect(try reports.program("annual-refresher")?.id.rawValue == "annual-refresher")
        #expect(throws: ReportFailure.notFound) { try reports.program("nope") }
    }

    @Test func theDashboardOfASingleTopShowsItsSubDepartments() throws {
        let (org, hr, reports) = try setUp()
        let dashboard = try reports.dashboard(programID: nil, department: nil, for: try viewer(org, hr))
        #expect(dashboard.department?.id == org.a.id)
        #expect(dashboard.total.people == 3)
        #expect(dashboard.total.counts[.certified] == 1)
        #expect(dashboard.rows.map(\.department.id).sorted { $0.rawValue < $1.rawValue } == [org.a1.id, org.a2.id])
        #expect(dashboard.hours.people == 3)
        #expect(dashboard.hours.buckets.last?.people == 1)
        #expect(dashboard.year == ReportFixture.year)
        #expect(throws: ReportFailure.notFound) {
            try reports.dashboard(programID: nil, department: String(org.b.id.rawValue), for: try viewer(org, hr))
        }
    }

    @Test func severalTopsAreShownSideBySideWithTheirSum() throws {
        let (org, hr, reports) = try setUp()
        let both = try org.grant(.hr, on: org.b, to: hr)
        let dashboard = try reports.dashboard(programID: nil, department: nil, for: try viewer(org, both))
        #expect(dashboard.department == nil)
        #expect(Set(dashboard.rows.map(\.department.id)) == [org.a.id, org.b.id])
        #expect(dashboard.total.people == 4)
        #expect(dashboard.total.counts[.certified] == 2)
        let document = SummaryDocument(dashboard)
        #expect(document.total.states.count == CertificationStateName.allCases.count)
        #expect(document.total.certifiedRate == 0.5)
    }

    @Test func theDepartmentsOwnPeopleGetARowSoTheRowsAddUpToTheTotal() throws {
        let (org, hr, reports) = try setUp()
        let certifiedHere = try org.person("a.head", "数据局长", in: org.a)
        try org.certify(certifiedHere, .expired, certifiedAt: 0, expiresAt: 100)
        let viewer = try viewer(org, hr)
        for department in [org.a, org.a1] {
            let dashboard = try reports.dashboard(programID: nil, department: String(department.id.rawValue), for: viewer)
            let parts = dashboard.parts.map { SummaryTotals($0.summary) }
            #expect(parts.reduce(0) { $0 + $1.people } == dashboard.total.people)
            for state in CertificationStateName.allCases {
                #expect(parts.reduce(0) { $0 + ($1.counts[state] ?? 0) } == (dashboard.total.counts[state] ?? 0), "\(state)")
            }
            let document = SummaryDocument(dashboard)
            #expect(document.departments.reduce(0) { $0 + $1.counts.people } == document.total.people)
            #expect(document.departments.filter(\.direct).count == 1)
            #expect(document.departments.first?.direct == true)
            #expect(document.departments.first?.department.id == department.id.rawValue)
        }
        let top = try reports.dashboard(programID: nil, department: nil, for: viewer)
        // 数据局 itself holds hr.a and a.head; its sub-departments li and wang.
        #expect(top.direct?.people == 2)
        #expect(top.direct?.counts[.expired] == 1)
        #expect(top.direct?.counts[.notStarted] == 1)
        #expect(top.total.people == 4)
        let csv = String(decoding: SummaryDocument(top).csv().dropFirst(3), as: UTF8.self).split(separator: "\r\n")
        #expect(csv.map { $0.split(separator: ",").first.map(String.init) ?? "" } == ["row", "total", "direct", "department", "department"])
        // Several tops side by side: the tops are the rows, nothing is direct.
        let both = try org.grant(.hr, on: org.b, to: hr)
        let sideBySide = try reports.dashboard(programID: nil, department: nil, for: try self.viewer(org, both))
        #expect(sideBySide.direct == nil)
        #expect(sideBySide.parts.reduce(0) { $0 + $1.summary.people } == sideBySide.total.people)
    }

    @Test func csvExportsSpeakTheReadersLanguageUnlessCodesAreAskedFor() throws {
        let (org, hr, reports) = try setUp()
        let viewer = try viewer(org, hr)
        func export(_ labels: ExportLabels) throws -> [String] {
            var query = PeopleQuery()
            query.search = "E1"
            let stream = try reports.export(query, for: viewer, format: .csv, verificationBase: "", labels: labels)
            var bytes: [UInt8] = []
            while let chunk = try stream.next() { bytes += chunk }
            #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
            return String(decoding: bytes.dropFirst(3), as: UTF8.self).split(separator: "\r\n").map(String.init)
        }
        let zh = try export(ExportLabels { Localization.shipped.text($0, .zh) })
        #expect(zh.first == "工号,登录名,姓名,部门,认证项目,状态,认证日期,到期日期,证书编号,核验链接,本年度学时,年度要求学时,用户编号")
        #expect(zh.last?.contains(",已认证,") == true)
        let en = try export(ExportLabels { Localization.shipped.text($0, .en) })
        #expect(en.first?.hasPrefix("Employee number,Login,Name,Department,Programme,State,") == true)
        #expect(en.last?.contains(",Certified,") == true)
        let codes = try export(.codes)
        #expect(codes.first == ExportedPerson.columns.joined(separator: ","))
        #expect(codes.last?.contains(",certified,") == true)
        // The rows are the same apart from the state's word.
        #expect(zh.last?.replacingOccurrences(of: ",已认证,", with: ",certified,") == codes.last)

        let dashboard = try reports.dashboard(programID: nil, department: nil, for: viewer)
        let summary = String(decoding: SummaryDocument(dashboard).csv(labels: ExportLabels { Localization.shipped.text($0, .zh) })
            .dropFirst(3), as: UTF8.self).split(separator: "\r\n").map(String.init)
        #expect(summary.first == "行类型,部门编号,部门,人数,未开始,学习中,已认证,待续证,已过期,已撤销,认证率")
        #expect(summary.dropFirst().map { String($0.split(separator: ",")[0]) } == ["合计", "本部门直属", "下级部门", "下级部门"])
        let summaryCodes = String(decoding: SummaryDocument(dashboard).csv().dropFirst(3), as: UTF8.self)
        #expect(summaryCodes.hasPrefix(SummaryDocument.csvColumns.joined(separator: ",") + "\r\ntotal,"))
    }

    @Test func theListThePageAndTheExportAgree() throws {
        let (org, hr, base) = try setUp()
        var reports = base
        reports.batchSize = 1
        let viewer = try viewer(org, hr)
        var query = PeopleQuery()
        query.belowRequired = true
        let page = try reports.people(query, for: viewer, limit: 50, offset: 0)
        #expect(page.lines.map(\.login) == ["hr.a", "wang"])
        #expect(page.total == 2)
        let stream = try reports.export(query, for: viewer, format: .json, verificationBase: "https://x.example")
        var bytes: [UInt8] = []
        while let chunk = try stream.next() { bytes += chunk }
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]])
        #expect(Set(rows.compactMap { $0["login"] as? String }) == Set(page.lines.map(\.login)))
        #expect(!String(decoding: bytes, as: UTF8.self).contains("ZZMARKER"))
    }

    @Test func exportsCarryTheVerificationLink() throws {
        let (org, hr, reports) = try setUp()
        var query = PeopleQuery()
        query.search = "E1"
        let stream = try reports.export(query, for: try viewer(org, hr), format: .csv, verificationBase: "https://x.example")
        var bytes: [UInt8] = []
        while let chunk = try stream.next() { bytes += chunk }
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(",cert-li,https://x.example/verify/cert-li,95,"))
        #expect(text.contains("2027-01-15"))
    }

    @Test func recordsOutsideTheScopeOrMalformedIdsAreNotFound() throws {
        let (org, hr, reports) = try setUp()
        let viewer = try viewer(org, hr)
        let marker = try #require(try org.users.find(login: "marker"))
        let li = try #require(try org.users.find(login: "li"))
        #expect(throws: ReportFailure.notFound) { try reports.record(String(marker.id.rawValue), for: viewer) }
        #expect(throws: ReportFailure.notFound) { try reports.record("abc", for: viewer) }
        #expect(throws: ReportFailure.notFound) { try reports.record("-\(li.id.rawValue)", for: viewer) }
        #expect(try reports.record(String(li.id.rawValue), for: viewer).login == "li")
    }

    @Test func exportFileNamesAreASCII() throws {
        let (_, _, reports) = try setUp()
        #expect(reports.exportFileName(program: try reports.program(nil), format: .csv) == "people-egov-competence-2027-01-15.csv")
        #expect(reports.exportFileName(program: nil, format: .table) == "people-all-2027-01-15.txt")
    }
}
