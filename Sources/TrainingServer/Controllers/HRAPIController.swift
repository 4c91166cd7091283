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
            try Self.refuseMalformed(request.query, ["department"])
            let dashboard = try context.reporting {
                try reports.dashboard(programID: HRController.value(request.query["program"]),
                                      department: HRController.value(request.query["department"]), for: viewer)
            }
            return Response.json(SummaryDocument(dashboard))
        }
        router.get("/api/v1/hr/people") { request in
            let (user, viewer, reports) = try context.hrReader(request)
            try Self.refuseMalformed(request.query, Self.peopleParameters)
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
                                              requiredHours: reports.requiredHours, timeZone: reports.calendar.timeZone)
            return Response.json(PeopleDocument(page, resolver: resolver))
        }
    }

    /// The people list's constrained parameters (docs/openapi.yaml).
    static let peopleParameters = ["department", "state", "expires_from", "expires_to", "below_required", "q", "sort", "dir",
                                   "limit", "offset"]

    /// Refuses (400, naming each parameter) a value of `names` that docs/openapi.yaml does not allow. The pages' forms
    /// send empty fields for "not given" and the pages read them so; API clients get exactly what the description
    /// says: a parameter given is not empty, listed words are taken as written, a search is at most 100 characters
    /// (counted as JSON Schema counts them: Unicode code points, before trimming).
    static func refuseMalformed(_ query: Parameters, _ names: [String]) throws(HTTPError) {
        var problems: [String] = []
        for name in names {
            guard let value = query[name] else { continue }
            let digits = !value.isEmpty && value.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            let refusal: String? = switch name {
            // Any other department that is not one in the caller's scope is "not found" (404), as the pages answer.
            case "department": value.isEmpty ? "a department id" : nil
            case "limit", "offset": digits ? nil : "a whole number"
            case "state": CertificationStateName(rawValue: value) != nil ? nil
                : "one of " + CertificationStateName.allCases.map(\.rawValue).joined(separator: ", ")
            case "expires_from", "expires_to": ISODay(value) != nil ? nil : "a date written YYYY-MM-DD"
            case "below_required": ["1", "true", "0", "false"].contains(value) ? nil : "1, true, 0 or false"
            case "q": value.unicodeScalars.count <= PeopleQuery.searchLimit ? nil : "at most \(PeopleQuery.searchLimit) characters"
            case "sort": PeopleFilter.Sort(rawValue: value) != nil ? nil
                : "one of " + PeopleFilter.Sort.allCases.map(\.rawValue).joined(separator: ", ")
            case "dir": value == "asc" || value == "desc" ? nil : "asc or desc"
            default: nil
            }
            if let refusal { problems.append("\(name): \(value.isEmpty ? "empty; " : "")use \(refusal)") }
        }
        guard problems.isEmpty else { throw HTTPError.badRequest(problems.joined(separator: "; ")) }
    }

    /// A whole number in `range`, `default` when missing or empty, nil when malformed or out of range.
    static func integer(_ raw: String?, default value: Int, in range: ClosedRange<Int>) -> Int? {
        guard let raw, !raw.isEmpty else { return value }
        guard raw.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(raw), range.contains(number) else { return nil }
        return number
    }
}
