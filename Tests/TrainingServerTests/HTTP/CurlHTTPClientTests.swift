import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// The outgoing HTTPS client, against a real TLS server (libmicrohttpd with a certificate for 127.0.0.1 made by
/// `openssl`).
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "needs /usr/bin/openssl"))
struct CurlHTTPClientTests {
    /// A self-signed certificate for 127.0.0.1 and a PEM file a client trusts it through.
    static func certificate() throws -> (tls: TLSConfiguration, caFile: String) {
        let tls = try HTTPServerTLSTests.certificate()
        let caFile = FileManager.default.temporaryDirectory.appendingPathComponent("https-\(UUID().uuidString).pem").path
        try tls.certificatePEM.write(toFile: caFile, atomically: true, encoding: .utf8)
        return (tls, caFile)
    }

    /// Echoes the method, the Accept header and the body; `/big` answers 64 KiB; `/moved` redirects.
    static func server(_ tls: TLSConfiguration) throws -> LiveServer {
        try LiveServer(configure: { $0.tls = tls }) { request in
            switch request.path {
            case "/big": return Response.text(String(repeating: "x", count: 65_536))
            case "/moved": return Response.redirect(to: "/elsewhere")
            default:
                var response = Response.text("\(request.method.rawValue) \(request.headers["Accept"] ?? "-") "
                                             + String(decoding: request.body, as: UTF8.self))
                response.headers.set("Content-Type", "application/json; charset=utf-8")
                return response
            }
        }
    }

    @Test func getAndPostReachTheServerAndReturnItsAnswer() throws {
        let (tls, caFile) = try Self.certificate()
        let server = try Self.server(tls)
        let client = CurlHTTPClient(caFile: caFile, timeout: 5)
        let got = try client.get("https://127.0.0.1:\(server.port)/echo", headers: ["Accept: application/json"])
        #expect(got.status == 200 && got.text == "GET application/json ")
        #expect(got.contentType == "application/json; charset=utf-8")
        let posted = try client.post("https://127.0.0.1:\(server.port)/echo", form: [("code", "a b&c"), ("名", "张伟")])
        #expect(posted.text == "POST */* code=a%20b%26c&%E5%90%8D=%E5%BC%A0%E4%BC%9F")
    }

    @Test func anUntrustedCertificateAPlainURLAndAnOversizedAnswerAreRefused() throws {
        let (tls, caFile) = try Self.certificate()
        let server = try Self.server(tls)
        #expect(throws: HTTPClientError.self) { try CurlHTTPClient(timeout: 5).get("https://127.0.0.1:\(server.port)/") }
        #expect(throws: HTTPClientError.self) { try CurlHTTPClient(caFile: caFile).get("http://127.0.0.1:\(server.port)/") }
        let small = CurlHTTPClient(caFile: caFile, timeout: 5, maximumBytes: 1_000)
        #expect(throws: HTTPClientError.self) { try small.get("https://127.0.0.1:\(server.port)/big") }
        #expect(try small.get("https://127.0.0.1:\(server.port)/echo").status == 200)
    }

    @Test func redirectsAreNotFollowed() throws {
        let (tls, caFile) = try Self.certificate()
        let server = try Self.server(tls)
        let moved = try CurlHTTPClient(caFile: caFile, timeout: 5).get("https://127.0.0.1:\(server.port)/moved")
        #expect(moved.status == 303 || moved.status == 302)
    }
}
