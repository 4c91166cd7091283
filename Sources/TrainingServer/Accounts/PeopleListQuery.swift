/// What an administrator asked the people list for, as the page's GET form sends it: checked, not yet resolved
/// against the administrator's scope.
public struct PeopleListQuery: Sendable, Hashable {
    public enum State: String, Sendable, Hashable, CaseIterable {
        case active, disabled
    }

    public static let searchLimit = 100
    public static let pageSize = 50

    public var search: String?
    /// A department as given (an id, or a path of names where the form asks for one); anything but a department
    /// in scope is "not found".
    public var department: String?
    public var role: Role?
    public var state: State?
    /// Only people of this job category.
    public var jobCategory: String?
    public var sort: AccountFilter.Sort = .name
    public var descending = false
    public var page = 1

    public init() {}

    /// Reads the query; empty values mean "not given", as an HTML form sends them.
    public static func parse(_ parameters: Parameters) -> (PeopleListQuery, [AccountProblem]) {
        var query = PeopleListQuery()
        var problems: [AccountProblem] = []
        func value(_ name: String) -> String? {
            guard let raw = parameters[name].map({ String($0.trimmingWhitespace()) }), !raw.isEmpty else { return nil }
            return raw
        }
        if let search = value("q") {
            if search.count > searchLimit { problems.append(AccountProblem(field: "q", reason: .searchTooLong)) }
            else { query.search = search }
        }
        query.department = value("department")
        if let role = value("role") {
            if let parsed = Role(rawValue: role) { query.role = parsed }
            else { problems.append(AccountProblem(field: "role", reason: .invalidChoice)) }
        }
        if let category = value("job_category") {
            if category.count > JobCategory.maximumLength || category.firstControlCharacter != nil {
                problems.append(AccountProblem(field: "job_category", reason: .invalidChoice))
            } else {
                query.jobCategory = category
            }
        }
        if let state = value("state") {
            if let parsed = State(rawValue: state) { query.state = parsed }
            else { problems.append(AccountProblem(field: "state", reason: .invalidChoice)) }
        }
        if let sort = value("sort") {
            if let parsed = AccountFilter.Sort(rawValue: sort) { query.sort = parsed }
            else { problems.append(AccountProblem(field: "sort", reason: .invalidChoice)) }
        }
        if let direction = value("dir") {
            switch direction {
            case "asc": query.descending = false
            case "desc": query.descending = true
            default: problems.append(AccountProblem(field: "dir", reason: .invalidChoice))
            }
        }
        if let page = value("page") {
            if let number = Int(page), number >= 1, number <= 1_000_000 { query.page = number }
            else { problems.append(AccountProblem(field: "page", reason: .invalidChoice)) }
        }
        return (query, problems)
    }

    /// The query as URL parameters, leaving out what is not given and the defaults (the page only with `page`).
    public func parameters(page: Int? = nil) -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        if let search { result.append(("q", search)) }
        if let department { result.append(("department", department)) }
        if let role { result.append(("role", role.rawValue)) }
        if let state { result.append(("state", state.rawValue)) }
        if let jobCategory { result.append(("job_category", jobCategory)) }
        if sort != .name { result.append(("sort", sort.rawValue)) }
        if descending { result.append(("dir", "desc")) }
        if let page, page > 1 { result.append(("page", String(page))) }
        return result
    }

    /// "?a=b&c=d" (or "") for links keeping the filters.
    public func queryString(page: Int? = nil) -> String {
        let all = parameters(page: page)
        guard !all.isEmpty else { return "" }
        return "?" + all.map { "\(PercentDecoding.encode($0.name))=\(PercentDecoding.encode($0.value))" }.joined(separator: "&")
    }

    /// The storage filter within `scope`; throws `AdminScopeFailure.notFound` for a department outside it.
    public func filter(in scope: AdminScope) throws(AdminScopeFailure) -> AccountFilter {
        let department = try scope.department(chosen: department)
        let initials = search.flatMap(PinyinInitials.ranges(for:)) ?? []
        var filter = AccountFilter(prefixes: department.map { [$0.idPath] } ?? scope.access.prefixes, role: role,
                                   disabled: state.map { $0 == .disabled }, search: search, initials: initials, sort: sort,
                                   descending: descending)
        filter.jobCategory = jobCategory
        return filter
    }
}
