import ArgumentParser
import Curriculum
import Foundation
import TrainingServer

/// `training-server report`: the HR reports of the pages, limited to one account's scope.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "HR reports (department summary, people list), limited to one HR or admin account's departments.",
        discussion: """
            The numbers are the pages' numbers: the same queries, scope and filters. Give --yearly-hours the value \
            the server runs with. `report people` writes rows as it reads them, so exports of any size use little \
            memory, and writes one audit-log row (report.export). See docs/reporting.md.
            """,
        subcommands: [Summary.self, People.self])

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, csv, json
    }

    /// Whose scope, which programme and department, and where the data is.
    struct Scope: ParsableArguments {
        @OptionGroup var database: DatabaseOptions
        @Option(name: .customLong("as"), help: "The HR or admin account whose departments the report covers.")
        var login: String
        @Option(help: "Programme id (default: the catalogue's first programme).") var program: String?
        @Option(help: "Department id (default: every department the account may see).") var department: String?
        @Option(help: "Folder of course files (for the programmes).") var courses = "Courses"
        @Option(help: "Study hours each person should earn per year where no yearly requirement rule applies.") var yearlyHours = 90.0

        func open() throws -> (User, ReportViewer, HRReports, any StorageEngine) {
            let (catalogue, diagnostics) = CatalogueLoader.load(directory: try courseFolder(courses, option: "--courses"))
            guard let catalogue else {
                diagnostics.filter(\.isError).forEach { printError($0.description) }
                throw CommandFailure("the course files in \(courses) have errors; fix them first (training-server lint \(courses))")
            }
            let storage = try database.openExisting()
            guard let user = try storage.users.find(login: login), !user.disabled else {
                throw CommandFailure("no active account \(login)")
            }
            guard user.has(.hr) || user.has(.admin) else {
                throw CommandFailure("\(login) holds neither the hr nor the admin role, so has no reports")
            }
            let viewer = ReportViewer(user: user, departments: try storage.departments.all())
            let repository = storage.reports
            // Names written by another tool since the server last started get their sort keys.
            try repository.prepareNameKeys()
            var reports = HRReports(reports: repository, catalogue: catalogue,
                                    requiredHours: yearlyHours, calendar: StudyCalendar(), now: now())
            // People are counted against their own yearly requirements where rules set them.
            reports.requirementsVary = try !storage.yearlyRequirements.all().isEmpty
            return (user, viewer, reports, storage)
        }

        /// Runs a report; "not found" names what was asked without telling whether it exists.
        func reporting<T>(_ body: () throws -> T) throws -> T {
            do {
                return try body()
            } catch ReportFailure.notFound {
                let asked = [department.map { "department \($0)" }, program.map { "programme \($0)" }].compactMap { $0 }
                throw CommandFailure("\(asked.isEmpty ? "the report" : asked.joined(separator: " or ")) is not in \(login)'s scope")
            } catch ReportFailure.invalid(let problems) {
                throw ValidationError(problems.map(\.description).joined(separator: "; "))
            }
        }
    }

    struct Summary: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Certification status per department: people per state and the certified rate.")
        @OptionGroup var scope: Scope
        @Option(help: "table, csv or json.") var format: Format = .table

        func run() throws {
            let (_, viewer, reports, _) = try scope.open()
            let dashboard = try scope.reporting {
                try reports.dashboard(programID: scope.program, department: scope.department, for: viewer)
            }
            let document = SummaryDocument(dashboard)
            switch format {
            case .table:
                let program = dashboard.program.map { "\($0.id.rawValue) (\($0.title.zh ?? $0.title.en ?? ""))" } ?? "none"
                // One writer for both, so the heading stays first when the output goes to a pipe.
                FileHandle.standardOutput.write(Data("programme \(program), \(dashboard.year)\n".utf8))
                FileHandle.standardOutput.write(Data(document.table().utf8))
            case .csv:
                FileHandle.standardOutput.write(Data(document.csv()))
            case .json:
                FileHandle.standardOutput.write(Data(try document.json()))
            }
        }
    }

    struct People: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Everyone matching the filters, one row each (streamed).")
        @OptionGroup var scope: Scope
        @Option(help: "not_started, in_progress, certified, due_for_renewal, expired or revoked.") var state: String?
        @Option(help: "Certificates expiring on or after this day (YYYY-MM-DD).") var expiresFrom: String?
        @Option(help: "Certificates expiring on or before this day (YYYY-MM-DD).") var expiresTo: String?
        @Flag(help: "Only people below the yearly study-hours requirement.") var belowRequired = false
        @Option(help: "Part of a name or login, or a whole employee number.") var search: String?
        @Option(help: "table (columns lined up, so all rows are read first), csv or json (both streamed).")
        var format: Format = .table
        @Option(help: "The platform's public address, as given to serve, for verification links (without it they are paths).")
        var publicURL = ""

        func run() throws {
            let (user, viewer, reports, storage) = try scope.open()
            var parameters = Parameters()
            let given: [(String, String?)] = [("program", scope.program), ("department", scope.department), ("state", state),
                                              ("expires_from", expiresFrom), ("expires_to", expiresTo), ("q", search),
                                              ("below_required", belowRequired ? "1" : nil)]
            for case let (name, value?) in given { parameters.append(name, value) }
            let (query, problems) = PeopleQuery.parse(parameters)
            guard problems.isEmpty else { throw ValidationError(problems.map(\.description).joined(separator: "; ")) }
            let exportFormat: PeopleExportFormat = switch format {
            case .table: .table
            case .csv: .csv
            case .json: .json
            }
            let (_, department, program) = try scope.reporting { try reports.resolve(query, for: viewer) }
            let stream = try scope.reporting {
                try reports.export(query, for: viewer, format: exportFormat,
                                   verificationBase: publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL)
            }
            var details = query.auditDetails
            details["program"] = program?.id.rawValue ?? ""
            details["department"] = department.map { String($0.id.rawValue) } ?? ""
            details["format"] = exportFormat.rawValue
            details["channel"] = "cli"
            try storage.audit
                .append(AuditEvent(action: "report.export", subject: "people", details: details), by: AuditActor(user))
            if format == .table {
                // Lining columns up needs every row's widths first; csv and json stream for exports of any size.
                var bytes: [UInt8] = []
                while let chunk = try stream.next() { bytes += chunk }
                let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
                printTable(lines.map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) })
                return
            }
            while let chunk = try stream.next() {
                FileHandle.standardOutput.write(Data(chunk))
            }
        }
    }
}
