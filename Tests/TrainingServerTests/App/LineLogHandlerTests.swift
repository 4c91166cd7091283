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

    /// `2026-11-29T10:00:00+0800 ` at the start of a line.
    private static var timestamp: Regex<Substring> { #/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4} /# }

    @Test func writesTheStreamLogHandlerFormat() throws {
        let written = try lines { $0.info("GET /healthz 200 0.05ms id=abc-1") }
        #expect(written.count == 2 && written.last == "", "one line, ended by a newline")
        let line = try #require(written.first)
        let stamp = try #require(line.prefixMatch(of: Self.timestamp))
        #expect(line[stamp.range.upperBound...] == "info test-label: [TrainingServerTests] GET /healthz 200 0.05ms id=abc-1")
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
