import Synchronization

/// An export written while it is sent: rows are read in user-id order, `batchSize` at a time (keyset pages,
/// each its own short read), so memory stays the same for ten rows or ten million.
public final class PeopleExportStream: ResponseStream {
    /// Reads the people after a user id, at most `limit` of them, in user-id order.
    public typealias Fetch = @Sendable (_ afterUserID: Int64, _ limit: Int) throws -> [PersonLine]

    private enum State: Sendable {
        case start
        case rows(after: Int64, written: Int)
        case end
        case finished
    }

    private let fetch: Fetch
    private let resolver: PersonLineResolver
    private let format: PeopleExportFormat
    private let batchSize: Int
    private let state = Mutex(State.start)
    /// The CSV writer and what it keeps between batches (department paths, days).
    private let writer: Mutex<ExportRowWriter>

    public init(format: PeopleExportFormat, resolver: PersonLineResolver, batchSize: Int = 2000, fetch: @escaping Fetch) {
        self.format = format
        self.resolver = resolver
        self.batchSize = max(1, batchSize)
        self.fetch = fetch
        self.writer = Mutex(ExportRowWriter(resolver: resolver))
    }

    public func next() throws -> [UInt8]? {
        try state.withLock { state throws -> [UInt8]? in
            switch state {
            case .start:
                state = .rows(after: 0, written: 0)
                return format.prefix
            case .rows(let after, let written):
                let lines = try fetch(after, batchSize)
                guard let last = lines.last else {
                    state = .finished
                    return format.suffix
                }
                state = lines.count < batchSize ? .end : .rows(after: last.userID, written: written + lines.count)
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
