import Curriculum
import Foundation

/// The HR reports, whoever asks for them — pages, the JSON API or the command line — so they all give the same
/// numbers. Every answer is limited to the reader's scope; filters narrow it and can never widen it.
public struct HRReports: Sendable {
    public let reports: any ReportRepository
    public let catalogue: Catalogue
    /// Study hours each person should earn per calendar year.
    public let requiredHours: Double
    public let calendar: StudyCalendar
    public let now: Double
    /// Rows read per step of an export.
    public var batchSize = 2000
    /// Whether yearly requirement rules exist, so people are counted against requirements of their own.
    public var requirementsVary = false
    /// The "overdue for assignment" condition of an assignment id (`notFound` for one the reader cannot see);
    /// nil: the filter is not offered.
    public var overdueFilter: (@Sendable (Int64) throws(ReportFailure) -> PlanOverdueFilter)?

    public init(reports: any ReportRepository, catalogue: Catalogue, requiredHours: Double, calendar: StudyCalendar,
                now: Double) {
        self.reports = reports
        self.catalogue = catalogue
        self.requiredHours = requiredHours
        self.calendar = calendar
        self.now = now
    }

    /// The calendar year whose hours the reports show.
    public var year: Int { calendar.year(of: now) }

    /// The programme a request names, or the catalogue's first when none is named (nil when there is none).
    public func program(_ id: String?) throws(ReportFailure) -> Program? {
        guard let id else { return catalogue.programs.first }
        guard let program = catalogue.program(ProgramID(id)) else { throw .notFound }
        return program
    }

    /// The repository filter for `query`: the named department (or the whole scope), programme, year and the
    /// requirement, after checking that the department and programme exist and are visible.
    public func resolve(_ query: PeopleQuery, for viewer: ReportViewer) throws(ReportFailure)
        -> (filter: PeopleFilter, department: Department?, program: Program?) {
        let department = try viewer.department(query.department)
        let program = try self.program(query.programID)
        // "/" is every path: with no department named, the scope alone limits the rows.
        var filter = PeopleFilter(departmentPath: department?.idPath ?? "/", programID: program?.id.rawValue ?? "",
                                  year: year)
        filter.state = query.state
        filter.expiresFrom = query.expiresFrom?.start(in: calendar.timeZone)
        filter.expiresTo = query.expiresTo?.end(in: calendar.timeZone)
        filter.hoursBelow = query.belowRequired ? requiredHours : nil
        filter.search = query.search
        if let id = query.overdueFor {
            guard let overdueFilter else { throw .notFound }
            filter.overdue = try overdueFilter(id)
        }
        filter.sort = query.sort
        filter.descending = query.descending
        return (filter, department, program)
    }

    /// The department summary: the named department (or the scope's single top) and its sub-departments, or
    /// the scope's tops side by side when there are several; with the study-hours distribution of its people.
    public func dashboard(programID: String?, department raw: String?, for viewer: ReportViewer) throws -> Dashboard {
        let program = try self.program(programID)
        let programKey = program?.id.rawValue ?? ""
        let department = try viewer.department(raw) ?? (viewer.roots.count == 1 ? viewer.roots.first : nil)
        var rows: [DepartmentSummary]
        let total: SummaryTotals
        var direct: DepartmentSummary?
        let bounds = HoursDistribution.bounds(required: requiredHours)
        let counts: [Int]
        if let department {
            // The summary and the hours distribution in one read.
            let summary = try reports.dashboardFigures(programID: programKey, root: department,
                                                       children: viewer.children(of: department), year: year,
                                                       bounds: bounds, scope: viewer.scope)
            counts = summary.hours
            rows = summary.children
            total = SummaryTotals(summary.root)
            // The department is in scope, so all its sub-departments are: what they do not hold is its own.
            let below = SummaryTotals(summary.children)
            var own = DepartmentSummary(department: department, people: total.people - below.people, counts: [:])
            for state in CertificationStateName.allCases {
                own.counts[state] = (total.counts[state] ?? 0) - (below.counts[state] ?? 0)
            }
            if own.people > 0 { direct = own }
        } else {
            rows = try viewer.roots.map {
                try reports.summary(programID: programKey, root: $0, children: [], scope: viewer.scope).root
            }
            total = SummaryTotals(rows)
            counts = try reports.hoursDistribution(PeopleFilter(departmentPath: "/", programID: programKey, year: year),
                                                   scope: viewer.scope, bounds: bounds)
        }
        rows.sort { $0.department.name < $1.department.name }
        return Dashboard(program: program, programs: catalogue.programs, year: year, requiredHours: requiredHours,
                         department: department, trail: department.map(viewer.trail(to:)) ?? [], total: total,
                         direct: direct, rows: rows, hours: HoursDistribution(required: requiredHours, counts: counts),
                         requirementsVary: requirementsVary)
    }

    /// One page of the people list and how many match in all.
    public func people(_ query: PeopleQuery, for viewer: ReportViewer, limit: Int, offset: Int) throws -> PeoplePage {
        let (filter, department, program) = try resolve(query, for: viewer)
        let total = try reports.count(filter, scope: viewer.scope)
        let lines = try reports.people(filter, scope: viewer.scope, limit: limit, offset: offset)
        return PeoplePage(query: query, department: department, program: program, year: year, lines: lines,
                          total: total.count, totalExact: total.exact, limit: limit, offset: offset)
    }

    /// An export of everyone matching `query` in the list's order, read while it is written.
    public func export(_ query: PeopleQuery, for viewer: ReportViewer, format: PeopleExportFormat,
                       verificationBase: String, labels: ExportLabels = .codes) throws -> PeopleExportStream {
        let (filter, _, program) = try resolve(query, for: viewer)
        let resolver = PersonLineResolver(departments: viewer.departments, programID: program?.id.rawValue ?? "",
                                          verificationBase: verificationBase, requiredHours: requiredHours,
                                          timeZone: calendar.timeZone)
        let reports = self.reports
        let scope = viewer.scope
        return PeopleExportStream(format: format, resolver: resolver, labels: labels, batchSize: batchSize) { after, written, limit in
            try reports.exportBatch(filter, scope: scope, after: after, written: written, limit: limit)
        }
    }

    /// A person's record when they are in the reader's scope; `notFound` otherwise (or for a malformed id).
    public func record(_ raw: String, for viewer: ReportViewer) throws -> PersonRecord {
        guard raw.allSatisfy({ $0.isASCII && $0.isNumber }), let id = Int64(raw),
              let record = try reports.record(userID: UserID(rawValue: id), scope: viewer.scope) else {
            throw ReportFailure.notFound
        }
        return record
    }

    /// A file name for an export: `people-<programme>-<YYYY-MM-DD>.<ext>`, ASCII only.
    public func exportFileName(program: Program?, format: PeopleExportFormat) -> String {
        let id = (program?.id.rawValue ?? "all").filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        return "people-\(id.isEmpty ? "all" : id)-\(ISODay(seconds: now, timeZone: calendar.timeZone)).\(format.fileExtension)"
    }
}

/// The numbers of a department summary, or of several side by side.
public struct SummaryTotals: Sendable, Hashable {
    public var people: Int
    public var counts: [CertificationStateName: Int]

    public init(_ summary: DepartmentSummary) {
        people = summary.people
        counts = summary.counts
    }

    public init(_ summaries: [DepartmentSummary]) {
        people = summaries.reduce(0) { $0 + $1.people }
        counts = summaries.reduce(into: [:]) { sum, summary in
            for (state, count) in summary.counts { sum[state, default: 0] += count }
        }
    }

    /// Share of people holding a valid certificate (certified or due for renewal); nil with nobody.
    public var certifiedRate: Double? {
        people == 0 ? nil : Double((counts[.certified] ?? 0) + (counts[.dueForRenewal] ?? 0)) / Double(people)
    }
}

/// What the department summary page and API show.
public struct Dashboard: Sendable {
    public var program: Program?
    public var programs: [Program]
    public var year: Int
    public var requiredHours: Double
    /// The department summarised; nil when the reader's scope has several tops and none was chosen.
    public var department: Department?
    /// The visible departments from the top of the scope to `department`.
    public var trail: [Department]
    public var total: SummaryTotals
    /// The people of `department` itself, not of a sub-department (nil when there are none): with `rows`, they
    /// add up to `total`.
    public var direct: DepartmentSummary?
    /// Sub-departments of `department`, or the scope's tops.
    public var rows: [DepartmentSummary]
    public var hours: HoursDistribution
    /// Whether people are counted against requirements of their own (rules exist): the hours buckets are then
    /// shares of each person's requirement, with `hours`' bounds those shares of the global one.
    public var requirementsVary = false

    /// The rows that add up to the total: the department's own people first (when there are any), then each
    /// sub-department (or top); `direct` marks the first kind.
    public var parts: [(summary: DepartmentSummary, direct: Bool)] {
        (direct.map { [($0, true)] } ?? []) + rows.map { ($0, false) }
    }
}

/// One page of the people list.
public struct PeoplePage: Sendable {
    public var query: PeopleQuery
    public var department: Department?
    public var program: Program?
    public var year: Int
    public var lines: [PersonLine]
    /// How many match in all; when `totalExact` is false, more than this many match.
    public var total: Int
    public var totalExact: Bool
    public var limit: Int
    public var offset: Int
}
