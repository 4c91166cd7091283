// Times the HR reports on the SQLite scale database and on its PostgreSQL copy, through the calls the server's HR
// pages make (`HRReports.dashboard`, `HRReports.people`, `HRReports.export` drained to the end), so both engines
// answer the same questions through the same code; only the HTML rendering and HTTP are left out.
//
//   scale-report-timings --sqlite DB --postgres postgres://user@host:port/db [--password-file FILE]
//       [--courses Courses] [--login hr.bench] [--reps 5] [--exports 2] [--markdown OUT.md]
//
// Each request runs once on each engine, then `--reps` more times alternating between the engines (so a busy
// moment on the shared machine falls on both); the table gives the medians and PostgreSQL's ratio to SQLite.
// Both engines are opened the way the server opens them (`SQLiteEngine.openForServing`, `PostgresEngine.open`)
// and prepared like the server (`prepareAggregates`). The PostgreSQL database must hold a copy of the SQLite one
// (`training-server migrate-to`); the HR account and the departments are looked up on each engine by login and id.

import Curriculum
import Foundation
import Logging
import PostgresStorage
import SQLiteStorage
import TrainingServer

struct Options {
    var sqlite = ""
    var postgres = ""
    var passwordFile: String?
    var courses = "Courses"
    var login = "hr.bench"
    var program = "egov-competence"
    var reps = 5
    var exports = 2
    var yearlyHours = 90.0
    var markdown: String?

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var rest = arguments[...]
        func value(_ name: String) -> String {
            guard let value = rest.popFirst() else { fail("\(name) needs a value") }
            return value
        }
        func number(_ name: String) -> Int {
            guard let number = Int(value(name)), number >= 0 else { fail("\(name) needs a whole number") }
            return number
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--sqlite": options.sqlite = value(argument)
            case "--postgres": options.postgres = value(argument)
            case "--password-file": options.passwordFile = value(argument)
            case "--courses": options.courses = value(argument)
            case "--login": options.login = value(argument)
            case "--program": options.program = value(argument)
            case "--reps": options.reps = number(argument)
            case "--exports": options.exports = number(argument)
            case "--markdown": options.markdown = value(argument)
            default: fail("unknown argument \(argument)")
            }
        }
        if options.sqlite.isEmpty || options.postgres.isEmpty { fail("--sqlite and --postgres are required") }
        return options
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    exit(2)
}

func say(_ message: String) {
    FileHandle.standardError.write(Data("\(message)\n".utf8))
}

func seconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// One engine with the HR account's view of it.
struct Side {
    let name: String
    let storage: any StorageEngine
    let reports: HRReports
    let viewer: ReportViewer

    init(name: String, storage: any StorageEngine, catalogue: Catalogue, options: Options) throws {
        self.name = name
        self.storage = storage
        guard let user = try storage.users.find(login: options.login), !user.disabled, user.has(.hr) || user.has(.admin) else {
            fail("\(name): no active HR account \(options.login)")
        }
        let repository = storage.reports
        let started = seconds()
        try repository.prepareAggregates(requiredHours: options.yearlyHours)
        say("\(name): aggregates prepared in \(String(format: "%.1f", seconds() - started)) s")
        var reports = HRReports(reports: repository, catalogue: catalogue, requiredHours: options.yearlyHours,
                                calendar: StudyCalendar(), now: Date().timeIntervalSince1970)
        reports.requirementsVary = try !storage.yearlyRequirements.all().isEmpty
        self.reports = reports
        viewer = ReportViewer(user: user, departments: try storage.departments.all())
    }
}

/// A request of the HR pages: what the page, API or export asks the reports for.
struct Request {
    enum Kind {
        case summary(department: DepartmentID)
        case people(Parameters, limit: Int, offset: Int)
    }

    let label: String
    let kind: Kind

    /// Runs the request on `side`; returns a number that must agree between the engines (people or rows).
    func run(on side: Side, program: String) throws -> String {
        switch kind {
        case .summary(let department):
            let dashboard = try side.reports.dashboard(programID: program, department: String(department.rawValue),
                                                       for: side.viewer)
            let counts = CertificationStateName.allCases.map { "\(dashboard.total.counts[$0] ?? 0)" }.joined(separator: "/")
            return "\(dashboard.total.people) people, \(counts), \(dashboard.rows.count) rows"
        case .people(let parameters, let limit, let offset):
            let (query, problems) = PeopleQuery.parse(parameters)
            guard problems.isEmpty else { fail("\(label): \(problems)") }
            let page = try side.reports.people(query, for: side.viewer, limit: limit, offset: offset)
            let ids = page.lines.map { String($0.userID) }
            return "\(page.totalExact ? "" : "more than ")\(page.total) match; ids \(ids.prefix(3).joined(separator: ",")) … \(ids.last ?? "-") (\(ids.count))"
        }
    }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func milliseconds(_ value: Double) -> String {
    value < 0.01 ? String(format: "%.1f ms", value * 1000) : String(format: "%.0f ms", value * 1000)
}

/// 1234567 as "1,234,567".
func grouped(_ number: Int) -> String {
    var digits = Array(String(abs(number)))
    var index = digits.count - 3
    while index > 0 {
        digits.insert(",", at: index)
        index -= 3
    }
    return (number < 0 ? "-" : "") + String(digits)
}

func ratioCell(_ sqlite: Double, _ postgres: Double) -> (String, String) {
    let ratio = postgres / sqlite
    return (String(format: "%.2f×", ratio), ratio <= 2 ? "yes" : "**no**")
}

func main() throws {
    let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
    let (loaded, diagnostics) = CatalogueLoader.load(directory: URL(fileURLWithPath: options.courses))
    guard let catalogue = loaded else {
        diagnostics.filter(\.isError).forEach { say($0.description) }
        fail("the course files in \(options.courses) have errors")
    }
    var logger = Logger(label: "scale-report-timings")
    logger.logLevel = .warning
    let sqlite = try Side(name: "SQLite", storage: try SQLiteEngine.openForServing(
        path: options.sqlite, clock: { Date().timeIntervalSince1970 }, logger: logger), catalogue: catalogue, options: options)
    var configuration = try PostgresConfiguration.parse(options.postgres)
    if let file = options.passwordFile { configuration = try configuration.withPassword(fromFile: file) }
    configuration.applicationName = "scale-report-timings"
    let postgres = try Side(name: "PostgreSQL", storage: try PostgresEngine.open(configuration: configuration, logger: logger),
                            catalogue: catalogue, options: options)
    let sides = [sqlite, postgres]

    // The top of the HR account's scope, its largest sub-department (by people) and that one's largest.
    guard let root = sqlite.viewer.roots.first else { fail("the HR account sees no department") }
    func largestChild(of department: Department) throws -> Department? {
        let dashboard = try sqlite.reports.dashboard(programID: options.program, department: String(department.id.rawValue),
                                                     for: sqlite.viewer)
        return dashboard.rows.max { $0.people < $1.people }?.department
    }
    guard let bureau = try largestChild(of: root), let division = try largestChild(of: bureau) else {
        fail("the top department has no sub-departments with people")
    }
    func people(_ department: Department, _ pairs: [(String, String)], limit: Int = 50, offset: Int = 0) -> Request.Kind {
        var parameters = Parameters([("program", options.program), ("department", String(department.id.rawValue))])
        for (name, value) in pairs { parameters.append(name, value) }
        return .people(parameters, limit: limit, offset: offset)
    }
    let requests = [
        Request(label: "Summary, top of the tree (all people)", kind: .summary(department: root.id)),
        Request(label: "Summary, drill-down to a bureau (\(bureau.name))", kind: .summary(department: bureau.id)),
        Request(label: "Summary, drill-down to a division (\(division.name))", kind: .summary(department: division.id)),
        Request(label: "People, top: state=expired, sort=name", kind: people(root, [("state", "expired"), ("sort", "name")])),
        Request(label: "People, top: below yearly hours, sort=name", kind: people(root, [("below_required", "1"), ("sort", "name")])),
        Request(label: "People, top: no filter, sort=name", kind: people(root, [])),
        Request(label: "People, top: no filter, sort=name, page 100", kind: people(root, [], offset: 99 * 50)),
        Request(label: "People, top: state=due_for_renewal, sort=expires",
                kind: people(root, [("state", "due_for_renewal"), ("sort", "expires")])),
        Request(label: "People, top: certified, sort=expires (certified by expiry)",
                kind: people(root, [("state", "certified"), ("sort", "expires")])),
        Request(label: "People, top: certified, sort=expires, descending",
                kind: people(root, [("state", "certified"), ("sort", "expires"), ("dir", "desc")])),
        Request(label: "People, top: expiring in a quarter (2027-01-01 to 2027-03-31)",
                kind: people(root, [("expires_from", "2027-01-01"), ("expires_to", "2027-03-31")])),
        Request(label: "People, top: certified and expiring in a quarter, sort=expires",
                kind: people(root, [("state", "certified"), ("expires_from", "2027-01-01"), ("expires_to", "2027-03-31"),
                                    ("sort", "expires")])),
        Request(label: "People, top: search by name '王'", kind: people(root, [("q", "王")])),
        Request(label: "People, top: state=certified, sort=department",
                kind: people(root, [("state", "certified"), ("sort", "department")])),
        Request(label: "People, top: no filter, sort=hours", kind: people(root, [("sort", "hours")])),
        Request(label: "People, top: no filter, sort=state, descending", kind: people(root, [("sort", "state"), ("dir", "desc")])),
        Request(label: "People, bureau: state=expired, sort=name", kind: people(bureau, [("state", "expired"), ("sort", "name")])),
    ]

    struct Timing {
        var first: [Double] = [0, 0]
        var runs: [[Double]] = [[], []]
        var answers: [String] = ["", ""]
    }
    var timings: [Timing] = []
    for request in requests {
        var timing = Timing()
        for rep in 0...options.reps {
            for (index, side) in sides.enumerated() {
                let started = seconds()
                let answer = try request.run(on: side, program: options.program)
                let elapsed = seconds() - started
                if rep == 0 {
                    timing.first[index] = elapsed
                    timing.answers[index] = answer
                } else {
                    timing.runs[index].append(elapsed)
                }
            }
        }
        let (ratio, _) = ratioCell(median(timing.runs[0]), median(timing.runs[1]))
        say("\(request.label): SQLite \(milliseconds(median(timing.runs[0]))), PostgreSQL \(milliseconds(median(timing.runs[1]))) (\(ratio))"
            + (timing.answers[0] == timing.answers[1] ? "" : "\n  DIFFERENT ANSWERS: SQLite \(timing.answers[0]); PostgreSQL \(timing.answers[1])"))
        timings.append(timing)
    }

    // The CSV export of everyone at the top, drained as the server's response body would be.
    var exportRuns: [[(seconds: Double, rows: Int, bytes: Int)]] = [[], []]
    let exportQuery = PeopleQuery.parse(Parameters([("program", options.program), ("department", String(root.id.rawValue))])).0
    for run in 0..<options.exports {
        for (index, side) in sides.enumerated() {
            let started = seconds()
            let stream = try side.reports.export(exportQuery, for: side.viewer, format: .csv, verificationBase: "")
            var rows = 0
            var bytes = 0
            while let chunk = try stream.next() {
                bytes += chunk.count
                rows += chunk.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            }
            let elapsed = seconds() - started
            exportRuns[index].append((elapsed, rows - 1, bytes))
            say("CSV export \(run + 1), \(side.name): \(grouped(rows - 1)) rows in \(String(format: "%.1f", elapsed)) s")
        }
    }

    var out: [String] = []
    out.append("\(root.name) (id \(root.id.rawValue)), bureau \(bureau.name) (id \(bureau.id.rawValue)), division "
        + "\(division.name) (id \(division.id.rawValue)); pages of 50. Each request once per engine (First), then "
        + "\(options.reps) more alternating between the engines: the medians. Same answers: the totals and the page's ids agree.")
    out.append("")
    out.append("| Request | SQLite first | SQLite median | PostgreSQL first | PostgreSQL median | Ratio | Within 2× | Same answers |")
    out.append("|---|---:|---:|---:|---:|---:|:-:|:-:|")
    for (request, timing) in zip(requests, timings) {
        let (ratio, met) = ratioCell(median(timing.runs[0]), median(timing.runs[1]))
        out.append("| \(request.label) | \(milliseconds(timing.first[0])) | \(milliseconds(median(timing.runs[0]))) "
            + "| \(milliseconds(timing.first[1])) | **\(milliseconds(median(timing.runs[1])))** | \(ratio) | \(met) "
            + "| \(timing.answers[0] == timing.answers[1] ? "yes" : "**no**") |")
    }
    if options.exports > 0 {
        out.append("")
        out.append("| CSV export of everyone (top) | Rows | SQLite median | SQLite rows/s | PostgreSQL median | PostgreSQL rows/s | Ratio | Within 2× |")
        out.append("|---|---:|---:|---:|---:|---:|---:|:-:|")
        let sqliteTime = median(exportRuns[0].map(\.seconds))
        let postgresTime = median(exportRuns[1].map(\.seconds))
        let rows = exportRuns[0].first?.rows ?? 0
        let postgresRows = exportRuns[1].first?.rows ?? 0
        let (ratio, met) = ratioCell(sqliteTime, postgresTime)
        let rowsText = rows == postgresRows ? grouped(rows) : "\(grouped(rows)) / PostgreSQL \(grouped(postgresRows))"
        out.append("| \(options.exports) runs each | \(rowsText) | \(String(format: "%.1f", sqliteTime)) s "
            + "| \(grouped(Int(Double(rows) / sqliteTime))) | **\(String(format: "%.1f", postgresTime)) s** "
            + "| \(grouped(Int(Double(postgresRows) / postgresTime))) | \(ratio) | \(met) |")
    }
    let text = out.joined(separator: "\n") + "\n"
    if let markdown = options.markdown {
        try Data(text.utf8).write(to: URL(fileURLWithPath: markdown))
    }
    print(text, terminator: "")
}

do {
    try main()
} catch {
    fail("\(error)")
}
