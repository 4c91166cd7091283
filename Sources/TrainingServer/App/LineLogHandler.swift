import Foundation
import Logging
import Synchronization

/// Writes log lines in swift-log's `StreamLogHandler` format,
/// `2026-11-29T10:00:00+0800 info training-server: key=value [TrainingServer] message`,
/// to a file descriptor with one `write` per line, so lines from several threads never interleave and a request's
/// line costs no locale or `NSString` work: the timestamp is formatted once per second and shared.
///
/// A server can ask for batching (`startBatching`): lines below `warning` (a line per request) then wait in memory
/// and go out many per `write`, at the latest after the interval; a warning or error goes out at once, with the
/// lines of its thread before it. `stopBatching` writes what is waiting.
public struct LineLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    public var metadata: Logger.Metadata = [:] {
        didSet { prettyMetadata = Self.prettify(metadata) }
    }

    private let label: String
    private let output: Output
    private var prettyMetadata: String?

    /// A handler writing to `descriptor` (standard error by default). The descriptor stays open; the caller owns it.
    public init(label: String, descriptor: Int32 = STDERR_FILENO, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.output = Output.shared(descriptor)
        self.metadataProvider = metadataProvider
    }

    /// Collects lines below `warning` and writes them in batches: when a batch reaches 16 KiB, when a warning or
    /// error comes from the same thread, and at least every `interval`. Affects this handler and its copies, and on
    /// standard error every handler writing there (they share one output).
    public func startBatching(interval: Duration = .milliseconds(100)) { output.startBatching(interval: interval) }

    /// Writes every waiting line and goes back to one `write` per line.
    public func stopBatching() { output.stopBatching() }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var pretty = prettyMetadata
        let provided = metadataProvider?.get() ?? [:]
        if !provided.isEmpty || !(event.metadata ?? [:]).isEmpty || event.error != nil {
            var merged = metadata
            merged.merge(provided) { _, new in new }
            if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
            if let error = event.error {
                merged["error.message"] = "\(error)"
                merged["error.type"] = "\(String(reflecting: type(of: error)))"
            }
            pretty = Self.prettify(merged)
        }
        let message = event.message.description
        Self.writeLine(to: output, label: label, level: event.level, source: event.source, pretty: pretty,
                       messageCount: message.utf8.count) { $0.append(message) }
    }

    /// Writes a line: timestamp, level, label, metadata, source and the message `message` appends (exactly
    /// `messageCount` bytes).
    private static func writeLine(to output: Output, label: String, level: Logger.Level, source: String, pretty: String?,
                                  messageCount: Int, message: (inout LineBuffer) -> Void) {
        let levelName = level.rawValue
        let count = Output.maximumStampLength + 1 + levelName.utf8.count + (label.isEmpty ? 0 : 1 + label.utf8.count) + 1
            + (pretty.map { 1 + $0.utf8.count } ?? 0) + 2 + source.utf8.count + 2 + messageCount + 1
        // The line is assembled on the stack (or the heap, for a very long one) and written at once. Safety: the
        // buffer lives only inside the closure, `count` is the sum of the pieces' lengths (the timestamp's at its
        // longest), and only the part `LineBuffer` filled is written.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { buffer in
            var line = LineBuffer(buffer)
            output.appendTimestamp(to: &line)
            line.append(" ")
            line.append(levelName)
            if !label.isEmpty {
                line.append(" ")
                line.append(label)
            }
            line.append(":")
            if let pretty {
                line.append(" ")
                line.append(pretty)
            }
            line.append(" [")
            line.append(source)
            line.append("] ")
            message(&line)
            line.append("\n")
            output.emit(UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[..<line.count])),
                        urgent: level >= .warning)
        }
    }

    /// What a `Writer` logs: a message that writes itself, piece by piece, into its line.
    protocol Message {
        /// The message's length in UTF-8 bytes.
        var count: Int { get }
        /// Appends exactly `count` bytes.
        func write(into line: inout LineBuffer)
    }

    /// A handler's settings as they are now, behind one reference, for a caller that logs through it on every
    /// request (`RequestLog`): no copy of the handler per line and no message string; the line is the one
    /// `log(event:)` writes for a message without metadata of its own. The settings are copied when the writer is
    /// made: later changes to the handler's level or metadata do not reach it.
    final class Writer: Sendable {
        let logLevel: Logger.Level
        private let output: Output
        private let label: String
        private let pretty: String?
        private let metadata: Logger.Metadata
        private let metadataProvider: Logger.MetadataProvider?

        init(_ handler: LineLogHandler) {
            logLevel = handler.logLevel
            output = handler.output
            label = handler.label
            pretty = handler.prettyMetadata
            metadata = handler.metadata
            metadataProvider = handler.metadataProvider
        }

        func log<M: Message>(level: Logger.Level, source: String, _ message: M) {
            guard level >= logLevel else { return }
            var pretty = self.pretty
            if let provided = metadataProvider?.get(), !provided.isEmpty {
                pretty = LineLogHandler.prettify(metadata.merging(provided) { _, new in new })
            }
            LineLogHandler.writeLine(to: output, label: label, level: level, source: source, pretty: pretty,
                                     messageCount: message.count) { message.write(into: &$0) }
        }
    }

    /// Bytes copied one after another into a buffer sized for all of them.
    struct LineBuffer {
        private let buffer: UnsafeMutableBufferPointer<UInt8>
        private(set) var count = 0

        init(_ buffer: UnsafeMutableBufferPointer<UInt8>) { self.buffer = buffer }

        mutating func append(_ text: String) {
            if let appended: Void = text.utf8.withContiguousStorageIfAvailable({ append($0) }) { return appended }
            var text = text
            text.withUTF8 { append($0) }
        }

        mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
            // Safety: the caller counted every piece's length into the buffer's capacity; the precondition guards
            // that arithmetic.
            precondition(count + bytes.count <= buffer.count, "log line longer than counted")
            guard let source = bytes.baseAddress, let target = buffer.baseAddress else { return }
            (target + count).update(from: source, count: bytes.count)
            count += bytes.count
        }

        /// Appends `value` in decimal (`decimalLength(value)` bytes).
        mutating func append(decimal value: Int) {
            let length = Self.decimalLength(value)
            precondition(count + length <= buffer.count, "log line longer than counted")
            var rest = value.magnitude
            var index = count + length
            repeat {
                index -= 1
                buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            if value < 0 { buffer[count] = UInt8(ascii: "-") }
            count += length
        }

        /// How many bytes `append(decimal:)` writes for `value`.
        static func decimalLength(_ value: Int) -> Int {
            var length = value < 0 ? 2 : 1
            var rest = value.magnitude / 10
            while rest > 0 {
                length += 1
                rest /= 10
            }
            return length
        }
    }

    private static func prettify(_ metadata: Logger.Metadata) -> String? {
        metadata.isEmpty ? nil : metadata.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }.joined(separator: " ")
    }

    /// A descriptor, the current second's timestamp and, while batching, the lines waiting to be written.
    final class Output: Sendable {
        let descriptor: Int32
        /// The last second's text, formatted at most once a second per shard. Each thread reads the shard its id
        /// picks, so server threads rarely wait for each other; a lock is held only to read or replace a text.
        private let stamps = InlineArray<16, Stamp> { _ in Stamp() }
        /// Waiting lines, one batch per shard of threads (picked like `stamps`). Both kept inline in this object, so
        /// that reaching a shard touches no reference count.
        private let batches = InlineArray<16, Batch> { _ in Batch() }
        private let batching = Atomic<Bool>(false)
        /// Whether batching was ever on, so lines may wait in a batch even while it is off.
        private let batchedBefore = Atomic<Bool>(false)
        /// Whether batching is on, and which start the flushing thread belongs to (a restart retires the old one).
        private let control = Mutex<(on: Bool, generation: Int)>((on: false, generation: 0))

        /// A batch is written once it holds this many bytes.
        static let batchLimit = 16 * 1024

        /// The longest timestamp (`format` makes 24 bytes until the year 10000).
        static let maximumStampLength = 32

        private struct Stamp: ~Copyable, Sendable {
            /// The second and its text, kept inline so that copying it touches no reference count.
            let state = Mutex<(second: Int, length: Int, bytes: InlineArray<32, UInt8>)>(
                (second: Int.min, length: 0, bytes: InlineArray(repeating: 0)))
            private let padding = CacheLinePadding()
        }

        private struct Batch: ~Copyable, Sendable {
            let pending = Mutex<[UInt8]>([])
            /// Held while a batch is taken and written, so a shard's lines reach the descriptor in the order they
            /// were logged; appending needs only `pending`.
            let writing = Mutex<Void>(())
            private let padding = CacheLinePadding()
        }

        init(descriptor: Int32) { self.descriptor = descriptor }

        /// Writes `line` now, or adds it to the thread's batch while batching; `urgent` writes the batch with it.
        func emit(_ line: UnsafeRawBufferPointer, urgent: Bool) {
            guard batching.load(ordering: .relaxed) else {
                // Once batching has stopped, lines may still wait in this thread's batch (`stopBatching` writes
                // the batches one after another): they go out first, so a thread's lines keep their order.
                guard batchedBefore.load(ordering: .relaxed) else { return send(line) }
                let batch = ThreadShard.current(of: batches.count)
                return batches[batch].writing.withLock { _ in
                    let taken = batches[batch].pending.withLock { Self.take(&$0) }
                    if !taken.isEmpty { taken.withUnsafeBytes(send) }
                    send(line)
                }
            }
            let batch = ThreadShard.current(of: batches.count)
            if urgent {
                batches[batch].writing.withLock { _ in
                    let taken = batches[batch].pending.withLock { pending in
                        line.withMemoryRebound(to: UInt8.self) { pending.append(contentsOf: $0) }
                        return Self.take(&pending)
                    }
                    taken.withUnsafeBytes(send)
                }
                return
            }
            let full = batches[batch].pending.withLock { pending in
                // As typed bytes, so the array copies them in one block.
                line.withMemoryRebound(to: UInt8.self) { pending.append(contentsOf: $0) }
                return pending.count >= Self.batchLimit
            }
            // A line added just as batching stopped would otherwise wait for the next start.
            if full || !batching.load(ordering: .relaxed) { writeBatch(batch) }
        }

        /// Writes what waits in batch number `batch`.
        private func writeBatch(_ batch: Int) {
            batches[batch].writing.withLock { _ in
                let taken = batches[batch].pending.withLock { Self.take(&$0) }
                if !taken.isEmpty { taken.withUnsafeBytes(send) }
            }
        }

        /// The bytes of a batch, leaving it empty with room for the next (an empty batch is left as it is).
        private static func take(_ pending: inout [UInt8]) -> [UInt8] {
            guard !pending.isEmpty else { return [] }
            var taken = [UInt8]()
            taken.reserveCapacity(batchLimit + 512)
            swap(&taken, &pending)
            return taken
        }

        /// Writes every batch's waiting lines.
        func flush() { batches.indices.forEach(writeBatch) }

        func startBatching(interval: Duration) {
            let generation: Int? = control.withLock { state in
                guard !state.on else { return nil }
                state = (on: true, generation: state.generation + 1)
                return state.generation
            }
            guard let generation else { return }
            batchedBefore.store(true, ordering: .relaxed)
            batching.store(true, ordering: .relaxed)
            let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
            Thread.detachNewThread { [self] in
                while control.withLock({ $0.on && $0.generation == generation }) {
                    Thread.sleep(forTimeInterval: seconds)
                    flush()
                }
            }
        }

        func stopBatching() {
            control.withLock { $0.on = false }
            batching.store(false, ordering: .relaxed)
            flush()
        }

        private static let standardError = Output(descriptor: STDERR_FILENO)

        static func shared(_ descriptor: Int32) -> Output {
            descriptor == STDERR_FILENO ? standardError : Output(descriptor: descriptor)
        }

        /// Appends the local time as `strftime("%Y-%m-%dT%H:%M:%S%z")` formats it, like `StreamLogHandler`.
        func appendTimestamp(to line: inout LineBuffer) {
            let now = time(nil)
            let stamp = ThreadShard.current(of: stamps.count)
            let current = stamps[stamp].state.withLock { state in
                guard state.second == now else { return false }
                state.bytes.span.withUnsafeBufferPointer { line.append(UnsafeBufferPointer(rebasing: $0[..<state.length])) }
                return true
            }
            guard !current else { return }
            var text = Self.format(now)
            text.withUTF8 { bytes in
                line.append(bytes)
                guard bytes.count <= Self.maximumStampLength else { return }
                stamps[stamp].state.withLock { state in
                    state.second = now
                    state.length = bytes.count
                    for index in bytes.indices { state.bytes[index] = bytes[index] }
                }
            }
        }

        /// Writes `line` with one `write` call (more only if the kernel takes part of it).
        ///
        /// Safety: `next` starts at the line's first byte and moves on by what `write` reports having written,
        /// never more than `remaining`, so it stays inside `line`.
        func send(_ line: UnsafeRawBufferPointer) {
            guard var next = line.baseAddress else { return }
            var remaining = line.count
            while remaining > 0 {
                let written = write(descriptor, next, remaining)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                next += written
                remaining -= written
            }
        }

        static func format(_ second: Int) -> String {
            var time = time_t(second)
            var local = tm()
            guard localtime_r(&time, &local) != nil else { return "<unknown>" }
            var buffer = [CChar](repeating: 0, count: 64)
            let length = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
            return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}
