import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// The server's own answers under TLS (those made before any application sees the request) carry HSTS like every
/// other answer, and a file body is sent under TLS (without sendfile). Talks to a real TLS server through
/// `openssl s_client` and curl.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "needs /usr/bin/openssl"))
struct HTTPServerTLSTests {
    /// A self-signed certificate and key for 127.0.0.1 (also in its subjectAltName, which certificate checks of an
    /// address require), made in a temporary folder.
    static func certificate() throws -> TLSConfiguration {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = folder.appendingPathComponent("key.pem").path
        let certificate = folder.appendingPathComponent("cert.pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                             "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        return TLSConfiguration(certificatePEM: try String(contentsOfFile: certificate, encoding: .utf8),
                                keyPEM: try String(contentsOfFile: key, encoding: .utf8))
    }

    /// Sends `request` over TLS and returns the status line and headers of the answer (read until the server closes).
    static func exchange(port: UInt16, _ request: [UInt8]) throws -> (status: Int, headers: HTTPHeaders) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["s_client", "-connect", "127.0.0.1:\(port)", "-quiet", "-ign_eof"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data(request))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n").first ?? ""
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.isEmpty ? "" : lines.removeFirst()
        let parts = statusLine.split(separator: " ")
        var headers = HTTPHeaders()
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return (parts.count >= 2 ? Int(parts[1]) ?? 0 : 0, headers)
    }

    @Test func theServersOwn400And413CarryHSTSUnderTLS() throws {
        let tls = try Self.certificate()
        // No refuser: these answers are the HTTP layer's own.
        let server = try LiveServer(configure: { $0.tls = tls; $0.maxBodySize = 1_024 }) { _ in Response.text("ok\n") }
        let ok = try Self.exchange(port: server.port, Array("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".utf8))
        #expect(ok.status == 200)
        #expect(ok.headers["Strict-Transport-Security"] == nil, "the responder's own answer is its business")

        let badHeader = Array("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\nX-Bad: ".utf8) + [0xFF, 0xFE]
            + Array("\r\n\r\n".utf8)
        let badRequest = try Self.exchange(port: server.port, badHeader)
        #expect(badRequest.status == 400)
        #expect(badRequest.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains")
        #expect(badRequest.headers["X-Content-Type-Options"] == "nosniff")

        let tooLarge = try Self.exchange(port: server.port,
                                         Array("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n".utf8))
        #expect(tooLarge.status == 413)
        #expect(tooLarge.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains")
    }

    @Test func withoutTLSTheServersOwnAnswersCarryNoHSTS() throws {
        let server = try LiveServer(configure: { $0.maxBodySize = 1_024 }) { _ in Response.text("ok\n") }
        let connection = try server.connect()
        let tooLarge = try connection.request("POST", "/", body: [UInt8](repeating: 65, count: 5_000))
        #expect(tooLarge.status == 413)
        #expect(tooLarge.headers["Strict-Transport-Security"] == nil)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "needs /usr/bin/curl"))
    func aFileBodyIsSentUnderTLSToo() throws {
        let tls = try Self.certificate()
        let (_, bytes, directory) = try FileAnswerTests.file(200_000)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("clip.mp4").path
        let server = try LiveServer(configure: { $0.tls = tls }) { request in
            guard let file = OpenFile(path: path) else { return .text("missing", status: .notFound) }
            return FileAnswer.response(for: file, method: request.method, headers: request.headers, contentType: "video/mp4",
                                       cacheControl: "private")
        }
        // Without sendfile (TLS), MHD reads the region into its buffer piece by piece.
        for (range, expected) in [("5000-154999", Array(bytes[5000...154999])), ("", bytes)] {
            let output = directory.appendingPathComponent("got.bin")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            process.arguments = ["--silent", "--insecure", "--max-time", "20", "--output", output.path]
                + (range.isEmpty ? [] : ["--range", range]) + ["https://127.0.0.1:\(server.port)/clip.mp4"]
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            #expect(Array(try Data(contentsOf: output)) == expected, "range \(range)")
        }
    }
}
