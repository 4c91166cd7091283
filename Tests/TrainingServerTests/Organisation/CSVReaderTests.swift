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

    @Test func readsGB18030AsExcelInAChineseLocaleSavesIt() throws {
        // "姓名\n张三,综合处\n" in GB18030: not UTF-8, so it is read as GB18030.
        let bytes: [UInt8] = [0xD0, 0xD5, 0xC3, 0xFB, 10, 0xD5, 0xC5, 0xC8, 0xFD, 0x2C, 0xD7, 0xDB, 0xBA, 0xCF, 0xB4, 0xA6, 10]
        #expect(try CSVReader.read(bytes).map(\.fields) == [["姓名"], ["张三", "综合处"]])
    }

    @Test func refusesBytesOfNoKnownEncodingAndNamesTheLine() {
        // Line 3 is neither UTF-8 nor GB18030 (0xFF starts no character in either).
        let bytes = Array("a\n".utf8) + [0xD5, 0xC5, 10, 0xFF, 0xFF, 10]
        #expect(throws: CSVReader.Failure.undecodable(
            line: 3, message: "this line is not valid GB18030 (tried UTF-8, UTF-16 and GB18030); "
                + "save the file as UTF-8 CSV, or name its encoding with --encoding")) { try CSVReader.read(bytes) }
    }

    @Test func aForcedEncodingIsUsed() throws {
        // D6 D0 is "中" in GB18030 and not UTF-8: forcing GB18030 reads it, forcing UTF-8 names the line.
        let bytes: [UInt8] = [0xD6, 0xD0, 10]
        #expect(try CSVReader.read(bytes, encoding: .gb18030).map(\.fields) == [["中"]])
        #expect(throws: CSVReader.Failure.undecodable(line: 1, message: "the file is not valid UTF-8 text")) {
            try CSVReader.read(bytes, encoding: .utf8)
        }
    }

    @Test func refusesAnUnclosedQuote() {
        #expect(throws: CSVReader.Failure.unterminatedQuote(line: 2)) { try CSVReader.read(Array("a\n\"b\n".utf8)) }
    }
}
