import Foundation
import Testing
@testable import TrainingServer

@Suite struct ResponseTests {
    private struct Item: Encodable {
        var zeta = 1
        var alpha = "a/b"
        var when = Date(timeIntervalSince1970: 0)
    }

    @Test func jsonHasSortedKeysUnescapedSlashesAndISODates() {
        let response = Response.json(Item(), status: .created)
        #expect(response.status == .created)
        #expect(response.headers["Content-Type"] == "application/json; charset=utf-8")
        #expect(response.bodyText == #"{"alpha":"a/b","when":"1970-01-01T00:00:00Z","zeta":1}"#)
    }

    @Test func helpersSetTypeStatusAndLocation() {
        let text = Response.text("hi", status: .notFound)
        #expect(text.status == .notFound && text.bodyText == "hi")
        #expect(text.headers["Content-Type"] == "text/plain; charset=utf-8")
        #expect(Response.html("<p>").headers["Content-Type"] == "text/html; charset=utf-8")
        let redirect = Response.redirect(to: "/login")
        #expect(redirect.status == .seeOther)
        #expect(redirect.headers["Location"] == "/login")
        #expect(redirect.bodyBytes.isEmpty)
    }

    @Test func aPreparedResponseKeepsItsPartsUntilOneChanges() {
        var original = Response.text("ok")
        original.headers.add("ETag", "\"1\"")
        let prepared = PreparedResponse(original)
        let response = Response(prepared: prepared)
        #expect(response.prepared === prepared)
        #expect(response.status == .ok && response.bodyText == "ok" && response.headers["ETag"] == "\"1\"")

        var withCookie = response
        withCookie.headers.add("Set-Cookie", "a=1")
        #expect(withCookie.prepared == nil, "a changed header unprepares the response")
        var otherStatus = response
        otherStatus.status = .notFound
        #expect(otherStatus.prepared == nil)
        var otherBody = response
        otherBody.body = .bytes([1])
        #expect(otherBody.prepared == nil)
        #expect(response.prepared === prepared)
    }

    @Test func securityHeadersAreAddedOnceEvenAfterAPreparedResponseChanges() {
        let security = SecurityHeadersMiddleware(secure: false)
        let prepared = security.prepare(Response.text("ok"))
        var response = Response(prepared: prepared)
        security.apply(to: &response)
        #expect(response.prepared === prepared)
        response.headers.add("Set-Cookie", "a=1")
        security.apply(to: &response)
        #expect(response.headers.values("X-Content-Type-Options") == ["nosniff"])
        #expect(response.headers.values("Cache-Control") == ["no-store"])
    }

    @Test func aHeaderWithALineBreakLeavesNoNativeResponse() {
        var response = Response.text("ok")
        response.headers.add("Location", "/a\r\nSet-Cookie: x=1")
        #expect(PreparedResponse(response).native == nil)
        #expect(PreparedResponse(Response.text("ok")).native != nil)
    }
}
