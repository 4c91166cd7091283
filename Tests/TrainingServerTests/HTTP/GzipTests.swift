import Foundation
import Testing
@testable import TrainingServer

@Suite struct GzipTests {
    /// Decompresses with the system's `gzip -dc`, an implementation independent of the one that compressed.
    static func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gzip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("data.gz")
        try Data(bytes).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "gzip -dc failed")
        return Array(data)
    }

    @Test(arguments: [0, 1, 100, 70_000])
    func compressedBytesDecompressToTheOriginal(_ count: Int) throws {
        var generator = SystemRandomNumberGenerator()
        // Half text that compresses well, half random bytes that do not.
        let text = Array(String(repeating: "body { margin: 0 } ", count: count / 40 + 1).utf8.prefix(count / 2))
        let noise = (0..<(count - text.count)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let original = text + noise
        let compressed = try #require(Gzip.compress(original))
        #expect(compressed.starts(with: [0x1F, 0x8B]), "a gzip member starts with its magic number")
        #expect(try Self.gunzip(compressed) == original)
    }

    @Test func repetitiveTextShrinks() throws {
        let original = Array(String(repeating: ".page { color: #1a1a1a; }\n", count: 200).utf8)
        let compressed = try #require(Gzip.compress(original))
        #expect(compressed.count * 10 < original.count)
    }
}
