/// The words of a CSV export: column names, state names and the summary's row kinds, either as codes (JSON, the
/// command line, and CSV downloads asked for with `codes=1`) or in the reader's language (CSV downloads from the
/// pages). Values other than these stay as they are in both.
public struct ExportLabels: Sendable, Hashable {
    /// The people export's column names, in `ExportedPerson.columns` order.
    public var peopleColumns: [String]
    /// The summary's column names, in `SummaryDocument.csvColumns` order.
    public var summaryColumns: [String]
    public var states: [CertificationStateName: String]
    /// The summary's row kinds: `total`, `direct` and `department`.
    public var rowKinds: [String: String]

    /// The codes.
    public static let codes = ExportLabels(labelling: { $0 })

    /// Translation keys of the people export's columns, in `ExportedPerson.columns` order.
    static let peopleKeys = ["hr.column.employee_number", "hr.column.login", "hr.column.name", "hr.column.department",
                             "hr.column.program", "hr.column.state", "hr.column.certified_at", "hr.column.expires_at",
                             "hr.column.certificate", "hr.column.verification", "hr.column.hours",
                             "hr.column.required_hours", "hr.column.user_id"]
    /// Translation keys of the row kinds.
    static let rowKindKeys = ["total": "hr.dashboard.total", "direct": "hr.summary.direct",
                              "department": "hr.summary.sub_department"]

    /// The labels in a language: `translate` turns a translation key into its text.
    public init(translate: (String) -> String) {
        self.init(labelling: { code in
            if let index = ExportedPerson.columns.firstIndex(of: code) { return translate(Self.peopleKeys[index]) }
            if let state = CertificationStateName(rawValue: code) { return translate("hr.state.\(state.rawValue)") }
            return switch code {
            case "row": translate("hr.column.row")
            case "department_id": translate("hr.column.department_id")
            case "people": translate("hr.column.people")
            case "certified_rate": translate("hr.column.certified_rate")
            default: code
            }
        })
        rowKinds = Self.rowKindKeys.mapValues(translate)
    }

    /// Labels from a function of each code.
    private init(labelling label: (String) -> String) {
        peopleColumns = ExportedPerson.columns.map(label)
        summaryColumns = SummaryDocument.csvColumns.map(label)
        states = Dictionary(uniqueKeysWithValues: CertificationStateName.allCases.map { ($0, label($0.rawValue)) })
        rowKinds = Dictionary(uniqueKeysWithValues: ["total", "direct", "department"].map { ($0, label($0)) })
    }

    /// The label of a state.
    public func state(_ state: CertificationStateName) -> String { states[state] ?? state.rawValue }
}
