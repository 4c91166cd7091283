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

/// Dynamic answers compressed per response (`Gzip.compressDynamic`), through the whole application.
@Suite struct DynamicCompressionTests {
    /// A page with its per-response CSRF masks replaced by one placeholder, so two answers can be compared.
    static func unmasked(_ page: String) -> String {
        page.replacing(#/(name="csrf_token" value=|data-csrf=)"[^"]*"/#) { match in "\(match.1)\"TOKEN\"" }
    }

    private func signedIn() throws -> Browser {
        let app = try TestApplication()
        try app.createUser(login: "wang", password: "correct horse battery")
        let browser = Browser(app)
        #expect(try browser.signIn(login: "wang", password: "correct horse battery").status == .seeOther)
        return browser
    }

    @Test func aSignedInPageIsSentCompressedToAClientThatAcceptsGzip() throws {
        let browser = try signedIn()
        let plain = try browser.get("/profile")
        let compressed = try browser.get("/profile", headers: [("Accept-Encoding", "gzip, deflate, br")])
        #expect(plain.status == .ok && compressed.status == .ok)
        #expect(plain.headers["Content-Encoding"] == nil)
        #expect(compressed.headers["Content-Encoding"] == "gzip")
        #expect(plain.bodyBytes.count >= Gzip.dynamicMinimumSize)
        #expect(compressed.bodyBytes.count * 2 < plain.bodyBytes.count)
        for response in [plain, compressed] {
            #expect(response.headers.values("Vary").contains("Accept-Encoding"))
            #expect(response.headers["Cache-Control"] == "no-store", "a private page stays no-store")
        }
        let decoded = String(decoding: try GzipTests.gunzip(compressed.bodyBytes), as: UTF8.self)
        #expect(Self.unmasked(decoded) == Self.unmasked(plain.bodyText))
        #expect(decoded.contains("<html"))
    }

    @Test func theCSRFTokenDiffersOnEveryPageAndEveryFormOfItIsAccepted() throws {
        let browser = try signedIn()
        let first = try #require(Browser.hiddenField("csrf_token", in: try browser.get("/profile").bodyText))
        let second = try #require(Browser.hiddenField("csrf_token", in: try browser.get("/profile").bodyText))
        #expect(first != second, "masked afresh on every page, so compression reveals nothing about it")
        #expect(Tokens.unmasked(first) == Tokens.unmasked(second))
        // Both forms sign the person out (the first one after the second page was sent).
        #expect(try browser.post("/logout", form: [("csrf_token", first)]).status == .seeOther)
        #expect(try browser.get("/profile").status == .seeOther, "signed out")
    }

    @Test func aForgedTokenIsStillRefused() throws {
        let browser = try signedIn()
        let forged = Tokens.masked(Tokens.random())
        #expect(try browser.post("/logout", form: [("csrf_token", forged)]).status == .forbidden)
    }

    @Test(arguments: ["gzip;q=0", "identity", "br", "deflate"])
    func aClientThatDoesNotAcceptGzipGetsThePlainPage(_ acceptEncoding: String) throws {
        let browser = try signedIn()
        let response = try browser.get("/profile", headers: [("Accept-Encoding", acceptEncoding)])
        #expect(response.headers["Content-Encoding"] == nil)
        #expect(response.bodyText.contains("<html"))
        #expect(response.headers.values("Vary").contains("Accept-Encoding"))
    }

    @Test func smallStreamedEncodedOrTaggedAnswersAreLeftAlone() {
        var small = Response.html("<p>short</p>")
        Gzip.compressDynamic(&small, acceptEncoding: "gzip")
        #expect(small.bodyText == "<p>short</p>")
        #expect(small.headers["Vary"] == nil && small.headers["Content-Encoding"] == nil)

        let long = String(repeating: "<p>训练</p>", count: 400)
        var tagged = Response.html(long)
        tagged.headers.add("ETag", "\"v1\"")
        Gzip.compressDynamic(&tagged, acceptEncoding: "gzip")
        #expect(tagged.bodyText == long)

        var binary = Response(headers: HTTPHeaders([("Content-Type", "application/pdf")]), body: .bytes(Array(long.utf8)))
        Gzip.compressDynamic(&binary, acceptEncoding: "gzip")
        #expect(binary.headers["Content-Encoding"] == nil)

        var page = Response.html(long)
        Gzip.compressDynamic(&page, acceptEncoding: "gzip")
        #expect(page.headers["Content-Encoding"] == "gzip")
    }
}
