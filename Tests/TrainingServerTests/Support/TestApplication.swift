import Foundation
import Logging
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// An `Application` on a temporary database with a hand-moved clock, answered in-process (no socket).
final class TestApplication: Sendable {
    let temporary: TemporaryStore
    let clock: ManualClock
    let application: Application

    init(configure: (inout ApplicationConfiguration) -> Void = { _ in }) throws {
        temporary = try TemporaryStore()
        clock = ManualClock()
        var configuration = ApplicationConfiguration()
        configuration.databasePath = temporary.store.path
        configure(&configuration)
        application = Application(configuration: configuration, store: temporary.store,
                                  catalogue: try temporary.emptyCatalogue(now: clock.now), issuer: try TemporaryStore.issuer(),
                                  logger: .silent,
                                  clock: clock.function)
        try application.prepare()
    }

    var store: Store { temporary.store }

    /// Creates an account in 省政府/测试处. With a password it costs one Argon2 hash (keep such calls few);
    /// without one the account has a hash nothing verifies against and can only be used through API tokens.
    @discardableResult
    func createUser(login: String, password: String? = nil, displayName: String = "测试用户", roles: [Role] = []) throws -> User {
        let department = try application.departments.ensure(path: ["省政府", "测试处"], by: .system)
        let hash = try password.map { try application.hasher.hash($0) } ?? "unusable"
        return try application.users.create(NewUser(login: login, displayName: displayName, departmentID: department.id,
                                                    passwordHash: hash, roles: roles),
                                            by: .system)
    }

    /// Answers one request built from its parts.
    func respond(_ method: HTTPMethod, _ target: String, headers: [(String, String)] = [], body: [UInt8] = [],
                 clientAddress: String = "127.0.0.1") throws -> Response {
        application.respond(try Request(method: method, target: target, headers: HTTPHeaders(headers), body: body,
                                        clientAddress: clientAddress))
    }
}

/// A browser in front of a `TestApplication`: it sends its cookies and keeps what `Set-Cookie` tells it.
final class Browser {
    let app: TestApplication
    var cookies: [String: String] = [:]
    var headers: [(String, String)] = [("Host", "training.example")]
    var clientAddress = "192.0.2.10"

    init(_ app: TestApplication) { self.app = app }

    func get(_ target: String, headers extra: [(String, String)] = []) throws -> Response {
        try send(.get, target, headers: extra, body: [])
    }

    /// Posts an urlencoded form.
    func post(_ target: String, form: [(String, String)], headers extra: [(String, String)] = []) throws -> Response {
        let body = form.map { "\(PercentDecoding.encode($0.0))=\(PercentDecoding.encode($0.1))" }.joined(separator: "&")
        return try send(.post, target, headers: [("Content-Type", "application/x-www-form-urlencoded")] + extra,
                        body: Array(body.utf8))
    }

    func send(_ method: HTTPMethod, _ target: String, headers extra: [(String, String)], body: [UInt8]) throws -> Response {
        var all = headers + extra
        if !cookies.isEmpty {
            all.append(("Cookie", cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")))
        }
        let response = try app.respond(method, target, headers: all, body: body, clientAddress: clientAddress)
        for header in response.headers.values("Set-Cookie") {
            let attributes = header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let pair = attributes.first, let equals = pair.firstIndex(of: "=") else { continue }
            let name = String(pair[..<equals])
            if attributes.contains("Max-Age=0") {
                cookies[name] = nil
            } else {
                cookies[name] = String(pair[pair.index(after: equals)...])
            }
        }
        return response
    }

    /// Opens the sign-in page and answers it with `login` and `password`, echoing the page's CSRF field.
    func signIn(login: String, password: String, next: String? = nil, headers extra: [(String, String)] = []) throws -> Response {
        let page = try get("/login", headers: extra)
        let token = try #require(Self.hiddenField("csrf_token", in: page.bodyText))
        var form = [("csrf_token", token), ("login", login), ("password", password)]
        if let next { form.append(("next", next)) }
        return try post("/login", form: form, headers: extra)
    }

    /// The value of a hidden input named `name` in a page.
    static func hiddenField(_ name: String, in html: String) -> String? {
        let marker = "name=\"\(name)\" value=\""
        guard let start = html.range(of: marker)?.upperBound,
              let end = html[start...].firstIndex(of: "\"") else { return nil }
        return String(html[start..<end])
    }
}
