import Assessment
import Curriculum
import Foundation

/// HR pages for the HR and admin roles: the department summary with charts, the people list with its CSV and
/// JSON exports, and a person's printable record. Everything is limited to the reader's scope; a department
/// or person outside it is "not found" (404), never "forbidden", so answers reveal nothing about it.
struct HRController {
    let context: ControllerContext

    func register(in router: inout Router) {
        router.get("/hr", dashboard)
        router.get("/hr/summary.csv", summaryCSV)
        router.get("/hr/people", people)
        router.get("/hr/people.csv") { request in try export(request, format: .csv) }
        router.get("/hr/people.json") { request in try export(request, format: .json) }
        router.get("/hr/people/:user", record)
    }

    private func dashboard(_ request: Request) throws -> Response {
        let (_, viewer, reports) = try context.hrReader(request)
        let dashboard = try context.reporting {
            try reports.dashboard(programID: Self.value(request.query["program"]),
                                  department: Self.value(request.query["department"]), for: viewer)
        }
        return Response.html(HRDashboardPage.render(dashboard, context: context.page(request),
                                                    stylesheet: context.stylesheet).rendered)
    }

    private func summaryCSV(_ request: Request) throws -> Response {
        let (user, viewer, reports) = try context.hrReader(request)
        let dashboard = try context.reporting {
            try reports.dashboard(programID: Self.value(request.query["program"]),
                                  department: Self.value(request.query["department"]), for: viewer)
        }
        try context.audit.append(AuditEvent(action: "report.export", subject: "summary",
                                            details: ["program": dashboard.program?.id.rawValue ?? "",
                                                      "department": dashboard.department.map { String($0.id.rawValue) } ?? "",
                                                      "format": "csv", "channel": "web"]),
                                 by: AuditActor(user))
        let name = "summary-\(dashboard.program?.id.rawValue ?? "all")-\(ISODay(seconds: reports.now, timeZone: reports.calendar.timeZone)).csv"
        return Response(status: .ok, headers: HTTPHeaders([("Content-Type", PeopleExportFormat.csv.contentType),
                                                           ("Content-Disposition", Self.attachment(name))]),
                        body: .bytes(SummaryDocument(dashboard).csv(labels: Self.csvLabels(request, context: context))))
    }

    private func people(_ request: Request) throws -> Response {
        let (_, viewer, reports) = try context.hrReader(request)
        let (query, problems) = PeopleQuery.parse(request.query)
        let (_, department, program) = try context.reporting { try reports.resolve(query, for: viewer) }
        let size = HRPeoplePage.pageSize
        var pageNumber = max(1, request.query["page"].flatMap { Int($0) } ?? 1)
        var result: PeoplePage?
        if problems.isEmpty {
            var page = try context.reporting {
                try reports.people(query, for: viewer, limit: size, offset: (pageNumber - 1) * size)
            }
            let pages = max(1, (page.total + size - 1) / size)
            if pageNumber > pages && (page.totalExact || page.lines.isEmpty) {
                pageNumber = pages
                page = try context.reporting { try reports.people(query, for: viewer, limit: size, offset: (pages - 1) * size) }
            }
            result = page
        }
        var model = HRPeoplePage.Model(query: query, problems: problems, result: result, program: program,
                                       programs: reports.catalogue.programs, department: department,
                                       departments: viewer.visibleDepartments, requiredHours: reports.requiredHours,
                                       year: reports.year, pageNumber: pageNumber)
        model.assignments = try context.plannedAssignments(viewer)
        return Response.html(HRPeoplePage.render(model, context: context.page(request), stylesheet: context.stylesheet).rendered)
    }

    private func export(_ request: Request, format: PeopleExportFormat) throws -> Response {
        let (user, viewer, reports) = try context.hrReader(request)
        let (query, problems) = PeopleQuery.parse(request.query)
        guard problems.isEmpty else { throw HTTPError.badRequest(problems.map(\.description).joined(separator: "; ")) }
        let (_, department, program) = try context.reporting { try reports.resolve(query, for: viewer) }
        let stream = try context.reporting {
            try reports.export(query, for: viewer, format: format, verificationBase: context.verificationBase,
                               labels: Self.csvLabels(request, context: context))
        }
        try context.auditExport(query, program: program, department: department, format: format, channel: "web", by: user)
        return Response(status: .ok, headers: HTTPHeaders([
            ("Content-Type", format.contentType),
            ("Content-Disposition", Self.attachment(reports.exportFileName(program: program, format: format))),
        ]), body: .stream(stream))
    }

    private func record(_ request: Request) throws -> Response {
        let (user, viewer, reports) = try context.hrReader(request)
        let record = try context.reporting { try reports.record(try request.parameter("user"), for: viewer) }
        if record.userID != user.id {
            try context.audit.append(AuditEvent(action: "record.view", subject: "user:\(record.login)",
                                                details: ["user_id": String(record.userID.rawValue)]),
                                     by: AuditActor(user))
        }
        let catalogue = reports.catalogue
        let progress = try context.learning.progress(userID: record.userID)
        let attempts = try context.attempts.attempts(userID: record.userID)
        let courses = catalogue.courses.map { course in
            HRPersonPage.CourseLine(course: course, status: CourseStatus(course: course, progress: progress, attempts: attempts))
        }
        var model = HRPersonPage.Model(record: record, department: viewer.departments[record.departmentID],
                                       programs: catalogue.programs, courses: courses,
                                       quizzes: Self.quizLines(attempts, catalogue: catalogue), year: reports.year,
                                       requiredHours: record.requiredHours ?? reports.requiredHours,
                                       verificationBase: context.verificationBase,
                                       now: reports.now)
        model.plans = try context.planLines(for: record.userID, viewer: viewer, page: context.page(request))
        return Response.html(HRPersonPage.render(model, context: context.page(request), stylesheet: context.stylesheet).rendered)
    }

    /// Attempts summed up per quiz, in catalogue order; quizzes no longer in the catalogue keep their ids.
    static func quizLines(_ attempts: [StoredAttempt], catalogue: Catalogue) -> [HRPersonPage.QuizLine] {
        let groups = Dictionary(grouping: attempts) { "\($0.courseID)\u{0}\($0.attempt.quizID.rawValue)" }
        let order = catalogue.courses.flatMap { course in course.quizzes.map { "\(course.id.rawValue)\u{0}\($0.id.rawValue)" } }
        let keys = order.filter { groups[$0] != nil } + groups.keys.filter { !order.contains($0) }.sorted()
        return keys.compactMap { key in
            guard let group = groups[key], let first = group.first else { return nil }
            let course = catalogue.course(CourseID(first.courseID))
            let quiz = course?.quiz(first.attempt.quizID)
            let finished = group.filter { $0.closedAt != nil }
            return HRPersonPage.QuizLine(
                courseTitle: course?.title ?? LocalizedText(both: first.courseID),
                quizTitle: quiz?.title ?? LocalizedText(both: first.attempt.quizID.rawValue),
                attempts: group.count, finished: finished.count, best: finished.compactMap(\.fraction).max(),
                passed: group.contains { $0.passed == true },
                lastAt: group.compactMap { $0.closedAt ?? $0.attempt.steps.first?.time }.max())
        }
    }

    /// A CSV's column and state names: in the reader's language, or the codes with `codes=1` (for programs).
    static func csvLabels(_ request: Request, context: ControllerContext) -> ExportLabels {
        if let codes = value(request.query["codes"]), ["1", "true", "yes"].contains(codes.lowercased()) { return .codes }
        let page = context.page(request)
        return ExportLabels { page.t($0) }
    }

    /// A query value, nil when missing or empty (as forms send unchosen fields).
    static func value(_ raw: String?) -> String? {
        guard let raw, !raw.isEmpty else { return nil }
        return raw
    }

    /// `attachment` with an ASCII file name (the names we make are ASCII).
    static func attachment(_ name: String) -> String {
        "attachment; filename=\"\(name.filter { $0.isASCII && $0 != "\"" && $0 != "\\" && !$0.isNewline })\""
    }
}

extension ControllerContext {
    /// The signed-in HR or admin reader (403 for anyone else), what they may see, and the reports for now.
    func hrReader(_ request: Request) throws -> (User, ReportViewer, HRReports) {
        let user = try requireRole(request, [.hr, .admin])
        let viewer = ReportViewer(user: user, departments: try departments.all())
        var reports = HRReports(reports: self.reports, catalogue: catalogue.catalogue,
                                requiredHours: configuration.yearlyRequiredHours, calendar: configuration.calendar,
                                now: clock())
        reports.requirementsVary = try !yearlyRequirements.all().isEmpty
        reports.overdueFilter = { [self] id throws(ReportFailure) in try planOverdueFilter(id, viewer: viewer) }
        return (user, viewer, reports)
    }

    /// Runs a report, turning its failures into HTTP errors: anything out of scope is a plain 404.
    func reporting<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch ReportFailure.notFound {
            throw HTTPError.notFound
        } catch ReportFailure.invalid(let problems) {
            throw HTTPError.badRequest(problems.map(\.description).joined(separator: "; "))
        }
    }

    /// Where certificates are verified: the platform's public address (`serve --public-url`), the same one the
    /// certificates' QR codes and credentials carry.
    var verificationBase: String {
        var base = configuration.publicURL
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    /// The audit row of an export: who, which filters, which format, through which channel.
    func auditExport(_ query: PeopleQuery, program: Program?, department: Department?, format: PeopleExportFormat,
                     channel: String, by user: User) throws {
        var details = query.auditDetails
        details["program"] = program?.id.rawValue ?? ""
        details["department"] = department.map { String($0.id.rawValue) } ?? ""
        details["format"] = format.rawValue
        details["channel"] = channel
        try audit.append(AuditEvent(action: "report.export", subject: "people", details: details), by: AuditActor(user))
    }
}
