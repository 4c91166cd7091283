import Foundation
import Synchronization

/// Every member of an assignment in a planner's scope, written while it is sent: CSV (UTF-8 with a byte order
/// mark, for spreadsheets) or JSON, read `batchSize` members at a time by person id (each batch its own short
/// read), so 100,000 members never become one string in memory.
public final class AssignmentProgressExport: ResponseStream {
    public enum Format: String, Sendable {
        case csv, json

        public var contentType: String {
            switch self {
            case .csv: "text/csv; charset=utf-8"
            case .json: "application/json; charset=utf-8"
            }
        }
    }

    /// Reads at most `limit` members after the person id given (nil: from the first).
    public typealias Fetch = @Sendable (_ after: Int64?, _ limit: Int) throws -> [PlanMemberLine]

    /// What the JSON export says before its members: the assignment, the day counted, the department and the
    /// rows of the progress report (so the export and the page agree).
    public struct Header: Sendable, Encodable {
        public var assignment: Int64
        public var name: String
        public var item: String
        public var itemKind: String
        public var today: String
        public var department: Int64?
        public var rows: [Line]
        public var total: PlanCounts

        public struct Line: Sendable, Encodable {
            public var department: Int64
            public var path: String
            public var subtree: Bool
            public var members: Int
            public var counts: PlanCounts
        }

        enum CodingKeys: String, CodingKey {
            case assignment, name, item, itemKind = "item_kind", today, department, rows, total
        }
    }

    private enum State: Sendable {
        case start
        case rows(after: Int64?, written: Int)
        case finished
    }

    private let format: Format
    private let header: Header
    private let columns: [String]
    private let statusName: @Sendable (AssignmentStatus) -> String
    private let departmentPath: @Sendable (DepartmentID) -> String
    private let batchSize: Int
    private let fetch: Fetch
    private let state = Mutex(State.start)

    /// `columns` and `statusName` are the CSV's words (the reader's language); JSON always has the codes.
    public init(format: Format, header: Header, columns: [String], statusName: @escaping @Sendable (AssignmentStatus) -> String,
                departmentPath: @escaping @Sendable (DepartmentID) -> String, batchSize: Int = 1000, fetch: @escaping Fetch) {
        self.format = format
        self.header = header
        self.columns = columns
        self.statusName = statusName
        self.departmentPath = departmentPath
        self.batchSize = max(1, batchSize)
        self.fetch = fetch
    }

    public func next() throws -> [UInt8]? {
        try state.withLock { state throws -> [UInt8]? in
            switch state {
            case .start:
                state = .rows(after: nil, written: 0)
                return try prefix()
            case .rows(let after, let written):
                let lines = try fetch(after, batchSize)
                guard let last = lines.last else {
                    state = .finished
                    return format == .json ? Array("]}\n".utf8) : nil
                }
                state = .rows(after: last.userID.rawValue, written: written + lines.count)
                return try rows(lines, continuing: written > 0)
            case .finished:
                return nil
            }
        }
    }

    private func prefix() throws -> [UInt8] {
        switch format {
        case .csv:
            return [0xEF, 0xBB, 0xBF] + Array((columns.map(PeopleExportFormat.csvField).joined(separator: ",") + "\r\n").utf8)
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var text = String(decoding: try encoder.encode(header), as: UTF8.self)
            text.removeLast()
            return Array((text + ",\"members\":[").utf8)
        }
    }

    struct Member: Encodable {
        var id: Int64
        var name: String
        var login: String
        var employeeNumber: String?
        var department: String
        var status: String
        var dueDay: String?
        var extendedDay: String?
        var exempt: Bool

        enum CodingKeys: String, CodingKey {
            case id, name, login, employeeNumber = "employee_number", department, status, dueDay = "due_day"
            case extendedDay = "extended_day", exempt
        }
    }

    private func rows(_ lines: [PlanMemberLine], continuing: Bool) throws -> [UInt8] {
        switch format {
        case .csv:
            var text = ""
            for line in lines {
                let fields = [line.name, line.login, line.employeeNumber ?? "", departmentPath(line.departmentID),
                              statusName(line.status), line.dueDay ?? "", line.extendedDay ?? "",
                              line.exemptAt == nil ? "" : statusName(.exempt)]
                text += fields.map(PeopleExportFormat.csvField).joined(separator: ",") + "\r\n"
            }
            return Array(text.utf8)
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let members = try lines.map { line in
                String(decoding: try encoder.encode(Member(
                    id: line.userID.rawValue, name: line.name, login: line.login, employeeNumber: line.employeeNumber,
                    department: departmentPath(line.departmentID), status: line.status.rawValue, dueDay: line.dueDay,
                    extendedDay: line.extendedDay, exempt: line.exemptAt != nil)), as: UTF8.self)
            }
            return Array(((continuing ? "," : "") + members.joined(separator: ",")).utf8)
        }
    }
}
