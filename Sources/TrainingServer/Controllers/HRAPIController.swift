import Curriculum

/// `/api/v1/hr`: the department summary and the people list as JSON, for the HR and admin roles, with the
/// pages' filters and scope (Bearer token or session). People lists are exports of personal data and are
/// written to the audit log.
struct HRAPIController {
    let context: ControllerContext

    /// Largest page the people list returns at once.
    static let maximumLimit = 1000

    func register(in router: inout Router) {
        router.get("/api/v1/hr/summary") { request in
            let (_, viewer, reports) = try context.hrReader(request)
            let dashboard = try context.reporting {
                try reports.dashboard(programID: HRController.value(request.query["program"]),
                                      department: HRController.value(request.query["department"]), for: viewer)
            }
            return Response.json(SummaryDocument(dashboard))
        }
        router.get("/api/v1/hr/people") { request in
            let (user, viewer, reports) = try context.hrReader(request)
            let (query, problems) = PeopleQuery.parse(request.query)
            var all = problems
            let limit = Self.integer(request.query["limit"], default: 50, in: 1...Self.maximumLimit)
            let offset = Self.integer(request.query["offset"], default: 0, in: 0...Int(Int32.max))
            if limit == nil { all.append(PeopleQuery.Problem(field: "limit", reason: .number)) }
            if offset == nil { all.append(PeopleQuery.Problem(field: "offset", reason: .number)) }
            guard all.isEmpty, let limit, let offset else {
                throw HTTPError.badRequest(all.map(\.description).joined(separator: "; "))
            }
            let page = try context.reporting { try reports.people(query, for: viewer, limit: limit, offset: offset) }
            try context.auditExport(query, program: page.program, department: page.department, format: .json,
                                    channel: "api", by: user)
            let resolver = PersonLineResolver(departments: viewer.departments, programID: page.program?.id.rawValue ?? "",
                                              verificationBase: context.verificationBase,
                                              timeZone: reports.calendar.timeZone)
            return Response.json(PeopleDocument(page, resolver: resolver))
        }
    }

    /// A whole number in `range`, `default` when missing or empty, nil when malformed or out of range.
    static func integer(_ raw: String?, default value: Int, in range: ClosedRange<Int>) -> Int? {
        guard let raw, !raw.isEmpty else { return value }
        guard raw.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(raw), range.contains(number) else { return nil }
        return number
    }
}
