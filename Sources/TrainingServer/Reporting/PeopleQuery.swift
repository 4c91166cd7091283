/// What an HR reader asked for, as given in a URL, an API call or on the command line, checked but not yet
/// resolved against the organisation. The same value drives the page, its exports, the API and the CLI, so
/// they all answer the same question the same way.
public struct PeopleQuery: Sendable, Hashable {
    /// A parameter that could not be read. `field` is the parameter's name.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public enum Reason: String, Sendable, Hashable {
            case state, date, dateOrder = "date_order", sort, direction, search, number
        }

        public var field: String
        public var reason: Reason

        public var description: String {
            switch reason {
            case .state: "\(field): use one of \(CertificationStateName.allCases.map(\.rawValue).joined(separator: ", "))"
            case .date: "\(field): use a date written YYYY-MM-DD"
            case .dateOrder: "\(field): the end of the expiry range comes before its start"
            case .sort: "\(field): use one of \(PeopleFilter.Sort.allCases.map(\.rawValue).joined(separator: ", "))"
            case .direction: "\(field): use asc or desc"
            case .search: "\(field): at most \(PeopleQuery.searchLimit) characters"
            case .number: "\(field): use a whole number in the allowed range"
            }
        }
    }

    public static let searchLimit = 100

    /// The programme; nil means the catalogue's first.
    public var programID: String?
    /// The department as given (an id); nil means the whole scope. Anything that is not a department in the
    /// caller's scope answers "not found".
    public var department: String?
    public var state: CertificationStateName?
    public var expiresFrom: ISODay?
    /// Inclusive: people whose certificate expires on this day are listed.
    public var expiresTo: ISODay?
    /// Only people below the yearly study-hours requirement.
    public var belowRequired = false
    public var search: String?
    /// Only people overdue for this assignment (its id); one the reader cannot see answers "not found".
    public var overdueFor: Int64?
    public var sort: PeopleFilter.Sort = .name
    public var descending = false

    public init() {}

    /// Reads the query from URL parameters (the first value of a repeated name counts). Empty values mean
    /// "not given", as an HTML form sends them.
    public static func parse(_ parameters: Parameters) -> (PeopleQuery, [Problem]) {
        var query = PeopleQuery()
        var problems: [Problem] = []
        func value(_ name: String) -> String? {
            guard let raw = parameters[name].map({ String($0.trimmingWhitespace()) }), !raw.isEmpty else { return nil }
            return raw
        }
        query.programID = value("program")
        query.department = value("department")
        if let state = value("state") {
            if let parsed = CertificationStateName(rawValue: state) { query.state = parsed }
            else { problems.append(Problem(field: "state", reason: .state)) }
        }
        for (name, keyPath) in [("expires_from", \PeopleQuery.expiresFrom), ("expires_to", \PeopleQuery.expiresTo)] {
            guard let text = value(name) else { continue }
            if let day = ISODay(text) { query[keyPath: keyPath] = day }
            else { problems.append(Problem(field: name, reason: .date)) }
        }
        if let from = query.expiresFrom, let to = query.expiresTo, to < from {
            problems.append(Problem(field: "expires_to", reason: .dateOrder))
        }
        if let below = value("below_required") { query.belowRequired = ["1", "true", "on", "yes"].contains(below.lowercased()) }
        if let search = value("q") {
            if search.count > searchLimit { problems.append(Problem(field: "q", reason: .search)) }
            else { query.search = search }
        }
        if let overdue = value("overdue_for") {
            if let id = Int64(overdue), id > 0 { query.overdueFor = id }
            else { problems.append(Problem(field: "overdue_for", reason: .number)) }
        }
        if let sort = value("sort") {
            if let parsed = PeopleFilter.Sort(rawValue: sort) { query.sort = parsed }
            else { problems.append(Problem(field: "sort", reason: .sort)) }
        }
        if let direction = value("dir") {
            switch direction {
            case "asc": query.descending = false
            case "desc": query.descending = true
            default: problems.append(Problem(field: "dir", reason: .direction))
            }
        }
        return (query, problems)
    }

    /// The query as URL parameters in a fixed order, leaving out what is not given and the defaults
    /// (for links that keep the filters, and for audit rows).
    public var parameters: [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        if let programID { result.append(("program", programID)) }
        if let department { result.append(("department", department)) }
        if let state { result.append(("state", state.rawValue)) }
        if let expiresFrom { result.append(("expires_from", expiresFrom.description)) }
        if let expiresTo { result.append(("expires_to", expiresTo.description)) }
        if belowRequired { result.append(("below_required", "1")) }
        if let search { result.append(("q", search)) }
        if let overdueFor { result.append(("overdue_for", String(overdueFor))) }
        if sort != .name { result.append(("sort", sort.rawValue)) }
        if descending { result.append(("dir", "desc")) }
        return result
    }

    /// `parameters` as a dictionary, for audit details.
    public var auditDetails: [String: String] {
        Dictionary(parameters.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// A query string (`?a=b&c=d`, or "" when empty) from `parameters` plus `extra`, percent-encoded.
    public func queryString(_ extra: [(name: String, value: String)] = []) -> String {
        let all = parameters + extra
        guard !all.isEmpty else { return "" }
        return "?" + all.map { "\(PercentDecoding.encode($0.name))=\(PercentDecoding.encode($0.value))" }
            .joined(separator: "&")
    }
}
