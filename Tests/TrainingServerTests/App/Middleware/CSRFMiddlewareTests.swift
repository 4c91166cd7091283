import Testing
@testable import TrainingServer

@Suite struct CSRFMiddlewareTests {
    private let handler = ([CSRFMiddleware()] as [any Middleware]).wrapping { _ in Response.text("done") }
    private let secret = "s3cret-token-value-that-is-long-enough"

    private func request(_ method: HTTPMethod, headers: [(String, String)] = [], form: String? = nil,
                         authentication: RequestContext.Authentication = .session) throws -> Request {
        var all = headers
        if form != nil { all.append(("Content-Type", "application/x-www-form-urlencoded")) }
        var request = try Request(method: method, target: "/x", headers: HTTPHeaders(all), body: Array((form ?? "").utf8))
        request.context.csrfToken = secret
        request.context.authentication = authentication
        return request
    }

    private func status(_ request: Request) -> HTTPStatus {
        do {
            return try handler(request).status
        } catch let error as HTTPError {
            return error.status
        } catch {
            return .internalServerError
        }
    }

    @Test func safeMethodsPassWithoutAToken() throws {
        for method in [HTTPMethod.get, .head, .options] {
            #expect(status(try request(method)) == .ok)
        }
    }

    @Test func stateChangingMethodsNeedTheMatchingToken() throws {
        for method in [HTTPMethod.post, .put, .patch, .delete] {
            #expect(status(try request(method)) == .forbidden, "\(method)")
            #expect(status(try request(method, headers: [("X-CSRF-Token", secret)])) == .ok, "\(method)")
        }
        #expect(status(try request(.post, form: "csrf_token=\(secret)&a=1")) == .ok)
        #expect(status(try request(.post, form: "csrf_token=\(secret)x")) == .forbidden)
        #expect(status(try request(.post, form: "csrf_token=")) == .forbidden)
        // The header, when present, is what counts.
        #expect(status(try request(.post, headers: [("X-CSRF-Token", "wrong")], form: "csrf_token=\(secret)")) == .forbidden)
    }

    @Test func theHandlerGetsTheFormTheCheckParsed() throws {
        let seen = ([CSRFMiddleware()] as [any Middleware]).wrapping { request in
            Response.text("\(request.formIsKept) \(try request.form()["a"] ?? "-")")
        }
        let checked = try seen(request(.post, form: "csrf_token=\(secret)&a=%E4%B8%80"))
        #expect(checked.bodyText == "true 一", "parsed once, by the check")
        let safe = try seen(request(.get))
        #expect(safe.bodyText == "false -", "no check, nothing parsed")
    }

    @Test func anEmptyExpectedTokenProvesNothing() throws {
        var request = try request(.post, headers: [("X-CSRF-Token", "")])
        request.context.csrfToken = ""
        #expect(status(request) == .forbidden)
    }

    @Test func onlyTheOneClickUnsubscribeRoutePassesWithoutAToken() throws {
        var unsubscribe = try request(.post, form: "List-Unsubscribe=One-Click", authentication: .anonymous)
        unsubscribe.context.csrfToken = ""
        #expect(status(unsubscribe) == .forbidden, "an unmatched request is checked")
        unsubscribe.route = "/mail/unsubscribe/:token"
        #expect(status(unsubscribe) == .ok)
        var other = try request(.post, form: "a=1", authentication: .anonymous)
        other.route = "/profile/reminder-mail"
        #expect(status(other) == .forbidden)
    }

    @Test func bearerRequestsNeedNoToken() throws {
        #expect(status(try request(.post, authentication: .bearer)) == .ok)
        #expect(status(try request(.post, authentication: .anonymous)) == .forbidden)
    }

    @Test func anAPIRequestWithoutASessionIsLeftToTheAPIsOwn401() throws {
        for authentication in [RequestContext.Authentication.anonymous, .session] {
            var request = try Request(method: .post, target: "/api/v1/attempts/a/submit")
            request.context.csrfToken = secret
            request.context.authentication = authentication
            #expect(status(request) == (authentication == .session ? .forbidden : .ok), "\(authentication)")
        }
    }

    @Test func theOriginMustBeThisSite() throws {
        let token = ("X-CSRF-Token", secret)
        #expect(status(try request(.post, headers: [token, ("Host", "a.example"), ("Origin", "http://a.example")])) == .ok)
        #expect(status(try request(.post, headers: [token, ("Host", "a.example"), ("Origin", "http://b.example")])) == .forbidden)
        #expect(status(try request(.post, headers: [token, ("Host", "a.example"), ("Origin", "http://a.example:8080")])) == .forbidden)
        #expect(status(try request(.post, headers: [token, ("Host", "a.example"), ("Origin", "null")])) == .ok)
        #expect(status(try request(.post, headers: [("Host", "a.example"), ("Origin", "null")])) == .forbidden)
    }
}
