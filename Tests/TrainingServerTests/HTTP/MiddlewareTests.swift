import Synchronization
import Testing
@testable import TrainingServer

@Suite struct MiddlewareTests {
    /// Appends its name to a header on the way in and on the way out, to show the order.
    private struct Tag: Middleware {
        let name: String
        func handle(_ request: Request, next: (Request) throws -> Response) throws -> Response {
            var request = request
            request.headers.add("X-Trace", "in:\(name)")
            var response = try next(request)
            response.headers.add("X-Trace", "out:\(name)")
            return response
        }
    }

    /// Answers by itself without calling the rest.
    private struct ShortCircuit: Middleware {
        func handle(_ request: Request, next: (Request) throws -> Response) throws -> Response {
            Response.text("stopped", status: .forbidden)
        }
    }

    @Test func theFirstMiddlewareIsTheOutermost() throws {
        let handler = ([Tag(name: "a"), Tag(name: "b")] as [any Middleware]).wrapping { request in
            var response = Response.text("ok")
            for value in request.headers.values("X-Trace") { response.headers.add("X-Trace", value) }
            return response
        }
        let response = try handler(Request(method: .get, target: "/"))
        #expect(response.headers.values("X-Trace") == ["in:a", "in:b", "out:b", "out:a"])
    }

    @Test func aMiddlewareMayAnswerWithoutCallingTheEndpoint() throws {
        let called = Atomic<Bool>(false)
        let handler = ([Tag(name: "a"), ShortCircuit()] as [any Middleware]).wrapping { _ in
            called.store(true, ordering: .relaxed)
            return Response.text("endpoint")
        }
        let response = try handler(Request(method: .get, target: "/"))
        #expect(response.status == .forbidden)
        #expect(response.headers.values("X-Trace") == ["out:a"])
        let endpointRan = called.load(ordering: .relaxed)
        #expect(!endpointRan)
    }
}
