import Testing
@testable import TrainingServer

@Suite("CSV reader")
struct CSVReaderTests {
    @Test(arguments: [
        ("a,b\n1,2\n", [["a", "b"], ["1", "2"]]),
        ("\u{FEFF}a,b\r\n1,2\r\n", [["a", "b"], ["1", "2"]]),
        ("a,\"b, c\"\n\"x \"\"y\"\"\",\n", [["a", "b, c"], ["x \"y\"", ""]]),
        ("name\n\"多行\n文本\"\n", [["name"], ["多行\n文本"]]),
        ("a,b\n1,2", [["a", "b"], ["1", "2"]]),
    ])
    func readsFields(_ input: String, _ expected: [[String]]) throws {
        #expect(try CSVReader.read(Array(input.utf8)).map(\.fields) == expected)
    }

    @Test func recordsKeepTheLineTheyStartOn() throws {
        let records = try CSVReader.read(Array("h\n\"a\nb\"\nc\n".utf8))
        #expect(records.map(\.line) == [1, 2, 4])
    }

    @Test func refusesTextThatIsNotUTF8AndNamesTheLine() {
        #expect(throws: CSVReader.Failure.notUTF8(line: 2)) { try CSVReader.read(Array("a\n".utf8) + [0xC7, 0xE5, 10]) }
    }

    @Test func refusesAnUnclosedQuote() {
        #expect(throws: CSVReader.Failure.unterminatedQuote(line: 2)) { try CSVReader.read(Array("a\n\"b\n".utf8)) }
    }
}
