import Synchronization

/// An export written while it is sent: rows are read in the list's order, `batchSize` at a time (each batch its
/// own short read, continuing after the last person written), so memory stays the same for ten rows or ten million.
public final class PeopleExportStream: ResponseStream {
    /// Reads at most `limit` people following `after` (nil: the first ones), `written` having been written.
    public typealias Fetch = @Sendable (_ after: PersonLine?, _ written: Int, _ limit: Int) throws -> [PersonLine]

    private enum State: Sendable {
        case start
        case rows(after: PersonLine?, written: Int)
        case end
        case finished
    }

    private let fetch: Fetch
    private let resolver: PersonLineResolver
    private let format: PeopleExportFormat
    private let batchSize: Int
    private let labels: ExportLabels
    private let state = Mutex(State.start)
    /// The CSV writer and what it keeps between batches (department paths, days).
    private let writer: Mutex<ExportRowWriter>

    /// `labels` name the CSV's columns and states (JSON always has the codes).
    public init(format: PeopleExportFormat, resolver: PersonLineResolver, labels: ExportLabels = .codes,
                batchSize: Int = 2000, fetch: @escaping Fetch) {
        self.format = format
        self.resolver = resolver
        self.labels = labels
        self.batchSize = max(1, batchSize)
        self.fetch = fetch
        self.writer = Mutex(ExportRowWriter(resolver: resolver, labels: labels))
    }

    public func next() throws -> [UInt8]? {
        try state.withLock { state throws -> [UInt8]? in
            switch state {
            case .start:
                state = .rows(after: nil, written: 0)
                return format.prefix(labels: labels)
            case .rows(let after, let written):
                let lines = try fetch(after, written, batchSize)
                guard let last = lines.last else {
                    state = .finished
                    return format.suffix
                }
                state = lines.count < batchSize ? .end : .rows(after: last, written: written + lines.count)
                if format == .csv {
                    var bytes: [UInt8] = []
                    writer.withLock { $0.csv(lines, into: &bytes) }
                    return bytes
                }
                return try format.rows(lines.map(resolver.exported), continuing: written > 0)
            case .end:
                state = .finished
                return format.suffix
            case .finished:
                return nil
            }
        }
    }
}
