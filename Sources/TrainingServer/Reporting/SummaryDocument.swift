import Assessment
import Curriculum
import Foundation

/// The department summary as data: the JSON of `/api/v1/hr/summary` and `training-server report summary`,
/// and the rows of its CSV. Built from a `Dashboard`, so the page, the API and the command line agree.
public struct SummaryDocument: Sendable, Encodable {
    public struct ProgramRef: Sendable, Encodable {
        public var id: String
        public var title: LocalizedText
    }

    public struct DepartmentRef: Sendable, Encodable {
        public var id: Int64
        public var name: String
        public var path: String

        init(_ department: Department) {
            id = department.id.rawValue
            name = department.name
            path = department.displayPath
        }
    }

    /// People per state (every state present, 0 when nobody) and the certified rate.
    public struct Counts: Sendable, Encodable {
        public var people: Int
        public var states: [String: Int]
        /// Certified or due for renewal, as a share of `people`; null with nobody.
        public var certifiedRate: Double?

        init(_ totals: SummaryTotals) {
            people = totals.people
            states = Dictionary(uniqueKeysWithValues: CertificationStateName.allCases.map { ($0.rawValue, totals.counts[$0] ?? 0) })
            certifiedRate = totals.certifiedRate.map { ($0 * 10_000).rounded() / 10_000 }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(people, forKey: .people)
            try container.encode(states, forKey: .states)
            try container.encode(certifiedRate, forKey: .certifiedRate)
        }

        private enum Key: String, CodingKey { case people, states, certifiedRate }
    }

    public struct Row: Sendable, Encodable {
        public var department: DepartmentRef
        public var counts: Counts
        /// True for the row of the summarised department's own people (not in any sub-department), whose
        /// `department` is that department itself; the rows add up to `total`.
        public var direct: Bool
    }

    public struct HoursBucket: Sendable, Encodable {
        public var from: Double
        /// Exclusive; null for the last bucket. The first bucket (from 0 to 0) counts people with no hours.
        public var to: Double?
        public var people: Int

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(from, forKey: .from)
            try container.encode(to, forKey: .to)
            try container.encode(people, forKey: .people)
        }

        private enum Key: String, CodingKey { case from, to, people }
    }

    public var program: ProgramRef?
    public var year: Int
    public var requiredHours: Double
    /// The department summarised; null when the reader's scope has several tops and the rows are those tops.
    public var department: DepartmentRef?
    public var total: Counts
    public var departments: [Row]
    public var hours: [HoursBucket]

    public init(_ dashboard: Dashboard) {
        program = dashboard.program.map { ProgramRef(id: $0.id.rawValue, title: $0.title) }
        year = dashboard.year
        requiredHours = dashboard.requiredHours
        department = dashboard.department.map(DepartmentRef.init)
        total = Counts(dashboard.total)
        departments = dashboard.parts.map {
            Row(department: DepartmentRef($0.summary.department), counts: Counts(SummaryTotals($0.summary)), direct: $0.direct)
        }
        hours = dashboard.hours.buckets.map { HoursBucket(from: $0.lower, to: $0.upper, people: $0.people) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(program, forKey: .program)
        try container.encode(year, forKey: .year)
        try container.encode(requiredHours, forKey: .requiredHours)
        try container.encode(department, forKey: .department)
        try container.encode(total, forKey: .total)
        try container.encode(departments, forKey: .departments)
        try container.encode(hours, forKey: .hours)
    }

    private enum Key: String, CodingKey { case program, year, requiredHours, department, total, departments, hours }

    /// The JSON text (keys sorted, as the API writes it).
    public func json() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + Array("\n".utf8)
    }

    /// The CSV columns: which row, the department, people, one column per state, the certified rate.
    public static var csvColumns: [String] {
        ["row", "department_id", "department", "people"] + CertificationStateName.allCases.map(\.rawValue) + ["certified_rate"]
    }

    /// The summary as CSV (UTF-8 with a byte-order mark, CRLF lines): the total first, then the department's own
    /// people (`direct`, when there are any) and one row per sub-department, which add up to the total. `labels`
    /// name the columns and row kinds (codes, or the reader's language).
    public func csv(labels: ExportLabels = .codes) -> [UInt8] {
        func line(_ kind: String, _ department: DepartmentRef?, _ counts: Counts) -> String {
            let fields = [labels.rowKinds[kind] ?? kind, department.map { String($0.id) } ?? "", department?.path ?? "",
                          String(counts.people)]
                + CertificationStateName.allCases.map { String(counts.states[$0.rawValue] ?? 0) }
                + [counts.certifiedRate.map { String($0) } ?? ""]
            return fields.map(PeopleExportFormat.csvField).joined(separator: ",") + "\r\n"
        }
        var text = labels.summaryColumns.map(PeopleExportFormat.csvField).joined(separator: ",") + "\r\n"
        text += line("total", department, total)
        for row in departments { text += line(row.direct ? "direct" : "department", row.department, row.counts) }
        return [0xEF, 0xBB, 0xBF] + Array(text.utf8)
    }

    /// The summary as a plain-text table for a terminal.
    public func table() -> String {
        let header = ["department", "people"] + CertificationStateName.allCases.map(\.rawValue) + ["certified_rate"]
        func line(_ name: String, _ counts: Counts) -> [String] {
            [name, String(counts.people)] + CertificationStateName.allCases.map { String(counts.states[$0.rawValue] ?? 0) }
                + [counts.certifiedRate.map { String(format: "%.1f%%", $0 * 100) } ?? "-"]
        }
        let rows = [header] + departments.map { line($0.department.path + ($0.direct ? " (direct)" : ""), $0.counts) }
            + [line("total" + (department.map { " (\($0.path))" } ?? ""), total)]
        return TextTable.render(rows)
    }
}

/// One page of the people list as `/api/v1/hr/people` returns it: the rows, how many match in all, and where
/// the page starts.
public struct PeopleDocument: Sendable, Encodable {
    public var program: String
    public var year: Int
    public var total: Int
    /// False when more than `total` people match (a search or an expiry range over a large organisation is
    /// counted up to a cap).
    public var totalExact: Bool
    public var limit: Int
    public var offset: Int
    public var items: [ExportedPerson]

    public init(_ page: PeoplePage, resolver: PersonLineResolver) {
        program = page.program?.id.rawValue ?? ""
        year = page.year
        total = page.total
        totalExact = page.totalExact
        limit = page.limit
        offset = page.offset
        items = page.lines.map(resolver.exported)
    }
}
