import Foundation

/// The audit log page's filters as the form sends them (`actor`, `action`, `target`, `from`, `to`, `page`): read
/// into an `AuditQuery` with the days taken in the viewer's time zone, or problems to show beside the fields.
public struct AdminAuditFilter: Sendable, Equatable {
    public var actor: String = ""
    public var action: String = ""
    public var target: String = ""
    public var from: String = ""
    public var to: String = ""
    public var page: Int = 1

    public static let textLimit = 100

    public struct Problem: Sendable, Equatable {
        public var field: String
        /// The translation key of the message.
        public var key: String
    }

    public init() {}

    /// Reads the query string's filters; `problems` is empty when `query` may be run.
    public static func parse(_ parameters: Parameters, timeZone: TimeZone) -> (AdminAuditFilter, AuditQuery, [Problem]) {
        var filter = AdminAuditFilter()
        func text(_ name: String) -> String {
            (parameters[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        filter.actor = text("actor")
        filter.action = text("action")
        filter.target = text("target")
        filter.from = text("from")
        filter.to = text("to")
        filter.page = max(1, min(Int(text("page")) ?? 1, 1_000_000))
        var problems: [Problem] = []
        var query = AuditQuery()
        for (field, value) in [("actor", filter.actor), ("target", filter.target)] where !value.isEmpty {
            if value.count > textLimit || value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                problems.append(Problem(field: field, key: "admin.audit.error.text"))
            }
        }
        query.actor = filter.actor.isEmpty ? nil : filter.actor
        query.target = filter.target.isEmpty ? nil : filter.target
        if !filter.action.isEmpty {
            if filter.action.count <= 64, filter.action.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_") }) {
                query.action = filter.action
            } else {
                problems.append(Problem(field: "action", key: "admin.audit.error.action"))
            }
        }
        var fromDay: ISODay?
        var toDay: ISODay?
        if !filter.from.isEmpty {
            fromDay = ISODay(filter.from)
            if fromDay == nil { problems.append(Problem(field: "from", key: "admin.audit.error.date")) }
        }
        if !filter.to.isEmpty {
            toDay = ISODay(filter.to)
            if toDay == nil { problems.append(Problem(field: "to", key: "admin.audit.error.date")) }
        }
        if let fromDay, let toDay, toDay < fromDay {
            problems.append(Problem(field: "to", key: "admin.audit.error.range"))
        }
        query.from = fromDay?.start(in: timeZone)
        query.until = toDay?.end(in: timeZone)
        return (filter, query, problems)
    }

    /// The filters as a query string ("?actor=…&page=2"), empty ones left out; `page` replaces the filter's page.
    public func queryString(page: Int? = nil) -> String {
        var pairs = [("actor", actor), ("action", action), ("target", target), ("from", from), ("to", to)]
            .filter { !$0.1.isEmpty }
        if let page, page > 1 { pairs.append(("page", String(page))) }
        guard !pairs.isEmpty else { return "" }
        return "?" + pairs.map { "\($0.0)=\(PercentDecoding.encode($0.1))" }.joined(separator: "&")
    }

    /// The filters that are set, for the `audit.view` and `audit.export` rows.
    public var details: [String: String] {
        var details: [String: String] = [:]
        for (key, value) in [("actor", actor), ("action", action), ("target", target), ("from", from), ("to", to)]
            where !value.isEmpty {
            details[key] = value
        }
        return details
    }
}
