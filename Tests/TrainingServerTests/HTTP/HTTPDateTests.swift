import Testing
@testable import TrainingServer

@Suite struct HTTPDateTests {
    @Test func formatsAndReadsTheThreeForms() {
        #expect(HTTPDate.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT") == 784_111_777)
        #expect(HTTPDate.parse("Sun Nov  6 08:49:37 1994") == 784_111_777)
        #expect(HTTPDate.parse("Thu, 01 Jan 1970 00:00:00 GMT") == 0)
        #expect(HTTPDate.parse(HTTPDate.format(1_800_000_000)) == 1_800_000_000)
    }

    @Test("anything else is not a date", arguments: [
        "", "yesterday", "Sun, 06 Nov 1994 08:49:37", "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 25:49:37 GMT", "Sun, 06 Nov 1994 08:49 GMT", "1994-11-06T08:49:37Z", "Sun, 32 Nov 1994 08:49:37 GMT",
    ])
    func rejects(text: String) {
        #expect(HTTPDate.parse(text) == nil)
    }
}
