import Foundation
import Synchronization

/// The audit log's CSV download, written while it is sent: the rows the page's filters match, newest first, read
/// `batchSize` at a time (each batch its own short read), so memory stays flat for any size of log. Column names
/// and sentences are in the reader's language; every field goes through `PeopleExportFormat.csvField`, so nothing
/// a spreadsheet would run as a formula comes out as one; UTF-8 with a byte order mark, as the HR exports.
public final class AdminAuditExport: ResponseStream {
    public typealias Fetch = @Sendable (_ before: Int64?, _ limit: Int) throws -> [AuditRecord]

    /// Translation keys of the columns, in order.
    public static let columnKeys = ["admin.audit.csv.id", "admin.audit.csv.time", "admin.audit.csv.actor_login",
                                    "admin.audit.csv.actor_name", "admin.audit.csv.action", "admin.audit.csv.action_name",
                                    "admin.audit.csv.subject", "admin.audit.csv.description", "admin.audit.csv.details"]

    private enum State: Sendable {
        case start
        case rows(before: Int64?)
        case finished
    }

    private let fetch: Fetch
    private let words: AdminAuditWords
    private let timeZone: TimeZone
    private let batchSize: Int
    private let state = Mutex(State.start)

    public init(words: AdminAuditWords, timeZone: TimeZone, batchSize: Int = 1000, fetch: @escaping Fetch) {
        self.words = words
        self.timeZone = timeZone
        self.batchSize = max(1, batchSize)
        self.fetch = fetch
    }

    public func next() throws -> [UInt8]? {
        try state.withLock { state throws -> [UInt8]? in
            switch state {
            case .start:
                state = .rows(before: nil)
                let header = Self.columnKeys.map { PeopleExportFormat.csvField(words.context.t($0)) }.joined(separator: ",")
                return [0xEF, 0xBB, 0xBF] + Array((header + "\r\n").utf8)
            case .rows(let before):
                let records = try fetch(before, batchSize)
                guard let last = records.last else {
                    state = .finished
                    return nil
                }
                state = records.count < batchSize ? .finished : .rows(before: last.entry.id)
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: "en_US_POSIX")
                formatter.timeZone = timeZone
                formatter.dateFormat = "yyyy-MM-dd HH:mm:ss xxx"
                var text = ""
                for record in records {
                    let entry = record.entry
                    let fields = [String(entry.id), formatter.string(from: Date(timeIntervalSince1970: entry.at)),
                                  entry.actor, record.actorName ?? "", entry.action, words.actionName(entry.action),
                                  entry.subject, words.sentence(record), entry.details]
                    text += fields.map(PeopleExportFormat.csvField).joined(separator: ",") + "\r\n"
                }
                return Array(text.utf8)
            case .finished:
                return nil
            }
        }
    }
}
