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
}
