import Testing
@testable import TrainingServer

@Suite struct HTTPHeadersTests {
    @Test func lookupIsCaseInsensitiveAndKeepsRepeatsInOrder() {
        var headers = HTTPHeaders([("Content-Type", "text/html"), ("Set-Cookie", "a=1")])
        headers.add("set-cookie", "b=2")
        #expect(headers["content-type"] == "text/html")
        #expect(headers["SET-COOKIE"] == "a=1")
        #expect(headers.values("Set-Cookie") == ["a=1", "b=2"])
        #expect(headers.contains("CONTENT-TYPE"))
        #expect(!headers.contains("Location"))
    }

    @Test func setReplacesEveryFieldOfTheNameAndRemoveDeletesThem() {
        var headers = HTTPHeaders([("X-A", "1"), ("x-a", "2"), ("X-B", "3")])
        headers.set("X-a", "9")
        #expect(headers.values("x-a") == ["9"])
        headers.remove("X-B")
        #expect(headers["X-B"] == nil)
        #expect(headers.map(\.name) == ["X-a"])
    }
}
