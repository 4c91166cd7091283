import Foundation
import Logging
import Synchronization

/// Writes log lines in swift-log's `StreamLogHandler` format,
/// `2026-11-29T10:00:00+0800 info training-server: key=value [TrainingServer] message`,
/// to a file descriptor with one `write` per line, so lines from several threads never interleave and a request's
/// line costs no locale or `NSString` work: the timestamp is formatted once per second and shared.
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
        let source = event.source
        let level = event.level.rawValue
        let stamp = output.timestamp()
        let count = stamp.utf8.count + 1 + level.utf8.count + (label.isEmpty ? 0 : 1 + label.utf8.count) + 1
            + (pretty.map { 1 + $0.utf8.count } ?? 0) + 2 + source.utf8.count + 2 + message.utf8.count + 1
        // The line is assembled on the stack (or the heap, for a very long one) and written at once. Safety: the
        // buffer lives only inside the closure, `count` is the exact sum of the pieces' lengths, and only the part
        // `LineBuffer` filled is written.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { buffer in
            var line = LineBuffer(buffer)
            line.append(stamp)
            line.append(" ")
            line.append(level)
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
            line.append(message)
            line.append("\n")
            output.send(UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[..<line.count])))
        }
    }

    /// Bytes copied one after another into a buffer that `log` sized for all of them.
    private struct LineBuffer {
        let buffer: UnsafeMutableBufferPointer<UInt8>
        var count = 0

        init(_ buffer: UnsafeMutableBufferPointer<UInt8>) { self.buffer = buffer }

        mutating func append(_ text: String) {
            // Safety: `log` counted every piece's UTF-8 length into the buffer's capacity; the precondition
            // guards that arithmetic.
            let needed = text.utf8.count
            precondition(count + needed <= buffer.count, "log line longer than counted")
            var text = text
            text.withUTF8 { bytes in
                guard let source = bytes.baseAddress, let target = buffer.baseAddress else { return }
                (target + count).update(from: source, count: needed)
            }
            count += needed
        }
    }

    private static func prettify(_ metadata: Logger.Metadata) -> String? {
        metadata.isEmpty ? nil : metadata.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }.joined(separator: " ")
    }

    /// A descriptor and the current second's timestamp.
    final class Output: Sendable {
        let descriptor: Int32
        /// The last second's text, formatted at most once a second per shard. Each thread reads the shard its id
        /// picks, so server threads rarely wait for each other; a lock is held only to read or replace a text.
        private let stamps: [Stamp] = (0..<16).map { _ in Stamp() }

        private final class Stamp: Sendable {
            let state = Mutex<(second: Int, text: String)>((second: Int.min, text: ""))
        }

        init(descriptor: Int32) { self.descriptor = descriptor }

        private static let standardError = Output(descriptor: STDERR_FILENO)

        static func shared(_ descriptor: Int32) -> Output {
            descriptor == STDERR_FILENO ? standardError : Output(descriptor: descriptor)
        }

        /// The local time as `strftime("%Y-%m-%dT%H:%M:%S%z")` formats it, like `StreamLogHandler`.
        func timestamp() -> String {
            let now = time(nil)
            // Fibonacci hashing of the thread id: its top four bits pick one of the 16 shards.
            let stamp = stamps[Int((UInt(pthread_self()) &* 0x9E37_79B9_7F4A_7C15) >> 60)]
            if let text = stamp.state.withLock({ $0.second == now ? $0.text : nil }) { return text }
            let text = Self.format(now)
            stamp.state.withLock { $0 = (second: now, text: text) }
            return text
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
