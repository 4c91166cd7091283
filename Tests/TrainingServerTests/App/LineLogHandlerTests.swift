import Foundation
import Logging
import Testing
@testable import TrainingServer

@Suite struct LineLogHandlerTests {
    /// Logs through a handler writing into a temporary file (opened for appending, as a log file would be) and
    /// returns what arrived.
    private func lines(level: Logger.Level = .info, metadata: Logger.Metadata = [:],
                       _ body: (Logger) -> Void) throws -> [String] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("line-log-\(UUID().uuidString).log").path
        defer { unlink(path) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o600)
        try #require(descriptor >= 0)
        var handler = LineLogHandler(label: "test-label", descriptor: descriptor)
        handler.logLevel = level
        handler.metadata = metadata
        body(Logger(label: "test-label") { _ in handler })
        close(descriptor)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// A handler writing into a fresh temporary file, the file's path and a way to read what arrived so far.
    private struct LogFile {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("line-log-\(UUID().uuidString).log").path
        let descriptor: Int32
        let handler: LineLogHandler
        var logger: Logger { let handler = handler; return Logger(label: "test-label") { _ in handler } }

        init() throws {
            descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o600)
            try #require(descriptor >= 0)
            handler = LineLogHandler(label: "test-label", descriptor: descriptor)
        }

        /// The messages written so far (what follows the `[module] ` of each complete line).
        func messages() throws -> [String] {
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
                .map { String($0.split(separator: "] ", maxSplits: 1).last ?? "") }
        }

        func remove() {
            handler.stopBatching()
            close(descriptor)
            unlink(path)
        }
    }

    /// Passes every event on to a `LineLogHandler`, so a `RequestLog` cannot see that one is behind it.
    private struct Forwarding: LogHandler {
        var target: LineLogHandler
        var logLevel: Logger.Level {
            get { target.logLevel }
            set { target.logLevel = newValue }
        }
        var metadata: Logger.Metadata {
            get { target.metadata }
            set { target.metadata = newValue }
        }
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { target[metadataKey: key] }
            set { target[metadataKey: key] = newValue }
        }
        func log(event: LogEvent) { target.log(event: event) }
    }

    /// Batched or not, with a metadata provider or not.
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func aRequestLineWrittenStraightIntoTheHandlerEqualsTheOneLoggedThroughSwiftLog(_ batched: Bool, _ provided: Bool) throws {
        let file = try LogFile()
        defer { file.remove() }
        var handler = file.handler
        handler.metadata = ["instance": "a"]
        if provided { handler.metadataProvider = Logger.MetadataProvider { ["zone": "z"] } }
        if batched { handler.startBatching(interval: .seconds(600)) }
        let direct = RequestLog(logger: Logger(label: "test-label") { _ in handler }, metrics: Metrics())
        let throughSwiftLog = RequestLog(logger: Logger(label: "test-label") { _ in Forwarding(target: handler) }, metrics: Metrics())
        let now = ContinuousClock.now
        direct.finish(method: "GET", id: "r-1", route: "/assets/:name", status: 200, since: now)
        throughSwiftLog.finish(method: "GET", id: "r-1", route: "/assets/:name", status: 200, since: now)
        handler.logLevel = .warning
        RequestLog(logger: Logger(label: "test-label") { _ in handler }, metrics: Metrics())
            .finish(method: "GET", id: "r-2", route: "/", status: 200, since: now)
        if batched {
            #expect(try file.messages().isEmpty, "batched lines wait")
            handler.stopBatching()
        }
        let written = try String(contentsOfFile: file.path, encoding: .utf8).split(separator: "\n")
        #expect(written.count == 2, "nothing below the handler's level")
        // Equal once the timestamp and the duration (the two calls ended at different times) are set aside.
        let shapes = written.map { line in
            line.replacing(Self.timestamp, with: "").replacing(#/ \d+\.\d\dms /#, with: " ?ms ")
        }
        let metadata = provided ? "instance=a zone=z" : "instance=a"
        #expect(shapes.first == "info test-label: \(metadata) [TrainingServer] GET /assets/:name 200 ?ms id=r-1")
        #expect(shapes.first == shapes.last)
    }

    @Test func batchedLinesWaitUntilAWarningOrTheStopAndKeepTheirOrder() throws {
        let file = try LogFile()
        defer { file.remove() }
        file.handler.startBatching(interval: .seconds(600))
        let logger = file.logger
        logger.info("one")
        logger.info("two")
        #expect(try file.messages().isEmpty, "info lines wait")
        logger.warning("three")
        #expect(try file.messages() == ["one", "two", "three"], "a warning takes the lines before it along")
        logger.info("four")
        #expect(try file.messages().count == 3)
        file.handler.stopBatching()
        #expect(try file.messages() == ["one", "two", "three", "four"])
        logger.info("five")
        #expect(try file.messages().last == "five", "after the stop, lines are written at once again")
    }

    @Test func aFullBatchIsWrittenWithoutWaiting() throws {
        let file = try LogFile()
        defer { file.remove() }
        file.handler.startBatching(interval: .seconds(600))
        let message = String(repeating: "m", count: 200)
        let count = LineLogHandler.Output.batchLimit / 200 + 10
        for index in 0..<count { file.logger.info("\(index) \(message)") }
        let written = try file.messages()
        #expect(!written.isEmpty && written.count < count)
        #expect(written.enumerated().allSatisfy { $1 == "\($0) \(message)" })
    }

    @Test func batchesAreWrittenWithinTheInterval() throws {
        let file = try LogFile()
        defer { file.remove() }
        file.handler.startBatching(interval: .milliseconds(20))
        file.logger.info("soon")
        let deadline = Date().addingTimeInterval(10)
        while try file.messages().isEmpty && Date() < deadline { usleep(5_000) }
        #expect(try file.messages() == ["soon"])
    }

    @Test func batchedLinesFromManyThreadsStayWholeAndNoneIsLost() throws {
        let file = try LogFile()
        defer { file.remove() }
        file.handler.startBatching(interval: .milliseconds(5))
        let message = String(repeating: "x", count: 300)
        let logger = file.logger
        DispatchQueue.concurrentPerform(iterations: 2_000) { index in
            if index % 500 == 0 { logger.error("\(index) \(message)") } else { logger.info("\(index) \(message)") }
        }
        file.handler.stopBatching()
        let written = try file.messages()
        #expect(written.count == 2_000)
        #expect(Set(written.compactMap { $0.split(separator: " ").first.flatMap { Int($0) } }) == Set(0..<2_000))
        #expect(written.allSatisfy { $0.hasSuffix(" \(message)") })
    }

    /// `2026-11-29T10:00:00+0800 ` at the start of a line.
    private static var timestamp: Regex<Substring> { #/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4} /# }

    @Test func writesTheStreamLogHandlerFormat() throws {
        let written = try lines { $0.info("GET /healthz 200 0.05ms id=abc-1") }
        #expect(written.count == 2 && written.last == "", "one line, ended by a newline")
        let line = try #require(written.first)
        let stamp = try #require(line.prefixMatch(of: Self.timestamp))
        #expect(line[stamp.range.upperBound...] == "info test-label: [TrainingServerTests] GET /healthz 200 0.05ms id=abc-1")
    }

    @Test func numbersAreWrittenInDecimalInTheLengthCounted() {
        for value in [0, 7, 10, 99, 200, 1_000, -1, -45, Int.max, Int.min] {
            let length = LineLogHandler.LineBuffer.decimalLength(value)
            let text = String(unsafeUninitializedCapacity: length) { buffer in
                var line = LineLogHandler.LineBuffer(buffer)
                line.append(decimal: value)
                return line.count
            }
            #expect(text == String(value))
            #expect(length == String(value).utf8.count)
        }
    }

    @Test func theTimestampIsTheLocalTime() throws {
        var now = time(nil)
        var local = tm()
        localtime_r(&now, &local)
        let line = try #require(try lines { $0.warning("x") }.first)
        #expect(line.hasPrefix(String(format: "%04d-%02d-", Int(local.tm_year) + 1900, Int(local.tm_mon) + 1)))
        #expect(line.contains(" warning test-label: [TrainingServerTests] x"))
    }

    @Test func levelsBelowTheHandlersAreDropped() throws {
        let written = try lines(level: .warning) { logger in
            logger.info("quiet")
            logger.error("loud")
        }
        #expect(written.count == 2)
        #expect(written[0].hasSuffix(" error test-label: [TrainingServerTests] loud"))
    }

    @Test func metadataIsSortedAndMergedWithTheMessagesOwn() throws {
        let written = try lines(metadata: ["zone": "a", "app": "academy"]) { logger in
            logger.info("plain")
            logger.info("with", metadata: ["zone": "b", "request": "r-1"])
        }
        #expect(written[0].hasSuffix(" info test-label: app=academy zone=a [TrainingServerTests] plain"))
        #expect(written[1].hasSuffix(" info test-label: app=academy request=r-1 zone=b [TrainingServerTests] with"))
    }

    @Test func linesFromManyThreadsStayWhole() throws {
        let message = String(repeating: "x", count: 300)
        let written = try lines { logger in
            DispatchQueue.concurrentPerform(iterations: 400) { index in logger.info("\(index) \(message)") }
        }
        let complete = written.dropLast()
        #expect(complete.count == 400)
        #expect(complete.allSatisfy { $0.prefixMatch(of: Self.timestamp) != nil && $0.hasSuffix(" \(message)") })
        let numbers = Set(complete.compactMap { line in
            line.split(separator: "] ").last?.split(separator: " ").first.flatMap { Int($0) }
        })
        #expect(numbers == Set(0..<400))
    }
}
